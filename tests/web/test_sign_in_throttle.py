"""Server-mode sign-in under a password-guessing attack: 429 with Retry-After, from one address
and from many, and the real student still getting in from a browser that signed in before."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from django.test import Client

from coffeechat.services.accounts import create_user
from coffeechat.services.preferences import skip_identity
from coffeechat.services.throttle import POLICIES, USERNAME
from coffeechat.store.models import LoginFailure
from tests.web.conftest import NOW, text_of

PASSWORD = "a long enough passphrase"
ATTACKER = "203.0.113.66"
HOME = "198.51.100.7"


@pytest.fixture
def server_mode(settings):
    settings.COFFEECHAT_MODE = "server"


@pytest.fixture
def carol(db, server_mode):
    user = create_user("carol", password=PASSWORD)
    skip_identity(user)  # asked after an earlier sign-in (see test_identity)
    return user


@pytest.fixture
def password_checks(monkeypatch):
    """Counts the password checks the sign-in form makes (each one is a costly hash)."""
    import django.contrib.auth.forms as auth_forms

    calls = []
    real = auth_forms.authenticate

    def counting(*args, **kwargs):
        calls.append(kwargs.get("username"))
        return real(*args, **kwargs)

    monkeypatch.setattr(auth_forms, "authenticate", counting)
    return calls


def sign_in(client, password: str, address: str = ATTACKER, username: str = "carol", **extra):
    return client.post(
        "/signin/", {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def test_forty_wrong_passwords_then_the_right_one_is_refused_until_the_cooloff(
    client, carol, time_machine, password_checks
):
    answers = [sign_in(client, f"guess {number}").status_code for number in range(40)]
    assert answers[:5] == [400] * 5  # five tries at the password
    assert answers[5:] == [429] * 35  # then refused without looking at it
    assert len(password_checks) == 5
    right = sign_in(client, PASSWORD)
    assert right.status_code == 429
    assert right["Retry-After"] == "60"
    page = text_of(right)
    assert "Too many attempts to sign in. Try again in 1 minute, or reset your password." in page
    assert 'value="carol"' in page  # the form keeps the username
    assert len(password_checks) == 5  # a locked attempt costs no hashing
    assert client.get("/").status_code == 302  # not signed in
    time_machine.move_to(NOW + timedelta(minutes=1), tick=False)
    after = sign_in(client, PASSWORD)
    assert after.status_code == 302
    assert client.get("/").status_code == 200


def test_a_lock_on_one_address_does_not_hold_the_student_at_home(client, carol):
    for number in range(10):
        sign_in(Client(), f"guess {number}")
    assert sign_in(Client(), PASSWORD).status_code == 429
    assert sign_in(client, PASSWORD, address=HOME).status_code == 302


def test_the_username_is_locked_however_it_is_typed(client, carol):
    for number in range(5):
        sign_in(client, f"guess {number}", username="Carol")
    assert sign_in(client, PASSWORD, username="CAROL").status_code == 429


def test_guessing_from_many_addresses_cannot_keep_the_student_out_of_her_own_browser(
    client, carol, time_machine
):
    assert sign_in(client, PASSWORD, address=HOME).status_code == 302  # her laptop, last week
    client.post("/signout/")
    guesses = POLICIES[USERNAME].limit + 20
    for number in range(guesses):  # a botnet, one guess per address, each a little later
        time_machine.move_to(NOW + timedelta(seconds=number), tick=False)
        sign_in(Client(), f"guess {number}", address=f"192.0.2.{number + 1}")
    stranger = sign_in(Client(), PASSWORD, address="192.0.2.200")
    assert stranger.status_code == 429  # even the right password, from a new browser, waits
    assert int(stranger["Retry-After"]) <= POLICIES[USERNAME].longest.total_seconds()
    assert sign_in(client, PASSWORD, address=HOME).status_code == 302  # she gets in
    assert client.get("/").status_code == 200


def test_her_browser_is_trusted_from_a_new_address_too(client, carol):
    assert sign_in(client, PASSWORD, address=HOME).status_code == 302
    client.post("/signout/")
    for number in range(POLICIES[USERNAME].limit):
        sign_in(Client(), f"guess {number}", address=f"192.0.2.{number + 1}")
    # At a café: another address, the same browser.
    assert sign_in(client, PASSWORD, address="192.0.2.250").status_code == 302


def test_a_signed_in_browser_is_remembered_with_a_cookie_scripts_cannot_read(client, carol):
    response = sign_in(client, PASSWORD)
    cookie = response.cookies["coffeechat-known"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) > 0


def test_over_https_the_cookie_is_secure_and_host_only(client, carol, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = sign_in(client, PASSWORD, secure=True)
    assert response.status_code == 302
    cookie = response.cookies["__Host-coffeechat-known"]
    assert cookie["secure"]
    assert cookie["path"] == "/"
    assert not cookie["domain"]


def test_a_cookie_made_up_by_a_guesser_is_not_trusted(client, carol):
    for number in range(POLICIES[USERNAME].limit):
        sign_in(Client(), f"guess {number}", address=f"192.0.2.{number + 1}")
    client.cookies["coffeechat-known"] = "made-up"
    assert sign_in(client, PASSWORD, address=HOME).status_code == 429


def test_a_right_password_forgets_the_typos_before_it(client, carol):
    for number in range(4):
        sign_in(client, f"typo {number}", address=HOME)
    assert sign_in(client, PASSWORD, address=HOME).status_code == 302
    assert not LoginFailure.objects.exists()


def test_a_blank_password_is_not_counted_as_a_guess(client, carol):
    for _ in range(10):
        assert sign_in(client, "").status_code == 400
    assert not LoginFailure.objects.exists()
    assert sign_in(client, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_local_mode_has_no_password_to_guess(client):
    response = client.post("/signin/", {"username": "owner", "password": "x"})
    assert response.status_code == 200
    assert not LoginFailure.objects.exists()


# --- Behind a proxy --------------------------------------------------------------------------

PROXY = "127.0.0.1"


@pytest.fixture
def behind_proxy(settings):
    settings.CONFIG = replace(settings.CONFIG, trusted_proxy=PROXY)


def through_proxy(client, password: str, forwarded: str):
    return sign_in(client, password, address=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def test_behind_the_trusted_proxy_each_visitor_is_counted_by_the_address_it_saw(
    client, carol, behind_proxy
):
    # gunicorn leaves the proxy's address in REMOTE_ADDR; the proxy appends the one it saw.
    for number in range(10):
        through_proxy(Client(), f"guess {number}", forwarded=f"10.9.9.9, {ATTACKER}")
    assert LoginFailure.objects.filter(address=ATTACKER).count() == 5
    assert through_proxy(Client(), PASSWORD, forwarded=ATTACKER).status_code == 429
    assert through_proxy(client, PASSWORD, forwarded=HOME).status_code == 302


def test_a_forwarded_address_is_ignored_from_anyone_but_the_trusted_proxy(client, carol, settings):
    for number in range(5):
        sign_in(Client(), f"guess {number}", address=ATTACKER, HTTP_X_FORWARDED_FOR=HOME)
    assert not LoginFailure.objects.filter(address=HOME).exists()
    assert sign_in(client, PASSWORD, address=HOME).status_code == 302
    settings.CONFIG = replace(settings.CONFIG, trusted_proxy=None)  # no proxy named at all
    sign_in(Client(), "guess", address=PROXY, HTTP_X_FORWARDED_FOR=HOME)
    assert LoginFailure.objects.filter(address=PROXY).count() == 1
