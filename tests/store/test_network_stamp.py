"""The network stamp (store.stamps): triggers move it whenever what the referral graph is built
from changes, and only then; after a migrate, SQLite's triggers are the ones the code names."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from coffeechat.services.accounts import delete_account
from coffeechat.services.chats import ChatPlan, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.network import add_opportunity, add_referral, network_of
from coffeechat.store import stamps
from coffeechat.store.models import Chat, Contact, NetworkStamp, Opportunity, Referral

START = datetime(2030, 1, 7, 10, tzinfo=UTC)


@pytest.fixture
def network(alice):
    """Ada referred Bea in a chat; Cy stands alone; the stamp exists."""
    ada, bea, cy = (add_contact(alice, ContactDetails(name=name)) for name in ("Ada", "Bea", "Cy"))
    chat = plan_chat(alice, ChatPlan(ada, START))
    add_referral(alice, ada, bea, chat=chat)
    add_opportunity(alice, bea, "lead", "Editor", arose_on=date(2030, 2, 1))
    stamps.network_token(alice)
    return ada, bea, cy, chat


def _token(owner) -> int:
    return NetworkStamp.objects.get(owner=owner).token


def _rename(ada, bea, cy, chat):
    Contact.objects.filter(pk=ada.pk).update(name="Ada L.")


def _added_earlier(ada, bea, cy, chat):
    Contact.objects.filter(pk=bea.pk).update(created_at=START - timedelta(days=9))


def _merged(ada, bea, cy, chat):
    Contact.objects.filter(pk=cy.pk).update(merged_into=ada)


def _merged_one_deleted(ada, bea, cy, chat):
    Contact.objects.filter(pk=cy.pk).update(merged_into=ada)
    stamps.network_token(ada.owner)  # the merge moved it; the delete must move it again
    before = _token(ada.owner)
    Contact.objects.filter(pk=cy.pk).delete()
    assert _token(ada.owner) != before


def _merged_one_added(ada, bea, cy, chat):
    Contact.objects.create(owner=ada.owner, name="Ada again", merged_into=ada)


def _referred(ada, bea, cy, chat):
    add_referral(ada.owner, bea, cy)


def _referral_moved(ada, bea, cy, chat):
    Referral.objects.filter(from_contact=ada).update(to_contact=cy)


def _referral_chat_dropped(ada, bea, cy, chat):
    Referral.objects.filter(from_contact=ada).update(chat=None)


def _referral_deleted(ada, bea, cy, chat):
    Referral.objects.filter(from_contact=ada).delete()


def _held(ada, bea, cy, chat):
    Chat.objects.filter(pk=chat.pk).update(status=Chat.Status.HELD)


def _held_chat_added(ada, bea, cy, chat):
    Chat.objects.create(owner=ada.owner, contact=cy, starts_at=START, status=Chat.Status.HELD)


def _held_chat_deleted(ada, bea, cy, chat):
    Chat.objects.filter(pk=chat.pk).update(status=Chat.Status.HELD)
    before = _token(ada.owner)
    Referral.objects.filter(chat=chat).update(chat=None)
    assert _token(ada.owner) != before
    before = _token(ada.owner)
    Chat.objects.filter(pk=chat.pk).delete()
    assert _token(ada.owner) != before


def _chat_moved(ada, bea, cy, chat):
    Chat.objects.filter(pk=chat.pk).update(starts_at=START + timedelta(days=1))


def _chat_begun(ada, bea, cy, chat):
    Chat.objects.filter(pk=chat.pk).update(actual_start=START + timedelta(minutes=3))


def _credited(ada, bea, cy, chat):
    add_opportunity(ada.owner, cy, "lead", "Writer", arose_on=date(2030, 2, 1))


def _credit_moved(ada, bea, cy, chat):
    Opportunity.objects.filter(contact=bea).update(contact=cy)


def _credit_deleted(ada, bea, cy, chat):
    Opportunity.objects.filter(contact=bea).delete()


@pytest.mark.parametrize(
    "change",
    [
        _rename,
        _added_earlier,
        _merged,
        _merged_one_deleted,
        _merged_one_added,
        _referred,
        _referral_moved,
        _referral_chat_dropped,
        _referral_deleted,
        _held,
        _held_chat_added,
        _held_chat_deleted,
        _chat_moved,
        _chat_begun,
        _credited,
        _credit_moved,
        _credit_deleted,
    ],
    ids=lambda change: change.__name__.strip("_"),
)
def test_what_the_network_is_built_from_moves_the_stamp(alice, network, change):
    before = _token(alice)
    change(*network)
    assert _token(alice) != before


def _saved_unchanged(ada, bea, cy, chat):
    Contact.objects.get(pk=ada.pk).save()
    Chat.objects.get(pk=chat.pk).save()
    Referral.objects.get(from_contact=ada).save()


def _other_fields(ada, bea, cy, chat):
    Contact.objects.filter(pk=ada.pk).update(role="Editor", emails=["ada@example.com"])
    Chat.objects.filter(pk=chat.pk).update(ask="An introduction to the desk editor")
    Referral.objects.filter(from_contact=ada).update(status="introduced", may_use_name=True)
    Opportunity.objects.filter(contact=bea).update(title="Senior editor")


def _someone_added(ada, bea, cy, chat):
    add_contact(ada.owner, ContactDetails(name="Dee"))


def _chat_planned(ada, bea, cy, chat):
    plan_chat(ada.owner, ChatPlan(cy, START + timedelta(days=3)))


@pytest.mark.parametrize(
    "change",
    [_saved_unchanged, _other_fields, _someone_added, _chat_planned],
    ids=lambda change: change.__name__.strip("_"),
)
def test_what_the_network_is_not_built_from_leaves_the_stamp(alice, network, change):
    before = _token(alice)
    change(*network)
    assert _token(alice) == before


def test_one_owners_change_leaves_anothers_stamp(alice, bob, network):
    stamps.network_token(bob)
    before = _token(bob)
    _referred(*network)
    assert _token(bob) == before


def test_the_stamp_is_made_on_the_first_read_and_kept_after(alice):
    assert not NetworkStamp.objects.filter(owner=alice).exists()
    token = stamps.network_token(alice)
    assert token is not None
    assert stamps.network_token(alice) == token == _token(alice)


def test_an_account_with_a_network_can_be_deleted(alice, bob, network):
    network_of(alice)
    delete_account(alice)
    assert not NetworkStamp.objects.filter(owner_id=alice.pk).exists()
    assert not Contact.objects.filter(owner_id=alice.pk).exists()
