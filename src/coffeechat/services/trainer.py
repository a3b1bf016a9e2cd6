"""The internal-clock trainer: rounds of sensing how long a few minutes feel.

The server keeps the clock. A round's start is the server's time when it began, and its length
is the server's time when the user pressed Stop; the page never sees either, so nothing on the
screen (or in a script) can give the answer away.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from coffeechat.core.stats import TrialPoint, trial_trend
from coffeechat.services.errors import InvalidInput
from coffeechat.services.ownership import ensure_owned
from coffeechat.store.models import ClockTrial
from coffeechat.store.owners import Owner

# The lengths offered as one-tap targets, in minutes; any other from 10 seconds to an hour works.
PRESET_MINUTES = (1, 5, 10, 15, 20)
SHORTEST_TARGET = 10
LONGEST_TARGET = 60 * 60
# A round left running for hours was forgotten, not felt; its length would only mislead.
LONGEST_ROUND = 3 * LONGEST_TARGET
HISTORY = 20


def _check_target(target_seconds: int) -> None:
    if not SHORTEST_TARGET <= target_seconds <= LONGEST_TARGET:
        raise InvalidInput(
            "Pick a target between 10 seconds and 60 minutes.", field="target_seconds"
        )


@transaction.atomic
def record_clock_trial(
    owner: Owner, target_seconds: int, started_at: datetime, elapsed_seconds: int | None = None
) -> ClockTrial:
    """Record one round: the target length and, once stopped, the time that really passed."""
    _check_target(target_seconds)
    if timezone.is_naive(started_at) or started_at > timezone.now():
        raise InvalidInput("Give a start that has passed.", field="started_at")
    if elapsed_seconds is not None and not 1 <= elapsed_seconds <= LONGEST_ROUND:
        raise InvalidInput("That round ran implausibly long.", field="elapsed_seconds")
    return ClockTrial.objects.create(
        owner=owner,
        target_seconds=target_seconds,
        started_at=started_at,
        elapsed_seconds=elapsed_seconds,
    )


@transaction.atomic
def start_trial(owner: Owner, target_seconds: int, *, now: datetime | None = None) -> ClockTrial:
    """Start a round now; a round left running before is dropped, as it has no result."""
    _check_target(target_seconds)
    ClockTrial.objects.for_owner(owner).filter(elapsed_seconds__isnull=True).delete()
    return ClockTrial.objects.create(
        owner=owner, target_seconds=target_seconds, started_at=now or timezone.now()
    )


@transaction.atomic
def stop_trial(owner: Owner, trial: ClockTrial, *, now: datetime | None = None) -> ClockTrial:
    """Stop a running round and keep how long really passed, by the server's clock."""
    ensure_owned(owner, trial)
    if trial.elapsed_seconds is not None:
        raise InvalidInput("You already stopped this round. Start a new one to try again.")
    elapsed = round(((now or timezone.now()) - trial.started_at).total_seconds())
    if elapsed > LONGEST_ROUND:
        raise InvalidInput(
            "This round ran for more than three hours, so it says little about your clock. "
            "Start a new one."
        )
    elapsed = max(1, elapsed)
    # Only a round still running is stopped: a second tab pressing Stop finds nothing to change.
    stopped = ClockTrial.objects.filter(pk=trial.pk, elapsed_seconds__isnull=True).update(
        elapsed_seconds=elapsed, updated_at=timezone.now()
    )
    if not stopped:
        raise InvalidInput("You already stopped this round. Start a new one to try again.")
    trial.elapsed_seconds = elapsed
    return trial


def running_trial(owner: Owner) -> ClockTrial | None:
    """The round the owner has running, if any."""
    return (
        ClockTrial.objects.for_owner(owner)
        .filter(elapsed_seconds__isnull=True)
        .order_by("-started_at")
        .first()
    )


@dataclass(frozen=True)
class TrainerRound:
    """A finished round for the history, with its error and the trend up to it."""

    trial: ClockTrial
    point: TrialPoint


def history(owner: Owner, *, last: int = HISTORY) -> list[TrainerRound]:
    """The owner's last finished rounds, oldest first, each with its error and trend."""
    finished = list(
        ClockTrial.objects.for_owner(owner)
        .filter(elapsed_seconds__isnull=False)
        .order_by("-started_at", "-pk")[:last]
    )
    finished.reverse()
    # Only finished rounds (elapsed_seconds__isnull=False above).
    points = trial_trend([(trial.target_seconds, trial.elapsed_seconds) for trial in finished])  # type: ignore[misc]
    return [TrainerRound(trial, point) for trial, point in zip(finished, points, strict=True)]
