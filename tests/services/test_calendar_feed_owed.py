"""The private feed carries what is owed: each deadline owed() lists, as an event with an alarm."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
import vobject
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coffeechat.services.calendars import feed_calendar
from coffeechat.services.chats import ChatPlan, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.debrief import HeldChat, record_held
from coffeechat.services.followups import add_follow_up, add_next_step, mark_sent
from coffeechat.services.outreach import log_outreach, record_reply
from coffeechat.services.outreach_timers import timers_for
from coffeechat.services.owed import owed, snooze
from coffeechat.store.models import Contact, FollowUp, Outreach
from tests.services.prefs import set_preferences

# A Monday at 10:00 in Berlin.
NOW = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
def me(alice, time_machine):
    time_machine.move_to(NOW, tick=False)
    set_preferences(alice, time_zone="Europe/Berlin")
    return alice


def person(owner, name: str = "Ada Lovelace") -> Contact:
    return add_contact(owner, ContactDetails(name=name))


def held_chat(owner, contact, ended_at: datetime):
    chat = plan_chat(owner, ChatPlan(contact, ended_at - timedelta(minutes=30)), allow_overlap=True)
    return record_held(owner, chat, HeldChat(ended_at - timedelta(minutes=30), ended_at), now=NOW)


def thank_you_of(owner, chat) -> FollowUp:
    return FollowUp.objects.for_owner(owner).get(chat=chat, kind=FollowUp.Kind.THANK_YOU)


def events_of(data: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_a_thank_you_owed_is_an_event_at_its_deadline_with_its_warning(me):
    chat = held_chat(me, person(me), NOW - timedelta(hours=2))
    due = thank_you_of(me, chat).due_at
    event = events_of(feed_calendar(me, now=NOW))[f"{chat.code}-thanks@coffeechat"]
    assert str(event["SUMMARY"]) == "Thank-you to Ada Lovelace due"
    assert event.end == due == NOW + timedelta(hours=22)
    assert str(event["TRANSP"]) == "TRANSPARENT"
    [alarm] = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm["TRIGGER"].dt == timedelta(hours=-3)


def test_my_dated_step_is_an_event_with_an_alarm_at_the_end_of_its_day(me):
    priya = person(me, "Priya Nair")
    step = add_next_step(me, priya, "Share my portfolio draft", due_on=date(2030, 1, 10))
    add_next_step(me, priya, "Read their report")  # undated: nothing to put in a calendar
    events = events_of(feed_calendar(me, now=NOW))
    event = events[f"step-{step.code}@coffeechat"]
    assert str(event["SUMMARY"]) == "Your step for Priya Nair: Share my portfolio draft"
    # A step is on time until its day is over in Berlin: 23:00 UTC.
    assert event.end == datetime(2030, 1, 10, 23, 0, tzinfo=UTC)
    [alarm] = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm["TRIGGER"].dt == timedelta(0)
    assert alarm["TRIGGER"].params["RELATED"] == "END"
    assert not any("Read their report" in str(e["SUMMARY"]) for e in events.values())


def test_a_request_waiting_is_an_event_at_its_timer(me):
    pedro = person(me, "Pedro Mwangi")
    request = log_outreach(
        me, pedro, "Would you have 20 minutes?", sent_at=NOW - timedelta(days=14)
    )
    [item] = owed(me, now=NOW).requests
    event = events_of(feed_calendar(me, now=NOW))[f"request-{request.code}@coffeechat"]
    summary = str(event["SUMMARY"])
    assert summary.startswith("Nudge Pedro Mwangi (no reply in ")
    assert summary.endswith(" business days)")
    assert event.end == item.due_at


def test_the_nudge_to_a_promise_of_theirs_is_an_event(me):
    ada = person(me)
    step = add_next_step(me, ada, "will introduce me to Bea", side="them", due_on=date(2030, 1, 3))
    nudge = add_follow_up(me, ada, "next_step", NOW + timedelta(hours=5))
    FollowUp.objects.filter(pk=nudge.pk).update(next_step=step)
    event = events_of(feed_calendar(me, now=NOW))[f"followup-{nudge.code}@coffeechat"]
    assert str(event["SUMMARY"]) == "Nudge Ada Lovelace: will introduce me to Bea"
    assert event.end == NOW + timedelta(hours=5)


def test_what_is_sent_snoozed_or_not_yet_owed_is_not_in_the_feed(me):
    ada, bea = person(me), person(me, "Bea Smith")
    sent = held_chat(me, ada, NOW - timedelta(hours=2))
    mark_sent(me, thank_you_of(me, sent), sent_at=NOW - timedelta(hours=1))
    snoozed = held_chat(me, bea, NOW - timedelta(hours=3))
    snooze(me, thank_you_of(me, snoozed), NOW + timedelta(days=1))
    planned = plan_chat(me, ChatPlan(ada, NOW + timedelta(days=2)))
    uids = set(events_of(feed_calendar(me, now=NOW)))
    assert f"{sent.code}-thanks@coffeechat" not in uids
    assert f"{snoozed.code}-thanks@coffeechat" not in uids
    # A planned chat is in the feed; its thank-you comes once the chat is held and it is owed.
    assert f"{planned.code}@coffeechat" in uids
    assert f"{planned.code}-thanks@coffeechat" not in uids


def test_the_feed_holds_what_owed_lists_and_nothing_more(me):
    ada, priya, pedro = person(me), person(me, "Priya Nair"), person(me, "Pedro Mwangi")
    chat = held_chat(me, ada, NOW - timedelta(hours=2))
    add_next_step(me, priya, "Share my portfolio draft", due_on=date(2030, 1, 10))
    add_next_step(me, priya, "Read their report")
    log_outreach(me, pedro, "Would you have 20 minutes?", sent_at=NOW - timedelta(days=14))
    events = events_of(feed_calendar(me, now=NOW))
    chat_events = {f"{chat.code}@coffeechat", f"{chat.code}-buffer@coffeechat"}
    deadlines = sorted(event.end for uid, event in events.items() if uid not in chat_events)
    owing = owed(me, now=NOW)
    listed = [*owing.thank_yous, *owing.next_steps, *owing.requests]
    assert sorted(item.due_at for item in listed if item.due_at is not None) == deadlines
    assert len(deadlines) == 3


def test_uids_stay_the_same_from_one_refresh_to_the_next(me):
    held_chat(me, person(me), NOW - timedelta(hours=2))
    add_next_step(me, person(me, "Priya Nair"), "Share my draft", due_on=date(2030, 1, 10))
    log_outreach(me, person(me, "Pedro"), "Twenty minutes?", sent_at=NOW - timedelta(days=14))
    first = set(events_of(feed_calendar(me, now=NOW)))
    second = set(events_of(feed_calendar(me, now=NOW + timedelta(hours=1))))
    assert first == second
    # The chat, its buffer, the thank-you, the step, the request.
    assert len(first) == 5


def test_vobject_reads_the_deadlines_and_their_alarms(me):
    held_chat(me, person(me), NOW - timedelta(hours=2))
    add_next_step(me, person(me, "Priya Nair"), "Share my draft", due_on=date(2030, 1, 10))
    calendar = vobject.readOne(feed_calendar(me, now=NOW).decode())
    steps = [e for e in calendar.vevent_list if e.summary.value.startswith("Your step for")]
    [step] = steps
    assert step.dtend.value == datetime(2030, 1, 10, 23, 0, tzinfo=UTC)
    [alarm] = step.valarm_list
    assert alarm.action.value == "DISPLAY"
    assert alarm.trigger.value == timedelta(0)
    thanks = [e for e in calendar.vevent_list if e.summary.value.startswith("Thank-you to")]
    assert [e.dtend.value for e in thanks] == [NOW + timedelta(hours=22)]


def test_each_deadline_links_to_its_page_when_the_feed_is_given_a_link(me):
    step = add_next_step(me, person(me, "Priya Nair"), "Share my draft", due_on=date(2030, 1, 10))

    def link(item) -> str:
        return f"https://coffee.example.com/steps/{item.step.code}/"

    event = events_of(feed_calendar(me, now=NOW, link=link))[f"step-{step.code}@coffeechat"]
    assert str(event["URL"]) == f"https://coffee.example.com/steps/{step.code}/"


def test_the_feed_runs_as_many_queries_for_many_deadlines_as_for_a_few(me):
    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            contact = person(me, f"Person {number}")
            held_chat(me, contact, NOW - timedelta(hours=2 + number))
            add_next_step(me, contact, "Send the article", due_on=date(2030, 1, 8))
            step = add_next_step(me, contact, "will introduce me", side="them")
            nudge = add_follow_up(me, contact, "next_step", NOW + timedelta(hours=5))
            FollowUp.objects.filter(pk=nudge.pk).update(next_step=step)
            log_outreach(me, contact, "Twenty minutes?", sent_at=NOW - timedelta(days=14))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            feed_calendar(me, now=NOW, link=lambda item: "https://coffee.example.com/")
        return len(captured.captured_queries)

    add(2, 0)
    queries()  # the first read closes nothing more on the second
    few = queries()
    add(12, 2)
    queries()
    assert queries() == few


def test_a_request_whose_second_person_is_due_says_where_to_look(me):
    pedro = add_contact(me, ContactDetails(name="Pedro Mwangi", organisation="Acme"))
    request = log_outreach(me, pedro, "Would you have 20 minutes?", sent_at=NOW - timedelta(days=7))
    [item] = owed(me, now=NOW).requests
    assert not item.request.nudge_due
    event = events_of(feed_calendar(me, now=NOW))[f"request-{request.code}@coffeechat"]
    summary = str(event["SUMMARY"])
    assert summary.startswith("Write to someone else at Acme (no reply from Pedro Mwangi in ")


def test_a_request_waiting_shows_its_next_timer_before_it_fires(me):
    pedro = person(me, "Pedro Mwangi")
    request = log_outreach(me, pedro, "Would you have 20 minutes?", sent_at=NOW - timedelta(days=1))
    event = events_of(feed_calendar(me, now=NOW))[f"request-{request.code}@coffeechat"]
    assert str(event["SUMMARY"]) == "No reply from Pedro Mwangi yet? Write to a second person"
    second = timers_for(me, request, NOW).second_contact_at
    assert event.end == second
    # Once the 3-day suggestion is acted on, the same event moves on to the 7-day nudge.
    later = events_of(feed_calendar(me, now=second + timedelta(hours=1)))
    summary = str(later[f"request-{request.code}@coffeechat"]["SUMMARY"])
    assert summary.startswith("Write to a second person (no reply from Pedro Mwangi")
    Outreach.objects.filter(pk=request.pk).update(
        status=Outreach.Status.MOVED_ON, moved_on_at=second + timedelta(hours=1)
    )
    moved = events_of(feed_calendar(me, now=second + timedelta(hours=2)))
    event = moved[f"request-{request.code}@coffeechat"]
    assert str(event["SUMMARY"]) == "No reply from Pedro Mwangi yet? Nudge them once"
    assert event.end == timers_for(me, request, NOW).nudge_at


def test_an_answered_request_has_no_coming_timer(me):
    request = log_outreach(me, person(me, "Pedro Mwangi"), "Hi?", sent_at=NOW - timedelta(days=1))
    record_reply(me, request)
    assert f"request-{request.code}@coffeechat" not in events_of(feed_calendar(me, now=NOW))
