"""Contacts: the list with search and pages, a contact's page, add, edit, delete, notes."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coffeechat.store.models import Chat, Contact, Note
from coffeechat.web.shortcuts import PER_PAGE
from coffeechat.web.views.contacts import NOTES_SHOWN
from tests.web.conftest import NOW, count_queries, make_chat, make_contact, make_note, text_of
from tests.web.crafted import CRAFTED_QUERIES

FORM = {
    "name": "Ada Lovelace",
    "role": "Analyst",
    "organisation": "Analytical Engines",
    "emails": "ada@example.org\nADA@example.org, lovelace@example.org",
    "phones": "+44 20 7946 0000",
    "linkedin_url": "https://www.linkedin.com/in/ada",
    "location": "London",
    "time_zone": "Europe/London",
    "tags": "maths, engines",
    "how_we_met": "A talk on computing.",
    "research_notes": "Wrote the first program.",
}


# Owner isolation: another user's contact looks as if it does not exist.


@pytest.mark.parametrize("suffix", ["", "edit/", "delete/", "notes/"])
def test_another_users_contact_is_not_found(alice, bob_client, suffix):
    contact = make_contact(alice)
    assert bob_client.get(f"/contacts/{contact.code}/{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ["edit/", "delete/", "notes/"])
def test_another_user_cannot_post_to_a_contact(alice, bob_client, suffix):
    contact = make_contact(alice)
    response = bob_client.post(f"/contacts/{contact.code}/{suffix}", {**FORM, "text": "hi"})
    assert response.status_code == 404
    contact.refresh_from_db()
    assert contact.name == "Ada Lovelace"
    assert not Note.objects.exists()


def test_an_unknown_or_malformed_code_is_not_found(alice_client):
    assert alice_client.get(f"/contacts/{uuid.uuid4()}/").status_code == 404
    response = alice_client.get("/contacts/12/")
    assert response.status_code == 404
    assert "Page not found" in text_of(response)


# The list.


def test_the_list_shows_name_role_and_organisation(alice, alice_client):
    make_contact(alice, "Ada Lovelace", role="Analyst", organisation="Analytical Engines")
    page = text_of(alice_client.get("/contacts/"))
    assert "Ada Lovelace" in page
    assert "Analyst" in page
    assert "Analytical Engines" in page
    assert 'href="/contacts/new/">Add contact</a>' in page


def test_the_list_reads_only_what_its_rows_show(alice, alice_client):
    # Emails, phones, tags and notes cost most of reading a page of contacts, and no row shows
    # them; the page still shows what it did.
    make_contact(alice, "Ada Lovelace", role="Analyst", organisation="Acme", tags=("data",))
    with CaptureQueriesContext(connection) as captured:
        page = text_of(alice_client.get("/contacts/"))
    assert "Ada Lovelace" in page and "Analyst" in page and "Acme" in page
    rows = [query["sql"] for query in captured.captured_queries if "ORDER BY" in query["sql"]]
    [read] = [sql for sql in rows if '"coffeechat_contact"."name"' in sql]
    for column in ("emails", "phones", "tags", "research_notes", "how_we_met"):
        assert f'"coffeechat_contact"."{column}"' not in read


def test_the_list_hides_other_peoples_contacts(alice, bob, alice_client):
    make_contact(bob, "Grace Hopper")
    assert "Grace Hopper" not in text_of(alice_client.get("/contacts/"))


def test_search_finds_by_any_word(alice, alice_client):
    make_contact(alice, "Ada Lovelace", organisation="Analytical Engines")
    make_contact(alice, "Grace Hopper", organisation="Navy")
    page = text_of(alice_client.get("/contacts/?q=analytical"))
    assert "Ada Lovelace" in page
    assert "Grace Hopper" not in page
    assert 'value="analytical"' in page  # the search box keeps the words


@pytest.mark.parametrize("query", CRAFTED_QUERIES)
def test_crafted_searches_answer_a_normal_page(alice, alice_client, query):
    make_contact(alice, "Ada Lovelace")
    response = alice_client.get("/contacts/", {"q": query})
    assert response.status_code == 200


def test_the_search_is_cleaned_before_it_is_used_and_shown(alice, alice_client):
    make_contact(alice, "Ada Lovelace")
    page = text_of(alice_client.get("/contacts/", {"q": " ada\x00\tlove\x07 "}))
    assert 'value="ada love"' in page
    assert "Ada Lovelace" in page
    page = text_of(alice_client.get("/contacts/", {"q": "x" * 1000}))
    assert f'value="{"x" * 200}"' in page


def test_search_without_results_says_so(alice, alice_client):
    make_contact(alice, "Ada Lovelace")
    page = text_of(alice_client.get("/contacts/?q=zzz"))
    assert "Nobody matches" in page


def test_the_list_has_pages_of_fifty(alice, alice_client):
    for number in range(55):
        make_contact(alice, f"Person {number:02d}")
    first = text_of(alice_client.get("/contacts/"))
    assert "Person 49" in first and "Person 50" not in first
    assert "Page 1 of 2" in first
    second = text_of(alice_client.get("/contacts/?page=2"))
    assert "Person 54" in second and "Person 49" not in second
    # A page that does not exist shows the nearest one instead of failing.
    assert alice_client.get("/contacts/?page=99").status_code == 200
    assert alice_client.get("/contacts/?page=abc").status_code == 200


def test_the_pages_keep_the_search(alice, alice_client):
    for number in range(55):
        make_contact(alice, f"Person {number:02d}")
    page = text_of(alice_client.get("/contacts/?q=person"))
    assert 'href="?q=person&amp;page=2"' in page


# Adding and editing.


def test_the_add_form_has_every_label_the_ui_contract_names(alice_client):
    page = text_of(alice_client.get("/contacts/new/"))
    for label in [
        "Name",
        "Role",
        "Organisation",
        "Emails",
        "Phones",
        "LinkedIn URL",
        "Location",
        "Time zone",
        "Tags",
        "How we met",
        "Research notes",
    ]:
        assert f">{label}</label>" in page
    assert "Save contact</button>" in page


def test_adding_a_contact_leads_to_their_page(alice, alice_client):
    response = alice_client.post("/contacts/new/", FORM)
    contact = Contact.objects.get(owner=alice)
    assert response.status_code == 302
    assert response["Location"] == f"/contacts/{contact.code}/"
    assert contact.emails == ["ada@example.org", "lovelace@example.org"]
    assert contact.tags == ["maths", "engines"]
    assert contact.organisation.name == "Analytical Engines"
    page = text_of(alice_client.get(response["Location"]))
    assert "<h1>Ada Lovelace</h1>" in page
    assert f'href="/chats/new/?contact={contact.code}">Plan a chat</a>' in page
    assert "Saved Ada Lovelace." in page


def test_a_contact_form_with_problems_keeps_what_was_typed(alice_client):
    typed = {**FORM, "name": "  ", "emails": "ada@example.org, not-an-address"}
    response = alice_client.post("/contacts/new/", typed)
    assert response.status_code == 400
    page = text_of(response)
    assert "This field is required." in page or "Give the contact a name" in page
    assert "Not an email address: not-an-address" in page
    assert "Analytical Engines" in page
    assert "Wrote the first program." in page
    assert not Contact.objects.exists()


def test_an_unknown_time_zone_is_refused_clearly(alice_client):
    response = alice_client.post("/contacts/new/", {**FORM, "time_zone": "Mars/Olympus"})
    assert response.status_code == 400
    page = text_of(response)
    assert "is not a time zone" in page
    # The message is tied to the field for screen readers.
    assert 'aria-describedby="id_time_zone_helptext id_time_zone_error"' in page
    assert 'id="id_time_zone_error"' in page
    assert 'aria-invalid="true"' in page


def test_editing_shows_the_current_details_and_saves_changes(alice, alice_client):
    contact = make_contact(alice, "Ada", emails=("a@example.org", "b@example.org"), tags=("x",))
    page = text_of(alice_client.get(f"/contacts/{contact.code}/edit/"))
    assert "a@example.org\nb@example.org" in page
    response = alice_client.post(f"/contacts/{contact.code}/edit/", {**FORM, "name": "Ada King"})
    assert response["Location"] == f"/contacts/{contact.code}/"
    contact.refresh_from_db()
    assert contact.name == "Ada King"


def test_a_failed_edit_keeps_the_typing_and_the_stored_contact(alice, alice_client):
    contact = make_contact(alice, "Ada")
    response = alice_client.post(
        f"/contacts/{contact.code}/edit/", {**FORM, "name": "Ada King", "time_zone": "Nowhere"}
    )
    assert response.status_code == 400
    assert 'value="Ada King"' in text_of(response)
    contact.refresh_from_db()
    assert contact.name == "Ada"


def test_an_overlong_name_gets_a_message_not_an_error_page(alice_client):
    response = alice_client.post("/contacts/new/", {**FORM, "name": "x" * 5000})
    assert response.status_code == 400
    assert "at most 200 characters" in text_of(response)


# A contact's page.


def test_a_contacts_page_shows_their_chats_and_notes(alice, alice_client):
    ada = make_contact(alice, "Ada Lovelace", time_zone="America/New_York", tags=("maths",))
    past = make_chat(alice, ada, NOW - timedelta(days=3))
    upcoming = make_chat(alice, ada, NOW + timedelta(days=3))
    make_note(alice, ada, "She suggested talking to Charles.", kind="referral", chat=past)
    page = text_of(alice_client.get(f"/contacts/{ada.code}/"))
    assert page.index(f"/chats/{upcoming.code}/") < page.index("Past chats")
    assert page.index("Past chats") < page.index(f"/chats/{past.code}/")
    assert "She suggested talking to Charles." in page
    assert "Referral" in page
    assert "04:00 there" in page  # their local time now, 09:00 UTC in New York
    assert 'action="/contacts/' in page and "/notes/" in page


def test_adding_a_note_returns_to_the_notes(alice, alice_client):
    ada = make_contact(alice)
    response = alice_client.post(
        f"/contacts/{ada.code}/notes/", {"kind": "memorable", "text": "Loves poetry."}
    )
    assert response["Location"] == f"/contacts/{ada.code}/#notes"
    note = Note.objects.get()
    assert (note.kind, note.text, note.chat) == ("memorable", "Loves poetry.", None)


def test_an_empty_note_is_refused_with_the_page_shown_again(alice, alice_client):
    ada = make_contact(alice)
    response = alice_client.post(f"/contacts/{ada.code}/notes/", {"kind": "insight", "text": " "})
    assert response.status_code == 400
    assert "Write something before saving the note." in text_of(response)
    assert "<h1>Ada Lovelace</h1>" in text_of(response)


def test_a_note_of_an_unknown_kind_is_refused(alice, alice_client):
    ada = make_contact(alice)
    response = alice_client.post(f"/contacts/{ada.code}/notes/", {"kind": "gossip", "text": "x"})
    assert response.status_code == 400
    assert not Note.objects.exists()


def test_the_notes_script_gets_just_the_notes_section(alice, alice_client):
    ada = make_contact(alice)
    response = alice_client.post(
        f"/contacts/{ada.code}/notes/",
        {"kind": "insight", "text": "Start with the data."},
        headers={"X-Coffeechat-Partial": "notes"},
    )
    assert response.status_code == 200
    page = text_of(response)
    assert page.lstrip().startswith("<section")
    assert "Start with the data." in page
    assert "Note added." in page
    assert "<h1>" not in page


def test_a_contacts_page_shows_their_newest_notes_and_links_to_all(alice, alice_client):
    ada = make_contact(alice)
    for number in range(NOTES_SHOWN + 3):
        make_note(
            alice, ada, f"Note number {number:02}.", taken_at=NOW - timedelta(days=50 - number)
        )
    page = text_of(alice_client.get(f"/contacts/{ada.code}/"))
    newest = [f"Note number {number:02}." for number in range(3, NOTES_SHOWN + 3)]
    assert all(text in page for text in newest)
    assert "Note number 02." not in page
    # Numbered as on the page of them all: the newest is the 13th.
    assert f'<ol class="note-list" reversed start="{NOTES_SHOWN + 3}">' in page
    assert (
        f'<a href="/contacts/{ada.code}/notes/">All {NOTES_SHOWN + 3} notes about Ada Lovelace</a>'
        in page
    )


def test_a_contact_with_few_notes_has_no_link_to_all_of_them(alice, alice_client):
    ada = make_contact(alice)
    make_note(alice, ada, "Only one.")
    page = text_of(alice_client.get(f"/contacts/{ada.code}/"))
    assert "Only one." in page
    assert "All 1 note" not in page
    assert f'href="/contacts/{ada.code}/notes/"' not in page


def test_the_notes_page_shows_every_note_a_page_at_a_time(alice, alice_client):
    ada = make_contact(alice)
    chat = make_chat(alice, ada, NOW - timedelta(days=1))
    total = PER_PAGE + 2
    for number in range(total):
        make_note(
            alice,
            ada,
            f"Note number {number:02}.",
            taken_at=NOW - timedelta(hours=total - number),
            chat=chat if number == 0 else None,
        )
    first = text_of(alice_client.get(f"/contacts/{ada.code}/notes/"))
    assert "<h1>Notes about Ada Lovelace</h1>" in first
    assert f"{total} notes, newest first." in first
    assert first.index(f"Note number {total - 1:02}.") < first.index(f"Note number {total - 2:02}.")
    assert "Note number 01." not in first
    assert f'<ol class="note-list" reversed start="{total}">' in first
    assert "Page 1 of 2" in first
    second = text_of(alice_client.get(f"/contacts/{ada.code}/notes/?page=2"))
    assert "Note number 01." in second and "Note number 00." in second
    assert '<ol class="note-list" reversed start="2">' in second
    # The oldest came from a chat: it links there, as on the contact's page.
    assert f'href="/chats/{chat.code}/">from the chat on' in second
    assert f'href="/contacts/{ada.code}/">Back to Ada Lovelace</a>' in second


def test_the_notes_page_of_someone_without_notes_says_so(alice, alice_client):
    ada = make_contact(alice)
    page = text_of(alice_client.get(f"/contacts/{ada.code}/notes/"))
    assert "No notes about Ada Lovelace yet." in page


def test_the_notes_page_takes_as_many_queries_for_60_notes_as_for_2(alice, alice_client):
    ada = make_contact(alice)
    chat = make_chat(alice, ada, NOW - timedelta(days=1))
    for number in range(2):
        make_note(alice, ada, f"Note {number}", chat=chat)
    few = count_queries(alice_client, f"/contacts/{ada.code}/notes/")
    for number in range(58):
        make_note(alice, ada, f"Note {number}", chat=chat)
    assert count_queries(alice_client, f"/contacts/{ada.code}/notes/") == few


# Deleting.


def test_deleting_asks_first_and_says_what_goes(alice, alice_client):
    ada = make_contact(alice)
    chat = make_chat(alice, ada)
    make_note(alice, ada, chat=chat)
    make_note(alice, ada)
    page = text_of(alice_client.get(f"/contacts/{ada.code}/delete/"))
    assert "1 chat" in page
    assert "2 notes" in page
    assert "Delete contact</button>" in page
    assert Contact.objects.exists()


def test_deleting_removes_the_contact_and_their_chats(alice, alice_client):
    ada = make_contact(alice)
    make_chat(alice, ada)
    response = alice_client.post(f"/contacts/{ada.code}/delete/")
    assert response["Location"] == "/contacts/"
    assert not Contact.objects.exists()
    assert not Chat.objects.exists()
    assert "Deleted Ada Lovelace" in text_of(alice_client.get("/contacts/"))


def test_contact_pages_refuse_other_methods(alice, alice_client):
    ada = make_contact(alice)
    assert alice_client.post("/contacts/").status_code == 405
    assert alice_client.put(f"/contacts/{ada.code}/").status_code == 405
    response = alice_client.delete(f"/contacts/{ada.code}/delete/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"
    assert "not available here" in text_of(response)


# The number of queries stays the same however many rows there are.


def test_the_list_runs_as_many_queries_for_20_contacts_as_for_2(alice, alice_client):
    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            make_contact(alice, f"Person {number}", organisation=f"Org {number}")

    add(2, 0)
    few = count_queries(alice_client, "/contacts/")
    add(18, 2)
    assert count_queries(alice_client, "/contacts/") == few


def test_a_contacts_page_runs_as_many_queries_for_20_chats_and_notes_as_for_2(alice, alice_client):
    ada = make_contact(alice, organisation="Analytical Engines", time_zone="Europe/Paris")

    def add(count: int) -> None:
        for number in range(count):
            past = make_chat(alice, ada, NOW - timedelta(days=number + 1))
            make_chat(alice, ada, NOW + timedelta(days=number + 1))
            make_note(alice, ada, f"Note {number}", chat=past)

    add(2)
    few = count_queries(alice_client, f"/contacts/{ada.code}/")
    add(18)
    assert count_queries(alice_client, f"/contacts/{ada.code}/") == few


# The keep-in-touch cadence (Who do I owe reminds the user from it).


def test_the_contact_form_sets_and_shows_the_keep_in_touch_cadence(alice, alice_client):
    contact = make_contact(alice, "Ada")
    page = text_of(alice_client.get(f"/contacts/{contact.code}/edit/"))
    assert "Keep in touch every … days" in page
    alice_client.post(f"/contacts/{contact.code}/edit/", {**FORM, "keep_in_touch_days": "60"})
    contact.refresh_from_db()
    assert contact.keep_in_touch_days == 60
    page = text_of(alice_client.get(f"/contacts/{contact.code}/edit/"))
    assert 'name="keep_in_touch_days" value="60"' in page
    # Emptying the box turns the reminders off.
    alice_client.post(f"/contacts/{contact.code}/edit/", {**FORM, "keep_in_touch_days": ""})
    contact.refresh_from_db()
    assert contact.keep_in_touch_days is None


def test_a_cadence_of_zero_days_is_refused_clearly(alice_client):
    response = alice_client.post("/contacts/new/", {**FORM, "keep_in_touch_days": "0"})
    assert response.status_code == 400
    assert "from 1 upwards, or leave it empty" in text_of(response)


def test_websites_are_edited_one_per_line_and_shown_as_safe_links(alice, alice_client):
    contact = make_contact(alice, "Ada")
    sites = "https://example.org/profile?id=1,2\nada.example\nhttps://ADA.example/\n"
    response = alice_client.post(
        f"/contacts/{contact.code}/edit/", {**FORM, "name": "Ada", "websites": sites}
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    # A comma is part of an address; the same site written twice is kept once.
    assert contact.websites == ["https://example.org/profile?id=1,2", "https://ada.example"]
    page = text_of(alice_client.get(f"/contacts/{contact.code}/"))
    assert (
        '<a href="https://example.org/profile?id=1,2" rel="noreferrer noopener">'
        "https://example.org/profile?id=1,2</a>"
    ) in page
    edit = text_of(alice_client.get(f"/contacts/{contact.code}/edit/"))
    assert "https://example.org/profile?id=1,2\nhttps://ada.example</textarea>" in edit


def test_a_website_that_is_not_a_web_address_is_refused_on_the_form(alice, alice_client):
    response = alice_client.post(
        "/contacts/new/", {**FORM, "websites": "https://ada.example\njavascript:alert(1)"}
    )
    assert response.status_code == 400
    assert "Not a web address: javascript:alert(1)" in text_of(response)
    assert not Contact.objects.exists()


def test_a_stored_website_is_escaped_and_only_linked_when_it_is_http(alice, alice_client):
    contact = make_contact(alice, "Ada")
    Contact.objects.filter(pk=contact.pk).update(
        websites=['javascript:alert("<b>")', "https://ada.example/?a=<i>"]
    )
    page = text_of(alice_client.get(f"/contacts/{contact.code}/"))
    assert 'href="javascript' not in page
    assert "javascript:alert(&quot;&lt;b&gt;&quot;)" in page
    assert 'href="https://ada.example/?a=&lt;i&gt;"' in page


def test_a_count_in_the_thousands_is_grouped(alice, alice_client):
    Contact.objects.bulk_create(
        Contact(owner=alice, name=f"Person {index}") for index in range(1200)
    )
    assert "1,200 contacts." in text_of(alice_client.get("/contacts/"))
