"""A reminder's "snooze a day" link: works once, for one item of one user, for a week."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from django.core import signing

from coffeechat.services import snooze_links
from coffeechat.services.accounts import create_user
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.errors import InvalidInput, NotFound
from coffeechat.services.followups import add_follow_up, add_next_step, mark_sent
from coffeechat.services.snooze_links import (
    SNOOZE_FOR,
    SNOOZE_LINK_DAYS,
    SnoozeLinkExpired,
    SnoozeLinkInvalid,
    SnoozeLinkUsed,
    issue_snooze_link,
    read_snooze_link,
    snooze_link_path,
    use_snooze_link,
)
from coffeechat.store.models import FollowUp, NextStep, SnoozeLink
from tests.cli.owed_kinds import MORNING
from tests.services.prefs import set_preferences

INVALID = "This snooze link is not valid: it may have been cut short when copied."


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(MORNING, tick=False)
    return time_machine


@pytest.fixture
def me(alice, clock):
    set_preferences(alice, time_zone="Europe/Berlin")
    return alice


def thank_you(owner, name: str = "Ana Lima") -> FollowUp:
    contact = add_contact(owner, ContactDetails(name=name))
    return add_follow_up(owner, contact, "thank_you", MORNING + timedelta(hours=3))


def link_for(owner, follow_up: FollowUp) -> str:
    return issue_snooze_link(owner, f"followup-{follow_up.code}")


def snoozed_until(follow_up: FollowUp):
    return FollowUp.objects.get(pk=follow_up.pk).snoozed_until


def test_a_link_names_its_item_and_snoozes_it_for_a_day_from_the_click(me, clock):
    follow_up = thank_you(me)
    token = link_for(me, follow_up)
    assert read_snooze_link(token).what == "the thank-you to Ana Lima"
    assert read_snooze_link(token).expires == "Wed 16 Jan at 08:00"
    clock.move_to(MORNING + timedelta(hours=2), tick=False)
    outcome = use_snooze_link(token)
    assert outcome.until == MORNING + timedelta(hours=2) + SNOOZE_FOR
    assert outcome.time_zone == "Europe/Berlin"
    assert outcome.message == "Snoozed the thank-you to Ana Lima until Thu 10 Jan at 10:00."
    assert snoozed_until(follow_up) == outcome.until


def test_the_token_fits_in_an_address_as_it_is(me):
    token = link_for(me, thank_you(me))
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", token)
    assert snooze_link_path(token) == f"/r/snooze/{token}/"


def test_opening_the_link_does_not_snooze(me):
    follow_up = thank_you(me)
    token = link_for(me, follow_up)
    read_snooze_link(token)
    assert snoozed_until(follow_up) is None
    assert SnoozeLink.objects.get().used_at is None


def test_a_replayed_link_says_when_it_was_used_and_changes_nothing(me, clock):
    follow_up = thank_you(me)
    token = link_for(me, follow_up)
    use_snooze_link(token)
    clock.move_to(MORNING + timedelta(hours=5), tick=False)
    message = "Already snoozed on Wed 9 Jan at 08:00, until Thu 10 Jan at 08:00."
    with pytest.raises(SnoozeLinkUsed, match=message):
        use_snooze_link(token)
    with pytest.raises(SnoozeLinkUsed, match=message):
        read_snooze_link(token)
    assert snoozed_until(follow_up) == MORNING + SNOOZE_FOR


def altered(token: str, at: int) -> str:
    swapped = "A" if token[at] != "A" else "B"
    return token[:at] + swapped + token[at + 1 :]


def test_a_link_altered_by_one_character_or_cut_short_is_not_valid(me):
    follow_up = thank_you(me)
    token = link_for(me, follow_up)
    value, signature = token.split(".")
    # Every character of the code and of the signature counts.
    spoiled = [altered(token, at) for at in range(len(token)) if token[at] != "."]
    spoiled += [token[:-1], value, f"{value}.", "", "nonsense", f"{value}:{signature}"]
    for bad in spoiled:
        with pytest.raises(SnoozeLinkInvalid) as refused:
            use_snooze_link(bad)
        assert refused.value.message == INVALID
    assert isinstance(refused.value, NotFound)
    assert snoozed_until(follow_up) is None


def test_a_value_signed_for_something_else_is_not_a_snooze_link(me):
    token = link_for(me, thank_you(me))
    code = token.split(".")[0]
    for forged in (signing.Signer(sep=".").sign(code), signing.dumps(code)):
        with pytest.raises(SnoozeLinkInvalid):
            use_snooze_link(forged)


def test_an_expired_link_says_when_and_where_to_go_instead(me, clock):
    follow_up = thank_you(me)
    token = link_for(me, follow_up)
    clock.move_to(MORNING + timedelta(days=SNOOZE_LINK_DAYS), tick=False)
    message = "This snooze link expired on Wed 16 Jan; open coffeechat to snooze it there."
    with pytest.raises(SnoozeLinkExpired, match=message):
        read_snooze_link(token)
    with pytest.raises(SnoozeLinkExpired, match=message):
        use_snooze_link(token)
    assert snoozed_until(follow_up) is None


def test_a_link_long_expired_is_forgotten_when_new_ones_are_made(me, clock):
    old = link_for(me, thank_you(me))
    clock.move_to(MORNING + timedelta(days=SNOOZE_LINK_DAYS + 91), tick=False)
    link_for(me, thank_you(me, "Bea Smith"))
    with pytest.raises(SnoozeLinkInvalid):
        use_snooze_link(old)


def test_nobody_gets_a_link_to_another_users_item(me, bob):
    theirs = thank_you(bob, "Carl")
    with pytest.raises(NotFound):
        issue_snooze_link(me, f"followup-{theirs.code}")
    with pytest.raises(InvalidInput):
        issue_snooze_link(me, "followup-not-a-code")


def test_a_link_acts_for_its_owner_only_even_if_its_row_names_another_users_item(me, bob):
    theirs = thank_you(bob, "Carl")
    # The row a token names is bound to its owner: even a row that named someone else's item
    # (which issue_snooze_link refuses to make) snoozes nothing of theirs.
    token = link_for(me, thank_you(me))
    SnoozeLink.objects.update(item_key=f"followup-{theirs.code}")
    with pytest.raises(NotFound):
        use_snooze_link(token)
    assert snoozed_until(theirs) is None
    assert SnoozeLink.objects.get().used_at is None


def test_a_link_to_an_item_settled_meanwhile_says_so_and_stays_unused(me):
    follow_up = thank_you(me)
    token = link_for(me, follow_up)
    mark_sent(me, follow_up)
    with pytest.raises(InvalidInput, match="Nothing to snooze: the thank-you to Ana Lima was sent"):
        use_snooze_link(token)
    assert SnoozeLink.objects.get().used_at is None


def test_a_link_for_a_step_of_mine_puts_the_step_off(me):
    contact = add_contact(me, ContactDetails(name="Ana Lima"))
    step = add_next_step(me, contact, "Send the deck", due_on=MORNING.date())
    outcome = use_snooze_link(issue_snooze_link(me, f"step-{step.code}"))
    assert outcome.what == "your next step for Ana Lima (Send the deck)"
    assert NextStep.objects.get(pk=step.pk).snoozed_until == MORNING + SNOOZE_FOR


def test_two_clicks_at_once_snooze_once(me, monkeypatch):
    follow_up = thank_you(me)
    token = link_for(me, follow_up)
    check = snooze_links._refuse_spent
    clicks: list[str] = []

    def and_meanwhile(link, now, preferences):
        check(link, now, preferences)
        if not clicks:
            # The other click reads the link as unused too, and claims it first.
            clicks.append("other")
            use_snooze_link(token, now=MORNING)

    monkeypatch.setattr(snooze_links, "_refuse_spent", and_meanwhile)
    with pytest.raises(SnoozeLinkUsed):
        use_snooze_link(token, now=MORNING + timedelta(minutes=1))
    assert snoozed_until(follow_up) == MORNING + SNOOZE_FOR
    assert SnoozeLink.objects.get().used_at == MORNING


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_on_two_connections_snooze_once():
    from django.db import connections

    owner = create_user("racing")
    follow_up = thank_you(owner)
    token = link_for(owner, follow_up)
    start = threading.Barrier(2)
    answers: list[str] = []

    def click() -> None:
        start.wait()
        try:
            use_snooze_link(token)
            answers.append("snoozed")
        except SnoozeLinkUsed:
            answers.append("already")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == ["already", "snoozed"]
    assert snoozed_until(follow_up) is not None
