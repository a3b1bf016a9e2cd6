"""Per-user rate limits: counting in a sliding window, when to come back, and tidying up."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from coffeechat.services import rate_limits as limits
from coffeechat.services.rate_limits import EXPORT, SEARCH, RateLimited, check_rate, waiting_time
from coffeechat.store.models import RateEvent

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def three_an_hour(monkeypatch):
    table = dict(limits.LIMITS)
    table[EXPORT] = replace(table[EXPORT], times=3, window=timedelta(hours=1))
    monkeypatch.setattr(limits, "LIMITS", table)


def refusal(owner, action: str, now: datetime) -> RateLimited:
    with pytest.raises(RateLimited) as refused:
        check_rate(owner, action, now)
    return refused.value


def test_a_person_searching_all_day_never_meets_the_limit(alice):
    # Two searches a second for a whole minute, far faster than anyone types, and then more.
    for second in range(120):
        check_rate(alice, SEARCH, NOW + timedelta(seconds=second / 2))
    check_rate(alice, SEARCH, NOW + timedelta(minutes=1, seconds=1))


@pytest.mark.usefixtures("three_an_hour")
def test_the_next_one_fits_when_the_oldest_leaves_the_window(alice):
    for minutes in (0, 10, 20):
        check_rate(alice, EXPORT, NOW + timedelta(minutes=minutes))
    refused = refusal(alice, EXPORT, NOW + timedelta(minutes=30))
    assert refused.retry_after == 30 * 60
    assert refused.message == (
        "You have made 3 exports in the last hour, the most coffeechat allows. "
        "Try again in 30 minutes."
    )
    check_rate(alice, EXPORT, NOW + timedelta(hours=1))  # the first one has left


@pytest.mark.usefixtures("three_an_hour")
def test_a_refusal_is_not_counted(alice):
    for _ in range(3):
        check_rate(alice, EXPORT, NOW)
    for _ in range(5):
        refusal(alice, EXPORT, NOW + timedelta(minutes=1))
    assert RateEvent.objects.filter(owner=alice).count() == 3
    check_rate(alice, EXPORT, NOW + timedelta(hours=1))


@pytest.mark.usefixtures("three_an_hour")
def test_an_overshoot_from_concurrent_requests_waits_for_enough_to_leave(alice):
    for minutes in (0, 5, 10, 15):  # four rows: two requests raced past the count of three
        RateEvent.objects.create(owner=alice, action=EXPORT, at=NOW + timedelta(minutes=minutes))
    assert refusal(alice, EXPORT, NOW + timedelta(minutes=20)).retry_after == 45 * 60


@pytest.mark.usefixtures("three_an_hour")
def test_each_user_and_each_action_count_apart(alice, bob):
    for _ in range(3):
        check_rate(alice, EXPORT, NOW)
    check_rate(bob, EXPORT, NOW)
    check_rate(alice, SEARCH, NOW)


def test_rows_that_left_the_window_are_dropped(alice):
    check_rate(alice, EXPORT, NOW)
    check_rate(alice, SEARCH, NOW)
    check_rate(alice, EXPORT, NOW + timedelta(hours=1))
    exports = RateEvent.objects.filter(owner=alice, action=EXPORT)
    assert list(exports.values_list("at", flat=True)) == [NOW + timedelta(hours=1)]


def test_the_wait_is_said_in_seconds_or_whole_minutes():
    assert waiting_time(1) == "1 second"
    assert waiting_time(40) == "40 seconds"
    assert waiting_time(60) == "1 minute"
    assert waiting_time(61) == "2 minutes"
    assert waiting_time(3600) == "60 minutes"
