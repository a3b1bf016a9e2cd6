"""When each reminder goes out, on which channel, and how often a failed one is tried again.

A pure plan: given what is owed now (each item with its due moment), the user's channels and
quiet hours, and the moment of the run, ``plan`` lists the reminders that should exist by now.
Each has a key that names it for good, so the caller can claim it once per channel and a later
run that plans it again sends nothing twice. Nothing here reads a clock or a database.

- The **digest** (email) goes once a day, from the hour the user picked where they live: it
  lists what is due by the end of their day. Its key is the local date, so a day whose clocks
  change still has one digest.
- **Due soon** (email) comes a few hours before a thank-you deadline.
- A **push** comes for each dated item when its turn comes: a thank-you a few hours before its
  deadline, anything else on its due day at the digest hour (or when it falls due, if earlier).
- Quiet hours hold back everything but the digest; what they held goes out when they end.
- A snooze starts a new turn: when it ends, the item may be reminded of again.
- A reminder whose moment is more than a day past is left to the digest: turning a channel on
  never sends a burst for everything overdue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from coffeechat.core.clock import day_bounds, local_today

DUE_SOON_BEFORE = timedelta(hours=3)
STALE_AFTER = timedelta(days=1)
# A failed reminder is tried again after these waits, then after the last one each time.
RETRY_WAITS = (
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
)
# A claim older than this belongs to a run that died before it could say how sending went.
CLAIM_LEASE = timedelta(minutes=10)

EMAIL = "email"
PUSH = "push"
DIGEST = "digest"
DUE_SOON = "due_soon"
DUE = "due"


@dataclass(frozen=True)
class Due:
    """One owed item as the plan sees it; ``item`` is the caller's own object, carried along."""

    key: str  # the item's lasting name (services.owed.item_key)
    due_at: datetime
    is_thank_you: bool = False
    # When its current turn began: the end of the snooze that last put it off, if any.
    snoozed_until: datetime | None = None
    item: Any = None


@dataclass(frozen=True)
class Channels:
    """What the user turned on, and where and when they live."""

    time_zone: ZoneInfo
    email_digest: bool = False
    email_due_soon: bool = False
    push: bool = False
    digest_hour: int = 8
    quiet_from: int | None = None
    quiet_until: int | None = None

    @property
    def any(self) -> bool:
        return self.email_digest or self.email_due_soon or self.push


@dataclass(frozen=True)
class Outgoing:
    """One reminder on one channel: its lasting key, its kind and the items it speaks of."""

    key: str
    channel: str
    kind: str
    items: tuple[Due, ...]
    day: date | None = None  # the local day of a digest


def in_quiet_hours(now: datetime, channels: Channels) -> bool:
    """Whether ``now`` falls in the user's quiet hours (which may run past midnight)."""
    start, end = channels.quiet_from, channels.quiet_until
    if start is None or end is None or start == end:
        return False
    hour = now.astimezone(channels.time_zone).hour
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end


def digest_moment(day: date, channels: Channels) -> datetime:
    """The digest hour on ``day`` where the user lives (the hour after, when clocks skip it)."""
    tz = channels.time_zone
    naive = datetime.combine(day, time(channels.digest_hour))
    moment = naive.replace(tzinfo=tz)
    # An hour the clocks skip does not exist: round-tripping through UTC moves it forward.
    return moment.astimezone(ZoneInfo("UTC")).astimezone(tz)


def turn_starts(due: Due, channels: Channels) -> datetime:
    """When the item's reminder is due to go out (before quiet hours have their say)."""
    if due.is_thank_you:
        moment = due.due_at - DUE_SOON_BEFORE
    else:
        on_the_day = digest_moment(local_today(due.due_at, channels.time_zone), channels)
        moment = min(due.due_at, on_the_day)
    if due.snoozed_until is not None and due.snoozed_until > moment:
        moment = due.snoozed_until
    return moment


def _stamp(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%MZ")


def plan(owed: Sequence[Due], channels: Channels, now: datetime) -> list[Outgoing]:
    """Every reminder that should have gone out by ``now`` and is not yet a day late."""
    outgoing: list[Outgoing] = []
    tz = channels.time_zone
    today = local_today(now, tz)
    if channels.email_digest and now >= digest_moment(today, channels):
        tonight = day_bounds(today, tz)[1]
        items = tuple(sorted((d for d in owed if d.due_at <= tonight), key=lambda d: d.due_at))
        outgoing.append(Outgoing(f"digest-{today.isoformat()}", EMAIL, DIGEST, items, today))
    if in_quiet_hours(now, channels):
        return outgoing
    for due in sorted(owed, key=lambda d: d.due_at):
        starts = turn_starts(due, channels)
        if not starts <= now < starts + STALE_AFTER:
            continue
        if channels.email_due_soon and due.is_thank_you and now < due.due_at:
            key = f"soon-{due.key}@{_stamp(starts)}"
            outgoing.append(Outgoing(key, EMAIL, DUE_SOON, (due,)))
        if channels.push:
            outgoing.append(Outgoing(f"due-{due.key}@{_stamp(starts)}", PUSH, DUE, (due,)))
    return outgoing


def retry_wait(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure (1 for the first) before trying again."""
    index = min(max(attempts, 1), len(RETRY_WAITS)) - 1
    return RETRY_WAITS[index]
