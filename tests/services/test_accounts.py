from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from coffeechat.services.accounts import (
    create_user,
    ensure_owner,
    issue_login_link,
    redeem_login_link,
)
from coffeechat.services.errors import LoginLinkRejected
from coffeechat.store.models import LoginLink, Preferences


def test_the_owner_is_created_once_without_a_usable_password(db):
    first = ensure_owner()
    second = ensure_owner()
    assert first.pk == second.pk
    assert get_user_model().objects.count() == 1
    assert not first.has_usable_password()
    assert Preferences.objects.filter(owner=first).count() == 1


def test_a_new_user_gets_the_methods_defaults(db):
    user = create_user("carol", email="carol@example.com", password="a long passphrase")
    preferences = Preferences.objects.get(owner=user)
    assert (preferences.chat_minutes, preferences.buffer_minutes) == (20, 15)
    assert (preferences.wrapup_minutes, preferences.words_per_minute) == (5, 150)


def test_a_login_link_is_kept_only_as_a_hash(db):
    owner = ensure_owner()
    secret = issue_login_link(owner)
    stored = LoginLink.objects.get(owner=owner)
    assert secret not in stored.secret_hash
    assert len(stored.secret_hash) == 64


def test_a_login_link_works_once(db):
    owner = ensure_owner()
    secret = issue_login_link(owner)
    assert redeem_login_link(secret) == owner
    with pytest.raises(LoginLinkRejected, match="used already"):
        redeem_login_link(secret)


def test_a_login_link_expires(db, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    owner = ensure_owner()
    secret = issue_login_link(owner)
    lifetime = timedelta(minutes=settings.COFFEECHAT_LOGIN_LINK_MINUTES)
    time_machine.shift(lifetime + timedelta(seconds=1))
    with pytest.raises(LoginLinkRejected, match="expired"):
        redeem_login_link(secret)


def test_a_login_link_still_works_just_before_it_expires(db, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    owner = ensure_owner()
    secret = issue_login_link(owner)
    time_machine.shift(timedelta(minutes=settings.COFFEECHAT_LOGIN_LINK_MINUTES, seconds=-1))
    assert redeem_login_link(secret) == owner


def test_an_unknown_login_link_is_refused(db):
    with pytest.raises(LoginLinkRejected, match="not valid"):
        redeem_login_link("made-up")


def test_redeeming_clears_expired_links(db, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    owner = ensure_owner()
    issue_login_link(owner)
    time_machine.shift(timedelta(hours=2))
    fresh = issue_login_link(owner)
    redeem_login_link(fresh)
    assert LoginLink.objects.count() == 1
