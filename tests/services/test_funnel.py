from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coffeechat.core.funnel import Funnel, Stage, funnel_from, furthest_stage
from coffeechat.services.chats import ChatPlan, cancel_chat, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.debrief import HeldChat, record_held
from coffeechat.services.errors import InvalidInput
from coffeechat.services.funnel import (
    funnels,
    organisation_funnel,
    overall_funnel,
    target_funnels,
)
from coffeechat.services.merge import merge_contacts
from coffeechat.services.network import add_opportunity, add_referral
from coffeechat.services.outreach import log_outreach, record_reply
from coffeechat.services.targets import mark_target
from coffeechat.store.models import Chat, Contact, Opportunity, Organisation, Outreach, Referral

NOW = datetime(2030, 1, 9, 12, 0, tzinfo=UTC)
SENT = NOW - timedelta(days=20)


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def person(owner, name: str, organisation: str = "") -> Contact:
    return add_contact(owner, ContactDetails(name=name, organisation=organisation))


def organisation(owner, name: str) -> Organisation:
    return Organisation.objects.for_owner(owner).get(name=name)


def write(owner, contact: Contact, *, sent_at: datetime | None = SENT, reply: bool | None = None):
    outreach = log_outreach(owner, contact, "Could we talk?", sent_at=sent_at)
    if reply is not None:
        record_reply(owner, outreach, accepted=reply, replied_at=sent_at + timedelta(days=1))
    return outreach


def held_chat(owner, contact: Contact, starts_at: datetime, *, outreach=None):
    chat = plan_chat(owner, ChatPlan(contact, starts_at, 20, 0), allow_overlap=True)
    if outreach is not None:
        chat.outreach = outreach  # what the composer's "plan a chat" will record
        chat.save(update_fields=["outreach"])
    end = starts_at + timedelta(minutes=20)
    return record_held(owner, chat, HeldChat(starts_at, end), now=NOW)


def test_nobody_written_to_makes_an_empty_funnel(alice):
    person(alice, "Ada")
    write(alice, person(alice, "Grace"), sent_at=None)  # a draft does not count
    assert overall_funnel(alice) == Funnel.empty()


def test_each_person_counts_once_at_every_stage_up_to_their_furthest(alice):
    ada, grace, linus, tim, mary = (
        person(alice, name) for name in ("Ada", "Grace", "Linus", "Tim", "Mary")
    )
    write(alice, ada)
    write(alice, ada)  # a second request to the same person: still one person
    write(alice, grace, reply=False)
    linus_request = write(alice, linus, reply=True)
    held_chat(alice, linus, SENT + timedelta(days=3), outreach=linus_request)
    write(alice, tim, reply=True)
    tim_chat = held_chat(alice, tim, SENT + timedelta(days=4))
    add_referral(alice, tim, mary, chat=tim_chat)
    write(alice, mary)
    add_opportunity(alice, mary, "lead", "A role", arose_on=date(2030, 1, 2))
    # Mary's opportunity implies a reply, a chat and a referral that were never recorded.
    assert overall_funnel(alice).counts == (5, 4, 3, 2, 1)


def test_a_chat_before_the_first_request_does_not_count(alice):
    ada = person(alice, "Ada")
    held_chat(alice, ada, SENT - timedelta(days=30))
    write(alice, ada)
    assert overall_funnel(alice).counts == (1, 0, 0, 0, 0)


def test_only_held_chats_count(alice):
    ada = person(alice, "Ada")
    request = write(alice, ada, reply=True)
    chat = plan_chat(alice, ChatPlan(ada, NOW + timedelta(days=2), 20, 0))
    chat.outreach = request
    chat.save(update_fields=["outreach"])
    cancel_chat(alice, chat)
    assert overall_funnel(alice).counts == (1, 1, 0, 0, 0)


def test_merged_contacts_are_left_out_and_their_rows_count_for_the_survivor(alice):
    ada = person(alice, "Ada Lovelace")
    twin = person(alice, "Ada L.")
    write(alice, ada)
    write(alice, twin, reply=True)
    assert overall_funnel(alice).outreach == 2
    merge_contacts(alice, ada.code, twin.code, {})
    assert overall_funnel(alice).counts == (1, 1, 0, 0, 0)


def test_it_counts_only_the_owners_people(alice, bob):
    write(alice, person(alice, "Ada"), reply=True)
    write(bob, person(bob, "Bea"))
    write(bob, person(bob, "Cy"))
    assert overall_funnel(alice).counts == (1, 1, 0, 0, 0)
    assert overall_funnel(bob).counts == (2, 0, 0, 0, 0)


def test_targets_get_a_funnel_each_top_five_then_motivation_then_name(alice):
    for name, org in (("Ada", "Acme"), ("Bea", "Beta"), ("Cy", "Gamma"), ("Di", "Delta")):
        write(alice, person(alice, name, org), reply=True if name == "Bea" else None)
    person(alice, "Eve", "Epsilon")  # a target nobody was written to yet
    write(alice, person(alice, "Fay", "Not a target"))
    mark_target(alice, organisation(alice, "Acme"), motivation=1)
    mark_target(alice, organisation(alice, "Beta"), motivation=3)
    mark_target(alice, organisation(alice, "Gamma"), motivation=2, top_five=True)
    mark_target(alice, organisation(alice, "Delta"), motivation=3)
    mark_target(alice, organisation(alice, "Epsilon"), motivation=2)
    rows = target_funnels(alice)
    assert [row.organisation.name for row in rows] == ["Gamma", "Beta", "Delta", "Epsilon", "Acme"]
    assert [row.funnel.counts[:2] for row in rows] == [(1, 0), (1, 1), (1, 0), (0, 0), (1, 0)]
    # The overall funnel has everyone, at a target or not.
    assert overall_funnel(alice).outreach == 5
    # The page's one read of the people gives both, the same.
    assert funnels(alice) == (overall_funnel(alice), rows)


def test_no_targets_means_no_rows(alice):
    write(alice, person(alice, "Ada", "Acme"))
    assert target_funnels(alice) == []


def test_an_organisations_funnel_counts_its_people_only(alice):
    write(alice, person(alice, "Ada", "Acme"), reply=True)
    write(alice, person(alice, "Bea", "Acme"))
    write(alice, person(alice, "Cy", "Beta"), reply=True)
    assert organisation_funnel(alice, organisation(alice, "Acme")).counts == (2, 1, 0, 0, 0)


def test_another_users_organisation_is_refused(alice, bob):
    person(bob, "Bea", "Bob's org")
    with pytest.raises(InvalidInput):
        organisation_funnel(alice, organisation(bob, "Bob's org"))


def build(owner, size: int) -> None:
    for index in range(size):
        org = f"Org {index % 4}"
        contact = person(owner, f"Person {index}", org)
        request = write(owner, contact, reply=True if index % 2 == 0 else None)
        if index % 4 == 0:
            held_chat(owner, contact, SENT + timedelta(days=2, hours=index), outreach=request)
    for name in {f"Org {index % 4}" for index in range(size)}:
        mark_target(owner, organisation(owner, name), motivation=2)


@pytest.mark.parametrize("size", [2, 30])
def test_the_number_of_queries_does_not_grow_with_the_data(alice, size, django_assert_num_queries):
    build(alice, size)
    acme = organisation(alice, "Org 0")
    with django_assert_num_queries(1):
        overall_funnel(alice)
    with django_assert_num_queries(2):
        target_funnels(alice)
    with django_assert_num_queries(2):
        funnels(alice)
    with django_assert_num_queries(1):
        organisation_funnel(alice, acme)


# What one generated person did: requests (days after SENT they went out, or None for a draft;
# whether each got a reply), held chats (days from SENT, and whether the chat came of the first
# request), and whether they referred the user on or brought an opportunity.
people = st.lists(
    st.fixed_dictionaries(
        {
            "requests": st.lists(
                st.tuples(st.one_of(st.none(), st.integers(0, 6)), st.booleans()), max_size=3
            ),
            "chats": st.lists(st.tuples(st.integers(-6, 6), st.booleans()), max_size=3),
            "referred": st.booleans(),
            "credited": st.booleans(),
        }
    ),
    max_size=6,
)


def furthest_by_hand(contact: Contact) -> Stage | None:
    """The funnel's rule read straight from the rows, one person at a time (the oracle)."""
    requests = [o for o in Outreach.objects.filter(contact=contact) if o.sent_at is not None]
    if not requests:
        return None
    first = min(o.sent_at for o in requests)
    held = Chat.objects.filter(contact=contact, status=Chat.Status.HELD)
    return furthest_stage(
        replied=any(o.replied_at is not None for o in requests),
        chatted=any(c.outreach_id is not None or c.starts_at >= first for c in held),
        referred=Referral.objects.filter(from_contact=contact).exists(),
        credited=Opportunity.objects.filter(contact=contact).exists(),
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(generated=people)
def test_the_funnel_query_counts_what_the_rule_says_for_every_person(alice, generated):
    # The stored stages come of triggers written in SQL: this checks them against the rule
    # applied chat by chat, on many shapes of data.
    Contact.objects.filter(owner=alice).delete()
    other = person(alice, "Someone else")
    contacts = []
    for index, facts in enumerate(generated):
        contact = person(alice, f"Person {index}", organisation=f"Org {index % 2}")
        contacts.append(contact)
        sent = []
        for days, replied in facts["requests"]:
            at = None if days is None else SENT + timedelta(days=days)
            outreach = write(alice, contact, sent_at=at, reply=(replied or None) if at else None)
            sent.append(outreach)
        for hour, (days, from_request) in enumerate(facts["chats"]):
            request = sent[0] if from_request and sent else None
            moment = SENT + timedelta(days=days, hours=hour)
            held_chat(alice, contact, moment, outreach=request)
        if facts["referred"]:
            add_referral(alice, contact, other)
        if facts["credited"]:
            add_opportunity(alice, contact, "lead", "A role", arose_on=date(2030, 1, 2))
    expected = [furthest_by_hand(contact) for contact in contacts]
    rule = funnel_from(stage for stage in expected if stage is not None)
    assert overall_funnel(alice) == rule
    assert funnels(alice)[0] == rule
    stored = Contact.objects.filter(owner=alice, funnel_stage__isnull=False)
    assert sorted(stored.values_list("funnel_stage", flat=True)) == sorted(
        stage for stage in expected if stage is not None
    )
