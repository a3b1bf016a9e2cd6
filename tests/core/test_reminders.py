"""When reminders go out: the plan, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.reminders import (
    DIGEST,
    DUE,
    DUE_SOON,
    EMAIL,
    PUSH,
    RETRY_WAITS,
    Channels,
    Due,
    digest_moment,
    in_quiet_hours,
    plan,
    retry_wait,
    turn_starts,
)

LONDON = ZoneInfo("Europe/London")
ALL = Channels(LONDON, email_digest=True, email_due_soon=True, push=True, digest_hour=8)
# Wed 2 Dec 2026, 10:00 in London (GMT, so UTC too).
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def kinds(outgoing):
    return [(out.channel, out.kind, out.key) for out in outgoing]


def test_nothing_is_planned_when_no_channel_is_on():
    due = Due("followup-a", NOW - timedelta(hours=1), is_thank_you=True)
    assert plan([due], Channels(LONDON), NOW) == []


def test_the_digest_lists_what_is_due_by_tonight_once_the_hour_has_come():
    overdue = Due("step-a", NOW - timedelta(days=2))
    tonight = Due("step-b", datetime(2026, 12, 2, 23, 59, tzinfo=UTC))
    tomorrow = Due("step-c", NOW + timedelta(days=1))
    channels = Channels(LONDON, email_digest=True, digest_hour=8)
    [digest] = plan([tomorrow, tonight, overdue], channels, NOW)
    assert (digest.channel, digest.kind, digest.key) == (EMAIL, DIGEST, "digest-2026-12-02")
    assert [due.key for due in digest.items] == ["step-a", "step-b"]
    before = datetime(2026, 12, 2, 7, 59, tzinfo=UTC)
    assert plan([overdue], channels, before) == []


def test_an_empty_digest_is_planned_so_the_day_is_settled():
    [digest] = plan([], Channels(LONDON, email_digest=True), NOW)
    assert digest.items == ()


def test_the_digest_hour_is_the_users_own():
    tokyo = Channels(ZoneInfo("Asia/Tokyo"), email_digest=True, digest_hour=8)
    # 23:30 UTC on 1 Dec is 08:30 on 2 Dec in Tokyo.
    [digest] = plan([], tokyo, datetime(2026, 12, 1, 23, 30, tzinfo=UTC))
    assert digest.key == "digest-2026-12-02"


def test_a_day_whose_clocks_change_has_one_digest_even_at_a_skipped_hour():
    # On 29 Mar 2026 London's clocks jump from 01:00 to 02:00: 01:30 does not exist.
    channels = Channels(LONDON, email_digest=True, digest_hour=1)
    moment = digest_moment(datetime(2026, 3, 29).date(), channels)
    assert moment.astimezone(LONDON).hour == 2
    keys = set()
    start = datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
    for minutes in range(0, 24 * 60, 5):
        for out in plan([], channels, start + timedelta(minutes=minutes)):
            keys.add(out.key)
    assert keys == {"digest-2026-03-29"}
    # And on the day they go back, 01:00-02:00 happens twice: still one digest.
    keys = set()
    start = datetime(2026, 10, 24, 23, 0, tzinfo=UTC)
    for minutes in range(0, 25 * 60, 5):
        for out in plan([], channels, start + timedelta(minutes=minutes)):
            keys.add(out.key)
    assert keys == {"digest-2026-10-25"}


def test_a_thank_you_is_due_soon_three_hours_before_its_deadline():
    deadline = NOW + timedelta(hours=2)
    thanks = Due("followup-t", deadline, is_thank_you=True)
    outgoing = plan([thanks], ALL, NOW)
    assert (EMAIL, DUE_SOON) in [(out.channel, out.kind) for out in outgoing]
    assert (PUSH, DUE) in [(out.channel, out.kind) for out in outgoing]
    # Four hours ahead it is not yet its turn.
    early = plan([thanks], ALL, deadline - timedelta(hours=4))
    assert [out for out in early if out.kind != DIGEST] == []


def test_due_soon_stops_once_the_deadline_passed_but_the_push_may_still_go():
    thanks = Due("followup-t", NOW - timedelta(minutes=1), is_thank_you=True)
    outgoing = plan([thanks], ALL, NOW)
    assert [(out.channel, out.kind) for out in outgoing if out.kind != DIGEST] == [(PUSH, DUE)]


def test_a_step_is_pushed_on_its_day_at_the_digest_hour():
    end_of_day = datetime(2026, 12, 2, 23, 59, 59, tzinfo=UTC)
    step = Due("step-s", end_of_day)
    assert turn_starts(step, ALL) == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    pushes = [out for out in plan([step], ALL, NOW) if out.channel == PUSH]
    assert [out.key for out in pushes] == ["due-step-s@2026-12-02T08:00Z"]


def test_a_moment_earlier_than_the_digest_hour_is_its_own_turn():
    early = Due("request-r", datetime(2026, 12, 2, 6, 0, tzinfo=UTC))
    assert turn_starts(early, ALL) == early.due_at


def test_quiet_hours_hold_everything_but_the_digest_until_they_end():
    quiet = Channels(
        LONDON,
        email_digest=True,
        email_due_soon=True,
        push=True,
        digest_hour=8,
        quiet_from=7,
        quiet_until=11,
    )
    thanks = Due("followup-t", NOW + timedelta(hours=2), is_thank_you=True)
    assert [out.kind for out in plan([thanks], quiet, NOW)] == [DIGEST]
    later = datetime(2026, 12, 2, 11, 0, tzinfo=UTC)
    assert {out.kind for out in plan([thanks], quiet, later)} == {DIGEST, DUE_SOON, DUE}


def test_quiet_hours_may_run_past_midnight():
    channels = Channels(LONDON, quiet_from=22, quiet_until=7)
    at = lambda hour: datetime(2026, 12, 2, hour, 30, tzinfo=UTC)  # noqa: E731
    assert [in_quiet_hours(at(hour), channels) for hour in (21, 22, 23, 0, 6, 7)] == [
        False,
        True,
        True,
        True,
        True,
        False,
    ]
    assert not in_quiet_hours(at(3), Channels(LONDON, quiet_from=5, quiet_until=5))


def test_a_reminder_a_day_late_is_left_to_the_digest():
    old = Due("step-old", NOW - timedelta(days=3))
    assert [out for out in plan([old], ALL, NOW) if out.kind != DIGEST] == []


def test_a_snooze_starts_a_new_turn_with_its_own_key():
    step = Due("step-s", NOW - timedelta(days=3), snoozed_until=NOW - timedelta(minutes=5))
    [push] = [out for out in plan([step], ALL, NOW) if out.channel == PUSH]
    assert push.key == "due-step-s@2026-12-02T09:55Z"


def test_keys_do_not_change_between_runs():
    dues = [
        Due("followup-t", NOW + timedelta(hours=1), is_thank_you=True),
        Due("step-s", NOW + timedelta(hours=5)),
    ]
    first = kinds(plan(dues, ALL, NOW))
    assert first == kinds(plan(dues, ALL, NOW + timedelta(minutes=5)))


@given(
    offset=st.integers(min_value=-4 * 24 * 60, max_value=4 * 24 * 60),
    runs=st.lists(st.integers(min_value=0, max_value=3 * 24 * 60), min_size=1, max_size=30),
    thank_you=st.booleans(),
)
def test_every_run_plans_an_item_under_one_key_per_channel_and_kind(offset, runs, thank_you):
    due = Due("followup-x", NOW + timedelta(minutes=offset), is_thank_you=thank_you)
    keys: dict[tuple[str, str], set[str]] = {}
    for minutes in runs:
        for out in plan([due], ALL, NOW + timedelta(minutes=minutes)):
            if out.kind != DIGEST:
                keys.setdefault((out.channel, out.kind), set()).add(out.key)
    assert all(len(found) == 1 for found in keys.values())


def test_retries_wait_longer_each_time_up_to_the_last_wait():
    waits = [retry_wait(attempt) for attempt in range(1, 8)]
    assert waits == sorted(waits)
    assert waits[0] == RETRY_WAITS[0] and waits[-1] == RETRY_WAITS[-1]
