"""Reading busy time from iCalendar: how much work a repeating event may cost (core.ics)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil import rrule as dateutil_rrule

from coffeechat.core import ics
from coffeechat.core.calendar import Span
from coffeechat.core.ics import CalendarUnreadable, read_busy

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WINDOW = Span(NOW - timedelta(days=30), NOW + timedelta(days=180))
BERLIN = ZoneInfo("Europe/Berlin")


def event(rule: str, start: str, summary: str, uid: str, extra: tuple[str, ...]) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20260101T000000Z",
        f"DTSTART{start}",
        "DURATION:PT30M",
        f"RRULE:{rule}",
        f"SUMMARY:{summary}",
        *extra,
        "END:VEVENT",
    ]


def repeating(
    rule: str,
    start: str = ":20260301T090000Z",
    *,
    summary: str = "Tick",
    extra: tuple[str, ...] = (),
) -> bytes:
    """A calendar of one repeating event, about 200 bytes like the one in the report."""
    body = event(rule, start, summary, "tick@tests", extra)
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *body, "END:VCALENDAR", ""]).encode()


def refusal(data: bytes) -> str:
    with pytest.raises(CalendarUnreadable) as refused:
        read_busy(data, WINDOW, BERLIN)
    return str(refused.value)


@pytest.fixture
def months_walked(monkeypatch):
    """How many months the rule expansion (dateutil) has stepped into: the work, not the time."""
    walked: list[tuple[int, int]] = []
    rebuild = dateutil_rrule._iterinfo.rebuild

    def counted(self, year, month):
        walked.append((year, month))
        return rebuild(self, year, month)

    monkeypatch.setattr(dateutil_rrule._iterinfo, "rebuild", counted)
    return lambda: len(walked)


@pytest.mark.parametrize(
    ("rule", "how"),
    [
        ("FREQ=SECONDLY", "every second from 1 Mar 2026"),
        ("FREQ=MINUTELY;BYSECOND=0,10,20,30,40,50", "every minute from 1 Mar 2026"),
        ("FREQ=MINUTELY;INTERVAL=5", "every 5 minutes from 1 Mar 2026"),
    ],
)
def test_a_rule_that_repeats_too_often_is_refused_by_name_before_it_is_expanded(
    rule, how, months_walked
):
    message = refusal(repeating(rule))
    assert message.startswith(f"The event “Tick” repeats too often to read ({how}).")
    assert "Change or delete it in your calendar program" in message
    assert months_walked() == 0


def test_repeats_marked_free_count_as_work_too():
    # Not one of them is kept, so counting kept events alone never stops the expansion.
    data = repeating("FREQ=MINUTELY;INTERVAL=5", extra=("TRANSP:TRANSPARENT",))
    assert "“Tick” repeats too often to read" in refusal(data)


def test_a_rule_walked_from_long_ago_is_refused_by_name():
    # The expansion walks every day from the first one, long before the months it keeps.
    message = refusal(repeating("FREQ=DAILY", start=":10000101T090000Z"))
    assert "“Tick” repeats too often to read (every day from 1 Jan 1000)" in message


def test_an_event_listing_too_many_dates_is_refused_by_name(monkeypatch):
    monkeypatch.setattr(ics, "MAX_EXPANDED", 100)
    dates = ",".join(
        f"202603{day:02d}T{hour:02d}0000Z" for day in range(1, 29) for hour in range(8, 14)
    )
    message = refusal(repeating("FREQ=YEARLY;COUNT=1", extra=(f"RDATE:{dates}",)))
    assert "“Tick” repeats too often to read (on 168 dates)" in message


def test_an_event_without_a_title_is_named_by_what_it_is():
    message = refusal(repeating("FREQ=SECONDLY", summary=""))
    assert message.startswith("An event without a title repeats too often to read")


def test_many_repeating_events_that_cost_too_much_together_are_refused():
    events = [
        line
        for number in range(10)
        for line in event("FREQ=HOURLY", ":20260301T090000Z", f"Tick {number}", f"{number}@t", ())
    ]
    data = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *events, "END:VCALENDAR", ""])
    message = refusal(data.encode())
    assert message.startswith("The calendar's repeating events are too many to read together")


def test_an_interval_of_zero_is_refused_instead_of_repeating_for_ever():
    message = refusal(repeating("FREQ=YEARLY;INTERVAL=0"))
    assert message.startswith("The calendar is damaged: the event “Tick” repeats every 0 years.")


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30;COUNT=3",
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;UNTIL=99991231T000000Z",
        "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30",
    ],
)
def test_a_rule_that_never_lands_is_left_out_not_walked_to_the_year_9999(rule, months_walked):
    events = read_busy(repeating(rule), WINDOW, BERLIN)
    # The first occurrence is the event's own start; the rule adds none (30 February).
    assert [event.starts_at for event in events] == [datetime(2026, 3, 1, 9, 0, tzinfo=UTC)]
    assert months_walked() < 24  # not every month until the year 9999


def test_a_rule_that_never_lands_leaves_the_events_other_rule_alone():
    data = repeating("FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31", extra=("RRULE:FREQ=MONTHLY",))
    starts = [event.starts_at.day for event in read_busy(data, WINDOW, BERLIN)]
    assert starts == [1] * 6  # 1 March to 1 August, the 1st of each month


@pytest.mark.parametrize(
    ("rule", "how"),
    [
        ("FREQ=DAILY;BYSETPOS=2", "every day"),  # the second of one candidate a day
        ("FREQ=MONTHLY;BYDAY=6MO", "every month"),  # no month has six Mondays
        ("FREQ=WEEKLY;BYWEEKNO=1;BYMONTH=6", "every week"),  # week 1 is never in June
    ],
)
def test_a_rule_that_may_never_come_round_again_is_refused_by_name(rule, how, months_walked):
    message = refusal(repeating(rule))
    assert f"“Tick” may never come round again ({how} from 1 Mar 2026)" in message
    assert months_walked() == 0  # refused before anything was expanded


def test_the_last_weekday_of_each_month_is_read():
    # How Outlook writes it: of the weekdays of each month, the last one.
    data = repeating("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", start=":20260331T090000Z")
    days = [event.starts_at.date().isoformat() for event in read_busy(data, WINDOW, BERLIN)]
    assert days == ["2026-03-31", "2026-04-30", "2026-05-29", "2026-06-30", "2026-07-31"]


@pytest.mark.parametrize(
    ("start", "zone"),
    [
        (":20260301T090000Z", UTC),
        (";TZID=Europe/Berlin:20260301T100000", BERLIN),
        (":20260301T100000", BERLIN),  # floating: read in the user's zone
        (";VALUE=DATE:20260301", BERLIN),
    ],
)
def test_a_weekly_rule_keeps_its_time_through_the_window_however_it_starts(start, zone):
    events = read_busy(repeating("FREQ=WEEKLY", start=start), WINDOW, BERLIN)
    starts = [event.starts_at.astimezone(zone) for event in events]
    assert starts[0].date().isoformat() == "2026-03-01"
    assert starts[-1].date().isoformat() == "2026-08-23"
    assert len(starts) == 26
    assert len({(moment.hour, moment.minute) for moment in starts}) == 1  # its own time, weekly


def test_a_rule_until_the_end_of_time_is_read_in_a_zone_west_of_utc():
    data = repeating("FREQ=WEEKLY;UNTIL=99991231T235959", start=":20260301T100000")
    assert len(read_busy(data, WINDOW, ZoneInfo("America/New_York"))) == 26


@pytest.mark.parametrize(
    ("rule", "count"),
    [
        ("FREQ=DAILY;COUNT=3", 3),
        ("FREQ=WEEKLY;BYDAY=SU;COUNT=3", 3),
        ("FREQ=WEEKLY;COUNT=1000", 26),  # more than the window holds
        ("FREQ=DAILY;COUNT=1000", 181),
    ],
)
def test_a_counted_rule_keeps_its_count(rule, count):
    assert len(read_busy(repeating(rule), WINDOW, BERLIN)) == count


def test_an_event_repeating_daily_for_decades_is_read():
    events = read_busy(repeating("FREQ=DAILY", start=":19700105T090000Z"), WINDOW, BERLIN)
    assert len(events) == 210  # every day of the window, its first included
