"""Organisations: the list with contact counts, one organisation with its people, edit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from coffeechat.services.organisations import organisation_named
from coffeechat.services.targets import mark_target
from coffeechat.store.models import Contact, Organisation
from tests.web.conftest import NOW, count_queries, make_contact, text_of


@pytest.fixture
def engines(alice):
    return make_contact(alice, "Ada Lovelace", organisation="Analytical Engines").organisation


@pytest.mark.parametrize("suffix", ["", "edit/"])
def test_another_users_organisation_is_not_found(engines, bob_client, suffix):
    assert bob_client.get(f"/organisations/{engines.code}/{suffix}").status_code == 404


def test_another_user_cannot_edit_an_organisation(engines, bob_client):
    response = bob_client.post(f"/organisations/{engines.code}/edit/", {"name": "Taken over"})
    assert response.status_code == 404
    engines.refresh_from_db()
    assert engines.name == "Analytical Engines"


def test_the_list_counts_contacts_at_each(alice, engines, alice_client):
    make_contact(alice, "Charles Babbage", organisation="Analytical Engines")
    make_contact(alice, "Grace Hopper", organisation="Navy")
    page = text_of(alice_client.get("/organisations/"))
    assert "Analytical Engines" in page
    assert '<td data-label="Contacts" class="number">2</td>' in page
    assert '<td data-label="Contacts" class="number">1</td>' in page


def test_the_list_hides_other_peoples_organisations(bob, alice_client):
    make_contact(bob, "Grace Hopper", organisation="Navy")
    page = text_of(alice_client.get("/organisations/"))
    assert "Navy" not in page
    assert "No organisations yet" in page


def test_an_organisation_shows_its_people(alice, engines, alice_client):
    make_contact(alice, "Charles Babbage", role="Inventor", organisation="Analytical Engines")
    make_contact(alice, "Grace Hopper", organisation="Navy")
    page = text_of(alice_client.get(f"/organisations/{engines.code}/"))
    assert "<h1>Analytical Engines</h1>" in page
    assert "Ada Lovelace" in page
    assert "Charles Babbage" in page and "Inventor" in page
    assert "Grace Hopper" not in page


def test_editing_an_organisation_saves_name_website_and_notes(engines, alice_client):
    page = text_of(alice_client.get(f"/organisations/{engines.code}/edit/"))
    assert 'value="Analytical Engines"' in page
    response = alice_client.post(
        f"/organisations/{engines.code}/edit/",
        {"name": "Engines Ltd", "website": "engines.example", "notes": "Hiring in spring."},
    )
    assert response["Location"] == f"/organisations/{engines.code}/"
    engines.refresh_from_db()
    assert (engines.name, engines.website, engines.notes) == (
        "Engines Ltd",
        "https://engines.example",
        "Hiring in spring.",
    )


def test_renaming_onto_another_organisation_is_refused_with_the_typing_kept(
    alice, engines, alice_client
):
    make_contact(alice, "Grace Hopper", organisation="Navy")
    response = alice_client.post(
        f"/organisations/{engines.code}/edit/", {"name": "navy", "notes": "typed notes"}
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "You already have an organisation called navy." in page
    assert "typed notes" in page
    assert Organisation.objects.get(pk=engines.pk).name == "Analytical Engines"


def test_a_bad_website_gets_a_clear_message(engines, alice_client):
    response = alice_client.post(
        f"/organisations/{engines.code}/edit/", {"name": "Engines", "website": "not a site"}
    )
    assert response.status_code == 400
    assert "Enter a web address" in text_of(response)


def test_organisation_pages_refuse_other_methods(engines, alice_client):
    assert alice_client.post("/organisations/").status_code == 405
    assert alice_client.post(f"/organisations/{engines.code}/").status_code == 405


def test_the_list_runs_as_many_queries_for_20_organisations_as_for_2(alice, alice_client):
    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            make_contact(alice, f"Person {number}", organisation=f"Org {number}")
            make_contact(alice, f"Colleague {number}", organisation=f"Org {number}")

    add(2, 0)
    few = count_queries(alice_client, "/organisations/")
    add(18, 2)
    assert count_queries(alice_client, "/organisations/") == few


def test_an_organisation_runs_as_many_queries_for_20_people_as_for_2(alice, engines, alice_client):
    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            make_contact(alice, f"Person {number}", organisation="Analytical Engines")

    add(1, 0)
    few = count_queries(alice_client, f"/organisations/{engines.code}/")
    add(18, 1)
    assert count_queries(alice_client, f"/organisations/{engines.code}/") == few


def test_adding_a_contact_from_an_organisation_names_it(engines, alice_client):
    page = text_of(alice_client.get(f"/organisations/{engines.code}/"))
    assert 'href="/contacts/new/?organisation=Analytical%20Engines"' in page
    form = text_of(alice_client.get("/contacts/new/?organisation=Analytical%20Engines"))
    assert 'value="Analytical Engines"' in form


def test_an_organisation_offers_to_become_a_target(engines, alice_client):
    page = text_of(alice_client.get(f"/organisations/{engines.code}/"))
    assert "Not a target" in page
    assert f'href="/organisations/{engines.code}/target/">Mark as target</a>' in page


def test_a_target_shows_its_priority_with_an_edit_link(alice, engines, alice_client):
    mark_target(alice, engines, motivation=3, hiring_signal="active", top_five=True)
    page = text_of(alice_client.get(f"/organisations/{engines.code}/"))
    assert "Motivation: <strong>high</strong>" in page
    assert "Hiring: <strong>Hiring actively</strong>" in page
    assert "Top 5" in page
    assert 'Know someone: <strong>yes</strong> <span class="muted">(from your contacts)</span>' in (
        page
    )
    assert f'href="/organisations/{engines.code}/target/">Edit priority</a>' in page


def test_an_organisation_where_you_know_nobody_suggests_how_to_find_someone(alice, alice_client):
    lonely = organisation_named(alice, "Smith & Sons")
    page = text_of(alice_client.get(f"/organisations/{lonely.code}/"))
    assert "You know nobody at Smith &amp; Sons yet." in page
    assert (
        'href="https://www.linkedin.com/search/results/people/?keywords=Smith+%26+Sons" '
        'rel="noopener noreferrer"'
    ) in page
    assert 'href="/contacts/new/?organisation=Smith%20%26%20Sons"' in page


def test_the_suggestion_is_gone_once_you_know_someone_there(engines, alice_client):
    page = text_of(alice_client.get(f"/organisations/{engines.code}/"))
    assert "You know nobody" not in page
    assert "linkedin.com/search" not in page


def test_each_person_there_can_be_asked_for_a_chat(alice, engines, alice_client):
    ada = Contact.objects.get(owner=alice, name="Ada Lovelace")
    page = text_of(alice_client.get(f"/organisations/{engines.code}/"))
    assert f'href="/outreach/new/?contact={ada.code}">Ask for a chat' in page


def test_the_list_marks_targets(alice, engines, alice_client):
    make_contact(alice, "Grace Hopper", organisation="Navy")
    mark_target(alice, engines, motivation=2, top_five=True)
    page = text_of(alice_client.get("/organisations/"))
    assert page.count('class="badge badge--target"') == 1
    assert "Target · top 5</span>" in page


def test_an_organisation_page_shows_its_funnel(alice, alice_client):
    from coffeechat.services.outreach import log_outreach, record_reply

    ada = make_contact(alice, organisation="Analytical Engines")
    sent = log_outreach(alice, ada, "Hello", sent_at=NOW - timedelta(days=2))
    record_reply(alice, sent, replied_at=NOW - timedelta(days=1))
    organisation = ada.organisation
    page = alice_client.get(f"/organisations/{organisation.code}/").content.decode()
    assert "Funnel at Analytical Engines" in page
    assert "Wrote to 1 person" in page
    assert "<svg" in page


def test_an_organisation_nobody_wrote_to_says_there_is_no_funnel_yet(alice, alice_client):
    ada = make_contact(alice, organisation="Analytical Engines")
    page = alice_client.get(f"/organisations/{ada.organisation.code}/").content.decode()
    assert "No requests sent yet, so no funnel." in page
