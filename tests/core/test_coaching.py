"""The overrun trend a coach reads, and the shares behind the cohort's rates."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.coaching import LONGER, SHORTER, STEADY, overrun_trend, share


def test_the_trend_needs_two_full_windows_of_held_chats():
    assert overrun_trend([]) is None
    assert overrun_trend([5] * 9) is None
    assert overrun_trend([5] * 10) is not None


def test_chats_running_longer_lately_read_as_longer():
    trend = overrun_trend([0, 1, 2, 3, 4, 8, 9, 10, 11, 12])
    assert trend is not None
    assert (trend.earlier, trend.recent, trend.direction) == (2.0, 10.0, LONGER)


def test_chats_keeping_time_better_lately_read_as_shorter():
    trend = overrun_trend([10, 10, 10, 10, 10, 0, 1, 0, 2, 1])
    assert trend is not None
    assert trend.direction == SHORTER


def test_a_change_within_the_two_minute_allowance_is_steady():
    assert overrun_trend([3] * 5 + [5] * 5).direction == STEADY  # type: ignore[union-attr]
    assert overrun_trend([3] * 5 + [6] * 5).direction == LONGER  # type: ignore[union-attr]


def test_only_the_last_ten_chats_count():
    assert overrun_trend([90, 90, 90] + [0] * 10).direction == STEADY  # type: ignore[union-attr]


@given(st.lists(st.integers(-30, 120), min_size=10, max_size=40), st.integers(0, 60))
def test_moving_every_overrun_by_the_same_minutes_keeps_the_direction(overruns, shift):
    before = overrun_trend(overruns)
    after = overrun_trend([minutes + shift for minutes in overruns])
    assert before is not None and after is not None
    assert before.direction == after.direction
    assert after.recent - before.recent == shift


def test_a_share_of_nothing_is_none():
    assert share(0, 0) is None
    assert share(3, 4) == 0.75
