"""Password reset by email: ask from the sign-in page, get a link, set a new password once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from coffeechat.services.accounts import create_user
from coffeechat.services.password_reset import RESET_LINK_MINUTES
from tests.services.test_invitations import received
from tests.web.conftest import NOW, text_of

PASSWORD = "the first long password"
NEW = "a second, longer password"
LINK = re.compile(r"http://testserver(/password-reset/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def server(settings, db):
    settings.COFFEECHAT_MODE = "server"
    return settings


@pytest.fixture
def sam(db):
    return create_user("sam@example.edu", email="sam@example.edu", password=PASSWORD)


def ask(client: Client, email: str = "sam@example.edu"):
    return client.post("/password-reset/", {"email": email})


def reset_path(mail_server) -> str:
    (message,) = received(mail_server)
    found = LINK.search(message.get_content())
    assert found, message.get_content()
    return found.group(1)


def set_password(client: Client, path: str, password: str = NEW):
    return client.post(path, {"new_password1": password, "new_password2": password})


def test_the_sign_in_page_leads_to_the_reset_page(server, client):
    page = text_of(client.get("/signin/"))
    assert 'href="/password-reset/"' in page
    assert "Forgot your password?" in page


def test_a_reset_link_sets_a_new_password(server, client, sam, mail_server):
    response = ask(client, "SAM@example.edu")
    assert response.status_code == 200
    assert "Check your email" in text_of(response)
    path = reset_path(mail_server)
    page = client.get(path)
    assert page.status_code == 200
    assert 'name="new_password1"' in text_of(page)
    done = set_password(client, path)
    assert done.status_code == 302
    assert done["Location"] == "/signin/?signed_out=new_password"
    assert "Your password is changed. Sign in with it." in text_of(client.get(done["Location"]))
    assert Client().login(username="sam@example.edu", password=NEW)
    assert not Client().login(username="sam@example.edu", password=PASSWORD)


def test_the_answer_never_says_whether_an_address_has_an_account(server, sam, mail_server):
    known = text_of(ask(Client(), "sam@example.edu"))
    unknown = text_of(ask(Client(), "nobody@example.edu"))
    assert known.replace("sam@example.edu", "X") == unknown.replace("nobody@example.edu", "X")
    assert len(received(mail_server)) == 1  # only the real account got a message


def test_a_reset_link_works_once(server, client, sam, mail_server):
    ask(client)
    path = reset_path(mail_server)
    set_password(client, path)
    again = Client().get(path)
    assert again.status_code == 403
    assert "Ask for a new one" in text_of(again)
    assert set_password(Client(), path, "a third long password").status_code == 403
    assert Client().login(username="sam@example.edu", password=NEW)


def test_a_reset_link_expires_after_an_hour(server, client, sam, mail_server, time_machine):
    ask(client)
    path = reset_path(mail_server)
    time_machine.move_to(NOW + timedelta(minutes=RESET_LINK_MINUTES - 1))
    assert client.get(path).status_code == 200
    time_machine.move_to(NOW + timedelta(minutes=RESET_LINK_MINUTES, seconds=1))
    response = client.get(path)
    assert response.status_code == 403
    assert "expired" in text_of(response)
    assert set_password(client, path).status_code == 403


@pytest.mark.parametrize(
    "alter",
    [
        lambda uid, token: (uid, token[:-1] + ("0" if token[-1] != "0" else "1")),
        lambda uid, token: ("Mg", token),  # another account's id with this token
        lambda uid, token: ("!!", token),
        lambda uid, token: (uid, "not-a-token"),
    ],
)
def test_an_altered_reset_link_is_refused(server, client, sam, bob, mail_server, alter):
    ask(client)
    _, _, uid, token, _ = reset_path(mail_server).split("/")
    uid, token = alter(uid, token)
    response = client.get(f"/password-reset/{uid}/{token}/")
    assert response.status_code == 403
    assert set_password(client, f"/password-reset/{uid}/{token}/").status_code == 403


def test_a_new_password_must_be_strong_and_typed_twice_alike(server, client, sam, mail_server):
    ask(client)
    path = reset_path(mail_server)
    assert "too short" in text_of(set_password(client, path, "short"))
    differ = client.post(path, {"new_password1": NEW, "new_password2": NEW + "!"})
    assert differ.status_code == 400
    assert "The two passwords differ" in text_of(differ)
    assert set_password(client, path).status_code == 302  # the link still works


def test_a_reset_ends_every_session(server, sam, mail_server):
    elsewhere = Client()
    assert elsewhere.login(username="sam@example.edu", password=PASSWORD)
    client = Client()
    ask(client)
    set_password(client, reset_path(mail_server))
    assert elsewhere.get("/")["Location"].startswith("/signin/")


def test_without_a_mail_server_the_page_says_whom_to_ask(server, client, sam, settings):
    settings.COFFEECHAT_SMTP = None
    page = client.get("/password-reset/")
    assert page.status_code == 200
    assert "cannot send email" in text_of(page)
    assert 'name="email"' not in text_of(page)


def test_the_reset_pages_do_not_exist_in_local_mode(client, alice):
    assert client.get("/password-reset/").status_code == 404
    assert client.get("/password-reset/MQ/abc-def/").status_code == 404
