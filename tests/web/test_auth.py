"""Getting in: the one-time link, the "how to get in" page, sign-out and server-mode passwords."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from coffeechat.services.accounts import issue_login_link
from coffeechat.services.preferences import skip_identity
from tests.web.conftest import NOW, make_chat, make_contact, text_of

PAGES = [
    "/",
    "/contacts/",
    "/contacts/new/",
    "/organisations/",
    "/chats/",
    "/chats/new/",
    "/preferences/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_a_visitor_without_a_session_is_sent_to_the_sign_in_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/signin/?next={url}"


def test_a_visitor_cannot_reach_someones_objects_without_signing_in(client, alice):
    contact = make_contact(alice)
    chat = make_chat(alice, contact)
    for url in (f"/contacts/{contact.code}/", f"/chats/{chat.code}/"):
        assert client.get(url)["Location"].startswith("/signin/?next=")
    response = client.post(f"/contacts/{contact.code}/delete/")
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/")


@pytest.mark.django_db
def test_the_sign_in_page_explains_how_to_get_in_locally(client):
    response = client.get("/signin/")
    assert response.status_code == 200
    page = text_of(response)
    assert "How to get in" in page
    assert "coffeechat serve" in page
    assert "<form" not in page.split("<main", 1)[1]  # no password form in local mode


def test_a_login_link_signs_in_and_leads_home(client, alice):
    skip_identity(alice)  # asked after an earlier sign-in (see test_identity)
    secret = issue_login_link(alice)
    response = client.get(f"/signin/{secret}/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "<h1>Today</h1>" in text_of(home)


def test_a_login_link_works_only_once(client, alice):
    secret = issue_login_link(alice)
    client.get(f"/signin/{secret}/")
    again = Client().get(f"/signin/{secret}/")
    assert again.status_code == 403
    page = text_of(again)
    assert "used already" in page
    assert "coffeechat serve" in page


def test_a_login_link_expires(client, alice, time_machine):
    secret = issue_login_link(alice)
    time_machine.move_to(NOW + timedelta(minutes=settings.COFFEECHAT_LOGIN_LINK_MINUTES, seconds=1))
    response = client.get(f"/signin/{secret}/")
    assert response.status_code == 403
    assert "expired" in text_of(response)
    assert client.get("/").status_code == 302  # still not signed in


def test_a_login_link_still_works_just_before_it_expires(client, alice, time_machine):
    secret = issue_login_link(alice)
    time_machine.move_to(NOW + timedelta(minutes=settings.COFFEECHAT_LOGIN_LINK_MINUTES - 1))
    assert client.get(f"/signin/{secret}/")["Location"] == "/you/"  # signed in, first time


@pytest.mark.django_db
def test_an_unknown_login_link_is_refused_with_a_way_forward(client):
    response = client.get("/signin/not-a-real-secret/")
    assert response.status_code == 403
    page = text_of(response)
    assert "not valid" in page
    assert "restart" in page.lower() or "coffeechat serve" in page


def sign_in_pages(client, alice) -> list[str]:
    """The page that says how to get in, and the one for a used, an expired and a bad link."""
    used = issue_login_link(alice)
    client.get(f"/signin/{used}/")
    expired = issue_login_link(alice)
    stranger = Client()
    pages = [text_of(stranger.get("/signin/")), text_of(stranger.get(f"/signin/{used}/"))]
    pages.append(text_of(stranger.get("/signin/not-a-real-secret/")))
    after = timedelta(minutes=settings.COFFEECHAT_LOGIN_LINK_MINUTES, seconds=1)
    with time_machine.travel(NOW + after, tick=False):
        pages.append(text_of(stranger.get(f"/signin/{expired}/")))
    return pages


def test_every_sign_in_page_names_make_run_as_well_as_coffeechat_serve(client, alice):
    for page in sign_in_pages(client, alice):
        assert "<code>make run</code>" in page
        assert "<code>coffeechat serve</code>" in page


def test_a_one_minute_link_is_said_in_the_singular(client, alice, settings):
    settings.COFFEECHAT_LOGIN_LINK_MINUTES = 1
    for page in sign_in_pages(client, alice):
        assert "for 1 minute," in page or "for 1 minute." in page
        assert "1 minutes" not in page


def test_a_login_link_cannot_be_spent_with_a_post(client, alice):
    secret = issue_login_link(alice)
    assert client.post(f"/signin/{secret}/").status_code == 405
    assert client.get(f"/signin/{secret}/")["Location"] == "/you/"  # the post did not spend it


def test_signing_out_needs_a_post(alice_client):
    response = alice_client.get("/signout/")
    assert response.status_code == 405
    assert alice_client.get("/").status_code == 200


def test_signing_out_ends_the_session(alice_client):
    response = alice_client.post("/signout/")
    assert response["Location"] == "/signin/?signed_out=here"
    assert alice_client.get("/").status_code == 302


def test_the_signed_out_message_needs_no_session(alice_client):
    # A phone's worker may still be fetching with the ended session when the person signs out;
    # each answer to it deletes the session cookie. The message comes with the address instead.
    response = alice_client.post("/signout/")
    alice_client.cookies.clear()
    assert "You are signed out." in text_of(alice_client.get(response["Location"]))
    assert "signed out" not in text_of(alice_client.get("/signin/"))
    assert "signed out" not in text_of(alice_client.get("/signin/?signed_out=nonsense"))


def test_a_signed_in_user_is_sent_on_from_the_sign_in_page(alice_client):
    assert alice_client.get("/signin/?next=/chats/")["Location"] == "/chats/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "foo"])
def test_the_next_page_never_leads_to_another_site(alice_client, target):
    assert alice_client.get("/signin/", {"next": target})["Location"] == "/"


@pytest.fixture
def server_mode(settings):
    settings.COFFEECHAT_MODE = "server"


@pytest.fixture
def carol(db):
    from coffeechat.services.accounts import create_user

    return create_user("carol", password="a long enough passphrase")


def test_server_mode_signs_in_with_a_password(client, carol, server_mode):
    skip_identity(carol)  # asked after an earlier sign-in (see test_identity)
    page = client.get("/signin/?next=/chats/")
    assert 'name="password"' in text_of(page)
    response = client.post(
        "/signin/",
        {"username": "carol", "password": "a long enough passphrase", "next": "/chats/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/chats/"
    assert client.get("/chats/").status_code == 200


def test_server_mode_keeps_the_username_after_a_wrong_password(client, carol, server_mode):
    response = client.post("/signin/", {"username": "carol", "password": "wrong"})
    assert response.status_code == 400
    page = text_of(response)
    assert 'value="carol"' in page
    assert "There is a problem" in page
    assert client.get("/").status_code == 302
