"""What we write as iCalendar, read back by two independent parsers: vobject and icalendar."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from coffeechat.services.calendars import chat_calendar, feed_calendar, write_ics
from coffeechat.services.chats import ChatPlan, cancel_chat, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.errors import InvalidInput, NotFound
from coffeechat.services.followups import add_follow_up
from coffeechat.store.models import FollowUp
from tests.services.prefs import set_preferences

START = datetime(2026, 3, 27, 13, 0, tzinfo=UTC)  # 13:00 UTC: 14:00 in Berlin, a Friday
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def chat(alice):
    set_preferences(alice, time_zone="Europe/Berlin", wrapup_minutes=5)
    ada = add_contact(alice, ContactDetails(name="Ada Lovelace"))
    plan = ChatPlan(ada, START, 20, 15, medium="in_person", venue="Café Central")
    return plan_chat(alice, plan)


def by_uid(events) -> dict:
    return {str(event.uid.value): event for event in events}


def test_vobject_reads_the_chat_its_buffer_and_the_thank_you(alice, chat):
    calendar = vobject.readOne(chat_calendar(alice, chat, now=NOW).decode())
    events = by_uid(calendar.vevent_list)
    code = chat.code
    assert set(events) == {
        f"{code}@coffeechat",
        f"{code}-buffer@coffeechat",
        f"{code}-thanks@coffeechat",
    }
    main = events[f"{code}@coffeechat"]
    assert main.summary.value == "Coffee chat with Ada Lovelace"
    # The agreed start and end, as instants.
    assert main.dtstart.value == START
    assert main.dtend.value == START + timedelta(minutes=20)
    assert main.location.value == "Café Central"
    assert main.transp.value == "OPAQUE"
    buffer = events[f"{code}-buffer@coffeechat"]
    assert buffer.summary.value == "Buffer after chat with Ada Lovelace"
    assert buffer.transp.value == "OPAQUE"
    assert (buffer.dtstart.value, buffer.dtend.value) == (
        START + timedelta(minutes=20),
        START + timedelta(minutes=35),
    )
    thanks = events[f"{code}-thanks@coffeechat"]
    assert thanks.dtend.value == START + timedelta(minutes=20) + timedelta(hours=24)
    assert thanks.transp.value == "TRANSPARENT"


def test_times_are_written_as_utc_instants_that_need_no_time_zone_table(alice, chat):
    data = chat_calendar(alice, chat, now=NOW).decode()
    # 14:00 in Berlin is written as 13:00 UTC; each calendar app shows it in its own zone.
    assert "DTSTART:20260327T130000Z" in data
    assert "VTIMEZONE" not in data


@pytest.mark.parametrize("days_later", [0, 3, 220])
def test_both_parsers_place_chats_on_either_side_of_a_clock_change_at_the_same_instant(
    alice, chat, days_later
):
    # 14:00 in Berlin on 27 March (winter time), 30 March and 2 November (summer time).
    starts_at = datetime(2026, 3, 27, 14, 0, tzinfo=ZoneInfo("Europe/Berlin")) + timedelta(
        days=days_later
    )
    later = plan_chat(alice, ChatPlan(chat.contact, starts_at), allow_overlap=True)
    data = chat_calendar(alice, later, now=NOW)
    uid = f"{later.code}@coffeechat"
    read_by_vobject = by_uid(vobject.readOne(data.decode()).vevent_list)[uid].dtstart.value
    read_by_icalendar = next(
        e for e in icalendar.Calendar.from_ical(data).walk("VEVENT") if str(e["UID"]) == uid
    ).start
    assert read_by_vobject == read_by_icalendar == starts_at
    assert read_by_vobject.astimezone(ZoneInfo("Europe/Berlin")).hour == 14


def test_vobject_reads_the_three_alarms(alice, chat):
    calendar = vobject.readOne(chat_calendar(alice, chat, now=NOW).decode())
    main = by_uid(calendar.vevent_list)[f"{chat.code}@coffeechat"]
    alarms = {str(alarm.uid.value): alarm for alarm in main.valarm_list}
    prep = alarms[f"{chat.code}-prep@coffeechat"]
    assert prep.trigger.value == timedelta(days=-1)
    assert prep.action.value == "DISPLAY"
    wrapup = alarms[f"{chat.code}-wrapup@coffeechat"]
    assert wrapup.trigger.value == timedelta(minutes=-5)
    assert wrapup.trigger.params["RELATED"] == ["END"]
    fallback = alarms[f"{chat.code}-wrapup-at@coffeechat"]
    # vobject turns VALUE=DATE-TIME into the value's type: a moment, not a duration.
    assert fallback.trigger.value == START + timedelta(minutes=15)
    assert "make your Ask" in wrapup.description.value


def test_a_one_minute_wrap_up_cue_says_one_minute(alice, chat):
    set_preferences(alice, time_zone="Europe/Berlin", wrapup_minutes=1)
    calendar = vobject.readOne(chat_calendar(alice, chat, now=NOW).decode())
    main = by_uid(calendar.vevent_list)[f"{chat.code}@coffeechat"]
    alarms = {str(alarm.uid.value): alarm for alarm in main.valarm_list}
    cue = alarms[f"{chat.code}-wrapup@coffeechat"].description.value
    assert cue.startswith("1 minute left with Ada Lovelace")


def test_icalendar_reads_the_same_alarms_and_deadline(alice, chat):
    data = chat_calendar(alice, chat, now=NOW)
    assert b"TRIGGER;RELATED=END:-PT5M" in data
    assert b"TRIGGER;VALUE=DATE-TIME:20260327T131500Z" in data
    calendar = icalendar.Calendar.from_ical(data)
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    main = events[f"{chat.code}@coffeechat"]
    assert main.start == START
    assert main.end == START + timedelta(minutes=20)
    triggers = [alarm["TRIGGER"] for alarm in main.walk("VALARM")]
    assert [t.dt for t in triggers] == [
        timedelta(days=-1),
        timedelta(minutes=-5),
        START + timedelta(minutes=15),
    ]
    assert triggers[1].params["RELATED"] == "END"
    thanks = events[f"{chat.code}-thanks@coffeechat"]
    assert thanks.end == START + timedelta(hours=24, minutes=20)
    [warning] = thanks.walk("VALARM")
    assert warning["TRIGGER"].dt == timedelta(hours=-3)


def test_the_uid_stays_the_same_from_one_export_to_the_next(alice, chat):
    first = icalendar.Calendar.from_ical(chat_calendar(alice, chat, now=NOW))
    second = icalendar.Calendar.from_ical(chat_calendar(alice, chat, now=NOW + timedelta(days=1)))
    assert [str(e["UID"]) for e in first.walk("VEVENT")] == [
        str(e["UID"]) for e in second.walk("VEVENT")
    ]


def test_a_cancelled_chat_is_sent_as_cancelled_without_alarms(alice, chat):
    cancel_chat(alice, chat, "They are ill")
    calendar = vobject.readOne(chat_calendar(alice, chat, now=NOW).decode())
    events = calendar.vevent_list
    assert {event.status.value for event in events} == {"CANCELLED"}
    assert all(not getattr(event, "valarm_list", []) for event in events)


def test_a_chat_without_a_buffer_has_no_buffer_event(alice, chat):
    short = plan_chat(alice, ChatPlan(chat.contact, START + timedelta(days=2), 20, 0))
    calendar = vobject.readOne(chat_calendar(alice, short, now=NOW).decode())
    assert f"{short.code}-buffer@coffeechat" not in by_uid(calendar.vevent_list)


def test_another_users_chat_is_not_exported(bob, chat):
    with pytest.raises(NotFound):
        chat_calendar(bob, chat)


def test_the_feed_holds_every_chat_and_asks_to_be_refreshed(alice, chat):
    plan_chat(alice, ChatPlan(chat.contact, START + timedelta(days=7)))
    plan_chat(alice, ChatPlan(chat.contact, START - timedelta(days=3 * 365)))
    calendar = vobject.readOne(feed_calendar(alice, now=NOW).decode())
    summaries = [event.summary.value for event in calendar.vevent_list]
    assert summaries.count("Coffee chat with Ada Lovelace") == 3
    assert calendar.x_wr_calname.value == "coffeechat: my chats"


def test_the_export_writes_text_that_both_parsers_read(alice, chat):
    out = io.StringIO()
    assert write_ics(alice, out, now=NOW) == {"chats": 1}
    text = out.getvalue()
    assert len(vobject.readOne(text).vevent_list) == 3
    assert len(icalendar.Calendar.from_ical(text).walk("VEVENT")) == 3


# One odd row (a chat an older coffeechat let through in year 9999, say) never breaks the feed,
# the downloads or `coffeechat export ics`: it is left out, and counted.

END_OF_TIME = [
    datetime(9999, 12, 31, 23, 30, tzinfo=UTC),
    datetime(9999, 12, 31, 12, 0, tzinfo=UTC),
    datetime(1, 1, 1, tzinfo=UTC),
]


def stored_at(chat, starts_at: datetime) -> None:
    """Put a chat where the forms no longer let one go, as an older database may hold it."""
    type(chat).objects.filter(pk=chat.pk).update(starts_at=starts_at)
    chat.refresh_from_db()


@pytest.fixture
def odd(alice, chat):
    other = plan_chat(alice, ChatPlan(chat.contact, START + timedelta(days=7)))
    return other


@pytest.mark.parametrize("moment", END_OF_TIME)
def test_the_feed_and_the_export_leave_out_a_chat_at_the_end_of_time(alice, chat, odd, moment):
    stored_at(odd, moment)
    calendar = vobject.readOne(feed_calendar(alice, now=NOW).decode())
    # A planned chat's thank-you joins the feed once it is owed (docs/calendar.md).
    assert {str(event.uid.value) for event in calendar.vevent_list} == {
        f"{chat.code}@coffeechat",
        f"{chat.code}-buffer@coffeechat",
    }
    out = io.StringIO()
    assert write_ics(alice, out, now=NOW) == {"chats": 1, "skipped": 1}
    assert len(icalendar.Calendar.from_ical(out.getvalue()).walk("VEVENT")) == 3


@pytest.mark.parametrize("moment", END_OF_TIME)
def test_downloading_a_chat_at_the_end_of_time_is_refused_plainly(alice, odd, moment):
    stored_at(odd, moment)
    with pytest.raises(InvalidInput, match="outside the days coffeechat keeps") as refused:
        chat_calendar(alice, odd, now=NOW)
    assert "Change its date" in refused.value.message


def test_a_thank_you_due_at_the_end_of_time_leaves_its_chat_out(alice, chat):
    thanks = add_follow_up(alice, chat.contact, "thank_you", START + timedelta(days=1), chat=chat)
    FollowUp.objects.filter(pk=thanks.pk).update(due_at=datetime(9999, 12, 31, 23, tzinfo=UTC))
    out = io.StringIO()
    assert write_ics(alice, out, now=NOW) == {"chats": 0, "skipped": 1}


def test_a_thank_you_owed_at_the_end_of_time_is_left_out_of_the_feed(alice, chat):
    thanks = add_follow_up(alice, chat.contact, "thank_you", START + timedelta(days=1), chat=chat)
    FollowUp.objects.filter(pk=thanks.pk).update(due_at=datetime(9999, 12, 31, 23, tzinfo=UTC))
    data = feed_calendar(alice, now=NOW).decode()
    assert "-thanks@coffeechat" not in data


def test_only_a_web_address_becomes_the_events_url(alice, chat):
    type(chat).objects.filter(pk=chat.pk).update(link="javascript:alert(1)", medium="video")
    text = chat_calendar(alice, chat, now=NOW).decode()
    assert "URL:" not in text
    type(chat).objects.filter(pk=chat.pk).update(link="https://meet.example.com/ada")
    assert "URL:https://meet.example.com/ada" in chat_calendar(alice, chat, now=NOW).decode()
