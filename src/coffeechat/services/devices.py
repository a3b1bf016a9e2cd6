"""Phones paired with this computer: made from a pairing link, seen, listed and signed out.

A paired phone signs in with a device session: the owner's session plus the device's code. The
session stays valid for as long as the device is not signed out (``revoked_at``), which the user
does from the laptop; the phone finds out at its next request.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from coffeechat.core.devices import NAME_LENGTH, device_name, numbered
from coffeechat.services.accounts import issue_login_link, redeem_login_link
from coffeechat.store.models import Device, LoginLink
from coffeechat.store.owners import Owner

# "Last seen" is written at most this often: a phone polling the live page every few seconds
# should not write a row every few seconds.
SEEN_EVERY = timedelta(minutes=1)
# A paired phone stays signed in this long without being used; the user can sign it out sooner.
DEVICE_SESSION_DAYS = 90
USER_AGENT_LENGTH = 400  # store.models.Device.user_agent


def pairing_secret(owner: Owner) -> str:
    """A one-time pairing secret (see services.accounts for how long it lasts)."""
    return issue_login_link(owner, LoginLink.Purpose.PAIR)


@transaction.atomic
def pair(secret: str, user_agent: str, *, now: datetime | None = None) -> Device:
    """Spend a pairing secret and make the device that used it, named after its browser."""
    now = now or timezone.now()
    owner = redeem_login_link(secret, LoginLink.Purpose.PAIR)
    signed_in = Device.objects.for_owner(owner).filter(revoked_at__isnull=True)
    taken = set(signed_in.values_list("name", flat=True))
    name = numbered(device_name(user_agent), taken)[:NAME_LENGTH]
    return Device.objects.create(
        owner=owner, name=name, user_agent=user_agent[:USER_AGENT_LENGTH], last_seen_at=now
    )


@dataclass(frozen=True)
class DeviceCheck:
    """What a device session's next request finds: the device, or why it is signed out."""

    device: Device | None
    signed_out_at: datetime | None = None


def check_device(owner: Owner, code: str, *, now: datetime | None = None) -> DeviceCheck:
    """The owner's device under ``code``, marked seen now; None when unknown or signed out."""
    now = now or timezone.now()
    try:
        key = uuid.UUID(str(code))
    except ValueError:
        return DeviceCheck(None)
    device = Device.objects.for_owner(owner).filter(code=key).first()
    if device is None:
        return DeviceCheck(None)
    if device.revoked_at is not None:
        return DeviceCheck(None, signed_out_at=device.revoked_at)
    if device.last_seen_at <= now - SEEN_EVERY:
        Device.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now
    return DeviceCheck(device)


def paired_devices(owner: Owner) -> list[Device]:
    """The owner's phones that are still signed in, the most recently seen first."""
    return list(Device.objects.for_owner(owner).filter(revoked_at__isnull=True))


def sign_out_device(owner: Owner, code, *, now: datetime | None = None) -> Device | None:
    """Sign a device out at once; None when the owner has no such device still signed in."""
    now = now or timezone.now()
    device = Device.objects.for_owner(owner).filter(code=code, revoked_at__isnull=True).first()
    if device is None:
        return None
    Device.objects.filter(pk=device.pk).update(revoked_at=now)
    device.revoked_at = now
    return device
