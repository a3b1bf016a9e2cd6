"""Accounts: the local owner and its one-time sign-in links; in server mode, passwords, signing
out everywhere and deleting an account with everything in it."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coffeechat.services.errors import InvalidInput, LoginLinkRejected
from coffeechat.store.models import Invitation, LoginFailure, LoginLink, Preferences
from coffeechat.store.owners import Owner

OWNER_USERNAME = "owner"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@transaction.atomic
def ensure_owner():
    """Return the local owner, creating it (without a password) on first run."""
    user_model = get_user_model()
    owner, created = user_model.objects.get_or_create(username=OWNER_USERNAME)
    if created:
        owner.set_unusable_password()
        owner.save(update_fields=["password"])
        # On a laptop "today" should mean the owner's day, so start from the computer's zone.
        Preferences.objects.get_or_create(
            owner=owner, defaults={"time_zone": settings.COFFEECHAT_COMPUTER_TIME_ZONE}
        )
    ensure_preferences(owner)
    return owner


def ensure_preferences(owner: Owner) -> Preferences:
    """The owner's preferences, created with the method's defaults when missing."""
    preferences, _ = Preferences.objects.get_or_create(owner=owner)
    return preferences


def create_user(username: str, *, email: str = "", password: str | None = None):
    """A user with preferences (server mode accounts, tests, benchmarks)."""
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model.objects.create_user(username=username, email=email, password=password)
        ensure_preferences(user)
    return user


def issue_login_link(owner: Owner, purpose=LoginLink.Purpose.SIGN_IN) -> str:
    """A single-use secret for ``owner`` to sign in (or pair a phone); only its hash is kept."""
    secret = secrets.token_urlsafe(32)
    LoginLink.objects.create(
        owner=owner,
        purpose=purpose,
        secret_hash=_hash(secret),
        expires_at=timezone.now() + timedelta(minutes=settings.COFFEECHAT_LOGIN_LINK_MINUTES),
    )
    return secret


_LINK_WORDS = {LoginLink.Purpose.SIGN_IN: "sign-in link", LoginLink.Purpose.PAIR: "pairing link"}


@transaction.atomic
def redeem_login_link(secret: str, purpose=LoginLink.Purpose.SIGN_IN):
    """Spend a secret and return its owner; refuse one that is unknown, used, expired or not
    made for ``purpose`` (a pairing link does not sign in a browser, nor the other way round)."""
    now = timezone.now()
    words = _LINK_WORDS[LoginLink.Purpose(purpose)]
    link = (
        LoginLink.objects.select_related("owner")
        .filter(secret_hash=_hash(secret), purpose=purpose)
        .first()
    )
    if link is None:
        raise LoginLinkRejected(f"This {words} is not valid.")
    used = f"This {words} has been used already; each link works once."
    if link.used_at is not None:
        raise LoginLinkRejected(used)
    if link.expires_at <= now:
        raise LoginLinkRejected(f"This {words} has expired.")
    # Claim the link with a conditional update so two simultaneous clicks cannot both succeed.
    claimed = LoginLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=now)
    if not claimed:
        raise LoginLinkRejected(used)
    LoginLink.objects.filter(owner=link.owner, expires_at__lt=now).delete()
    return link.owner


def sign_out_everywhere(owner: Owner, now: datetime | None = None) -> datetime:
    """End every session of ``owner`` that signed in before now (web.middleware refuses them)."""
    now = now or timezone.now()
    Preferences.objects.filter(pk=ensure_preferences(owner).pk).update(signed_out_at=now)
    return now


def change_password(owner: Owner, current: str, new: str) -> None:
    """Replace ``owner``'s password once the current one is given; sessions elsewhere end."""
    if not owner.check_password(current):
        raise InvalidInput("That is not your current password.", field="old_password")
    try:
        validate_password(new, owner)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), field="new_password1") from None
    owner.set_password(new)
    owner.save(update_fields=["password"])


@transaction.atomic
def delete_account(owner: Owner) -> None:
    """Remove ``owner`` and every row that is theirs: their data, sessions and invitations.

    Rows of theirs are deleted with the account (every owned table cascades). What names them
    without a key goes too: their sessions, wrong-password records under their name, the
    invitation they joined with, and invitations they made that nobody has used. An invitation
    someone else joined with stays, as that person's record, without the inviter.
    """
    from django.contrib.sessions.models import Session

    address = (owner.email or "").strip()
    names = {name for name in (owner.username, address) if name}
    Invitation.objects.filter(user=owner).delete()
    if address:
        Invitation.objects.filter(email__iexact=address).delete()
    Invitation.objects.filter(invited_by=owner, used_at__isnull=True).delete()
    LoginFailure.objects.filter(username__in={name.casefold() for name in names}).delete()
    theirs = str(owner.pk)
    for session in Session.objects.all().iterator():
        if session.get_decoded().get(SESSION_KEY) == theirs:
            session.delete()
    owner.delete()
