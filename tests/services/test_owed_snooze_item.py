"""Snoozing one owed item by its key (what a reminder's "snooze a day" link does), and the rule
for what is owed keeping snoozed steps and requests out until the snooze ends."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.errors import InvalidInput, NotFound
from coffeechat.services.followups import (
    add_follow_up,
    add_next_step,
    complete_next_step,
    mark_sent,
)
from coffeechat.services.nextsteps import add_step
from coffeechat.services.outreach import log_outreach, record_reply
from coffeechat.services.outreach_timers import due_outreach, start_nudge
from coffeechat.services.owed import describe_item, item_key, owed, snooze_item
from coffeechat.store.models import Contact, FollowUp, NextStep, Outreach
from tests.cli.owed_kinds import MORNING, SEVEN_DAYS_AGO
from tests.services.prefs import set_preferences

DAY = timedelta(days=1)
TOMORROW = MORNING + DAY
AFTER = TOMORROW + timedelta(seconds=1)


@pytest.fixture
def me(alice, time_machine):
    time_machine.move_to(MORNING, tick=False)
    set_preferences(alice, time_zone="Europe/Berlin")
    return alice


def person(owner, name: str = "Ana Lima", **details) -> Contact:
    return add_contact(owner, ContactDetails(name=name, **details))


def keys(items) -> set[str | None]:
    return {item_key(item) for item in items}


def test_a_snoozed_step_of_mine_leaves_the_list_for_the_day(me):
    step = add_next_step(me, person(me), "Send Ana the rubric", due_on=MORNING.date())
    key = f"step-{step.code}"
    assert keys(owed(me).next_steps) == {key}
    what = snooze_item(me, key, TOMORROW)
    assert what == "your next step for Ana Lima (Send Ana the rubric)"
    assert owed(me).next_steps == []
    assert keys(owed(me, now=AFTER).next_steps) == {key}


def test_a_snoozed_promise_of_theirs_waits_with_a_nudge_drafted_later(me):
    ana = person(me)
    step = add_next_step(me, ana, "Ana will write", side="them", due_on=date(2030, 1, 8))
    assert snooze_item(me, f"step-{step.code}", TOMORROW) == "Ana Lima's promise (Ana will write)"
    # A nudge about the promise, begun after the snooze: it waits with the promise.
    nudge = add_follow_up(me, ana, "next_step", MORNING)
    FollowUp.objects.filter(pk=nudge.pk).update(next_step=step)
    result = owed(me)
    assert result.intros == [] and result.next_steps == []
    assert [item.step for item in owed(me, now=AFTER).intros] == [step]


def test_snoozing_a_promise_puts_off_its_nudge_too(me):
    step = add_step(me, person(me), "Ana will write", side="them", due_on=date(2030, 1, 4))
    snooze_item(me, f"step-{step.code}", TOMORROW)
    assert FollowUp.objects.get(next_step=step).snoozed_until == TOMORROW
    assert owed(me).open_items == []


def test_a_snoozed_request_is_not_due_nor_is_its_nudge_listed(me):
    request = log_outreach(me, person(me), "Hello?", sent_at=SEVEN_DAYS_AGO)
    nudge = start_nudge(me, request)
    key = f"request-{request.code}"
    assert keys(owed(me).requests) == {key}
    assert snooze_item(me, key, TOMORROW) == "your request for a chat with Ana Lima"
    assert Outreach.objects.get(pk=request.pk).snoozed_until == TOMORROW
    assert FollowUp.objects.get(pk=nudge.pk).snoozed_until == TOMORROW
    assert owed(me).open_items == []
    assert due_outreach(me) == []
    assert keys(owed(me, now=AFTER).requests) == {key}


def test_a_nudge_begun_while_its_request_is_snoozed_waits_with_it(me):
    request = log_outreach(me, person(me), "Hello?", sent_at=SEVEN_DAYS_AGO)
    snooze_item(me, f"request-{request.code}", TOMORROW)
    start_nudge(me, request)
    assert owed(me).open_items == []


def test_a_follow_up_and_a_cadence_snooze_as_on_the_home_page(me):
    ana = person(me, keep_in_touch_days=30)
    thank_you = add_follow_up(me, ana, "thank_you", MORNING + timedelta(hours=3))
    assert snooze_item(me, f"followup-{thank_you.code}", TOMORROW) == "the thank-you to Ana Lima"
    assert FollowUp.objects.get(pk=thank_you.pk).snoozed_until == TOMORROW
    what = snooze_item(me, f"cadence-{ana.code}", TOMORROW)
    assert what == "the keep-in-touch reminders for Ana Lima"
    assert Contact.objects.get(pk=ana.pk).reminders_snoozed_until == TOMORROW


@pytest.mark.parametrize(
    "key",
    ["", "nonsense", "followup-", "followup-123", "chat-00000000-0000-0000-0000-000000000000"],
)
def test_a_malformed_key_is_refused(me, key):
    with pytest.raises(InvalidInput, match="not the name of anything"):
        snooze_item(me, key, TOMORROW)


def test_another_users_item_is_not_found_and_stays_as_it_was(me, bob):
    carl = person(bob, "Carl")
    step = add_next_step(bob, carl, "Call Carl")
    thank_you = add_follow_up(bob, carl, "thank_you", MORNING + timedelta(hours=3))
    for key in (f"step-{step.code}", f"followup-{thank_you.code}", f"cadence-{carl.code}"):
        with pytest.raises(NotFound):
            snooze_item(me, key, TOMORROW)
    assert NextStep.objects.get(pk=step.pk).snoozed_until is None
    assert FollowUp.objects.get(pk=thank_you.pk).snoozed_until is None
    assert Contact.objects.get(pk=carl.pk).reminders_snoozed_until is None


def test_an_item_owed_no_more_says_why(me):
    ana = person(me)
    sent = add_follow_up(me, ana, "thank_you", MORNING)
    mark_sent(me, sent)
    done = add_next_step(me, ana, "Send the deck")
    complete_next_step(me, done)
    answered = log_outreach(me, ana, "Hello?", sent_at=SEVEN_DAYS_AGO)
    record_reply(me, answered)
    for key, why in (
        (f"followup-{sent.code}", "the thank-you to Ana Lima was sent already"),
        (f"step-{done.code}", "is done already"),
        (f"request-{answered.code}", "Ana Lima answered your request already"),
    ):
        with pytest.raises(InvalidInput, match=why):
            snooze_item(me, key, TOMORROW)
        assert describe_item(me, key, settled_too=True)
    assert NextStep.objects.get(pk=done.pk).snoozed_until is None


def test_a_snooze_must_end_in_the_future(me):
    step = add_next_step(me, person(me), "Send the deck")
    with pytest.raises(InvalidInput, match="still to come"):
        snooze_item(me, f"step-{step.code}", MORNING - DAY)
