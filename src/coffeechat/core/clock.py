"""Time arithmetic for chats: agreed ends, buffered spans, local days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@dataclass(frozen=True)
class ChatSpan:
    """A chat's agreed time and the buffer kept free after it."""

    starts_at: datetime
    agreed_minutes: int
    buffer_minutes: int

    @property
    def ends_at(self) -> datetime:
        """When the agreed time is up, in UTC.

        Adding minutes to a local time is wall-clock arithmetic in Python: across a clock change
        the chat would end an hour early or late. Real minutes are added to the UTC instant.
        """
        return self.starts_at.astimezone(UTC) + timedelta(minutes=self.agreed_minutes)

    @property
    def free_at(self) -> datetime:
        """When the buffer after the chat runs out and the next commitment may begin."""
        return self.ends_at + timedelta(minutes=self.buffer_minutes)

    def collides_with(self, other: ChatSpan) -> bool:
        """Whether either chat, buffer included, overlaps the other."""
        return self.starts_at < other.free_at and other.starts_at < self.free_at


def zone(name: str) -> ZoneInfo:
    """The time zone called ``name``; UTC when the name is empty or unknown."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this machine knows."""
    return name in available_timezones()


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The first instant of ``day`` in ``tz`` and the first instant of the next day."""
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def local_today(now: datetime, tz: ZoneInfo) -> date:
    """The calendar date of ``now`` where the user lives."""
    return now.astimezone(tz).date()


def format_day(day: date | datetime, tz: ZoneInfo | None = None) -> str:
    """A calendar day as the user reads it, ``Tue 1 Dec``; a moment is taken in ``tz``."""
    if isinstance(day, datetime) and tz is not None:
        day = day.astimezone(tz)
    return f"{day:%a} {day.day} {day:%b}"


def format_clock(moment: datetime, tz: ZoneInfo, clock_format: str) -> str:
    """A wall-clock time as the user reads it: ``13:20`` or ``1:20 pm``."""
    local = moment.astimezone(tz)
    if clock_format == "12":
        hour = local.hour % 12 or 12
        suffix = "am" if local.hour < 12 else "pm"
        return f"{hour}:{local.minute:02d} {suffix}"
    return f"{local.hour:02d}:{local.minute:02d}"
