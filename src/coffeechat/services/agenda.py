"""What the user has on today: chats and the follow-ups they owe."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from coffeechat.core.clock import day_bounds, local_today, zone
from coffeechat.services.accounts import ensure_preferences
from coffeechat.store.models import Chat, FollowUp


@dataclass(frozen=True)
class Agenda:
    """Today's chats and the follow-ups due by the end of today (overdue ones first)."""

    now: datetime
    day_starts: datetime
    chats: list[Chat]
    follow_ups: list[FollowUp]
    time_zone: str

    @property
    def overdue(self) -> list[FollowUp]:
        return [item for item in self.follow_ups if item.due_at < self.now]

    @property
    def due_today(self) -> list[FollowUp]:
        return [item for item in self.follow_ups if item.due_at >= self.now]


def _chats_between(owner, start: datetime, end: datetime) -> list[Chat]:
    return list(
        Chat.objects.for_owner(owner)
        .starting_between(start, end)
        .exclude(status=Chat.Status.CANCELLED)
        .select_related("contact", "contact__organisation")
    )


def today(owner, now: datetime | None = None) -> Agenda:
    """The owner's agenda for their local today."""
    now = now or timezone.now()
    preferences = ensure_preferences(owner)
    tz = zone(preferences.time_zone)
    start, end = day_bounds(local_today(now, tz), tz)
    chats = _chats_between(owner, start, end)
    follow_ups = list(
        FollowUp.objects.for_owner(owner)
        .due_by(end)
        # A snoozed follow-up stays out of sight until its snooze ends, as on the home page.
        .exclude(snoozed_until__gt=now)
        .select_related("contact", "chat")
    )
    return Agenda(now, start, chats, follow_ups, preferences.time_zone)


def chats_tomorrow(owner, now: datetime | None = None) -> list[Chat]:
    """The owner's chats on their local tomorrow, cancelled ones left out, soonest first."""
    now = now or timezone.now()
    tz = zone(ensure_preferences(owner).time_zone)
    start, end = day_bounds(local_today(now, tz) + timedelta(days=1), tz)
    return _chats_between(owner, start, end)
