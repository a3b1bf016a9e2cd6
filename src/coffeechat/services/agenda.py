"""What the user has on today and tomorrow: their chats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from coffeechat.core.clock import day_bounds, local_today, zone
from coffeechat.services.accounts import ensure_preferences
from coffeechat.store.models import Chat, Preferences
from coffeechat.store.owners import Owner


@dataclass(frozen=True)
class Agenda:
    """Today's chats. What is owed today comes from ``services.owed`` (``owed().today``)."""

    now: datetime
    day_starts: datetime
    chats: list[Chat]
    time_zone: str


def _chats_between(owner: Owner, start: datetime, end: datetime) -> list[Chat]:
    return list(
        Chat.objects.for_owner(owner)
        .starting_between(start, end)
        .exclude(status=Chat.Status.CANCELLED)
        .select_related("contact", "contact__organisation")
    )


def today(
    owner: Owner, now: datetime | None = None, preferences: Preferences | None = None
) -> Agenda:
    """The owner's chats on their local today (``preferences`` when the caller has them)."""
    now = now or timezone.now()
    preferences = preferences or ensure_preferences(owner)
    tz = zone(preferences.time_zone)
    start, end = day_bounds(local_today(now, tz), tz)
    return Agenda(now, start, _chats_between(owner, start, end), preferences.time_zone)


def today_and_tomorrow(
    owner, now: datetime | None = None, preferences: Preferences | None = None
) -> tuple[Agenda, list[Chat]]:
    """``today`` and the chats of the local tomorrow (cancelled ones left out, soonest first),
    in one query: the home page shows both days."""
    now = now or timezone.now()
    preferences = preferences or ensure_preferences(owner)
    tz = zone(preferences.time_zone)
    day = local_today(now, tz)
    start, end = day_bounds(day, tz)
    # Tomorrow starts where today ends (day_bounds of the next day).
    _, tomorrow_ends = day_bounds(day + timedelta(days=1), tz)
    chats = _chats_between(owner, start, tomorrow_ends)
    return (
        Agenda(now, start, [chat for chat in chats if chat.starts_at < end], preferences.time_zone),
        [chat for chat in chats if chat.starts_at >= end],
    )
