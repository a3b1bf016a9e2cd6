"""Invitation-only sign-up: invite an address, join once with the link, before it expires."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.db import connections

from coffeechat.services import invitations
from coffeechat.services.accounts import create_user, ensure_preferences
from coffeechat.services.errors import InvalidInput, NotFound
from coffeechat.store.models import Invitation

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "a long walk by the river"

pytestmark = pytest.mark.django_db


def received(inbox) -> list:
    """The messages a test mail server (the mail_server fixture) kept, parsed."""
    return [message_from_bytes(content, policy=default) for _, _, content in inbox.received]


@pytest.fixture
def admin(db):
    user = create_user("admin@example.edu", email="admin@example.edu")
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


def test_an_invitation_keeps_only_a_hash_of_its_secret():
    issued = invitations.invite("Sam@Example.edu", now=NOW)
    invitation = Invitation.objects.get()
    assert invitation.email == "sam@example.edu"
    assert issued.secret not in invitation.secret_hash
    assert len(issued.secret) >= 40
    assert invitation.expires_at == NOW + timedelta(days=invitations.INVITATION_DAYS)


def test_joining_makes_an_account_that_signs_in_with_the_address_and_password():
    issued = invitations.invite("sam@example.edu", now=NOW)
    user = invitations.accept(issued.secret, PASSWORD, now=NOW + timedelta(days=1))
    assert (user.username, user.email) == ("sam@example.edu", "sam@example.edu")
    assert user.password.startswith("md5$") or user.password.startswith("argon2")
    assert authenticate(username="sam@example.edu", password=PASSWORD) == user
    invitation = Invitation.objects.get()
    assert invitation.used_at == NOW + timedelta(days=1)
    assert invitation.user == user
    assert not ensure_preferences(user).is_coach
    assert not user.is_staff


def test_passwords_are_hashed_with_argon2_outside_the_tests():
    from coffeechat import settings as real

    assert real.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_a_coach_invitation_makes_a_coach_and_an_admin_one_an_administrator():
    coach = invitations.accept(invitations.invite("kim@x.org", as_coach=True).secret, PASSWORD)
    admin = invitations.accept(invitations.invite("ops@x.org", as_admin=True).secret, PASSWORD)
    assert ensure_preferences(coach).is_coach and not coach.is_staff
    assert admin.is_staff and not ensure_preferences(admin).is_coach


def test_an_invitation_works_once():
    issued = invitations.invite("sam@example.edu")
    invitations.accept(issued.secret, PASSWORD)
    with pytest.raises(invitations.InvitationRejected, match="used already"):
        invitations.accept(issued.secret, "another long password")
    assert get_user_model().objects.count() == 1


def test_an_invitation_expires_after_seven_days():
    issued = invitations.invite("sam@example.edu", now=NOW)
    late = NOW + timedelta(days=7)
    with pytest.raises(invitations.InvitationRejected, match="expired"):
        invitations.accept(issued.secret, PASSWORD, now=late)
    assert invitations.accept(issued.secret, PASSWORD, now=late - timedelta(seconds=1))


@pytest.mark.parametrize("change", [lambda s: s[:-1], lambda s: s + "x", lambda s: s.upper()])
def test_an_altered_link_is_refused(change):
    issued = invitations.invite("sam@example.edu")
    with pytest.raises(invitations.InvitationRejected, match="not valid"):
        invitations.accept(change(issued.secret), PASSWORD)
    assert not get_user_model().objects.exists()


def test_a_new_invitation_replaces_the_open_one_for_the_address():
    first = invitations.invite("sam@example.edu")
    second = invitations.invite("SAM@example.edu", as_coach=True)
    assert Invitation.objects.count() == 1
    with pytest.raises(invitations.InvitationRejected, match="not valid"):
        invitations.invitation_for(first.secret)
    assert invitations.invitation_for(second.secret).as_coach


def test_a_withdrawn_invitation_is_refused_and_resending_gives_a_new_link():
    first = invitations.invite("sam@example.edu")
    again = invitations.resend("sam@example.edu")
    with pytest.raises(invitations.InvitationRejected, match="not valid"):
        invitations.invitation_for(first.secret)
    invitations.revoke("Sam@example.edu")
    with pytest.raises(invitations.InvitationRejected, match="withdrawn"):
        invitations.accept(again.secret, PASSWORD)
    with pytest.raises(NotFound):
        invitations.revoke("sam@example.edu")


def test_an_address_with_an_account_is_not_invited(alice):
    with pytest.raises(InvalidInput, match="has an account already"):
        invitations.invite("ALICE@example.com")


def test_a_weak_password_is_refused_and_the_invitation_stays_open():
    issued = invitations.invite("sam@example.edu")
    with pytest.raises(InvalidInput) as refused:
        invitations.accept(issued.secret, "123")
    assert refused.value.field == "password"
    assert "too short" in refused.value.message
    assert invitations.invitation_for(issued.secret)


@pytest.mark.parametrize("address", ["", "sam", "sam@a.org, kim@b.org", "Sam <sam@a.org>"])
def test_what_is_not_one_address_is_refused(address):
    with pytest.raises(InvalidInput):
        invitations.invite(address)
    assert not Invitation.objects.exists()


def test_administrators_invite_coaches_and_coaches_invite_students_only(admin, coach, alice):
    assert invitations.invite("a@x.org", as_coach=True, invited_by=admin)
    assert invitations.invite("b@x.org", invited_by=coach)
    with pytest.raises(InvalidInput, match="Coaches can invite students"):
        invitations.invite("c@x.org", as_coach=True, invited_by=coach)
    with pytest.raises(InvalidInput, match="command line"):
        invitations.invite("d@x.org", as_admin=True, invited_by=admin)
    with pytest.raises(InvalidInput, match="Only administrators and coaches"):
        invitations.invite("e@x.org", invited_by=alice)


def test_a_coach_sees_and_withdraws_only_their_own_invitations(admin, coach):
    invitations.invite("mine@x.org", invited_by=coach)
    invitations.invite("theirs@x.org", invited_by=admin)
    assert [i.email for i in invitations.open_invitations(coach)] == ["mine@x.org"]
    assert [i.email for i in invitations.open_invitations(admin)] == ["mine@x.org", "theirs@x.org"]
    with pytest.raises(NotFound):
        invitations.revoke("theirs@x.org", viewer=coach)
    with pytest.raises(NotFound):
        invitations.resend("theirs@x.org", viewer=coach)


def test_the_invitation_email_carries_the_link(mail_server, coach):
    issued = invitations.invite("sam@example.edu", invited_by=coach)
    invitations.send_invitation(issued.invitation, "https://cc.example.edu/join/abc/")
    (message,) = received(mail_server)
    text = message.get_content()
    assert message["To"] == "sam@example.edu"
    assert "https://cc.example.edu/join/abc/" in text
    assert "kim@example.edu invited you" in text


def test_without_a_mail_server_sending_says_to_copy_the_link(settings):
    settings.COFFEECHAT_SMTP = None
    issued = invitations.invite("sam@example.edu")
    with pytest.raises(invitations.NotSent, match="copy the link"):
        invitations.send_invitation(issued.invitation, "https://cc.example.edu/join/abc/")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_joins_at_once_with_one_link_make_one_account():
    issued = invitations.invite("sam@example.edu")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def join() -> None:
        try:
            start.wait()
            invitations.accept(issued.secret, PASSWORD)
            outcomes.append("joined")
        except invitations.InvitationRejected:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=join) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["joined", "refused"]
    assert get_user_model().objects.filter(email="sam@example.edu").count() == 1
