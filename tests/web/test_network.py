"""The network page, the degree box on a contact's page, and contacts filtered by degree."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from coffeechat.services.debrief import HeldChat, record_held
from coffeechat.services.network import add_opportunity, add_referral
from tests.web.conftest import NOW, count_queries, make_chat, make_contact, text_of


@pytest.fixture
def chain(alice):
    """Ada (1st) -> Ben (2nd) -> Cy (3rd), and Dee (1st) on her own."""
    ada, ben, cy = (make_contact(alice, name) for name in ("Ada Lovelace", "Ben Ng", "Cy Roe"))
    add_referral(alice, ada, ben)
    add_referral(alice, ben, cy)
    make_contact(alice, "Dee Alone")
    return ada, ben, cy


def test_the_page_shows_reach_chains_and_a_picture(alice_client, chain):
    ada, ben, cy = chain
    response = alice_client.get("/network/")
    page = text_of(response)
    assert response.status_code == 200
    assert "<h1>Network</h1>" in page
    assert 'href="/contacts/?degree=1">1st degree</a>: 2 people' in page
    assert 'href="/contacts/?degree=3">3rd degree</a>: 1 person' in page
    assert page.index("Ada Lovelace") < page.index("Ben Ng") < page.index("Cy Roe")
    svg = page[page.index("<svg") : page.index("</svg>") + len("</svg>")]
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert f'href="/contacts/{cy.code}/"' in svg
    assert "and 1 more not drawn" in svg  # Dee has no referral


def test_an_empty_network_says_how_it_grows(alice_client):
    page = text_of(alice_client.get("/network/"))
    assert "No contacts yet, so no network." in page
    assert "<svg" not in page


def test_referrals_per_chat_and_credited_opportunities_are_listed(alice, alice_client):
    ada = make_contact(alice, "Ada Lovelace")
    chat = make_chat(alice, ada, NOW - timedelta(days=2))
    record_held(
        alice,
        chat,
        HeldChat(actual_start=chat.starts_at, actual_end=chat.starts_at + timedelta(minutes=20)),
    )
    # Ben was added after the chat in which Ada suggested him, as a debrief adds him.
    ben = make_contact(alice, "Ben Ng")
    add_referral(alice, ada, ben, chat=chat)
    add_opportunity(alice, ben, "interview", "Data <lead> role", arose_on=date(2026, 2, 27))
    page = text_of(alice_client.get("/network/"))
    assert "1 referral from 1 held chat: 1.0 per chat" in page
    assert f'href="/chats/{chat.code}/">Ada Lovelace</a>' in page
    assert "Data &lt;lead&gt; role" in page
    credited = page[page.index("Data &lt;lead&gt; role") :]
    assert credited.index("Ada Lovelace") < credited.index("Ben Ng")


def test_another_users_contacts_never_appear(alice, alice_client, bob, chain):
    carl = make_contact(bob, "Carl Secret")
    dana = make_contact(bob, "Dana Hidden")
    add_referral(bob, carl, dana)
    page = text_of(alice_client.get("/network/"))
    assert "Carl Secret" not in page and "Dana Hidden" not in page
    assert "Carl Secret" not in text_of(alice_client.get("/contacts/?degree=1"))
    assert alice_client.get(f"/contacts/{dana.code}/").status_code == 404


def test_the_contact_page_shows_the_degree_and_the_chain(alice_client, chain):
    ada, ben, cy = chain
    page = text_of(alice_client.get(f"/contacts/{cy.code}/"))
    assert "<strong>3rd degree</strong>, through" in page
    through = page[page.index("through") :]
    assert through.index("Ada Lovelace") < through.index("Ben Ng")
    assert "How you reached Cy Roe" in page  # the chain picture's title
    assert 'href="/network/">Network</a>' in page
    assert 'href="/contacts/?degree=3"' in page


def test_someone_reached_directly_reads_as_first_degree_without_a_picture(alice_client, chain):
    page = text_of(alice_client.get(f"/contacts/{chain[0].code}/"))
    assert "<strong>1st degree</strong>: someone you reached yourself." in page
    assert "How you reached" not in page


def test_contacts_can_be_filtered_by_degree(alice_client, chain):
    page = text_of(alice_client.get("/contacts/?degree=2"))
    assert "1 contact at the 2nd degree." in page
    assert "Ben Ng" in page and "Ada Lovelace" not in page
    page = text_of(alice_client.get("/contacts/?degree=1&q=dee"))
    assert "Dee Alone" in page and "Ada Lovelace" not in page
    assert "Nobody at the 7th degree" in text_of(alice_client.get("/contacts/?degree=7"))


@pytest.mark.parametrize("degree", ["zero", "0", "-1", "²", "99999"])
def test_a_bad_degree_shows_everyone_and_says_why(alice_client, chain, degree):
    page = text_of(alice_client.get(f"/contacts/?degree={degree}"))
    assert "A degree is a whole number from 1 up; showing everyone." in page
    assert "Ada Lovelace" in page and "Cy Roe" in page


def test_the_contacts_list_links_to_the_network(alice_client):
    assert 'href="/network/">Network</a>' in text_of(alice_client.get("/contacts/"))


def test_the_network_page_only_answers_get(alice_client):
    assert alice_client.post("/network/").status_code == 405


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/network/")
    assert response.status_code == 302
    assert "/signin/" in response["Location"]


def test_the_page_runs_as_many_queries_for_30_contacts_as_for_3(alice, alice_client):
    def grow(start: int, count: int) -> None:
        previous = None
        for number in range(start, start + count):
            person = make_contact(alice, f"Person {number}")
            if previous is not None:
                add_referral(alice, previous, person)
                add_opportunity(alice, person, "lead", f"Lead {number}", arose_on=date(2026, 1, 1))
            previous = person

    alice_client.get("/network/")  # makes the network stamp: the visits below compare alike
    grow(0, 3)
    few = count_queries(alice_client, "/network/")
    grow(3, 27)
    assert count_queries(alice_client, "/network/") == few


def test_the_page_reads_as_few_for_many_people_nobody_referred(alice, alice_client, chain):
    alice_client.get("/network/")  # people added alone leave the graph as it is kept
    few = count_queries(alice_client, "/network/")
    for number in range(40):
        make_contact(alice, f"Alone {number:02}")
    assert count_queries(alice_client, "/network/") == few
    page = text_of(alice_client.get("/network/"))
    # Everyone counted, the first twelve named in the order they were added.
    assert "1st degree</a>: 42 people" in page
    assert "Alone 09" in page and "Alone 10" not in page
    assert 'href="/contacts/?degree=1">and 30 more</a>' in page


def test_the_latest_ten_opportunities_show_and_all_of_them_are_one_click_away(alice, alice_client):
    ada = make_contact(alice, "Ada Lovelace")
    for day in range(1, 13):
        add_opportunity(alice, ada, "lead", f"Lead of day {day:02}", arose_on=date(2026, 1, day))
    page = text_of(alice_client.get("/network/"))
    assert "Lead of day 12" in page and "Lead of day 03" in page
    assert "Lead of day 02" not in page
    assert 'href="/network/opportunities/">All 12 opportunities</a>' in page
    every = text_of(alice_client.get("/network/opportunities/"))
    assert "12 opportunities, the latest first." in every
    assert every.index("Lead of day 12") < every.index("Lead of day 01")
    assert every.count('aria-label="Credited to"') == 12


def test_the_opportunities_page_reads_as_many_queries_for_30_as_for_3(alice, alice_client):
    people = [make_contact(alice, f"Person {number}") for number in range(30)]
    for before, after in zip(people, people[1:], strict=False):
        add_referral(alice, before, after)

    def credit(start: int, stop: int) -> None:
        for number in range(start, stop):
            add_opportunity(
                alice, people[number], "lead", f"Lead {number}", arose_on=date(2026, 1, 1)
            )

    alice_client.get("/network/opportunities/")  # makes the network stamp
    credit(0, 3)
    few = count_queries(alice_client, "/network/opportunities/")
    credit(3, 30)
    assert count_queries(alice_client, "/network/opportunities/") == few


def test_the_opportunities_page_is_empty_without_any(alice_client):
    page = text_of(alice_client.get("/network/opportunities/"))
    assert "No opportunities yet." in page
