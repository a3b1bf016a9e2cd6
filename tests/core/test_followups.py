"""When messages are owed and how their urgency reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.followups import describe_left, thank_you_due, urgency

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_a_thank_you_is_due_24_hours_after_the_chat_ended():
    assert thank_you_due(NOW) == NOW + timedelta(hours=24)


def test_a_follow_up_past_its_due_time_is_overdue():
    state = urgency(NOW - timedelta(seconds=1), NOW)
    assert state.state == "overdue"
    assert state.is_overdue
    assert state.seconds_left == -1


def test_a_follow_up_due_right_now_is_soon_not_yet_overdue():
    state = urgency(NOW, NOW)
    assert state.state == "soon"
    assert not state.is_overdue


def test_a_follow_up_due_within_four_hours_is_soon():
    assert urgency(NOW + timedelta(hours=4), NOW).state == "soon"


def test_a_follow_up_due_later_than_four_hours_is_later():
    assert urgency(NOW + timedelta(hours=4, seconds=1), NOW).state == "later"


@given(st.integers(min_value=-400 * 86400, max_value=400 * 86400))
def test_urgency_counts_the_seconds_left_and_is_overdue_only_when_negative(seconds):
    state = urgency(NOW + timedelta(seconds=seconds), NOW)
    assert state.seconds_left == seconds
    assert state.is_overdue == (seconds < 0)


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0, "1 min left"),
        (59, "1 min left"),
        (20 * 60, "20 min left"),
        (3600, "1 h left"),
        (3 * 3600 + 20 * 60, "3 h 20 min left"),
        (86400, "1 day left"),
        (86400 + 2 * 3600, "1 day 2 h left"),
        (2 * 86400 + 5 * 3600, "2 days left"),
        (-30, "1 min overdue"),
        (-(3600 + 60), "1 h 1 min overdue"),
        (-2 * 86400, "2 days overdue"),
    ],
)
def test_time_left_reads_as_a_short_phrase(seconds, expected):
    assert describe_left(seconds) == expected


@given(st.integers(min_value=-(10**8), max_value=10**8))
def test_time_left_says_left_or_overdue_and_never_zero_minutes(seconds):
    words = describe_left(seconds)
    assert words.endswith(" overdue" if seconds < 0 else " left")
    assert not words.startswith("0 ")
