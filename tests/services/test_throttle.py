"""Login throttling: guessing from one address, from many, and the real user still getting in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coffeechat.services import throttle
from coffeechat.services.accounts import create_user
from coffeechat.services.throttle import (
    ADDRESS,
    PAIR,
    POLICIES,
    USERNAME,
    SignInLocked,
    address_key,
    check_sign_in,
    lock_length,
    record_failure,
    record_success,
)
from coffeechat.store.models import LoginFailure

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOME = "198.51.100.7"  # where the real student signs in
ATTACKER = "203.0.113.66"

pytestmark = pytest.mark.django_db


def fail(times: int, username: str = "carol", address: str = ATTACKER, at=NOW) -> None:
    for _ in range(times):
        record_failure(username, address, now=at)


def wait_of(username: str, address: str, at=NOW, **kwargs) -> int:
    """Seconds the attempt must wait, or 0 when it may go on to the password check."""
    try:
        check_sign_in(username, address, now=at, **kwargs)
    except SignInLocked as error:
        return error.retry_after
    return 0


def spread(times: int, username: str = "carol", at=NOW) -> None:
    """``times`` wrong passwords for ``username``, each from an address of its own."""
    for number in range(times):
        record_failure(username, f"192.0.2.{number + 1}", now=at)


def test_a_few_wrong_passwords_lock_nothing():
    fail(POLICIES[PAIR].limit - 1)
    assert wait_of("carol", ATTACKER) == 0


def test_too_many_wrong_passwords_from_one_address_lock_that_username_there():
    fail(POLICIES[PAIR].limit)
    with pytest.raises(SignInLocked) as refused:
        check_sign_in("carol", ATTACKER, now=NOW)
    assert refused.value.retry_after == 60
    assert "Try again in 1 minute, or reset your password." in refused.value.message
    assert wait_of("carol", HOME) == 0  # the student at home is not held by it
    assert wait_of("dave", ATTACKER) == 0  # nor is another user at that address


def test_the_username_is_counted_whatever_its_case():
    fail(POLICIES[PAIR].limit, username="Carol ")
    assert wait_of("CAROL", ATTACKER) == 60


def test_the_lock_ends_after_its_cooloff():
    fail(POLICIES[PAIR].limit)
    assert wait_of("carol", ATTACKER, at=NOW + timedelta(seconds=59)) == 1
    assert wait_of("carol", ATTACKER, at=NOW + timedelta(minutes=1)) == 0


def test_each_wrong_password_after_the_lock_doubles_it_up_to_a_ceiling():
    policy = POLICIES[PAIR]
    assert lock_length(policy, policy.limit - 1) == timedelta(0)
    assert lock_length(policy, policy.limit) == policy.first
    assert lock_length(policy, policy.limit + 1) == 2 * policy.first
    assert lock_length(policy, policy.limit + 3) == 8 * policy.first
    assert lock_length(policy, policy.limit + 1000) == policy.longest
    fail(policy.limit)
    later = NOW + timedelta(minutes=1)
    record_failure("carol", ATTACKER, now=later)  # one more once the lock is over
    assert wait_of("carol", ATTACKER, at=later) == 120


def test_failures_older_than_the_window_no_longer_count():
    policy = POLICIES[PAIR]
    fail(policy.limit - 1)
    after = NOW + policy.window + timedelta(seconds=1)
    record_failure("carol", ATTACKER, now=after)
    assert wait_of("carol", ATTACKER, at=after) == 0


def test_spraying_many_usernames_from_one_address_locks_the_address():
    for number in range(POLICIES[ADDRESS].limit):
        record_failure(f"student{number}", ATTACKER, now=NOW)
    assert wait_of("someone-new", ATTACKER) == 60
    assert wait_of("someone-new", HOME) == 0


def test_guessing_one_username_from_many_addresses_slows_that_username_briefly():
    spread(POLICIES[USERNAME].limit)
    wait = wait_of("carol", "192.0.2.250")  # yet another address
    assert wait == POLICIES[USERNAME].first.total_seconds()
    assert wait < POLICIES[PAIR].first.total_seconds()  # the shorter of the locks
    assert wait_of("dave", "192.0.2.250") == 0


def test_the_username_lock_never_grows_past_its_short_ceiling():
    spread(POLICIES[USERNAME].limit + 50)
    assert wait_of("carol", HOME) == POLICIES[USERNAME].longest.total_seconds()
    assert POLICIES[USERNAME].longest < POLICIES[PAIR].longest


def test_the_real_student_on_a_browser_that_signed_in_before_is_never_held_by_strangers():
    carol = create_user("carol", password="a long enough passphrase")
    token = throttle.browser_token(carol)
    spread(POLICIES[USERNAME].limit + 50)  # a botnet guessing carol's password
    for number in range(POLICIES[ADDRESS].limit):  # and spraying from her campus address
        record_failure(f"student{number}", HOME, now=NOW)
    assert wait_of("carol", "192.0.2.1") > 0  # every guessing address is locked out
    assert wait_of("carol", HOME) > 0  # a new browser at home waits too, briefly
    known = throttle.known_browser(token, "carol")
    assert known
    assert wait_of("carol", HOME, known_browser=known) == 0


def test_a_browser_that_signed_in_before_is_still_held_for_its_own_wrong_passwords():
    fail(POLICIES[PAIR].limit, address=HOME)
    assert wait_of("carol", HOME, known_browser=True) == 60


def test_a_refused_attempt_is_not_counted_so_hammering_does_not_lengthen_the_lock():
    fail(POLICIES[PAIR].limit)
    for _ in range(40):
        wait_of("carol", ATTACKER)
    assert LoginFailure.objects.count() == POLICIES[PAIR].limit
    assert wait_of("carol", ATTACKER) == 60


def test_the_longest_of_several_locks_is_the_wait():
    spread(POLICIES[USERNAME].limit)  # 30 s for carol anywhere
    for number in range(POLICIES[ADDRESS].limit + 2):  # 4 minutes for anyone at this address
        record_failure(f"student{number}", ATTACKER, now=NOW)
    assert wait_of("carol", ATTACKER) == 240
    assert wait_of("carol", HOME) == 30
    assert (
        "Try again in 4 minutes"
        in pytest.raises(SignInLocked, check_sign_in, "carol", ATTACKER, now=NOW).value.message
    )


def test_a_success_forgets_the_failures_from_that_address_only():
    fail(POLICIES[PAIR].limit - 1, address=HOME)
    fail(3, address=ATTACKER)
    record_success("Carol", HOME)
    assert not LoginFailure.objects.filter(address=HOME).exists()
    assert LoginFailure.objects.filter(address=ATTACKER).count() == 3
    fail(POLICIES[PAIR].limit - 1, address=HOME)  # a fresh allowance of typos
    assert wait_of("carol", HOME) == 0


def test_old_failures_are_pruned(monkeypatch):
    fail(3)
    fail(2, at=NOW + throttle.KEPT_FOR)
    assert throttle.prune(NOW + throttle.KEPT_FOR) == 3
    assert LoginFailure.objects.count() == 2
    # Recording sweeps too, every so often, so nobody has to run prune by hand.
    monkeypatch.setattr(throttle, "SWEEP_EVERY", 1)
    record_failure("carol", ATTACKER, now=NOW + 2 * throttle.KEPT_FOR)
    assert LoginFailure.objects.count() == 1


def test_an_ipv6_address_counts_as_its_network():
    assert address_key("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::"
    assert address_key("::ffff:198.51.100.7") == HOME
    assert address_key(HOME) == HOME
    assert address_key("") is None
    assert address_key("unix:/run/coffeechat.sock") is None
    for host in range(POLICIES[PAIR].limit):
        record_failure("carol", f"2001:db8:1:2::{host + 1}", now=NOW)
    assert wait_of("carol", "2001:db8:1:2:ffff::9") == 60  # same /64
    assert wait_of("carol", "2001:db8:1:3::1") == 0


def test_an_unknown_address_is_counted_as_one_address():
    fail(POLICIES[PAIR].limit, address="")
    assert wait_of("carol", None) == 60
    assert wait_of("carol", HOME) == 0


def test_a_browser_token_is_worthless_for_another_user_a_new_password_or_when_altered():
    carol = create_user("carol", password="a long enough passphrase")
    create_user("dave", password="another long passphrase")
    token = throttle.browser_token(carol)
    assert throttle.known_browser(token, "Carol")
    assert not throttle.known_browser(token, "dave")
    assert not throttle.known_browser(token[:-2] + "xx", "carol")
    assert not throttle.known_browser("", "carol")
    assert not throttle.known_browser(None, "carol")
    carol.set_password("a brand new passphrase")
    carol.save()
    assert not throttle.known_browser(token, "carol")


def test_a_browser_token_expires(time_machine):
    carol = create_user("carol", password="a long enough passphrase")
    time_machine.move_to(NOW, tick=False)
    token = throttle.browser_token(carol)
    time_machine.move_to(NOW + timedelta(days=throttle.BROWSER_DAYS - 1), tick=False)
    assert throttle.known_browser(token, "carol")
    time_machine.move_to(NOW + timedelta(days=throttle.BROWSER_DAYS + 1), tick=False)
    assert not throttle.known_browser(token, "carol")
