"""Joining a server by invitation: /join/<secret>/ asks for a password once, then signs in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from coffeechat.services import invitations
from coffeechat.store.models import Invitation
from tests.web.conftest import NOW, text_of

PASSWORD = "a long walk by the river"


@pytest.fixture
def server(settings, db):
    settings.COFFEECHAT_MODE = "server"
    return settings


def join_url(email: str = "sam@example.edu", **kwargs) -> str:
    return "/join/" + invitations.invite(email, **kwargs).secret + "/"


def test_the_join_page_names_the_address_and_asks_for_a_password(server, client):
    response = client.get(join_url())
    assert response.status_code == 200
    page = text_of(response)
    assert "sam@example.edu" in page
    assert 'name="new_password1"' in page and 'name="new_password2"' in page
    assert "csrfmiddlewaretoken" in page


def test_joining_signs_in_and_asks_who_you_are(server, client):
    url = join_url()
    response = client.post(url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/you/"
    assert client.get("/").status_code == 200  # signed in
    user = get_user_model().objects.get()
    assert user.email == "sam@example.edu"
    assert Client().login(username="sam@example.edu", password=PASSWORD)


def test_a_second_submission_of_the_form_makes_no_second_account(server, client):
    url = join_url()
    form = {"new_password1": PASSWORD, "new_password2": PASSWORD}
    client.post(url, form)
    again = Client().post(url, form)
    assert again.status_code == 403
    assert "used already" in text_of(again)
    assert get_user_model().objects.count() == 1


def test_problems_keep_what_was_typed_and_the_invitation(server, client):
    url = join_url()
    response = client.post(url, {"new_password1": PASSWORD, "new_password2": "something else"})
    assert response.status_code == 400
    assert "The two passwords differ" in text_of(response)
    weak = client.post(url, {"new_password1": "1234", "new_password2": "1234"})
    assert weak.status_code == 400
    assert "too short" in text_of(weak)
    assert not get_user_model().objects.exists()
    assert Invitation.objects.get().used_at is None


def test_an_expired_link_is_refused_with_what_to_do(server, client, time_machine):
    url = join_url()
    time_machine.move_to(NOW + timedelta(days=invitations.INVITATION_DAYS, seconds=1))
    response = client.get(url)
    assert response.status_code == 403
    page = text_of(response)
    assert "expired" in page and "send it again" in page
    form = {"new_password1": PASSWORD, "new_password2": PASSWORD}
    assert client.post(url, form).status_code == 403
    assert not get_user_model().objects.exists()


@pytest.mark.parametrize("secret", ["not-a-real-secret", "x" * 43])
def test_an_unknown_or_altered_link_is_refused(server, client, secret):
    invitations.invite("sam@example.edu")
    response = client.get(f"/join/{secret}/")
    assert response.status_code == 403
    assert "not valid" in text_of(response)


def test_an_altered_link_one_character_off_is_refused(server, client):
    url = join_url()
    altered = url[:-2] + ("A" if url[-2] != "A" else "B") + "/"
    assert client.get(altered).status_code == 403


def test_a_withdrawn_invitation_is_refused(server, client):
    url = join_url()
    invitations.revoke("sam@example.edu")
    response = client.get(url)
    assert response.status_code == 403
    assert "withdrawn" in text_of(response)


def test_there_is_no_sign_up_without_an_invitation(server, client):
    for url in ("/join/", "/signup/", "/register/"):
        assert client.get(url).status_code in (302, 404), url
    assert client.post("/join/", {"email": "sam@example.edu"}).status_code in (302, 404)
    assert not get_user_model().objects.exists()


def test_the_join_form_needs_its_csrf_token(server):
    url = join_url()
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 403
    assert not get_user_model().objects.exists()


def test_joining_is_not_a_page_in_local_mode(db, client):
    url = join_url()
    assert client.get(url).status_code == 404
