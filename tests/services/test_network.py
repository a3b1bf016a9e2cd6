from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from coffeechat.services.chats import ChatPlan, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.errors import InvalidInput
from coffeechat.services.network import add_opportunity, add_referral


@pytest.fixture
def people(alice):
    return [add_contact(alice, ContactDetails(name=name)) for name in ("Ada", "Bea", "Cy")]


def test_a_referral_links_two_contacts_through_a_chat(alice, people):
    ada, bea, _ = people
    chat = plan_chat(alice, ChatPlan(ada, datetime(2030, 1, 7, 10, tzinfo=UTC)))
    referral = add_referral(alice, ada, bea, chat=chat, status="intro_asked", may_use_name=True)
    assert (referral.from_contact, referral.to_contact, referral.chat) == (ada, bea, chat)
    assert referral.status == "intro_asked"
    assert list(bea.referrals_received.all()) == [referral]


def test_a_referral_is_recorded_once_per_pair(alice, people):
    ada, bea, _ = people
    add_referral(alice, ada, bea)
    with pytest.raises(InvalidInput, match="already referred you to Bea"):
        add_referral(alice, ada, bea)
    assert add_referral(alice, bea, ada).pk  # the other direction is a different edge


def test_nobody_refers_you_to_themselves(alice, people):
    with pytest.raises(InvalidInput, match="themselves"):
        add_referral(alice, people[0], people[0])


def test_the_chat_of_a_referral_is_with_the_referrer(alice, people):
    ada, bea, cy = people
    chat = plan_chat(alice, ChatPlan(cy, datetime(2030, 1, 7, 10, tzinfo=UTC)))
    with pytest.raises(InvalidInput, match="not with Ada"):
        add_referral(alice, ada, bea, chat=chat)


def test_a_referral_needs_a_known_status(alice, people):
    with pytest.raises(InvalidInput, match="how far"):
        add_referral(alice, people[0], people[1], status="rumoured")


def test_a_referral_cannot_reach_into_someone_elses_network(alice, bob, people):
    carl = add_contact(bob, ContactDetails(name="Carl"))
    with pytest.raises(InvalidInput, match="not yours"):
        add_referral(alice, people[0], carl)


def test_an_opportunity_is_credited_to_a_contact(alice, people):
    found = add_opportunity(alice, people[0], "lead", "  Junior   role ", arose_on=date(2030, 1, 1))
    assert (found.title, found.contact, found.kind) == ("Junior role", people[0], "lead")


@pytest.mark.parametrize(
    ("kind", "title", "message"), [("lottery", "Win", "Choose lead"), ("lead", " ", "title")]
)
def test_it_refuses_an_opportunity_it_cannot_keep(alice, people, kind, title, message):
    with pytest.raises(InvalidInput, match=message):
        add_opportunity(alice, people[0], kind, title, arose_on=date(2030, 1, 1))
