"""One-click "snooze a day" links in reminders: one item each, used once, without signing in.

A reminder (an email, a push) carries a link for each item it names. The link holds the code
of a SnoozeLink row, signed with the site's secret key under a salt of its own, so no other
value the app signs passes for one and a link altered by one character fails before any row is
read. The row binds the link to its owner and one item (``services.owed.item_key``), says until
when it works and records its use. The use is claimed with a conditional UPDATE, so two clicks
at once (a double tap, the phone app and the mail open together) snooze once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.signing import BadSignature, Signer
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coffeechat.core.clock import format_clock, format_day, zone
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.errors import DomainError, NotFound
from coffeechat.services.owed import describe_item, snooze_item
from coffeechat.services.ownership import ensure_owned
from coffeechat.store.models import Preferences, Reminder, SnoozeLink
from coffeechat.store.owners import Owner

# How long a link works: long enough for a weekend away from the inbox, short enough that an
# old message found later does nothing.
SNOOZE_LINK_DAYS = 7
# What one click puts the item off by, counted from the click.
SNOOZE_FOR = timedelta(days=1)
# Links expired this long ago are deleted; until then they say when they expired.
FORGET_AFTER = timedelta(days=90)

# Signing with its own salt: a value signed for anything else never reads as a snooze link.
_SALT = "coffeechat.snooze-link"
# Not ":" (Django's default): a dot needs no escaping anywhere in an address or a push action.
_SEP = "."

INVALID = "This snooze link is not valid: it may have been cut short when copied."


class SnoozeLinkInvalid(NotFound):
    """The link was altered, cut short, or names no link (an unknown one looks the same)."""


class SnoozeLinkExpired(DomainError):
    """The link was not used in time."""


class SnoozeLinkUsed(DomainError):
    """The link was used already; the message says when, and until when the item waits."""


@dataclass(frozen=True)
class SnoozePreview:
    """What a link would snooze, before anyone presses the button."""

    what: str  # "the thank-you to Ana Lima"
    expires_at: datetime
    time_zone: str
    clock_format: str

    @property
    def expires(self) -> str:
        return _moment(self.expires_at, self.time_zone, self.clock_format)


@dataclass(frozen=True)
class SnoozeOutcome:
    """What a used link snoozed, until when, and how its owner reads times."""

    what: str
    until: datetime
    time_zone: str
    clock_format: str

    @property
    def message(self) -> str:
        until = _moment(self.until, self.time_zone, self.clock_format)
        return f"Snoozed {self.what} until {until}."


def _signer() -> Signer:
    return Signer(salt=_SALT, sep=_SEP)


def _moment(moment: datetime, time_zone: str, clock_format: str) -> str:
    tz = zone(time_zone)
    return f"{format_day(moment, tz)} at {format_clock(moment, tz, clock_format)}"


def issue_snooze_link(
    owner: Owner, item_key: str, *, reminder: Reminder | None = None, now: datetime | None = None
) -> str:
    """A new link that snoozes the owner's item ``item_key`` for a day; returns its token.

    InvalidInput for a malformed key, NotFound when the owner has no such item (another user's
    item is not found either). An item settled meanwhile still gets its link: the link says so
    when it is used.
    """
    now = now or timezone.now()
    ensure_owned(owner, reminder)
    describe_item(owner, item_key, settled_too=True)
    SnoozeLink.objects.filter(owner=owner, expires_at__lt=now - FORGET_AFTER).delete()
    link = SnoozeLink.objects.create(
        owner=owner,
        item_key=item_key,
        reminder=reminder,
        expires_at=now + timedelta(days=SNOOZE_LINK_DAYS),
    )
    return _signer().sign(link.code.hex)


def snooze_link_path(token: str) -> str:
    """The path of the link's page on this site (the reminder puts the user's address before it)."""
    return reverse("web:snooze_link", args=[token])


def _link_of(token: str) -> SnoozeLink:
    try:
        code = uuid.UUID(hex=_signer().unsign(token))
    except (BadSignature, ValueError):
        raise SnoozeLinkInvalid(INVALID) from None
    link = SnoozeLink.objects.select_related("owner").filter(code=code).first()
    if link is None:  # signed by us, then forgotten (or its owner's account deleted)
        raise SnoozeLinkInvalid(INVALID)
    return link


def _used(link: SnoozeLink, preferences: Preferences) -> SnoozeLinkUsed:
    assert link.used_at is not None
    time_zone, clock = preferences.time_zone, preferences.clock_format
    used = _moment(link.used_at, time_zone, clock)
    until = _moment(link.used_at + SNOOZE_FOR, time_zone, clock)
    return SnoozeLinkUsed(f"Already snoozed on {used}, until {until}.")


def _refuse_spent(link: SnoozeLink, now: datetime, preferences: Preferences) -> None:
    """Refuse a link used already (said first: it is the more useful answer) or expired."""
    if link.used_at is not None:
        raise _used(link, preferences)
    if link.expires_at <= now:
        day = format_day(link.expires_at, zone(preferences.time_zone))
        raise SnoozeLinkExpired(
            f"This snooze link expired on {day}; open coffeechat to snooze it there."
        )


def read_snooze_link(token: str, *, now: datetime | None = None) -> SnoozePreview:
    """What the link would snooze; nothing is written.

    Refuses as use_snooze_link does: SnoozeLinkInvalid, SnoozeLinkUsed, SnoozeLinkExpired, and
    InvalidInput or NotFound when the item is owed no more or is gone.
    """
    now = now or timezone.now()
    link = _link_of(token)
    preferences = ensure_preferences(link.owner)
    _refuse_spent(link, now, preferences)
    what = describe_item(link.owner, link.item_key)
    return SnoozePreview(what, link.expires_at, preferences.time_zone, preferences.clock_format)


def use_snooze_link(token: str, *, now: datetime | None = None) -> SnoozeOutcome:
    """Snooze the link's item for a day from ``now``, once; refuse a spent or altered link.

    A refusal for the item itself (sent, done, gone) leaves the link unused: nothing changed.
    """
    now = now or timezone.now()
    link = _link_of(token)
    preferences = ensure_preferences(link.owner)
    _refuse_spent(link, now, preferences)
    until = now + SNOOZE_FOR
    with transaction.atomic():
        # The claim: only one request turns used_at from NULL to a moment, however many read
        # the link as unused a moment ago. The snooze is in the same transaction, so a refused
        # snooze gives the claim back.
        claimed = SnoozeLink.objects.filter(pk=link.pk, used_at__isnull=True).update(
            used_at=now, updated_at=now
        )
        if not claimed:
            # Another click claimed it between the read above and the update.
            link.refresh_from_db()
            raise _used(link, preferences)
        what = snooze_item(link.owner, link.item_key, until)
    return SnoozeOutcome(what, until, preferences.time_zone, preferences.clock_format)
