"""The 3-and-7 timers as a service: what is due, who to try next, the one nudge, closing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from coffeechat.core.business_days import WEEKENDS_ONLY
from coffeechat.core.outreach_timers import Stage
from coffeechat.services import thanks
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.errors import InvalidInput
from coffeechat.services.network import add_referral
from coffeechat.services.outreach import log_outreach, move_on, record_reply
from coffeechat.services.outreach_timers import (
    close_quietly,
    due_outreach,
    start_nudge,
    timers_for,
    upcoming_holidays,
)
from coffeechat.services.owed import owed
from coffeechat.services.preferences import holiday_calendar_for
from coffeechat.store.models import Contact, FollowUp, Outreach, Preferences
from tests.services.prefs import set_preferences

# Monday 2 March 2026, 09:00 in London (which is on GMT until the 29th).
SENT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECOND = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)  # Thursday: 3 business days
NUDGE = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)  # Wednesday: 7 business days
CLOSE = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)  # Friday: 7 more after the nudge came due


@pytest.fixture
def me(alice, time_machine):
    time_machine.move_to(SENT, tick=False)
    set_preferences(alice, time_zone="Europe/London", holiday_country="GB")
    return alice


@pytest.fixture
def clock(time_machine):
    def move(moment: datetime) -> datetime:
        time_machine.move_to(moment, tick=False)
        return moment

    return move


def person(owner, name: str, organisation: str = "Acme") -> Contact:
    return add_contact(owner, ContactDetails(name=name, organisation=organisation))


def request_to(owner, contact: Contact, sent_at: datetime = SENT, subject: str = "") -> Outreach:
    outreach = log_outreach(owner, contact, "Would you have 20 minutes?", sent_at=sent_at)
    if subject:
        Outreach.objects.filter(pk=outreach.pk).update(subject=subject)
        outreach.refresh_from_db()
    return outreach


def names(people) -> list[str]:
    return [contact.name for contact in people]


# The calendar


def test_the_calendar_comes_from_the_holiday_country(me):
    assert holiday_calendar_for(me).code == "GB"


def test_an_unknown_stored_country_counts_weekends_only(me):
    Preferences.objects.filter(owner=me).update(holiday_country="XX")
    assert holiday_calendar_for(me) == WEEKENDS_ONLY


def test_the_next_holidays_are_listed_with_their_names(me):
    calendar = holiday_calendar_for(me)
    assert upcoming_holidays(calendar, date(2026, 12, 1)) == [
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 26), "Boxing Day"),
        (date(2026, 12, 28), "Boxing Day (observed)"),
    ]
    assert upcoming_holidays(WEEKENDS_ONLY, date(2026, 12, 1)) == []


def test_timers_run_in_the_users_time_zone(alice, clock):
    clock(datetime(2026, 3, 7, 12, tzinfo=UTC))
    set_preferences(alice, time_zone="America/New_York")
    # Friday 6 March, 18:30 in New York but already 23:30 in London.
    outreach = request_to(alice, person(alice, "Ada"), datetime(2026, 3, 6, 23, 30, tzinfo=UTC))
    timers = timers_for(alice, outreach)
    # Wednesday 11 March at 18:30 in New York, which is on summer time by then (UTC-4).
    assert timers.second_contact_at == datetime(2026, 3, 11, 22, 30, tzinfo=UTC)
    assert timers.stage == Stage.WAITING


# What is due


def test_nothing_is_due_before_three_business_days(me, clock):
    request_to(me, person(me, "Ada"))
    person(me, "Bob")
    clock(SECOND - timedelta(minutes=1))
    assert due_outreach(me) == []


def test_after_three_business_days_it_suggests_others_at_the_organisation(me, clock):
    ada = person(me, "Ada")
    outreach = request_to(me, ada)
    # Added one hour apart, so Erin is the newest.
    added = {}
    for hour, name in enumerate(("Bob", "Carol", "Dan", "Erin", "Fay"), start=1):
        clock(SENT + timedelta(hours=hour))
        added[name] = person(me, name)
    carol, written = added["Carol"], added["Fay"]
    request_to(me, written, SENT + timedelta(minutes=30))
    person(me, "Gus", organisation="Elsewhere")
    add_referral(me, ada, carol)  # a name given to me: warm, so first
    clock(SECOND)
    [due] = due_outreach(me)
    assert due.outreach == outreach and due.second_contact_due and not due.nudge_due
    assert due.due_at == SECOND
    assert names(due.suggestions) == ["Carol", "Erin", "Dan"]
    assert due.organisation is not None and due.organisation.name == "Acme"


def test_merged_and_other_peoples_contacts_are_never_suggested(me, bob, clock):
    request_to(me, person(me, "Ada"))
    kept, merged = person(me, "Bob"), person(me, "Bobby")
    Contact.objects.filter(pk=merged.pk).update(merged_into=kept)
    person(bob, "Zed")  # bob's Acme is his own organisation
    clock(SECOND)
    [due] = due_outreach(me)
    assert names(due.suggestions) == ["Bob"]


def test_with_nobody_else_there_the_suggestion_is_to_find_someone(me, clock):
    request_to(me, person(me, "Ada"))
    loner = add_contact(me, ContactDetails(name="Lee"))
    request_to(me, loner)
    clock(SECOND)
    acme, nowhere = sorted(due_outreach(me), key=lambda due: due.contact.name)
    assert acme.suggestions == [] and acme.organisation is not None
    assert nowhere.suggestions == [] and nowhere.organisation is None


def test_moving_on_silences_the_suggestion_until_the_nudge(me, clock):
    outreach = request_to(me, person(me, "Ada"))
    clock(SECOND)
    move_on(me, outreach)
    assert due_outreach(me) == []
    clock(NUDGE)
    [due] = due_outreach(me)
    assert (due.second_contact_due, due.nudge_due, due.nudge) == (False, True, None)
    assert due.due_at == NUDGE


def test_an_answered_request_is_never_due(me, clock):
    outreach = request_to(me, person(me, "Ada"))
    clock(SENT + timedelta(days=1))
    record_reply(me, outreach)
    clock(NUDGE)
    assert due_outreach(me) == []
    assert timers_for(me, outreach).stage == Stage.ANSWERED


def test_public_holidays_do_not_count(me, clock):
    clock(datetime(2026, 12, 23, 10, tzinfo=UTC))
    request_to(me, person(me, "Ada"), datetime(2026, 12, 23, 10, tzinfo=UTC))
    clock(datetime(2026, 12, 29, 12, tzinfo=UTC))  # Christmas and Boxing Day pass
    assert due_outreach(me) == []
    clock(datetime(2026, 12, 30, 10, tzinfo=UTC))
    assert len(due_outreach(me)) == 1


def test_due_requests_take_the_same_queries_for_2_as_for_20(me, clock):
    def add(count: int, start: int) -> None:
        clock(SENT)
        for number in range(start, start + count):
            first = person(me, f"Ada {number}", organisation=f"Org {number}")
            person(me, f"Bob {number}", organisation=f"Org {number}")
            request_to(me, first)
            request_to(me, person(me, f"Lee {number}", organisation=""))
        clock(NUDGE)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            due_outreach(me)
        return len(captured.captured_queries)

    add(2, 0)
    few = queries()
    add(18, 2)
    assert queries() == few
    assert len(due_outreach(me)) == 40


def test_a_page_showing_a_few_due_requests_reads_only_those_and_counts_the_rest(me, clock):
    clock(SENT + timedelta(hours=10))
    for number in range(10):
        ada = person(me, f"Ada {number}", organisation=f"Org {number}")
        request_to(me, ada, sent_at=SENT + timedelta(hours=number))
    old = request_to(
        me, person(me, "Old", organisation="Org old"), sent_at=SENT - timedelta(days=30)
    )
    # The first four have their nudge due; the other six their second person only.
    clock(NUDGE + timedelta(hours=3, minutes=30))
    some = owed(me, rows=3)
    assert Outreach.objects.get(pk=old.pk).status == Outreach.Status.CLOSED
    full = owed(me)
    assert len(full.nudges) == 10
    shown = [item.request.outreach.pk for item in some.nudges if item.request]
    assert shown == [item.request.outreach.pk for item in full.nudges[:3] if item.request]
    assert [item.due_at for item in some.nudges] == [item.due_at for item in full.nudges[:3]]
    assert some.total("nudges") == 10 and len(some.requests_not_read) == 7
    assert some.overdue_count == len(full.overdue) == 10
    assert some.due_within_a_day_count == len(full.due_within_a_day)
    assert some.has_open_items and not some.is_empty

    built: list[Outreach] = []

    def count(sender, instance, **kwargs) -> None:
        built.append(instance)

    post_init.connect(count, sender=Outreach)
    try:
        owed(me, rows=3)
    finally:
        post_init.disconnect(count, sender=Outreach)
    # The three shown; the seven others only counted, not read in full.
    assert len(built) == 3


# The one nudge


def test_the_nudge_is_refused_before_it_is_due(me, clock):
    outreach = request_to(me, person(me, "Ada"))
    clock(NUDGE - timedelta(minutes=1))
    with pytest.raises(InvalidInput, match="The nudge is due on Wed 11 Mar: give them until then"):
        start_nudge(me, outreach)


def test_starting_the_nudge_makes_one_follow_up_and_reuses_it(me, clock):
    ada = person(me, "Ada")
    outreach = request_to(me, ada)
    clock(NUDGE)
    nudge = start_nudge(me, outreach)
    assert (nudge.kind, nudge.outreach, nudge.contact, nudge.due_at) == (
        FollowUp.Kind.OUTREACH_NUDGE,
        outreach,
        ada,
        NUDGE,
    )
    assert start_nudge(me, outreach) == nudge
    [due] = due_outreach(me)
    assert due.nudge == nudge


def test_the_nudge_refers_back_to_the_request_by_its_subject(me, clock):
    outreach = request_to(me, person(me, "Ada Lovelace"), subject="Your move into data work")
    clock(NUDGE)
    message = thanks.draft_for(me, start_nudge(me, outreach))
    assert message.subject == "Re: Your move into data work"
    assert message.body.startswith("Hi Ada,")
    assert "“Your move into data work”" in message.body


def test_a_request_without_a_subject_still_gets_a_readable_nudge(me, clock):
    outreach = request_to(me, person(me, "Ada Lovelace"))
    clock(NUDGE)
    message = thanks.draft_for(me, start_nudge(me, outreach))
    assert message.subject == "Following up, Ada"
    assert "titled" not in message.body


def test_sending_the_nudge_marks_the_request_nudged(me, clock):
    outreach = request_to(me, person(me, "Ada"))
    clock(NUDGE + timedelta(hours=2))
    nudge = start_nudge(me, outreach)
    thanks.mark_sent(me, nudge, "copy")
    outreach.refresh_from_db()
    assert (outreach.status, outreach.nudged_at) == (
        Outreach.Status.NUDGED,
        NUDGE + timedelta(hours=2),
    )
    assert due_outreach(me) == []
    with pytest.raises(InvalidInput, match="one nudge only"):
        start_nudge(me, outreach)


def test_a_dismissed_nudge_is_not_suggested_again(me, clock):
    outreach = request_to(me, person(me, "Ada"))
    clock(NUDGE)
    move_on(me, outreach)
    nudge = start_nudge(me, outreach)
    FollowUp.objects.filter(pk=nudge.pk).update(dismissed_at=NUDGE)
    assert due_outreach(me) == []
    assert owed(me).nudges == []


@pytest.mark.parametrize(
    ("answer", "message"),
    [("reply", "answered already"), ("close", "was closed")],
)
def test_no_nudge_for_an_answered_or_closed_request(me, clock, answer, message):
    outreach = request_to(me, person(me, "Ada"))
    clock(NUDGE)
    if answer == "reply":
        record_reply(me, outreach, accepted=False)
    else:
        clock(CLOSE)
        close_quietly(me)
        outreach.refresh_from_db()
    with pytest.raises(InvalidInput, match=message):
        start_nudge(me, outreach)


def test_nobody_nudges_about_someone_elses_request(me, bob, clock):
    outreach = request_to(bob, person(bob, "Ada"))
    clock(NUDGE)
    with pytest.raises(InvalidInput, match="not yours"):
        start_nudge(me, outreach)


# Closing quietly


def test_a_request_closes_quietly_at_the_end_of_its_wait(me, clock):
    outreach = request_to(me, person(me, "Ada"))
    answered = request_to(me, person(me, "Bea"))
    clock(NUDGE)
    nudge = start_nudge(me, outreach)
    record_reply(me, answered)
    clock(CLOSE - timedelta(minutes=1))
    assert close_quietly(me) == 0
    clock(CLOSE + timedelta(days=3))
    assert close_quietly(me) == 1
    outreach.refresh_from_db()
    assert (outreach.status, outreach.closed_at) == (Outreach.Status.CLOSED, CLOSE)
    nudge.refresh_from_db()
    assert nudge.dismissed_at is not None  # the unsent nudge goes with it
    answered.refresh_from_db()
    assert answered.status == Outreach.Status.REPLIED
    assert close_quietly(me) == 0


def test_after_the_nudge_went_out_it_closes_seven_business_days_later(me, clock):
    outreach = request_to(me, person(me, "Ada"))
    sent_nudge = datetime(2026, 3, 13, 9, tzinfo=UTC)  # Friday
    clock(sent_nudge)
    thanks.mark_sent(me, start_nudge(me, outreach), "elsewhere")
    clock(CLOSE)
    assert close_quietly(me) == 0
    clock(datetime(2026, 3, 24, 9, tzinfo=UTC))  # the Tuesday, 7 business days on
    assert close_quietly(me) == 1


def test_the_home_list_never_shows_a_closed_request(me, clock):
    request_to(me, person(me, "Ada"))
    clock(CLOSE)
    assert owed(me).nudges == []
    assert Outreach.objects.get().status == Outreach.Status.CLOSED


def test_owed_lists_each_due_request_once_with_its_nudge(me, clock):
    outreach = request_to(me, person(me, "Ada"))
    clock(NUDGE)
    nudge = start_nudge(me, outreach)
    [item] = owed(me).nudges
    assert (item.kind, item.follow_up, item.due_at) == ("outreach", nudge, NUDGE)
    assert item.request is not None and item.request.outreach == outreach
    assert item in owed(me).overdue or item.due_at == owed(me).now


# The suggestions, asked for the requests a page shows only


def test_settle_without_suggestions_leaves_them_for_suggest_people(me, clock):
    from coffeechat.services.outreach_timers import settle, suggest_people

    first = request_to(me, person(me, "Ada"))
    person(me, "Bea")
    request_to(me, person(me, "Lee", organisation="Solo"))
    clock(SECOND + timedelta(hours=1))
    bare = settle(me, suggest=False)
    assert [due.outreach for due in bare][0] == first
    assert all(due.suggestions == [] for due in bare)
    filled = suggest_people(me, bare)
    assert [names(due.suggestions) for due in filled] == [
        names(due.suggestions) for due in settle(me)
    ]
    assert names(filled[0].suggestions) == ["Bea"]


def test_owed_without_suggestions_fills_them_for_the_items_given(me, clock):
    from coffeechat.services.owed import owed, with_suggestions

    request_to(me, person(me, "Ada"))
    person(me, "Bea")
    clock(SECOND + timedelta(hours=1))
    bare = owed(me, suggest=False).nudges
    assert bare[0].request is not None and bare[0].request.suggestions == []
    filled = with_suggestions(me, bare)
    assert names(filled[0].request.suggestions) == ["Bea"]
