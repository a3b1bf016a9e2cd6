"""The Account page of a server: change the password, sign out everywhere, delete the account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings as real_settings
from django.contrib.auth import get_user_model
from django.test import Client

from coffeechat.services.accounts import create_user
from coffeechat.store.models import Contact, Preferences
from coffeechat.web.middleware import SIGNED_IN_AT_KEY
from tests.web.conftest import NOW, make_contact, text_of

PASSWORD = "the first long password"
NEW = "a second, longer password"


@pytest.fixture
def server(settings, db):
    settings.COFFEECHAT_MODE = "server"
    return settings


@pytest.fixture
def sam(db):
    return create_user("sam@example.edu", email="sam@example.edu", password=PASSWORD)


def signed_in(user, password: str = PASSWORD) -> Client:
    client = Client()
    assert client.login(username=user.username, password=password)
    return client


def test_sign_out_everywhere_is_in_the_middleware():
    assert "coffeechat.web.middleware.signed_out_everywhere" in real_settings.MIDDLEWARE
    position = real_settings.MIDDLEWARE.index
    assert position("coffeechat.web.middleware.signed_out_everywhere") > position(
        "django.contrib.auth.middleware.AuthenticationMiddleware"
    )


def test_the_account_page_offers_each_action_and_is_linked_from_every_page(server, sam):
    client = signed_in(sam)
    page = text_of(client.get("/account/"))
    assert "sam@example.edu" in page
    for target in (
        'action="/account/password/"',
        'action="/account/sign-out-everywhere/"',
        'href="/export/coffeechat.json"',
        'href="/account/delete/"',
    ):
        assert target in page, target
    assert 'href="/invitations/"' not in page  # a student invites nobody
    assert 'href="/account/"' in text_of(client.get("/"))


def test_account_pages_do_not_exist_in_local_mode(alice_client):
    for url in ("/account/", "/account/delete/", "/invitations/", "/password-reset/"):
        assert alice_client.get(url).status_code == 404, url
    for url in ("/account/password/", "/account/sign-out-everywhere/", "/account/delete/"):
        assert alice_client.post(url).status_code == 404, url
    assert 'href="/account/"' not in text_of(alice_client.get("/"))


def test_a_sign_in_records_when_it_happened(server, sam):
    client = signed_in(sam)
    assert client.session[SIGNED_IN_AT_KEY] == NOW.isoformat()


def test_changing_the_password_keeps_this_session_and_ends_the_others(server, sam):
    here, elsewhere = signed_in(sam), signed_in(sam)
    form = {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    response = here.post("/account/password/", form)
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/")["Location"].startswith("/signin/")
    assert Client().login(username="sam@example.edu", password=NEW)


def test_a_wrong_current_password_changes_nothing_and_says_so(server, sam):
    client = signed_in(sam)
    form = {"old_password": "not it", "new_password1": NEW, "new_password2": NEW}
    response = client.post("/account/password/", form)
    assert response.status_code == 400
    assert "That is not your current password." in text_of(response)
    assert Client().login(username="sam@example.edu", password=PASSWORD)


def test_sign_out_everywhere_ends_every_session_this_one_too(server, sam, time_machine):
    here, elsewhere = signed_in(sam), signed_in(sam)
    time_machine.move_to(NOW + timedelta(minutes=5))
    response = here.post("/account/sign-out-everywhere/")
    assert response.status_code == 302
    assert response["Location"] == "/signin/?signed_out=everywhere"
    assert "signed out everywhere" in text_of(here.get(response["Location"]))
    assert here.get("/")["Location"].startswith("/signin/")
    assert elsewhere.get("/")["Location"].startswith("/signin/")
    assert Preferences.objects.get(owner=sam).signed_out_at == NOW + timedelta(minutes=5)
    # Signing in again afterwards works, from anywhere.
    time_machine.move_to(NOW + timedelta(minutes=6))
    assert signed_in(sam).get("/").status_code == 200


def test_a_session_from_before_the_check_existed_is_signed_out_too(server, sam, time_machine):
    client = signed_in(sam)
    session = client.session
    del session[SIGNED_IN_AT_KEY]
    session.save()
    Preferences.objects.filter(owner=sam).update(signed_out_at=NOW - timedelta(days=1))
    assert client.get("/")["Location"].startswith("/signin/")


def test_sign_out_everywhere_leaves_a_local_coffeechat_alone(alice_client, alice):
    Preferences.objects.filter(owner=alice).update(signed_out_at=NOW + timedelta(days=1))
    assert alice_client.get("/").status_code == 200


def test_deleting_the_account_offers_the_export_first(server, sam):
    page = text_of(signed_in(sam).get("/account/delete/"))
    assert page.index('href="/export/coffeechat.json"') < page.index('name="password"')


def test_deleting_the_account_needs_the_password(server, sam):
    make_contact(sam)
    client = signed_in(sam)
    response = client.post("/account/delete/", {"password": "not it"})
    assert response.status_code == 400
    assert "Nothing was deleted" in text_of(response)
    assert Contact.objects.filter(owner=sam).exists()


def test_deleting_the_account_removes_it_and_signs_out(server, sam, bob):
    make_contact(sam)
    make_contact(bob)
    client, elsewhere = signed_in(sam), signed_in(sam)
    response = client.post("/account/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/signin/?signed_out=deleted"
    assert "everything in it are deleted" in text_of(client.get(response["Location"]))
    assert not get_user_model().objects.filter(username="sam@example.edu").exists()
    assert not Contact.objects.exclude(owner=bob).exists()
    assert client.get("/")["Location"].startswith("/signin/")
    assert elsewhere.get("/")["Location"].startswith("/signin/")
    assert Contact.objects.filter(owner=bob).count() == 1


def test_account_forms_need_their_csrf_token(server, sam):
    client = Client(enforce_csrf_checks=True)
    client.force_login(sam)
    assert client.post("/account/delete/", {"password": PASSWORD}).status_code == 403
    assert client.post("/account/sign-out-everywhere/").status_code == 403
    assert get_user_model().objects.filter(pk=sam.pk).exists()
