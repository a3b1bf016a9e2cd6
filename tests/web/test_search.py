"""The search page and the search box in every page's header."""

from __future__ import annotations

import pytest

from coffeechat.services.contacts import ContactDetails, change_contact
from tests.web.conftest import count_queries, make_chat, make_contact, make_note, text_of
from tests.web.crafted import CRAFTED_QUERIES


def test_every_page_has_the_search_box_pointing_here(alice_client):
    for url in ("/", "/contacts/", "/chats/"):
        page = text_of(alice_client.get(url))
        assert 'action="/search/"' in page, url
        assert '<label class="visually-hidden" for="site-search">Search</label>' in page


def test_contacts_organisations_and_notes_are_found_and_labelled(alice, alice_client):
    contact = make_contact(alice, "Ada Lovelace", organisation="Analytical Engines")
    make_note(alice, contact, "Ask her about the analytical engine")
    page = text_of(alice_client.get("/search/?q=analytical"))
    assert f'href="/contacts/{contact.code}/"' in page
    assert f'href="/organisations/{contact.organisation.code}/"' in page
    assert f'href="/contacts/{contact.code}/#notes"' in page
    for label in ("Contact", "Organisation", "Note"):
        assert f'<span class="search-hit__kind">{label}</span>' in page
    assert "<mark>Analytical</mark> Engines" in page
    assert 'value="analytical"' in page  # the box keeps the words


def test_a_note_from_a_chat_links_to_the_chat(alice, alice_client):
    contact = make_contact(alice)
    chat = make_chat(alice, contact)
    make_note(alice, contact, "Portfolio review matters", chat=chat)
    page = text_of(alice_client.get("/search/?q=portfolio"))
    assert f'href="/chats/{chat.code}/#notes"' in page
    assert "<mark>Portfolio</mark> review matters" in page


def test_what_users_wrote_is_escaped_around_the_marks(alice, alice_client):
    contact = make_contact(alice)
    make_note(alice, contact, "<script>alert('x')</script> payload here")
    page = text_of(alice_client.get("/search/?q=payload"))
    assert "<script>alert" not in page
    assert "&lt;/script&gt;" in page
    assert "<mark>payload</mark>" in page


def test_edits_show_up_at_once(alice, alice_client):
    contact = make_contact(alice, "Ada Lovelace")
    change_contact(alice, contact, ContactDetails(name="Grace Hopper"))
    assert "Nothing matches" in text_of(alice_client.get("/search/?q=lovelace"))
    assert "<mark>Grace</mark> Hopper" in text_of(alice_client.get("/search/?q=grace"))


def test_nothing_found_says_so(alice, alice_client):
    make_contact(alice)
    page = text_of(alice_client.get("/search/?q=zzz"))
    assert "Nothing matches “zzz”" in page


def test_one_letter_alone_says_that_only_names_were_searched(alice, alice_client):
    contact = make_contact(alice, "Ada Lovelace")
    make_note(alice, contact, "Zeppelin tours")
    page = text_of(alice_client.get("/search/?q=a"))
    assert "<mark>Ada</mark> Lovelace" in page
    assert "Names only: type another letter to search notes and everything else too." in page
    page = text_of(alice_client.get("/search/?q=z"))
    assert "No contact or organisation has a name with a word starting with “z”." in page
    assert "Zeppelin" in text_of(alice_client.get("/search/?q=ze"))


def test_no_words_asks_for_one_without_an_error(alice_client):
    response = alice_client.get("/search/?q=%22%28%2A%29")
    assert response.status_code == 200
    assert "Type a word" in text_of(response)
    assert "Type a name" in text_of(alice_client.get("/search/"))


def test_hostile_queries_answer_normally(alice, alice_client):
    make_contact(alice)
    for query in ('"ada', "ada*", "NEAR(ada lov)", "ada OR", ")(", "a" * 5000, "ada:*", "!!"):
        assert alice_client.get("/search/", {"q": query}).status_code == 200, query


@pytest.mark.parametrize("query", CRAFTED_QUERIES)
def test_crafted_queries_answer_normally(alice, alice_client, query):
    make_contact(alice)
    assert alice_client.get("/search/", {"q": query}).status_code == 200


def test_the_box_shows_the_query_as_it_was_used(alice, alice_client):
    page = text_of(alice_client.get("/search/", {"q": " ada\x00\tlove\x07 "}))
    assert 'value="ada love"' in page


def test_other_peoples_rows_are_never_shown(alice, bob, alice_client):
    make_contact(bob, "Grace Hopper")
    assert "Hopper" not in text_of(alice_client.get("/search/?q=grace")).split("<main")[1]


def test_results_come_in_pages(alice, alice_client):
    for number in range(25):
        make_contact(alice, f"Person {number:02d}")
    first = text_of(alice_client.get("/search/?q=person"))
    assert first.count('class="search-hit ') == 20
    assert 'href="?q=person&amp;page=2"' in first and "More matches" in first
    second = text_of(alice_client.get("/search/?q=person&page=2"))
    assert second.count('class="search-hit ') == 5
    assert "More matches" not in second and 'rel="prev"' in second
    assert alice_client.get("/search/?q=person&page=abc").status_code == 200
    assert "No more matches" in text_of(alice_client.get("/search/?q=person&page=40"))


def test_the_number_of_queries_does_not_grow_with_the_data(alice, alice_client):
    contact = make_contact(alice, "Data Person")
    make_note(alice, contact, "data")
    few = count_queries(alice_client, "/search/?q=data")
    for number in range(30):
        other = make_contact(alice, f"Data Person {number}", organisation=f"Data Org {number}")
        make_note(alice, other, f"more data {number}")
    assert count_queries(alice_client, "/search/?q=data") == few


def test_the_contacts_page_keeps_its_own_filter(alice, alice_client):
    make_contact(alice, "Ada Lovelace", organisation="Analytical Engines")
    make_contact(alice, "Grace Hopper")
    page = text_of(alice_client.get("/contacts/?q=analytical"))
    assert '<label for="contact-filter">Filter contacts</label>' in page
    assert 'action="/contacts/"' in page
    assert "Ada Lovelace" in page and "Grace Hopper" not in page


def test_the_page_answers_only_get(alice_client):
    assert alice_client.post("/search/").status_code == 405


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/search/?q=x")
    assert response.status_code == 302
