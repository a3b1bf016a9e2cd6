"""The local owner account and its one-time sign-in links."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from coffeechat.services.errors import LoginLinkRejected
from coffeechat.store.models import LoginLink, Preferences

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


def ensure_preferences(owner) -> Preferences:
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


def issue_login_link(owner) -> str:
    """Make a single-use sign-in secret for ``owner``; only its hash is stored."""
    secret = secrets.token_urlsafe(32)
    LoginLink.objects.create(
        owner=owner,
        secret_hash=_hash(secret),
        expires_at=timezone.now() + timedelta(minutes=settings.COFFEECHAT_LOGIN_LINK_MINUTES),
    )
    return secret


@transaction.atomic
def redeem_login_link(secret: str):
    """Spend a sign-in secret and return its owner; refuse one that is unknown, used or expired."""
    now = timezone.now()
    link = LoginLink.objects.select_related("owner").filter(secret_hash=_hash(secret)).first()
    if link is None:
        raise LoginLinkRejected("This sign-in link is not valid.")
    if link.used_at is not None:
        raise LoginLinkRejected("This sign-in link has been used already; each link works once.")
    if link.expires_at <= now:
        raise LoginLinkRejected("This sign-in link has expired.")
    # Claim the link with a conditional update so two simultaneous clicks cannot both succeed.
    claimed = LoginLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=now)
    if not claimed:
        raise LoginLinkRejected("This sign-in link has been used already; each link works once.")
    LoginLink.objects.filter(owner=link.owner, expires_at__lt=now).delete()
    return link.owner
