"""Deadlines of what is owed, written as events with an alarm: bounded, linked, read by both."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import vobject

from coffeechat.core.ics import MAX_DUE_EVENTS, DueEntry, thank_you_deadline, write_calendar

NOW = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


def step(number: int, **details) -> DueEntry:
    return DueEntry(
        f"step-{number}",
        f"Your step for Priya: step {number}",
        NOW + timedelta(hours=number),
        **details,
    )


def test_a_deadline_is_a_short_free_event_ending_at_it_with_an_alarm_then():
    data = write_calendar([], now=NOW, due=[step(1, description="Share my portfolio draft")])
    [event] = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert str(event["UID"]) == "step-1@coffeechat"
    assert event.end == NOW + timedelta(hours=1)
    assert event.start == NOW + timedelta(minutes=45)
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert str(event["DESCRIPTION"]) == "Share my portfolio draft"
    [alarm] = event.walk("VALARM")
    assert str(alarm["UID"]) == "step-1-alarm@coffeechat"
    assert str(alarm["DESCRIPTION"]) == "Your step for Priya: step 1"
    assert alarm["TRIGGER"].dt == timedelta(0)
    read = vobject.readOne(data.decode()).vevent
    assert read.dtend.value == NOW + timedelta(hours=1)
    assert read.valarm.trigger.value == timedelta(0)


def test_a_thank_you_deadline_warns_three_hours_ahead_like_the_chats_own():
    entry = thank_you_deadline("abc", "Ada Lovelace", NOW, "https://coffee.example.com/f/1/")
    [event] = icalendar.Calendar.from_ical(write_calendar([], now=NOW, due=[entry])).walk("VEVENT")
    assert str(event["UID"]) == "abc-thanks@coffeechat"
    assert str(event["SUMMARY"]) == "Thank-you to Ada Lovelace due"
    assert str(event["URL"]) == "https://coffee.example.com/f/1/"
    [alarm] = event.walk("VALARM")
    assert alarm["TRIGGER"].dt == timedelta(hours=-3)
    assert str(alarm["DESCRIPTION"]) == "Thank-you to Ada Lovelace is due in 3 hours."


def test_only_a_web_address_becomes_a_deadlines_url():
    data = write_calendar([], now=NOW, due=[step(1, url="javascript:alert(1)")])
    assert b"URL" not in data


def test_the_feed_keeps_at_most_its_bound_of_deadlines_soonest_first():
    due = [step(number) for number in range(MAX_DUE_EVENTS + 5)]
    events = icalendar.Calendar.from_ical(write_calendar([], now=NOW, due=due)).walk("VEVENT")
    assert len(events) == MAX_DUE_EVENTS
    assert str(events[0]["UID"]) == "step-0@coffeechat"


def test_a_deadline_outside_the_days_coffeechat_keeps_is_left_out():
    odd = DueEntry("step-9", "Your step for Priya", datetime(9999, 12, 31, 23, tzinfo=UTC))
    data = write_calendar([], now=NOW, due=[odd, step(1)])
    uids = [str(e["UID"]) for e in icalendar.Calendar.from_ical(data).walk("VEVENT")]
    assert uids == ["step-1@coffeechat"]
