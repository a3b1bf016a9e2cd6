"""Who are you, for the letters you send: asked once after the first sign-in, skippable."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.html import escape

from coffeechat.services.accounts import create_user, ensure_preferences, issue_login_link
from coffeechat.services.preferences import skip_identity
from tests.web.conftest import NOW, text_of

YOU = {"your_name": "Sam Rivera", "your_email": "sam@rivera.example", "signature": "Sam\nUX"}
PASSWORD = "a long enough passphrase"


@pytest.fixture
def server_mode(settings):
    settings.COFFEECHAT_MODE = "server"


@pytest.fixture
def carol(db):
    return create_user("carol", password=PASSWORD)


def sign_in_with_a_link(client, user):
    return client.get(f"/signin/{issue_login_link(user)}/")


def test_the_first_sign_in_with_a_link_asks_who_you_are(client, alice):
    response = sign_in_with_a_link(client, alice)
    assert response["Location"] == "/you/"
    page = text_of(client.get("/you/"))
    assert "Who are you, for the letters you send?" in page
    for name in YOU:
        assert f'name="{name}"' in page
    assert "Save</button>" in page and "Skip for now</button>" in page


def test_the_first_password_sign_in_asks_who_you_are_and_keeps_where_you_were_going(
    client, carol, server_mode
):
    response = client.post(
        "/signin/", {"username": "carol", "password": PASSWORD, "next": "/chats/"}
    )
    assert response["Location"] == "/you/?next=%2Fchats%2F"
    page = text_of(client.get(response["Location"]))
    assert '<input type="hidden" name="next" value="/chats/">' in page
    saved = client.post("/you/", {**YOU, "next": "/chats/"})
    assert saved["Location"] == "/chats/"


def test_saving_keeps_who_you_are_and_goes_on(client, alice):
    sign_in_with_a_link(client, alice)
    response = client.post("/you/", YOU)
    assert response["Location"] == "/"
    saved = ensure_preferences(alice)
    assert (saved.your_name, saved.your_email, saved.signature) == (
        "Sam Rivera",
        "sam@rivera.example",
        "Sam\nUX",
    )
    assert saved.identity_asked_at == NOW
    assert "You can change it any time in Preferences." in text_of(client.get("/"))


def test_skipping_saves_nothing_and_is_remembered(client, alice):
    sign_in_with_a_link(client, alice)
    response = client.post("/you/", {**YOU, "your_email": "not an address", "action": "skip"})
    assert response["Location"] == "/"
    saved = ensure_preferences(alice)
    assert saved.identity_asked_at == NOW
    assert (saved.your_name, saved.your_email, saved.signature) == ("", "", "")


@pytest.mark.parametrize("answer", [YOU, {"action": "skip"}])
def test_it_is_asked_only_once(alice, answer):
    first = Client()
    sign_in_with_a_link(first, alice)
    first.post("/you/", answer)
    again = sign_in_with_a_link(Client(), alice)
    assert again["Location"] == "/"


def test_it_is_not_asked_after_the_first_password_sign_in(client, carol, server_mode):
    skip_identity(carol)
    response = client.post(
        "/signin/", {"username": "carol", "password": PASSWORD, "next": "/chats/"}
    )
    assert response["Location"] == "/chats/"


def test_a_bad_email_address_is_shown_with_what_was_typed(client, alice):
    sign_in_with_a_link(client, alice)
    response = client.post("/you/", {**YOU, "your_email": "Sam <sam@rivera.example>"})
    assert response.status_code == 400
    page = text_of(response)
    assert "without a name or angle brackets" in page
    assert escape("Sam <sam@rivera.example>") in page
    assert ensure_preferences(alice).identity_asked_at is None  # still to be answered


def test_the_next_page_after_the_question_is_never_another_site(alice_client):
    response = alice_client.post("/you/", {**YOU, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_the_saved_values_fill_the_question_and_preferences(alice, alice_client):
    alice_client.post("/you/", YOU)
    for url in ("/you/", "/preferences/"):
        page = text_of(alice_client.get(url))
        assert 'value="sam@rivera.example"' in page
        assert 'value="Sam Rivera"' in page


def test_the_question_needs_a_sign_in(client, db):
    assert client.get("/you/")["Location"] == "/signin/?next=/you/"
