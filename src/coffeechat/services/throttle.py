"""Slowing down password guessing at sign-in, without letting a guesser lock the real user out.

Wrong passwords are kept for an hour (LoginFailure) and counted three ways, each with its own
limit (POLICIES):

- one username from one address: plain brute force;
- one address over any usernames: password spraying from one machine;
- one username over all addresses: a guesser spread over many machines.

Past its limit a count locks for a while, and each further failure doubles the lock, up to a
ceiling. The lock on a username alone is the short one: anyone anywhere can add to that count.

A lock on the username alone would still let a stranger keep a student out from anywhere, so a
browser that has signed in to the account before is not held by it: it shows a signed token
(browser_token) that no guesser has. Nor is it held by its address's count, because a campus
network or a phone carrier puts thousands of people behind one address. For such a browser only
its own username-and-address count applies. Someone signing in from a new browser during an
attack waits a few minutes, or resets their password.

A lock is checked before the password is, so a refused attempt costs no hashing and says nothing
about whether the password was right. Refused attempts are not counted: hammering a lock does
not make it longer, so it cannot be used to keep someone out for good.

The service takes the username and address as plain values and works the same in both modes;
local mode signs in with a one-time link and never asks it.
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models import Count, Max, Q
from django.utils import timezone

from coffeechat.services.errors import DomainError
from coffeechat.services.rate_limits import seconds_until, waiting_time
from coffeechat.store.models import LoginFailure

# As long as the username column (auth's own limit); a longer one is no one's username.
LONGEST_USERNAME = 150
# The known-browser token (see browser_token) lasts this long after the last sign-in with it.
BROWSER_DAYS = 180
BROWSER_SALT = "coffeechat.services.throttle.browser"
# Every so many failures also drop every row too old to count, whoever it was about.
SWEEP_EVERY = 100


@dataclass(frozen=True)
class Policy:
    """``limit`` failures within ``window`` lock for ``first``, doubling with each further
    failure, never longer than ``longest``."""

    limit: int
    window: timedelta
    first: timedelta
    longest: timedelta


PAIR = "username and address"
ADDRESS = "address"
USERNAME = "username"

POLICIES: dict[str, Policy] = {
    PAIR: Policy(5, timedelta(hours=1), timedelta(minutes=1), timedelta(minutes=30)),
    # Wider, so one office or classroom of people who mistype does not trip it.
    ADDRESS: Policy(30, timedelta(hours=1), timedelta(minutes=1), timedelta(minutes=30)),
    # Shorter, so the student on a new browser is kept waiting minutes, not half an hour.
    USERNAME: Policy(10, timedelta(hours=1), timedelta(seconds=30), timedelta(minutes=10)),
}
KEPT_FOR = max(policy.window for policy in POLICIES.values())


class SignInLocked(DomainError):
    """Too many wrong passwords lately; ``retry_after`` is in whole seconds."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def username_key(username: str) -> str:
    """The username as failures are counted: casefolded, so "Carol" and "carol" are one."""
    return username.strip().casefold()[:LONGEST_USERNAME]


def address_key(address: str | None) -> str | None:
    """The client address as failures are counted, or None when it is not an address.

    An IPv6 address counts as its /64 network: one connection usually gets a whole /64, so
    counting single addresses would give a guesser billions of fresh ones.
    """
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False).network_address)
    return str(parsed)


def _from(address: str | None) -> Q:
    # An unknown address (no REMOTE_ADDR) is counted as one address of its own.
    return Q(address=address) if address else Q(address__isnull=True)


def lock_length(policy: Policy, failures: int) -> timedelta:
    """How long ``failures`` within the window lock for: nothing below the limit, then doubling."""
    if failures < policy.limit:
        return timedelta(0)
    # Capped before doubling: the ceiling is reached long before the exponent could overflow.
    doublings = min(failures - policy.limit, 32)
    return min(policy.first * 2**doublings, policy.longest)


def _locked_until(policy: Policy, where: Q, now: datetime) -> datetime | None:
    counted = LoginFailure.objects.filter(where, at__gt=now - policy.window).aggregate(
        failures=Count("id"), last=Max("at")
    )
    length = lock_length(policy, counted["failures"])
    if not length:
        return None
    return counted["last"] + length


def check_sign_in(
    username: str,
    address: str | None,
    *,
    known_browser: bool = False,
    now: datetime | None = None,
) -> None:
    """Refuse (SignInLocked) a sign-in attempt that must wait; call before the password check.

    ``known_browser``: the browser showed a valid token for this username (see known_browser).
    """
    now = now or timezone.now()
    key = username_key(username)
    address = address_key(address)
    checks = [(POLICIES[PAIR], Q(username=key) & _from(address))]
    if not known_browser:
        checks.append((POLICIES[ADDRESS], _from(address)))
        checks.append((POLICIES[USERNAME], Q(username=key)))
    # Every lock that holds must have ended, so the wait is the longest of them.
    ends = [until for policy, where in checks if (until := _locked_until(policy, where, now))]
    latest = max(ends, default=None)
    if latest is not None and latest > now:
        retry_after = seconds_until(latest, now)
        raise SignInLocked(
            f"Too many attempts to sign in. Try again in {waiting_time(retry_after)}, "
            "or reset your password.",
            retry_after=retry_after,
        )


def record_failure(username: str, address: str | None, now: datetime | None = None) -> None:
    """Remember one wrong password for ``username`` from ``address``."""
    now = now or timezone.now()
    failure = LoginFailure.objects.create(
        username=username_key(username), address=address_key(address), at=now
    )
    if failure.pk % SWEEP_EVERY == 0:
        prune(now)


def record_success(username: str, address: str | None) -> None:
    """A right password: forget this username's failures from this address (a typo or two
    earlier must not count towards the next lock); failures from elsewhere still count."""
    where = Q(username=username_key(username)) & _from(address_key(address))
    LoginFailure.objects.filter(where).delete()


def prune(now: datetime | None = None) -> int:
    """Drop the failures too old to count towards any lock; returns how many."""
    now = now or timezone.now()
    deleted, _ = LoginFailure.objects.filter(at__lte=now - KEPT_FOR).delete()
    return deleted


def browser_token(user) -> str:
    """A signed token for the browser that just signed in as ``user``, to show next time.

    It names the user and carries a hash that changes with the password, so a password change or
    reset makes every earlier token worthless.
    """
    return signing.dumps({"u": user.pk, "h": user.get_session_auth_hash()}, salt=BROWSER_SALT)


def known_browser(token: str | None, username: str) -> bool:
    """Whether ``token`` (see browser_token) is valid and was given to a sign-in as ``username``."""
    if not token:
        return False
    try:
        data = signing.loads(token, salt=BROWSER_SALT, max_age=timedelta(days=BROWSER_DAYS))
    except signing.BadSignature:  # also an expired one
        return False
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return False
    user = get_user_model().objects.filter(pk=data["u"]).first()
    if user is None or username_key(user.get_username()) != username_key(username):
        return False
    return hmac.compare_digest(str(data.get("h", "")), user.get_session_auth_hash())
