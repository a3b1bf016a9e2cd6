"""Pairing a phone: a one-time link makes a device session of its own, seen, listed, signed out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from coffeechat.services.accounts import issue_login_link, redeem_login_link
from coffeechat.services.devices import (
    SEEN_EVERY,
    check_device,
    pair,
    paired_devices,
    pairing_secret,
    sign_out_device,
)
from coffeechat.services.errors import LoginLinkRejected
from coffeechat.store.models import Device

PHONE = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"


def test_a_pairing_link_makes_a_device_named_after_its_browser(alice):
    device = pair(pairing_secret(alice), PHONE)
    assert device.owner == alice
    assert device.name == "Chrome on Android"
    assert device.user_agent == PHONE
    assert paired_devices(alice) == [device]


def test_a_pairing_link_works_once(alice):
    secret = pairing_secret(alice)
    pair(secret, PHONE)
    with pytest.raises(LoginLinkRejected, match="pairing link has been used already"):
        pair(secret, PHONE)
    assert Device.objects.count() == 1


def test_an_expired_or_altered_pairing_link_is_refused(alice, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    secret = pairing_secret(alice)
    with pytest.raises(LoginLinkRejected, match="not valid"):
        pair(secret[:-1] + ("A" if secret[-1] != "A" else "B"), PHONE)
    time_machine.shift(timedelta(hours=1))
    with pytest.raises(LoginLinkRejected, match="expired"):
        pair(secret, PHONE)
    assert not Device.objects.exists()


def test_a_sign_in_link_cannot_pair_and_a_pairing_link_cannot_sign_in(alice):
    with pytest.raises(LoginLinkRejected, match="pairing link is not valid"):
        pair(issue_login_link(alice), PHONE)
    with pytest.raises(LoginLinkRejected, match="sign-in link is not valid"):
        redeem_login_link(pairing_secret(alice))


def test_two_phones_of_the_same_kind_are_told_apart(alice):
    first = pair(pairing_secret(alice), PHONE)
    second = pair(pairing_secret(alice), PHONE)
    assert (first.name, second.name) == ("Chrome on Android", "Chrome on Android 2")


def test_last_seen_is_written_at_most_once_a_minute(alice):
    start = timezone.now()
    device = pair(pairing_secret(alice), PHONE, now=start)
    assert check_device(alice, str(device.code), now=start + timedelta(seconds=30)).device
    assert Device.objects.get().last_seen_at == start
    later = start + SEEN_EVERY + timedelta(seconds=1)
    assert check_device(alice, str(device.code), now=later).device
    assert Device.objects.get().last_seen_at == later


def test_a_signed_out_device_is_refused_at_its_next_check(alice):
    device = pair(pairing_secret(alice), PHONE)
    signed_out = sign_out_device(alice, device.code)
    assert signed_out is not None
    found = check_device(alice, str(device.code))
    assert found.device is None
    assert found.signed_out_at == signed_out.revoked_at
    assert paired_devices(alice) == []


def test_nobody_signs_out_or_uses_another_users_device(alice, bob):
    device = pair(pairing_secret(alice), PHONE)
    assert sign_out_device(bob, device.code) is None
    assert check_device(bob, str(device.code)).device is None
    assert check_device(alice, "not-a-code").device is None
    assert check_device(alice, str(device.code)).device == device
