from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coffeechat.services.errors import InvalidInput
from coffeechat.services.trainer import (
    history,
    record_clock_trial,
    running_trial,
    start_trial,
    stop_trial,
)
from coffeechat.store.models import ClockTrial

NOW = datetime(2030, 1, 9, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


def test_a_round_keeps_its_target_and_real_length(alice, clock):
    trial = record_clock_trial(alice, 600, NOW - timedelta(minutes=11), 655)
    assert (trial.target_seconds, trial.elapsed_seconds) == (600, 655)


@pytest.mark.parametrize(
    ("target", "started", "elapsed", "message"),
    [
        (5, NOW, None, "between 10 seconds"),
        (600, NOW + timedelta(minutes=1), None, "has passed"),
        (600, NOW, 0, "implausibly"),
    ],
)
def test_it_refuses_a_round_that_cannot_be(alice, clock, target, started, elapsed, message):
    with pytest.raises(InvalidInput, match=message):
        record_clock_trial(alice, target, started, elapsed)


# Start and stop by the server's clock.


def test_a_round_starts_now_and_stops_with_the_time_that_really_passed(alice, clock):
    trial = start_trial(alice, 300)
    assert trial.started_at == NOW
    assert trial.elapsed_seconds is None
    clock.move_to(NOW + timedelta(minutes=5, seconds=42), tick=False)
    stop_trial(alice, trial)
    trial.refresh_from_db()
    assert trial.elapsed_seconds == 342


@pytest.mark.parametrize("target", [10, 60, 300, 600, 900, 1200, 3600])
def test_the_offered_and_custom_targets_can_be_started(alice, clock, target):
    assert start_trial(alice, target).target_seconds == target


@pytest.mark.parametrize("target", [0, 9, 3601, -60])
def test_a_target_outside_ten_seconds_to_an_hour_is_refused(alice, clock, target):
    with pytest.raises(InvalidInput, match="between 10 seconds and 60 minutes"):
        start_trial(alice, target)
    assert not ClockTrial.objects.exists()


def test_stopping_twice_is_refused_and_keeps_the_first_stop(alice, clock):
    trial = start_trial(alice, 60)
    clock.move_to(NOW + timedelta(seconds=70), tick=False)
    stop_trial(alice, trial)
    clock.move_to(NOW + timedelta(seconds=95), tick=False)
    with pytest.raises(InvalidInput, match="already stopped"):
        stop_trial(alice, trial)
    trial.refresh_from_db()
    assert trial.elapsed_seconds == 70


def test_a_stale_copy_cannot_stop_a_round_a_second_time(alice, clock):
    trial = start_trial(alice, 60)
    stale = ClockTrial.objects.get(pk=trial.pk)
    clock.move_to(NOW + timedelta(seconds=61), tick=False)
    stop_trial(alice, trial)
    with pytest.raises(InvalidInput, match="already stopped"):
        stop_trial(alice, stale)
    assert ClockTrial.objects.get(pk=trial.pk).elapsed_seconds == 61


def test_someone_elses_round_cannot_be_stopped(alice, bob, clock):
    trial = start_trial(alice, 60)
    with pytest.raises(InvalidInput):
        stop_trial(bob, trial)
    trial.refresh_from_db()
    assert trial.elapsed_seconds is None


def test_a_round_forgotten_for_hours_is_not_recorded(alice, clock):
    trial = start_trial(alice, 60)
    clock.move_to(NOW + timedelta(hours=4), tick=False)
    with pytest.raises(InvalidInput, match="more than three hours"):
        stop_trial(alice, trial)


def test_a_new_round_drops_the_one_left_running(alice, bob, clock):
    forgotten = start_trial(alice, 60)
    bobs = start_trial(bob, 60)
    fresh = start_trial(alice, 300)
    assert running_trial(alice) == fresh
    assert not ClockTrial.objects.filter(pk=forgotten.pk).exists()
    assert running_trial(bob) == bobs


def test_the_history_lists_finished_rounds_oldest_first_with_their_trend(alice, bob, clock):
    record_clock_trial(alice, 600, NOW - timedelta(days=2), 660)
    record_clock_trial(alice, 600, NOW - timedelta(days=1), 570)
    record_clock_trial(bob, 600, NOW - timedelta(days=1), 100)
    start_trial(alice, 60)
    rounds = history(alice)
    assert [round(item.point.error_percent) for item in rounds] == [10, -5]
    assert rounds[-1].point.trend_percent == pytest.approx(7.5)


def test_the_history_keeps_the_last_rounds(alice, clock):
    for day in range(5):
        record_clock_trial(alice, 60, NOW - timedelta(days=5 - day), 60 + day)
    assert [item.trial.elapsed_seconds for item in history(alice, last=3)] == [62, 63, 64]
