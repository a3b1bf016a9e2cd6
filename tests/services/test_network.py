from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coffeechat.core.network import Edge, Network, Person, build_network, referral_yield
from coffeechat.services import network as services_network
from coffeechat.services.chats import ChatPlan, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.debrief import HeldChat, record_held
from coffeechat.services.errors import InvalidInput
from coffeechat.services.network import (
    add_opportunity,
    add_referral,
    contacts_at_degree,
    degree_of,
    network_of,
    opportunities_of,
)
from coffeechat.store.models import Chat, Contact, Opportunity, Referral


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


# Reading the network -------------------------------------------------------------------------

PAST = datetime(2030, 1, 7, 10, tzinfo=UTC)


def held_chat(owner, contact, starts_at=PAST):
    chat = plan_chat(owner, ChatPlan(contact, starts_at), allow_overlap=True)
    record_held(
        owner,
        chat,
        HeldChat(actual_start=starts_at, actual_end=starts_at + timedelta(minutes=25)),
        now=starts_at + timedelta(hours=1),
    )
    return chat


@pytest.fixture
def chain(alice, time_machine):
    """Ada (1st) -> Bea (2nd) -> Cy (3rd), each referral made in a held chat before Bea and Cy
    were added, as a debrief would."""
    time_machine.move_to(PAST - timedelta(days=30), tick=False)
    ada = add_contact(alice, ContactDetails(name="Ada"))
    time_machine.move_to(PAST + timedelta(days=1), tick=False)
    ada_chat = held_chat(alice, ada)
    bea = add_contact(alice, ContactDetails(name="Bea"))
    add_referral(alice, ada, bea, chat=ada_chat)
    bea_chat = held_chat(alice, bea, PAST + timedelta(hours=3))
    cy = add_contact(alice, ContactDetails(name="Cy"))
    add_referral(alice, bea, cy, chat=bea_chat)
    return ada, bea, cy, ada_chat, bea_chat


def test_the_network_holds_degrees_chains_yield_and_credit(alice, chain):
    ada, bea, cy, ada_chat, _ = chain
    add_opportunity(alice, cy, "offer", "Editor", arose_on=date(2030, 2, 1))
    view = network_of(alice)
    assert [(degree, [c.name for c in people]) for degree, people in view.per_degree()] == [
        (1, ["Ada"]),
        (2, ["Bea"]),
        (3, ["Cy"]),
    ]
    assert view.chain_of(cy) == (ada, bea, cy)
    assert view.longest_chains() == [(ada, bea, cy)]
    assert (view.yields.held, view.yields.referrals, view.yields.rate) == (2, 2, 1.0)
    assert {item.chat: item.referrals for item in view.chat_yields()}[ada_chat] == 1
    [credited] = view.credited(opportunities_of(alice))
    assert (credited.opportunity.title, credited.chain) == ("Editor", (ada, bea, cy))


def test_a_contact_known_before_the_chat_that_suggested_them_stays_first(alice, chain):
    ada, bea, cy, _, bea_chat = chain
    # Bea also suggests Ada, whom you had long known: Ada keeps her degree.
    add_referral(alice, bea, ada, chat=bea_chat)
    assert degree_of(alice, ada).degree == 1
    standing = degree_of(alice, cy)
    assert (standing.degree, standing.chain) == (3, (ada, bea, cy))
    assert degree_of(alice, ada).referred_by == (bea,)


def test_a_merged_contact_counts_as_the_one_it_was_merged_into(alice, chain):
    ada, bea, cy, *_ = chain
    bea_again = add_contact(alice, ContactDetails(name="Bea (work)"))
    add_referral(alice, bea_again, add_contact(alice, ContactDetails(name="Dee")))
    Contact.objects.filter(pk=bea_again.pk).update(merged_into=bea)
    view = network_of(alice)
    assert view.degree_of(bea_again) == 2
    assert [c.name for c in view.people(view.network.at_degree(3))] == ["Cy", "Dee"]
    assert degree_of(alice, bea_again).contact == bea


def test_contacts_can_be_narrowed_to_one_degree(alice, chain):
    _, bea, *_ = chain
    everyone = Contact.objects.for_owner(alice)
    assert list(contacts_at_degree(alice, everyone, 2)) == [bea]
    assert list(contacts_at_degree(alice, everyone, 9)) == []


def test_the_degree_of_someone_elses_contact_is_refused(alice, bob, chain):
    with pytest.raises(InvalidInput, match="not yours"):
        degree_of(bob, chain[0])


def test_an_empty_network_reads_without_failing(alice):
    view = network_of(alice)
    assert (view.per_degree(), view.longest_chains(), view.yields.rate) == ([], [], None)


def _grow(owner, size: int) -> None:
    # Chats long before the people were added: each referral brought someone new.
    long_ago = datetime(2021, 1, 4, 10, tzinfo=UTC)
    people = [add_contact(owner, ContactDetails(name=f"Person {index}")) for index in range(size)]
    for index in range(1, size):
        chat = held_chat(owner, people[index - 1], long_ago + timedelta(hours=index))
        add_referral(owner, people[index - 1], people[index], chat=chat)
        add_opportunity(owner, people[index], "lead", f"Lead {index}", arose_on=date(2030, 1, 1))


def _read_the_page(owner) -> None:
    view = network_of(owner)
    view.per_degree(12)
    view.longest_chains(5)
    view.chat_yields(10, led_nowhere=False)
    view.chat_yields()
    view.credited(opportunities_of(owner)[:10])


def test_the_network_reads_in_the_same_few_queries_whatever_its_size(alice, bob):
    _grow(alice, 5)
    _grow(bob, 50)
    # People nobody referred, who referred nobody: the page counts them instead of reading them.
    for owner, alone in ((alice, 2), (bob, 30)):
        for index in range(alone):
            add_contact(owner, ContactDetails(name=f"Alone {index}"))
    counts = {}
    for owner in (alice, bob):
        # The first read also makes the owner's network stamp (three queries); the next one
        # finds the graph kept under it instead of reading the referrals, people and held chats.
        for visit in ("first", "next"):
            with CaptureQueriesContext(connection) as queries:
                _read_the_page(owner)
            counts[owner.username, visit] = len(queries)
    assert counts == {
        ("alice", "first"): 13,
        ("alice", "next"): 8,
        ("bob", "first"): 13,
        ("bob", "next"): 8,
    }
    view = network_of(bob)
    assert max(view.network.degrees.values()) == 50
    assert view.reach()[1] == 31
    assert len(view.network.nodes) == 50


# A contact's standing is worked out from its own ancestry, read with one recursive query,
# instead of the whole network. Whatever the graph (loops, merges both ways and in chains,
# people known before the chat that suggested them), it must say what a walk of the whole
# network says.

NAMES = [f"P{index}" for index in range(9)]


@st.composite
def networks(draw):
    size = draw(st.integers(1, len(NAMES)))
    names = NAMES[:size]
    merges = draw(st.dictionaries(st.sampled_from(names), st.sampled_from(names), max_size=3))
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(names), st.sampled_from(names), st.integers(0, size + 1)),
            max_size=16,
            unique_by=lambda pair: pair[:2],
        )
    )
    return (
        names,
        merges,
        [(source, target, day) for source, target, day in pairs if source != target],
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(graph=networks())
def test_a_standing_read_from_its_ancestry_is_the_standing_in_the_whole_network(alice, graph):
    names, merges, pairs = graph
    contacts = _people_and_referrals(alice, names, pairs)
    _merge(contacts, merges)
    whole, edges = _whole_network(alice)
    for name, contact in contacts.items():
        key = whole.resolve(str(contact.code))
        standing = degree_of(alice, Contact.objects.get(pk=contact.pk))
        assert standing.degree == whole.degrees[key], name
        assert [str(step.code) for step in standing.chain] == list(whole.chain_to(key)), name
        referrers = {
            whole.resolve(edge.source) for edge in edges if whole.resolve(edge.target) == key
        }
        assert {str(other.code) for other in standing.referred_by} == referrers - {key}, name


def _whole_network(owner) -> tuple[Network, list[Edge]]:
    """The network walked over every contact, as the page did before it read only the linked
    part: the reference the faster reads are checked against."""
    contacts = list(Contact.objects.filter(owner=owner).order_by("created_at", "pk"))
    key = {contact.pk: str(contact.code) for contact in contacts}
    people = [
        Person(key[c.pk], c.name, key.get(c.merged_into_id) if c.merged_into_id else None)
        for c in contacts
    ]
    added = {key[contact.pk]: contact.created_at for contact in contacts}
    edges, direct = [], set()
    for referral in (
        Referral.objects.filter(owner=owner).select_related("chat").order_by("created_at", "pk")
    ):
        target = key[referral.to_contact_id]
        chat = referral.chat
        edges.append(Edge(key[referral.from_contact_id], target, str(chat.code) if chat else None))
        began = chat and (chat.actual_start or chat.starts_at)
        if began and added[target] < began:
            direct.add(target)
    return build_network(people, edges, direct), edges


START = datetime(2030, 1, 1, 9, tzinfo=UTC)


def _people_and_referrals(owner, names, pairs) -> dict[str, Contact]:
    """The owner's contacts afresh, one per name, and a referral in a chat for each pair."""
    Contact.objects.filter(owner=owner).delete()
    contacts = {}
    for index, name in enumerate(names):
        contact = add_contact(owner, ContactDetails(name=name))
        # Added a day apart, so a referral made in a chat on day N finds some known before it.
        Contact.objects.filter(pk=contact.pk).update(created_at=START + timedelta(days=index))
        contacts[name] = contact
    for hour, (source, target, day) in enumerate(pairs, start=1):
        # One chat an hour, so that no two of a day meet.
        chat = plan_chat(owner, ChatPlan(contacts[source], START + timedelta(days=day, hours=hour)))
        add_referral(owner, contacts[source], contacts[target], chat=chat)
    return contacts


def _merge(contacts: dict[str, Contact], merges: dict[str, str]) -> None:
    for name, into in merges.items():
        Contact.objects.filter(pk=contacts[name].pk).update(merged_into=contacts[into])


def _build(owner, names, merges, pairs, held_days, opportunities):
    contacts = _people_and_referrals(owner, names, pairs)
    for index, (name, day) in enumerate(held_days):
        # Weeks after the referrals' chats, three hours apart: none of them meet.
        moment = START + timedelta(days=30 + day, hours=3 * index)
        plan_chat(owner, ChatPlan(contacts[name], moment))
    # Every other chat held, whether or not it led to anyone.
    for chat in Chat.objects.filter(owner=owner).order_by("starts_at")[::2]:
        Chat.objects.filter(pk=chat.pk).update(status=Chat.Status.HELD)
    for name in opportunities:
        add_opportunity(
            owner, contacts[name], "lead", f"Lead via {name}", arose_on=date(2030, 3, 1)
        )
    _merge(contacts, merges)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    graph=networks(),
    held_days=st.lists(st.tuples(st.sampled_from(NAMES), st.integers(0, 9)), max_size=4),
    opportunities=st.lists(st.sampled_from(NAMES), max_size=3),
    names_shown=st.integers(1, 4),
)
def test_the_network_read_from_its_linked_part_is_the_whole_network(
    alice, graph, held_days, opportunities, names_shown
):
    names, merges, pairs = graph
    held_days = [(name, day) for name, day in held_days if name in names]
    opportunities = [name for name in opportunities if name in names]
    _build(alice, names, merges, pairs, held_days, opportunities)
    whole, edges = _whole_network(alice)
    code = {contact.pk: str(contact.code) for contact in Contact.objects.filter(owner=alice)}
    view = network_of(alice)

    assert view.total == len(whole.nodes)
    assert view.reach() == whole.reach()
    every = [(degree, [code[c.pk] for c in people]) for degree, people in view.per_degree()]
    assert every == [(degree, list(whole.at_degree(degree))) for degree in whole.reach()]
    first = [
        (degree, [code[c.pk] for c in people]) for degree, people in view.per_degree(names_shown)
    ]
    assert first == [(degree, people[:names_shown]) for degree, people in every]
    chains = [tuple(code[c.pk] for c in chain) for chain in view.longest_chains(3)]
    assert chains == list(whole.longest_chains(3))
    rows, left_out = view.network.outline(60)
    whole_rows, whole_left_out = whole.outline(60)
    assert [code[int(key)] for key, _ in rows] == [key for key, _ in whole_rows]
    assert left_out + view.alone == whole_left_out

    held = Chat.objects.filter(owner=alice, status=Chat.Status.HELD).order_by("-starts_at", "pk")
    expected = referral_yield(whole, edges, [str(chat.code) for chat in held])
    assert (view.yields.held, view.yields.referrals) == (expected.held, expected.referrals)
    listed = [(str(item.chat.code), item.referrals) for item in view.chat_yields()]
    assert listed == [(item.chat, item.referrals) for item in expected.per_chat]
    assert [(str(item.chat.code), item.referrals) for item in view.chat_yields(2)] == listed[:2]
    led = [
        (str(item.chat.code), n)
        for item in view.chat_yields(2, led_nowhere=False)
        if (n := item.referrals)
    ]
    assert led == [pair for pair in listed if pair[1]][:2]

    credited = {
        str(item.opportunity.code): [code[c.pk] for c in item.chain]
        for item in view.credited(opportunities_of(alice))
    }
    for opportunity in Opportunity.objects.filter(owner=alice):
        contact = code[opportunity.contact_id]
        assert credited[str(opportunity.code)] == list(whole.chain_to(contact))
    for contact in Contact.objects.filter(owner=alice):
        assert view.degree_of(contact) == whole.degree_of(code[contact.pk])
        assert [code[c.pk] for c in view.chain_of(contact)] == list(
            whole.chain_to(code[contact.pk])
        )
        degree = whole.degree_of(code[contact.pk])
        narrowed = contacts_at_degree(alice, Contact.objects.filter(owner=alice), degree)
        at_degree = {code[c.pk] for c in narrowed}
        assert at_degree == set(whole.at_degree(degree))


# The graph is kept between reads while the owner's network stamp stays the same (store.stamps):
# whatever is changed, and however (a service, a bulk update, a delete), the next read must
# give what a graph built afresh gives. Each change takes two of five people (or their chats).


def _refer(owner, people, chats, one, other):
    if (
        one != other
        and not Referral.objects.filter(from_contact=people[one], to_contact=people[other]).exists()
    ):
        add_referral(owner, people[one], people[other], chat=chats[one])


def _forget_referrals(owner, people, chats, one, other):
    Referral.objects.filter(from_contact=people[one]).delete()


def _drop_chats_of_referrals(owner, people, chats, one, other):
    Referral.objects.filter(from_contact=people[one]).update(chat=None)


def _merge_one(owner, people, chats, one, other):
    if one != other:
        Contact.objects.filter(pk=people[one].pk).update(merged_into=people[other])


def _unmerge(owner, people, chats, one, other):
    Contact.objects.filter(pk=people[one].pk).update(merged_into=None)


def _rename(owner, people, chats, one, other):
    person = Contact.objects.get(pk=people[one].pk)
    person.name = f"Renamed {other}"
    person.save()


def _added_earlier(owner, people, chats, one, other):
    Contact.objects.filter(pk=people[one].pk).update(created_at=START - timedelta(days=other))


def _hold(owner, people, chats, one, other):
    Chat.objects.filter(pk=chats[one].pk).update(status=Chat.Status.HELD)


def _cancel(owner, people, chats, one, other):
    Chat.objects.filter(pk=chats[one].pk).update(status=Chat.Status.CANCELLED)


def _move_chat(owner, people, chats, one, other):
    Chat.objects.filter(pk=chats[one].pk).update(starts_at=START + timedelta(days=10 * other))


def _credit(owner, people, chats, one, other):
    add_opportunity(owner, people[one], "lead", f"Lead {other}", arose_on=date(2030, 3, 1))


def _forget_opportunities(owner, people, chats, one, other):
    Opportunity.objects.filter(contact=people[one]).delete()


def _add_someone(owner, people, chats, one, other):
    add_contact(owner, ContactDetails(name=f"New {one}"))


CHANGES = {
    change.__name__.strip("_"): change
    for change in (
        _refer,
        _forget_referrals,
        _drop_chats_of_referrals,
        _merge_one,
        _unmerge,
        _rename,
        _added_earlier,
        _hold,
        _cancel,
        _move_chat,
        _credit,
        _forget_opportunities,
        _add_someone,
    )
}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    changes=st.lists(
        st.tuples(st.sampled_from(sorted(CHANGES)), st.integers(0, 4), st.integers(0, 4)),
        max_size=10,
    )
)
def test_a_kept_network_is_the_network_built_afresh_after_any_change(alice, changes):
    names = NAMES[:5]
    by_name = _people_and_referrals(alice, names, [(names[0], names[1], 0)])
    people = list(by_name.values())
    chats = [
        plan_chat(alice, ChatPlan(person, START + timedelta(days=index, hours=12)))
        for index, person in enumerate(people)
    ]
    network_of(alice)  # kept from here on
    for change, one, other in changes:
        CHANGES[change](alice, people, chats, one, other)
        kept, fresh = network_of(alice), services_network._build(alice)
        assert kept.network == fresh.graph.network, change
        assert kept.yields == fresh.yields, change


def test_a_second_read_finds_the_network_kept_and_a_change_builds_it_again(alice, chain):
    ada, bea, cy, _, _ = chain
    first = network_of(alice).network
    assert network_of(alice).network is first
    add_referral(alice, ada, cy)
    again = network_of(alice).network
    assert again is not first
    assert again.edges != first.edges


def test_a_network_is_kept_for_its_owner_only(alice, bob, chain):
    kept = network_of(alice).network
    assert network_of(bob).network.nodes == ()
    assert network_of(alice).network is kept
