"""The Invitations page: administrators invite students and coaches, coaches invite students."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from coffeechat.services import invitations
from coffeechat.services.accounts import create_user, ensure_preferences
from coffeechat.store.models import Invitation
from tests.services.test_invitations import received
from tests.web.conftest import text_of

LINK = re.compile(r"http://testserver/join/[A-Za-z0-9_-]+/")


@pytest.fixture
def server(settings, db):
    settings.COFFEECHAT_MODE = "server"
    settings.COFFEECHAT_SMTP = None
    return settings


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin(db):
    user = create_user("ops@example.edu", email="ops@example.edu")
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def coach(db):
    user = create_user("kim@example.edu", email="kim@example.edu")
    preferences = ensure_preferences(user)
    preferences.is_coach = True
    preferences.save()
    return user


def test_the_account_page_links_to_invitations_for_administrators_and_coaches(server, admin, coach):
    for user in (admin, coach):
        assert 'href="/invitations/"' in text_of(client_of(user).get("/account/"))


def test_a_student_has_no_invitations_page(server, alice_client):
    assert alice_client.get("/invitations/").status_code == 404
    assert alice_client.post("/invitations/", {"email": "x@y.org"}).status_code == 404
    assert alice_client.post("/invitations/revoke/", {"email": "x@y.org"}).status_code == 404
    assert not Invitation.objects.exists()


def test_without_a_mail_server_the_link_is_shown_once_to_copy(server, admin):
    client = client_of(admin)
    response = client.post("/invitations/", {"email": "Sam@Example.edu", "role": "coach"})
    assert response.status_code == 200
    page = text_of(response)
    link = LINK.search(page).group(0)
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.as_coach, invitation.invited_by) == (
        "sam@example.edu",
        True,
        admin,
    )
    assert invitations.invitation_for(link.rsplit("/", 2)[1]) == invitation
    listed = text_of(client.get("/invitations/"))
    assert "sam@example.edu" in listed
    assert LINK.search(listed) is None  # the secret is not kept, so never shown again


def test_with_a_mail_server_the_link_goes_by_email(server, admin, mail_server):
    response = client_of(admin).post("/invitations/", {"email": "sam@example.edu"})
    assert response.status_code == 302
    (message,) = received(mail_server)
    assert message["To"] == "sam@example.edu"
    assert LINK.search(message.get_content())


def test_a_coach_invites_students_only(server, coach):
    client = client_of(coach)
    page = text_of(client.get("/invitations/"))
    assert 'name="role"' not in page
    client.post("/invitations/", {"email": "sam@example.edu", "role": "coach"})
    assert not Invitation.objects.get().as_coach


def test_problems_keep_what_was_typed(server, admin, alice):
    response = client_of(admin).post("/invitations/", {"email": "alice@example.com"})
    assert response.status_code == 400
    page = text_of(response)
    assert "has an account already" in page
    assert 'value="alice@example.com"' in page
    bad = client_of(admin).post("/invitations/", {"email": "sam at example"})
    assert bad.status_code == 400
    assert 'value="sam at example"' in text_of(bad)


def test_resend_replaces_the_link_and_revoke_withdraws_it(server, admin):
    first = invitations.invite("sam@example.edu", invited_by=admin)
    client = client_of(admin)
    response = client.post("/invitations/resend/", {"email": "sam@example.edu"})
    new_link = LINK.search(text_of(response)).group(0)
    with pytest.raises(invitations.InvitationRejected):
        invitations.invitation_for(first.secret)
    secret = new_link.rsplit("/", 2)[1]
    assert invitations.invitation_for(secret)
    client.post("/invitations/revoke/", {"email": "sam@example.edu"})
    with pytest.raises(invitations.InvitationRejected, match="withdrawn"):
        invitations.invitation_for(secret)
    assert "No open invitations" in text_of(client.get("/invitations/"))


def test_a_coach_cannot_touch_another_persons_invitation(server, admin, coach):
    invitations.invite("sam@example.edu", invited_by=admin)
    client = client_of(coach)
    assert "sam@example.edu" not in text_of(client.get("/invitations/"))
    client.post("/invitations/revoke/", {"email": "sam@example.edu"})
    assert Invitation.objects.get().revoked_at is None
    page = text_of(client.get("/invitations/"))
    assert "There is no open invitation for sam@example.edu" in page


def test_invitation_forms_need_their_csrf_token(server, admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    assert client.post("/invitations/", {"email": "sam@example.edu"}).status_code == 403
    assert not Invitation.objects.exists()


def test_addresses_are_escaped(server, admin):
    invitations.invite("o'hara&co@example.edu", invited_by=admin)
    page = text_of(client_of(admin).get("/invitations/"))
    assert "o'hara&co" not in page
    assert "o&#x27;hara&amp;co@example.edu" in page
