"""Busy time and free time in a day: which spans collide, and where a buffered chat still fits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The part of a day offered for chats, in the user's own time zone.
WORKDAY_START = time(8, 0)
WORKDAY_END = time(20, 0)
# Free slots start on this grid, so a suggestion reads 10:15 rather than 10:07.
SLOT_GRID = timedelta(minutes=5)


@dataclass(frozen=True)
class Span:
    """A stretch of time with a label: a busy block, a chat with its buffer, or a free slot."""

    starts_at: datetime
    ends_at: datetime
    title: str = ""

    def overlaps(self, other: Span) -> bool:
        """Whether the two spans share any moment (touching ends do not count)."""
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at

    @property
    def length(self) -> timedelta:
        """How long the span lasts in real time."""
        return self.ends_at.astimezone(UTC) - self.starts_at.astimezone(UTC)


def overlapping(span: Span, busy: Iterable[Span]) -> list[Span]:
    """The spans of ``busy`` that share a moment with ``span``, earliest first."""
    return sorted((other for other in busy if span.overlaps(other)), key=lambda s: s.starts_at)


def _round_up(moment: datetime, grid: timedelta) -> datetime:
    """The first instant on the grid (counted from the epoch, in UTC) at or after ``moment``."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    steps, rest = divmod(moment.astimezone(UTC) - epoch, grid)
    return epoch + grid * (steps + (1 if rest else 0))


def working_hours(
    day: date, tz: ZoneInfo, start: time = WORKDAY_START, end: time = WORKDAY_END
) -> Span:
    """The offered part of ``day`` in the user's zone, as UTC instants."""
    return Span(
        datetime.combine(day, start, tzinfo=tz).astimezone(UTC),
        datetime.combine(day, end, tzinfo=tz).astimezone(UTC),
    )


def free_slots(
    window: Span,
    busy: Sequence[Span],
    needed: timedelta,
    *,
    not_before: datetime | None = None,
    grid: timedelta = SLOT_GRID,
) -> list[Span]:
    """The free stretches of ``window`` at least ``needed`` long, each starting on the grid.

    ``busy`` holds busy blocks and planned chats with their buffers; ``needed`` is the new chat's
    length plus its buffer, so a slot always has room for both. Nothing starts before
    ``not_before`` (now, when the day is today).
    """
    if needed <= timedelta(0):
        raise ValueError("A slot needs a positive length.")
    start = window.starts_at.astimezone(UTC)
    if not_before is not None:
        start = max(start, not_before.astimezone(UTC))
    end = window.ends_at.astimezone(UTC)
    slots: list[Span] = []
    cursor = _round_up(start, grid)
    for block in sorted(busy, key=lambda s: s.starts_at):
        block_start = block.starts_at.astimezone(UTC)
        block_end = block.ends_at.astimezone(UTC)
        if block_end <= cursor:
            continue
        if block_start >= end:
            break
        if block_start - cursor >= needed:
            slots.append(Span(cursor, block_start))
        cursor = max(cursor, _round_up(block_end, grid))
    if end - cursor >= needed:
        slots.append(Span(cursor, end))
    return slots
