"""Targets: the board, adding one, bulk-adding from contacts, and editing or removing a target."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from coffeechat.services.outreach import log_outreach
from coffeechat.services.targets import add_target
from coffeechat.store.models import Organisation
from tests.web.conftest import NOW, count_queries, make_contact, text_of


def board_names(page: str) -> list[str]:
    """The organisations on the board, top to bottom."""
    return re.findall(r'<th scope="row"><a href="/organisations/[^"]+/">([^<]+)</a></th>', page)


def target(owner, name: str) -> Organisation:
    return Organisation.objects.get(owner=owner, name=name)


@pytest.fixture
def board(alice):
    """Four targets that each sort a different way."""
    make_contact(alice, "Ada", organisation="Acme")
    make_contact(alice, "Bea", organisation="Acme")
    cy = make_contact(alice, "Cy", organisation="Globex")
    add_target(alice, "Acme", motivation=2, hiring_signal="some")
    add_target(alice, "Globex", motivation=3, hiring_signal="none")
    add_target(alice, "Initech", motivation=3, hiring_signal="active", knows_someone=True)
    add_target(alice, "Umbrella", motivation=1, top_five=True)
    log_outreach(alice, cy, "Hello?", sent_at=NOW - timedelta(days=1))
    return alice


# --- the board -----------------------------------------------------------------------------------


def test_an_empty_board_explains_targets_and_offers_import_without_contacts(alice_client):
    page = text_of(alice_client.get("/targets/"))
    assert "A target is an organisation you would like to work for" in page
    assert 'href="/targets/add/"' in page
    assert 'href="/import/"' in page


def test_an_empty_board_offers_bulk_adding_once_there_are_contacts(alice, alice_client):
    make_contact(alice, "Ada", organisation="Acme")
    page = text_of(alice_client.get("/targets/"))
    assert 'href="/targets/bulk/"' in page
    assert 'href="/import/"' not in page


def test_the_board_shows_each_target_with_what_is_known(board, alice_client):
    page = text_of(alice_client.get("/targets/"))
    assert "4 targets · 1 top" in page
    # Priority: top five first, then motivation, then hiring.
    assert board_names(page) == ["Umbrella", "Initech", "Globex", "Acme"]
    assert 'Yes <span class="muted">· 2 contacts</span>' in page
    assert 'Yes <span class="muted">· you said yes</span>' in page
    assert 'No <span class="muted">· nobody yet</span>' in page
    assert '1 <span class="muted">· 1 waiting · 0 replied</span>' in page
    assert "Sun 1 Mar 2026" in page
    assert '<span class="badge badge--top">Top 5</span>' in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sort=name", ["Acme", "Globex", "Initech", "Umbrella"]),
        ("sort=name&dir=desc", ["Umbrella", "Initech", "Globex", "Acme"]),
        ("sort=priority", ["Umbrella", "Initech", "Globex", "Acme"]),
        ("sort=priority&dir=asc", ["Acme", "Globex", "Initech", "Umbrella"]),
        ("sort=motivation", ["Globex", "Initech", "Acme", "Umbrella"]),
        ("sort=motivation&dir=asc", ["Umbrella", "Acme", "Globex", "Initech"]),
        ("sort=knows", ["Acme", "Globex", "Initech", "Umbrella"]),
        ("sort=hiring", ["Initech", "Acme", "Umbrella", "Globex"]),
        ("sort=contacts", ["Acme", "Globex", "Initech", "Umbrella"]),
        ("sort=requests", ["Globex", "Acme", "Initech", "Umbrella"]),
        ("sort=last_request", ["Globex", "Acme", "Initech", "Umbrella"]),
        ("sort=bogus&dir=sideways", ["Umbrella", "Initech", "Globex", "Acme"]),
    ],
)
def test_the_board_sorts_by_each_column(board, alice_client, query, expected):
    assert board_names(text_of(alice_client.get(f"/targets/?{query}"))) == expected


def test_column_headers_sort_and_turn_the_order_round(board, alice_client):
    page = text_of(alice_client.get("/targets/?sort=motivation&dir=desc&top=1"))
    # The current column offers the other direction; the others start from their own default.
    assert 'aria-sort="descending"' in page
    assert 'href="/targets/?sort=motivation&amp;dir=asc&amp;top=1"' in page
    assert 'href="/targets/?sort=name&amp;dir=asc&amp;top=1"' in page
    assert 'href="/targets/?sort=contacts&amp;dir=desc&amp;top=1"' in page


def test_the_board_filters_top_five_and_hiring(board, alice_client):
    page = text_of(alice_client.get("/targets/?top=1"))
    assert board_names(page) == ["Umbrella"]
    assert "1 of 4 targets · 1 top" in page
    assert board_names(text_of(alice_client.get("/targets/?hiring=active"))) == ["Initech"]
    assert len(board_names(text_of(alice_client.get("/targets/?hiring=bogus")))) == 4
    page = text_of(alice_client.get("/targets/?hiring=none&top=1"))
    assert "No targets match these filters" in page


def test_the_board_hides_other_peoples_targets(board, bob, bob_client):
    add_target(bob, "Bobcorp", motivation=2)
    assert board_names(text_of(bob_client.get("/targets/"))) == ["Bobcorp"]


def test_the_board_renders_45_targets_with_as_many_queries_as_for_3(alice, alice_client):
    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            contact = make_contact(alice, f"Person {number}", organisation=f"Org {number:02}")
            add_target(alice, f"Org {number:02}", motivation=1 + number % 3, top_five=number < 5)
            log_outreach(alice, contact, "Hello?", sent_at=NOW - timedelta(days=number % 7 + 1))

    add(3, 0)
    few = count_queries(alice_client, "/targets/?sort=last_request")
    add(42, 3)
    assert count_queries(alice_client, "/targets/?sort=last_request") == few
    page = text_of(alice_client.get("/targets/"))
    assert "45 targets · 5 top" in page
    # A page of them; tests/web/test_targets_pages.py reads the others.
    assert len(board_names(page)) == 25


# --- adding one ----------------------------------------------------------------------------------


def test_the_add_form_offers_motivation_hiring_top_five_and_knowing_someone(alice, alice_client):
    make_contact(alice, "Ada", organisation="Acme")
    add_target(alice, "Globex", motivation=2)
    page = text_of(alice_client.get("/targets/add/"))
    for label in ("Low", "Medium", "High", "Hiring actively", "One of my top five"):
        assert label in page
    assert 'type="radio" name="motivation"' in page
    assert 'type="radio" name="knows_someone"' in page
    # The suggestions are organisations that are not targets yet.
    assert '<option value="Acme">' in page
    assert '<option value="Globex">' not in page


def test_adding_a_target_saves_it_and_says_when_you_know_nobody_there(alice, alice_client):
    response = alice_client.post(
        "/targets/add/",
        {
            "name": "Initech",
            "motivation": "3",
            "hiring_signal": "active",
            "top_five": "on",
            "knows_someone": "auto",
        },
        follow=True,
    )
    page = text_of(response)
    assert "Added Initech as a target." in page
    assert "You know nobody at Initech yet." in page
    initech = target(alice, "Initech")
    assert (initech.motivation, initech.hiring_signal, initech.top_five) == (3, "active", True)
    assert initech.has_advocate is None


def test_adding_a_target_records_what_you_said_about_knowing_someone(alice, alice_client):
    alice_client.post(
        "/targets/add/",
        {"name": "Initech", "motivation": "1", "hiring_signal": "unknown", "knows_someone": "yes"},
    )
    assert target(alice, "Initech").has_advocate is True


def test_adding_with_bad_input_keeps_what_was_typed(alice, alice_client):
    response = alice_client.post(
        "/targets/add/",
        {"name": "Initech", "motivation": "7", "hiring_signal": "maybe", "knows_someone": "no"},
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "Choose your motivation: low, medium or high." in page
    assert "Choose one of the hiring signals in the list." in page
    assert 'value="Initech"' in page
    assert re.search(r'value="no"[^>]*checked', page)
    assert not Organisation.objects.filter(owner=alice, name="Initech").exists()


def test_adding_a_target_twice_points_to_its_priority(alice, alice_client):
    acme = add_target(alice, "Acme", motivation=3)
    response = alice_client.post(
        "/targets/add/",
        {"name": "acme", "motivation": "1", "hiring_signal": "unknown", "knows_someone": "auto"},
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "Acme is a target already" in page
    assert f'href="/organisations/{acme.code}/target/?from=board"' in page
    assert target(alice, "Acme").motivation == 3


def test_a_sixth_top_target_is_refused_with_the_five_named(alice, alice_client):
    for name in ("A", "B", "C", "D", "E"):
        add_target(alice, name, motivation=3, top_five=True)
    response = alice_client.post(
        "/targets/add/",
        {
            "name": "F",
            "motivation": "3",
            "hiring_signal": "unknown",
            "top_five": "on",
            "knows_someone": "auto",
        },
    )
    assert response.status_code == 400
    assert "You have five top targets already (A, B, C, D, E): unflag one first." in text_of(
        response
    )
    assert not Organisation.objects.filter(owner=alice, name="F").exists()


# --- bulk-adding ---------------------------------------------------------------------------------


def test_bulk_adding_lists_organisations_among_contacts_with_counts(alice, bob, alice_client):
    make_contact(alice, "Ada", organisation="Acme")
    make_contact(alice, "Bea", organisation="Globex")
    make_contact(alice, "Cy", organisation="Globex")
    make_contact(bob, "Di", organisation="Bobcorp")
    page = text_of(alice_client.get("/targets/bulk/"))
    assert page.index("Globex") < page.index("Acme")
    assert "2 contacts" in page and "1 contact<" in page
    assert "Bobcorp" not in page


def test_bulk_adding_makes_the_ticked_ones_targets(alice, alice_client):
    acme = make_contact(alice, "Ada", organisation="Acme").organisation
    globex = make_contact(alice, "Bea", organisation="Globex").organisation
    make_contact(alice, "Cy", organisation="Initech")
    response = alice_client.post(
        "/targets/bulk/",
        {"organisations": [str(acme.code), str(globex.code)], "motivation": "3"},
        follow=True,
    )
    assert "Added 2 organisations as targets." in text_of(response)
    assert sorted(
        Organisation.objects.filter(owner=alice, is_target=True).values_list("name", "motivation")
    ) == [("Acme", 3), ("Globex", 3)]


def test_bulk_adding_leaves_other_users_organisations_alone(alice, bob, alice_client):
    acme = make_contact(alice, "Ada", organisation="Acme").organisation
    bobcorp = make_contact(bob, "Di", organisation="Bobcorp").organisation
    response = alice_client.post(
        "/targets/bulk/",
        {"organisations": [str(acme.code), str(bobcorp.code)], "motivation": "2"},
        follow=True,
    )
    page = text_of(response)
    assert "Added 1 organisation as targets." in page
    assert "1 of the ticked was left alone" in page
    bobcorp.refresh_from_db()
    assert not bobcorp.is_target


def test_bulk_adding_with_nothing_ticked_says_so_and_keeps_the_motivation(alice, alice_client):
    make_contact(alice, "Ada", organisation="Acme")
    response = alice_client.post("/targets/bulk/", {"motivation": "3"})
    assert response.status_code == 400
    page = text_of(response)
    assert "Pick at least one organisation to add as a target." in page
    assert re.search(r'value="3"[^>]*checked', page)


def test_bulk_adding_with_a_bad_motivation_keeps_the_ticks(alice, alice_client):
    acme = make_contact(alice, "Ada", organisation="Acme").organisation
    response = alice_client.post(
        "/targets/bulk/", {"organisations": [str(acme.code)], "motivation": "9"}
    )
    assert response.status_code == 400
    page = text_of(response)
    assert re.search(rf'value="{acme.code}"[^>]*checked', page)
    assert "Add 1 as target<" in page
    assert not target(alice, "Acme").is_target


def test_bulk_adding_without_contacts_points_to_import(alice_client):
    page = text_of(alice_client.get("/targets/bulk/"))
    assert "nothing to pick from" in page
    assert 'href="/import/"' in page


def test_bulk_adding_when_every_organisation_is_a_target_says_so(alice, alice_client):
    make_contact(alice, "Ada", organisation="Acme")
    add_target(alice, "Acme", motivation=2)
    page = text_of(alice_client.get("/targets/bulk/"))
    assert "Every organisation among your contacts is a target already." in page


def test_the_bulk_page_runs_as_many_queries_for_30_candidates_as_for_3(alice, alice_client):
    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            make_contact(alice, f"Person {number}", organisation=f"Org {number}")

    add(3, 0)
    few = count_queries(alice_client, "/targets/bulk/")
    add(27, 3)
    assert count_queries(alice_client, "/targets/bulk/") == few


# --- editing and removing ------------------------------------------------------------------------


def test_marking_an_organisation_from_its_page(alice, alice_client):
    acme = make_contact(alice, "Ada", organisation="Acme").organisation
    page = text_of(alice_client.get(f"/organisations/{acme.code}/target/"))
    assert "Mark Acme as a target" in page
    assert "Work it out from my contacts (1 there now)" in page
    response = alice_client.post(
        f"/organisations/{acme.code}/target/",
        {"motivation": "2", "hiring_signal": "some", "knows_someone": "auto"},
    )
    assert response["Location"] == f"/organisations/{acme.code}/"
    acme.refresh_from_db()
    assert (acme.is_target, acme.motivation, acme.hiring_signal) == (True, 2, "some")


def test_editing_a_target_shows_its_values_and_saves_changes(alice, alice_client):
    acme = add_target(alice, "Acme", motivation=3, hiring_signal="active", knows_someone=False)
    page = text_of(alice_client.get(f"/organisations/{acme.code}/target/?from=board"))
    assert "Priority of Acme" in page
    assert re.search(r'value="3"[^>]*checked', page)
    assert re.search(r'value="no"[^>]*checked', page)
    assert '<option value="active" selected>' in page
    assert "Work it out from my contacts (nobody there yet)" in page
    response = alice_client.post(
        f"/organisations/{acme.code}/target/",
        {"motivation": "1", "hiring_signal": "none", "knows_someone": "auto", "from": "board"},
    )
    assert response["Location"] == "/targets/"
    acme.refresh_from_db()
    assert (acme.motivation, acme.hiring_signal, acme.has_advocate) == (1, "none", None)


def test_editing_with_bad_input_keeps_what_was_typed(alice, alice_client):
    acme = add_target(alice, "Acme", motivation=3)
    for name in ("A", "B", "C", "D", "E"):
        add_target(alice, name, motivation=3, top_five=True)
    response = alice_client.post(
        f"/organisations/{acme.code}/target/",
        {"motivation": "1", "hiring_signal": "some", "top_five": "on", "knows_someone": "yes"},
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "You have five top targets already" in page
    assert re.search(r'value="1"[^>]*checked', page)
    assert re.search(r'value="yes"[^>]*checked', page)
    assert '<option value="some" selected>' in page
    acme.refresh_from_db()
    assert (acme.motivation, acme.top_five) == (3, False)


def test_no_longer_a_target_keeps_the_organisation_and_its_people(alice, alice_client):
    ada = make_contact(alice, "Ada", organisation="Acme")
    acme = add_target(alice, "Acme", motivation=3, top_five=True)
    response = alice_client.post(
        f"/organisations/{acme.code}/target/", {"remove": "1", "from": "board"}, follow=True
    )
    assert "Acme is no longer a target." in text_of(response)
    acme.refresh_from_db()
    assert (acme.is_target, acme.motivation, acme.top_five) == (False, None, False)
    ada.refresh_from_db()
    assert ada.organisation_id == acme.pk


def test_another_users_target_is_not_found(alice, bob_client):
    acme = add_target(alice, "Acme", motivation=3)
    assert bob_client.get(f"/organisations/{acme.code}/target/").status_code == 404
    posted = {"motivation": "1", "hiring_signal": "none", "knows_someone": "no"}
    assert bob_client.post(f"/organisations/{acme.code}/target/", posted).status_code == 404
    assert (
        bob_client.post(f"/organisations/{acme.code}/target/", {"remove": "1"}).status_code == 404
    )
    acme.refresh_from_db()
    assert (acme.is_target, acme.motivation) == (True, 3)


# --- forms and methods ---------------------------------------------------------------------------


def test_every_target_form_needs_the_csrf_token(alice):
    acme = make_contact(alice, "Ada", organisation="Acme").organisation
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    for url in ("/targets/add/", "/targets/bulk/", f"/organisations/{acme.code}/target/"):
        assert 'name="csrfmiddlewaretoken"' in text_of(client.get(url))
    posted = {
        "name": "Acme",
        "motivation": "2",
        "hiring_signal": "unknown",
        "knows_someone": "auto",
    }
    assert client.post("/targets/add/", posted).status_code == 403
    assert client.post("/targets/bulk/", {"organisations": [str(acme.code)]}).status_code == 403
    assert client.post(f"/organisations/{acme.code}/target/", posted).status_code == 403
    acme.refresh_from_db()
    assert not acme.is_target


def test_the_board_refuses_a_post(alice_client):
    assert alice_client.post("/targets/").status_code == 405


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/targets/")
    assert response.status_code == 302
