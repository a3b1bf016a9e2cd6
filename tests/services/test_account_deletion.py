"""Deleting an account removes every row that is the user's, and nobody else's.

The test walks every model of the app (and Django's users and sessions): each table that names
a user must hold rows of alice before (so the walk proves something) and none after, while bob's
rows all stay. A table added later that the walk cannot fill fails here until it is filled.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from coffeechat.services import coaching, invitations
from coffeechat.services.accounts import (
    delete_account,
    ensure_preferences,
    issue_login_link,
)
from coffeechat.services.demo import fill_demo
from coffeechat.services.devices import pair, pairing_secret
from coffeechat.services.imports import import_file
from coffeechat.services.network import network_of
from coffeechat.store.models import (
    BusyBlock,
    CalendarSource,
    Chat,
    ChatEvent,
    CoachGrant,
    CoachView,
    Invitation,
    LoginFailure,
    MessageTemplate,
    Question,
    RateEvent,
    Reminder,
    ScriptTemplate,
    SharedChat,
    SnoozeLink,
    SyncedAction,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CARD = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Kat Imported\r\nEND:VCARD\r\n"


def user_fields() -> list[tuple[type, str]]:
    """Every (model, field) of the app that points at a user."""
    user_model = get_user_model()
    return [
        (model, field.name)
        for model in apps.get_app_config("coffeechat").get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is user_model
    ]


def rows_naming(pk: int, username: str, email: str) -> dict[str, set]:
    """The primary keys of every row that names the user ``pk``, by model and field.

    Taken by value: a deleted user's ``pk`` is None, which would match every empty field.
    """
    found = {
        f"{model.__name__}.{name}": set(
            model._base_manager.filter(**{name: pk}).values_list("pk", flat=True)
        )
        for model, name in user_fields()
    }
    found["Session"] = {
        session.pk
        for session in Session.objects.all()
        if session.get_decoded().get("_auth_user_id") == str(pk)
    }
    found["LoginFailure.username"] = set(
        LoginFailure.objects.filter(username=username.casefold()).values_list("pk", flat=True)
    )
    found["Invitation.email"] = set(
        Invitation.objects.filter(email__iexact=email).values_list("pk", flat=True)
    )
    return found


def naming(user) -> dict[str, set]:
    return rows_naming(user.pk, user.username, user.email)


def make_coach(user):
    preferences = ensure_preferences(user)
    preferences.is_coach = True
    preferences.save()


def fill_everything(user, other, tmp_path) -> None:
    """Rows of ``user`` in every table that can name a user, some shared with ``other``."""
    fill_demo(user)
    chat = Chat.objects.for_owner(user).first()
    # What the demo leaves out: busy time, chat events, templates, questions, synced actions.
    calendar = CalendarSource.objects.create(owner=user, name="Work", kind="file")
    BusyBlock.objects.create(
        owner=user, calendar=calendar, starts_at=NOW, ends_at=NOW + timedelta(hours=1)
    )
    ChatEvent.objects.create(owner=user, chat=chat, kind="started", at=NOW)
    MessageTemplate.objects.create(owner=user, kind="thank_you", subject="Thanks", body="…")
    Question.objects.create(owner=user, text="What surprised you most?")
    ScriptTemplate.objects.create(owner=user, kind="confirm", text="Is until {end} good?")
    SyncedAction.objects.create(
        owner=user, action=uuid.uuid4(), chat=chat, kind="note", received_at=NOW, status="applied"
    )
    card = tmp_path / f"{user.username}.vcf"
    card.write_bytes(CARD)
    import_file(user, "vcard", card)
    issue_login_link(user)
    pair(pairing_secret(user), "Firefox on Android")
    reminder = Reminder.objects.create(
        owner=user, key="digest-2026-03-02", channel="email", kind="digest", claimed_at=NOW
    )
    SnoozeLink.objects.create(
        owner=user, item_key="x", reminder=reminder, expires_at=NOW + timedelta(days=1)
    )
    RateEvent.objects.create(owner=user, action="export", at=NOW)
    network_of(user)  # the network page was seen: the stamp exists
    LoginFailure.objects.create(username=user.username.casefold(), address="192.0.2.1", at=NOW)
    # The invitation they joined with, one they made that is still open, and one they made
    # that someone else joined with (that one is the other person's record and stays).
    Invitation.objects.create(
        email=user.email,
        secret_hash=f"joined-{user.pk}",
        expires_at=NOW,
        used_at=NOW,
        user=user,
    )
    Invitation.objects.create(
        email=f"friend-of-{user.username}@example.org",
        secret_hash=f"open-{user.pk}",
        expires_at=NOW + timedelta(days=7),
        invited_by=user,
    )
    # Each coaches the other: grants both ways, a shared chat, and the record of views.
    make_coach(other)
    coaching.grant(user, other.email)
    SharedChat.objects.create(owner=user, chat=chat, shared_at=NOW)
    CoachView.objects.create(student=user, coach=other, coach_name="x", what="progress", at=NOW)
    Client().force_login(user)


@pytest.fixture
def everyone(alice, bob, tmp_path):
    fill_everything(alice, bob, tmp_path)
    fill_everything(bob, alice, tmp_path)
    # An invitation alice made that bob joined with: bob's record.
    Invitation.objects.create(
        email="bob-joined@example.org",
        secret_hash="alice-invited-bob",
        expires_at=NOW,
        used_at=NOW,
        invited_by=alice,
        user=bob,
    )
    return alice, bob


def test_the_walk_meets_every_table_that_names_a_user(everyone):
    alice, _ = everyone
    empty = sorted(name for name, keys in naming(alice).items() if not keys)
    assert empty == [], "fill these for alice in fill_everything, so deleting is proven on them"


def test_deleting_an_account_leaves_no_row_of_it(everyone):
    alice, _ = everyone
    who = (alice.pk, alice.username, alice.email)
    delete_account(alice)
    assert not get_user_model().objects.filter(pk=who[0]).exists()
    left = {name: keys for name, keys in rows_naming(*who).items() if keys}
    assert left == {}


def test_deleting_an_account_keeps_every_row_of_another_user(everyone):
    alice, bob = everyone
    theirs = naming(alice)
    before = naming(bob)
    delete_account(alice)
    after = naming(bob)
    # Rows of bob's that name alice too are hers as well (a grant between them, the record of
    # what he viewed as her coach): they go. Everything else of bob's stays.
    for name, keys in before.items():
        shared = set().union(
            *(theirs[other] for other in theirs if other.split(".")[0] == name.split(".")[0])
        )
        assert keys - shared <= after[name], name
    # bob's grant to alice goes with her; what alice viewed as bob's coach stays in his record,
    # without her; the invitation she made that bob joined with stays, as his.
    assert not CoachGrant.objects.filter(student=bob).exists()
    assert CoachView.objects.filter(student=bob, coach=None).exists()
    assert Invitation.objects.filter(secret_hash="alice-invited-bob", invited_by=None).exists()


def test_a_deleted_accounts_address_can_be_invited_again(alice):
    delete_account(alice)
    issued = invitations.invite("alice@example.com", now=timezone.now())
    assert invitations.accept(issued.secret, "a long walk by the river").email == (
        "alice@example.com"
    )
