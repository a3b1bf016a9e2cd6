"""The 3-and-7 timers of a request: business-day math with properties and real calendars."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.business_days import (
    WEEKENDS_ONLY,
    count_business_days,
    holiday_calendar,
)
from coffeechat.core.outreach_timers import Stage, Timers, outreach_timers

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
JERUSALEM = ZoneInfo("Asia/Jerusalem")
AUCKLAND = ZoneInfo("Pacific/Auckland")
ENGLAND = holiday_calendar("GB-ENG")
UNITED_STATES = holiday_calendar("US")
ISRAEL = holiday_calendar("IL")

calendars = st.sampled_from([WEEKENDS_ONLY, ENGLAND, UNITED_STATES, ISRAEL])
zones = st.sampled_from([UTC, LONDON, NEW_YORK, JERUSALEM, AUCKLAND])
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2050, 12, 31), timezones=st.just(UTC)
)
gaps = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=60))

# Stages in the order a request passes through them while nobody answers.
ORDER = [Stage.WAITING, Stage.TRY_SECOND, Stage.NUDGE_DUE, Stage.NUDGED, Stage.CLOSED]


# Properties


@given(moments, gaps, zones, calendars)
def test_the_three_day_moment_never_falls_on_a_weekend_or_holiday(sent, gap, tz, calendar):
    timers = outreach_timers(sent, sent + gap, tz=tz, calendar=calendar)
    assert timers.second_contact_at is not None and timers.nudge_at is not None
    assert calendar.is_business_day(timers.second_contact_at.date())
    assert calendar.is_business_day(timers.nudge_at.date())


@given(moments, gaps, zones, calendars, st.none() | gaps)
def test_the_second_person_comes_before_the_nudge_and_the_nudge_before_closing(
    sent, gap, tz, calendar, nudged_after
):
    nudged_at = None if nudged_after is None else sent + nudged_after
    timers = outreach_timers(sent, sent + gap, tz=tz, calendar=calendar, nudged_at=nudged_at)
    assert timers.second_contact_at is not None
    assert timers.nudge_at is not None and timers.close_at is not None
    assert sent <= timers.second_contact_at <= timers.nudge_at <= timers.close_at


@given(moments, zones, calendars)
def test_the_second_person_is_suggested_exactly_three_business_days_after_sending(
    sent, tz, calendar
):
    timers = outreach_timers(sent, sent, tz=tz, calendar=calendar)
    local = sent.astimezone(tz)
    assert count_business_days(local, timers.second_contact_at, calendar) == 3
    assert count_business_days(local, timers.nudge_at, calendar) == 7


@given(
    moments,
    st.lists(gaps, min_size=2, max_size=6),
    zones,
    calendars,
    st.booleans(),
    st.none() | gaps,
)
def test_the_stage_only_moves_forward_as_time_passes(
    sent, offsets, tz, calendar, moved_on, nudged_after
):
    nudged_at = None if nudged_after is None else sent + nudged_after
    seen = [
        outreach_timers(
            sent, sent + offset, tz=tz, calendar=calendar, moved_on=moved_on, nudged_at=nudged_at
        )
        for offset in sorted(offsets)
    ]
    ranks = [ORDER.index(timers.stage) for timers in seen]
    assert ranks == sorted(ranks)
    waited = [timers.waited for timers in seen]
    assert waited == sorted(waited)


@given(moments, gaps, zones, calendars, st.booleans(), st.none() | gaps, st.booleans())
def test_an_answer_always_wins(sent, gap, tz, calendar, moved_on, nudged_after, closed):
    nudged_at = None if nudged_after is None else sent + nudged_after
    timers = outreach_timers(
        sent,
        sent + gap,
        tz=tz,
        calendar=calendar,
        answered=True,
        moved_on=moved_on,
        nudged_at=nudged_at,
        closed=closed,
    )
    assert timers.stage == Stage.ANSWERED
    assert not timers.is_due


@given(moments, gaps, zones, calendars, st.booleans(), st.none() | gaps)
def test_something_is_due_exactly_when_the_stage_asks_for_it(
    sent, gap, tz, calendar, moved_on, nudged_after
):
    nudged_at = None if nudged_after is None else sent + nudged_after
    timers = outreach_timers(
        sent, sent + gap, tz=tz, calendar=calendar, moved_on=moved_on, nudged_at=nudged_at
    )
    assert timers.is_due == (timers.stage in (Stage.TRY_SECOND, Stage.NUDGE_DUE))
    if moved_on or nudged_at is not None:
        assert not timers.second_contact_due


# Worked examples with real calendars


def at(tz, *parts) -> datetime:
    return datetime(*parts, tzinfo=tz)


def moments_of(timers: Timers) -> tuple[datetime | None, ...]:
    return (timers.second_contact_at, timers.nudge_at, timers.close_at)


def test_christmas_and_new_year_in_england_do_not_count():
    # Wednesday 23 December 2026: Christmas (Fri), Boxing Day observed (Mon 28) and New Year's
    # Day (Fri 1 Jan) pass without counting.
    sent = at(LONDON, 2026, 12, 23, 10)
    timers = outreach_timers(sent, sent, tz=LONDON, calendar=ENGLAND)
    assert moments_of(timers) == (
        at(LONDON, 2026, 12, 30, 10),
        at(LONDON, 2027, 1, 6, 10),
        at(LONDON, 2027, 1, 15, 10),
    )
    # Without the holidays, the same request would prompt on Monday the 28th.
    plain = outreach_timers(sent, sent, tz=LONDON)
    assert plain.second_contact_at == at(LONDON, 2026, 12, 28, 10)


def test_thanksgiving_does_not_count_in_the_united_states():
    # Tuesday 24 November 2026; Thanksgiving is Thursday the 26th.
    sent = at(NEW_YORK, 2026, 11, 24, 9)
    timers = outreach_timers(sent, sent, tz=NEW_YORK, calendar=UNITED_STATES)
    assert timers.second_contact_at == at(NEW_YORK, 2026, 11, 30, 9)
    assert timers.nudge_at == at(NEW_YORK, 2026, 12, 4, 9)


def test_a_friday_evening_request_waits_over_the_weekend():
    sent = at(LONDON, 2026, 3, 6, 19)
    timers = outreach_timers(sent, sent, tz=LONDON)
    assert timers.second_contact_at == at(LONDON, 2026, 3, 11, 19)  # Wednesday
    assert timers.nudge_at == at(LONDON, 2026, 3, 17, 19)  # Tuesday


def test_a_saturday_request_starts_counting_on_monday_morning():
    sent = at(LONDON, 2026, 3, 7, 15)
    timers = outreach_timers(sent, sent, tz=LONDON)
    assert timers.second_contact_at == at(LONDON, 2026, 3, 12, 0)  # first thing on Thursday
    assert timers.nudge_at == at(LONDON, 2026, 3, 18, 0)


def test_a_friday_and_saturday_weekend_is_respected():
    # Israel rests on Friday and Saturday: Sunday is a working day.
    assert ISRAEL.weekend == frozenset({4, 5})
    sent = at(JERUSALEM, 2026, 6, 4, 10)  # a Thursday
    timers = outreach_timers(sent, sent, tz=JERUSALEM, calendar=ISRAEL)
    assert timers.second_contact_at == at(JERUSALEM, 2026, 6, 9, 10)  # Sun, Mon, Tue
    assert timers.nudge_at == at(JERUSALEM, 2026, 6, 15, 10)


def test_the_stages_of_a_request_nobody_answers():
    sent = at(LONDON, 2026, 3, 2, 9)  # a Monday

    def stage(*parts, **facts) -> Stage:
        return outreach_timers(sent, at(LONDON, *parts), tz=LONDON, **facts).stage

    assert stage(2026, 3, 5, 8, 59) == Stage.WAITING
    assert stage(2026, 3, 5, 9) == Stage.TRY_SECOND
    assert stage(2026, 3, 5, 9, moved_on=True) == Stage.WAITING
    assert stage(2026, 3, 11, 9) == Stage.NUDGE_DUE
    assert stage(2026, 3, 12, 9, nudged_at=at(LONDON, 2026, 3, 11, 12)) == Stage.NUDGED
    # Seven business days after the nudge went out, it closes quietly.
    assert stage(2026, 3, 20, 12, nudged_at=at(LONDON, 2026, 3, 11, 12)) == Stage.CLOSED
    # Never nudged: seven business days after the nudge came due.
    assert stage(2026, 3, 20, 8, 59) == Stage.NUDGE_DUE
    assert stage(2026, 3, 20, 9) == Stage.CLOSED


def test_what_is_due_and_what_comes_next():
    sent = at(LONDON, 2026, 3, 2, 9)
    early = outreach_timers(sent, at(LONDON, 2026, 3, 3, 9), tz=LONDON)
    assert (early.waited, early.next_at, early.is_due) == (1, at(LONDON, 2026, 3, 5, 9), False)
    both = outreach_timers(sent, at(LONDON, 2026, 3, 12, 9), tz=LONDON)
    assert (both.second_contact_due, both.nudge_due, both.waited) == (True, True, 8)
    assert both.next_at == both.close_at


def test_a_closed_request_counts_the_days_it_waited_until_it_closed():
    sent = at(LONDON, 2026, 3, 2, 9)
    timers = outreach_timers(sent, at(LONDON, 2026, 6, 1), tz=LONDON)
    assert (timers.stage, timers.waited, timers.next_at) == (Stage.CLOSED, 14, None)


def test_a_draft_runs_no_timer():
    assert outreach_timers(None, at(LONDON, 2026, 3, 2), tz=LONDON) == Timers(Stage.DRAFT)


def test_the_autumn_clock_change_never_steps_a_stage_back():
    # Israel works on Sundays and its clocks go back at 02:00 on Sunday 25 October 2026, so
    # 01:00 to 02:00 happens twice that night. A request sent at 01:30 on Tuesday the 20th is
    # three business days old at the first 01:30 on the 25th; the second 01:10 comes after it.
    sent = at(JERUSALEM, 2026, 10, 20, 1, 30)
    timers = outreach_timers(sent, sent, tz=JERUSALEM, calendar=ISRAEL)
    assert timers.second_contact_at == at(JERUSALEM, 2026, 10, 25, 1, 30)
    first = datetime(2026, 10, 24, 22, 0, tzinfo=UTC)  # 01:00, before the clocks go back
    stages = [
        outreach_timers(sent, first + timedelta(minutes=10 * step), tz=JERUSALEM, calendar=ISRAEL)
        for step in range(13)
    ]
    assert [timers.stage for timers in stages] == [Stage.WAITING] * 3 + [Stage.TRY_SECOND] * 10
