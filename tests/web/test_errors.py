"""Error pages: in the app's style, never a traceback, with a way back."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client, RequestFactory

from coffeechat.web.views import errors
from tests.web.conftest import make_contact, text_of


def test_a_missing_page_has_the_apps_look_and_a_way_back(alice_client):
    response = alice_client.get(f"/chats/{uuid.uuid4()}/")
    assert response.status_code == 404
    page = text_of(response)
    assert "Page not found" in page
    assert 'href="/"' in page
    assert "Traceback" not in page


@pytest.mark.django_db
def test_an_unknown_address_is_not_found_even_before_signing_in(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in text_of(response)


def test_a_wrong_method_gets_a_readable_page(alice_client):
    response = alice_client.post("/chats/")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert "accepts GET requests only" in text_of(response)


def test_a_form_without_its_csrf_token_is_refused_with_advice(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    contact = make_contact(alice)
    response = client.post(f"/contacts/{contact.code}/delete/")
    assert response.status_code == 403
    page = text_of(response)
    assert "This form has expired" in page
    assert "reload the page" in page
    contact.refresh_from_db()  # still there


@pytest.mark.django_db
def test_the_server_error_page_needs_no_database_or_session():
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "What you saved before is safe." in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("view", "status", "title"),
    [
        (errors.bad_request, 400, "That request could not be read"),
        (errors.permission_denied, 403, "You cannot open this page"),
        (errors.page_not_found, 404, "Page not found"),
    ],
)
def test_each_error_page_says_what_happened(view, status, title):
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = view(request, Exception("detail"))
    assert response.status_code == status
    page = response.content.decode()
    assert title in page
    assert "detail" not in page


def test_a_crashing_view_shows_the_calm_error_page(alice_client, monkeypatch):
    def broken(owner, now=None):
        raise RuntimeError("boom")

    monkeypatch.setattr("coffeechat.web.views.home.today_and_tomorrow", broken)
    alice_client.raise_request_exception = False
    response = alice_client.get("/")
    assert response.status_code == 500
    page = text_of(response)
    assert "Something went wrong" in page
    assert "boom" not in page
    assert "Traceback" not in page
