from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coffeechat.services.errors import InvalidInput
from coffeechat.services.trainer import record_clock_trial

NOW = datetime(2030, 1, 9, 12, 0, tzinfo=UTC)


def test_a_round_keeps_its_target_and_real_length(alice, time_machine):
    time_machine.move_to(NOW, tick=False)
    trial = record_clock_trial(alice, 600, NOW - timedelta(minutes=11), 655)
    assert (trial.target_seconds, trial.elapsed_seconds) == (600, 655)


@pytest.mark.parametrize(
    ("target", "started", "elapsed", "message"),
    [
        (10, NOW, None, "between 30 seconds"),
        (600, NOW + timedelta(minutes=1), None, "has passed"),
        (600, NOW, 0, "implausibly"),
    ],
)
def test_it_refuses_a_round_that_cannot_be(alice, time_machine, target, started, elapsed, message):
    time_machine.move_to(NOW, tick=False)
    with pytest.raises(InvalidInput, match=message):
        record_clock_trial(alice, target, started, elapsed)
