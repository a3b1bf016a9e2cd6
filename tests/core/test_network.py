"""The referral graph: degrees, first contacts, merges, chains, yield and credit."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.network import (
    Edge,
    Person,
    build_network,
    credit,
    credits_by_contact,
    ordinal,
    referral_yield,
    resolve_merges,
)


def people(*names: str, **merged: str) -> list[Person]:
    return [Person(name, name.title(), merged.get(name)) for name in names]


def edges(*pairs: str, chat: str | None = None) -> list[Edge]:
    return [Edge(*pair.split(">"), chat=chat) for pair in pairs]


def degrees(contacts, referrals, direct=()) -> dict[str, int]:
    return dict(build_network(contacts, referrals, direct).degrees)


def test_people_nobody_referred_are_first_and_a_referral_is_one_more():
    network = build_network(people("ada", "ben", "cy", "dee"), edges("ada>ben", "ben>cy"))
    assert dict(network.degrees) == {"ada": 1, "ben": 2, "cy": 3, "dee": 1}
    assert network.first == {"ada", "dee"}
    assert network.chain_to("cy") == ("ada", "ben", "cy")


def test_a_contact_referred_by_two_people_takes_the_smaller_degree():
    found = degrees(
        people("ada", "ben", "cy", "dee"), edges("ada>ben", "ben>cy", "ada>dee", "cy>dee")
    )
    assert found["dee"] == 2


def test_a_referral_back_to_the_referrer_does_not_loop():
    found = degrees(people("root", "ada", "ben"), edges("root>ada", "ada>ben", "ben>ada"))
    assert found == {"root": 1, "ada": 2, "ben": 3}


def test_a_loop_nobody_leads_into_starts_at_its_earliest_contact():
    found = degrees(people("ben", "ada", "cy"), edges("ada>ben", "ben>ada", "ada>cy"))
    assert found == {"ben": 1, "ada": 2, "cy": 3}


def test_a_loop_fed_by_another_loop_counts_from_the_first_one():
    contacts = people("c", "d", "a", "b")
    found = degrees(contacts, edges("a>b", "b>a", "c>d", "d>c", "b>c"))
    # c and d are earlier, but a-b leads into them and nobody leads into a-b.
    assert found == {"a": 1, "b": 2, "c": 3, "d": 4}


def test_someone_known_before_the_referral_stays_first():
    found = degrees(people("ada", "ben"), edges("ada>ben"), direct={"ben"})
    assert found == {"ada": 1, "ben": 1}


def test_a_contact_without_referrals_is_first_degree():
    assert degrees(people("solo"), []) == {"solo": 1}


def test_an_empty_network_has_no_reach():
    network = build_network([], [])
    assert network.reach() == {}
    assert network.longest_chains() == ()


def test_a_chain_two_hundred_deep_is_followed_to_its_end():
    names = [f"p{index}" for index in range(200)]
    chain = [Edge(names[index], names[index + 1]) for index in range(199)]
    network = build_network(people(*names), chain)
    assert network.degrees["p199"] == 200
    assert network.chain_to("p199") == tuple(names)
    assert network.longest_chains(1) == (tuple(names),)


def test_a_referral_to_a_merged_contact_counts_for_the_one_it_was_merged_into():
    contacts = people("ada", "ben", "ben2", "cy", ben2="ben")
    network = build_network(contacts, edges("ada>ben2", "ben2>cy"))
    assert dict(network.degrees) == {"ada": 1, "ben": 2, "cy": 3}
    assert network.degree_of("ben2") == 2
    assert network.nodes == ("ada", "ben", "cy")


def test_a_merge_chain_is_followed_to_its_end():
    contacts = people("ada", "b1", "b2", "b3", b1="b2", b2="b3")
    assert resolve_merges(contacts) == {"ada": "ada", "b1": "b3", "b2": "b3", "b3": "b3"}
    assert build_network(contacts, edges("ada>b1")).degree_of("b2") == 2


def test_a_merge_loop_settles_on_its_earliest_contact():
    contacts = people("ada", "x", "y", "z", y="z", z="x", x="y")
    assert resolve_merges(contacts) == {"ada": "ada", "x": "x", "y": "x", "z": "x"}
    network = build_network(contacts, edges("ada>z"))
    assert dict(network.degrees) == {"ada": 1, "x": 2}


def test_a_merge_into_someone_unknown_stops_at_the_last_known_contact():
    assert resolve_merges(people("ada", ada="gone")) == {"ada": "ada"}


def test_a_referral_merged_into_a_self_referral_is_dropped():
    contacts = people("ada", "ada2", "ben", ada2="ada")
    network = build_network(contacts, edges("ada>ada2", "ada2>ben", "ada>ben"))
    assert network.edges == (("ada", "ben"),)
    assert dict(network.degrees) == {"ada": 1, "ben": 2}


def test_edges_to_unknown_contacts_are_ignored():
    assert degrees(people("ada"), edges("ada>stranger", "stranger>ada")) == {"ada": 1}


def test_reach_counts_contacts_per_degree():
    network = build_network(people("a", "b", "c", "d", "e"), edges("a>b", "a>c", "c>d"))
    assert network.reach() == {1: 2, 2: 2, 3: 1}
    assert network.at_degree(2) == ("b", "c")


def test_longest_chains_list_only_chains_that_end_there():
    network = build_network(people("a", "b", "c", "d", "e", "f"), edges("a>b", "b>c", "c>d", "e>f"))
    assert network.longest_chains() == (("a", "b", "c", "d"), ("e", "f"))


def test_the_outline_puts_each_person_after_their_referrer_and_counts_the_rest():
    network = build_network(
        people("a", "b", "c", "d", "lonely", "e"), edges("a>b", "b>c", "a>d", "e>a")
    )
    rows, left_out = network.outline()
    assert rows == (("e", 1), ("a", 2), ("b", 3), ("c", 4), ("d", 3))
    assert left_out == 1  # lonely has no referral
    rows, left_out = network.outline(limit=2)
    assert (len(rows), left_out) == (2, 4)


def test_yield_counts_distinct_people_per_chat_and_averages_over_held_chats():
    contacts = people("a", "b", "c", "c2", c2="c")
    referrals = [
        *edges("a>b", "a>c", "a>c2", chat="chat1"),
        *edges("b>c", chat="planned"),
        Edge("b", "a"),
    ]
    network = build_network(contacts, referrals)
    result = referral_yield(network, referrals, ["chat1", "chat2"])
    assert [(item.chat, item.referrals) for item in result.per_chat] == [
        ("chat1", 2),
        ("planned", 1),
        ("chat2", 0),
    ]
    assert (result.held, result.referrals, result.rate) == (2, 2, 1.0)
    assert referral_yield(network, [], []).rate is None


def test_an_opportunity_credits_everyone_on_its_chain():
    network = build_network(people("a", "b", "c", "d"), edges("a>b", "b>c"))
    credits = credit(network, [("lead", "c"), ("offer", "b"), ("ghost", "nobody")])
    assert [(item.opportunity, item.chain) for item in credits] == [
        ("lead", ("a", "b", "c")),
        ("offer", ("a", "b")),
    ]
    assert credits_by_contact(credits) == {"a": 2, "b": 2, "c": 1}


def test_ordinals_read_as_english():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th",
    ]  # fmt: skip


# Properties over random graphs: up to 12 contacts, some merged, any referrals between them.
NAMES = [f"c{index}" for index in range(12)]


@st.composite
def graphs(draw):
    size = draw(st.integers(1, len(NAMES)))
    names = NAMES[:size]
    merged = draw(st.dictionaries(st.sampled_from(names), st.sampled_from(names), max_size=3))
    contacts = [Person(name, name, merged.get(name)) for name in names]
    pairs = draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names)), max_size=30))
    return contacts, [Edge(source, target) for source, target in pairs]


@given(graphs())
def test_every_contact_has_a_degree_of_at_least_one(graph):
    contacts, referrals = graph
    network = build_network(contacts, referrals)
    assert set(network.degrees) == set(network.nodes)
    assert all(degree >= 1 for degree in network.degrees.values())
    for person in contacts:
        assert network.degree_of(person.id) >= 1


@given(graphs())
def test_a_referred_contact_is_at_most_one_further_than_the_referrer(graph):
    contacts, referrals = graph
    network = build_network(contacts, referrals)
    for edge in referrals:
        assert network.degree_of(edge.target) <= network.degree_of(edge.source) + 1 or (
            network.resolve(edge.source) == network.resolve(edge.target)
        )


@given(graphs())
def test_a_chain_is_as_long_as_the_degree_and_starts_at_a_first_contact(graph):
    contacts, referrals = graph
    network = build_network(contacts, referrals)
    for node in network.nodes:
        chain = network.chain_to(node)
        assert len(chain) == network.degrees[node]
        assert chain[0] in network.first
        assert all(pair in network.edges for pair in zip(chain, chain[1:], strict=False))


@given(graphs(), st.sampled_from(NAMES), st.sampled_from(NAMES))
def test_adding_a_referral_never_increases_a_degree(graph, source, target):
    contacts, referrals = graph
    names = {person.id for person in contacts}
    before = build_network(contacts, referrals)
    if source not in names or target not in names:
        return
    # The people reached directly are a fact of the past: a new referral does not change who
    # they were (the service marks someone known before the referral as direct).
    after = build_network(contacts, [*referrals, Edge(source, target)], direct=before.first)
    for node in before.nodes:
        assert after.degrees[node] <= before.degrees[node]
