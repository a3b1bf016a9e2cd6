"""The internal-clock trainer: rounds of sensing how long a few minutes feel."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from coffeechat.services.errors import InvalidInput
from coffeechat.store.models import ClockTrial

LONGEST_TARGET = 60 * 60


@transaction.atomic
def record_clock_trial(
    owner, target_seconds: int, started_at: datetime, elapsed_seconds: int | None = None
) -> ClockTrial:
    """Record one round: the target length and, once stopped, the time that really passed."""
    if not 30 <= target_seconds <= LONGEST_TARGET:
        raise InvalidInput("Pick a target between 30 seconds and an hour.", field="target_seconds")
    if timezone.is_naive(started_at) or started_at > timezone.now():
        raise InvalidInput("Give a start that has passed.", field="started_at")
    if elapsed_seconds is not None and not 1 <= elapsed_seconds <= 3 * LONGEST_TARGET:
        raise InvalidInput("That round ran implausibly long.", field="elapsed_seconds")
    return ClockTrial.objects.create(
        owner=owner,
        target_seconds=target_seconds,
        started_at=started_at,
        elapsed_seconds=elapsed_seconds,
    )
