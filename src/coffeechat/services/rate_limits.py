"""Per-user limits on costly actions: imports, exports, searches and messages sent.

The limits are far above what a person does by hand, so nobody meets them in normal use; they
stop one account (a runaway script, a stolen session) from taking the server from everyone else,
and from using the mail server to send in bulk. They apply in both modes: one rule, tested once,
and a local user never sees them either.

Each allowed action leaves a RateEvent row; the check counts the owner's rows of that action in
the window (one indexed range: owner, action, at) and drops the rows that fell out of it. Two
requests at the very same moment may both pass the count, so a limit can be overshot by the
number of concurrent requests; for limits this generous that does not matter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from coffeechat.core.text import counted
from coffeechat.services.errors import DomainError
from coffeechat.store.models import RateEvent
from coffeechat.store.owners import Owner

IMPORT = "import"
EXPORT = "export"
SEARCH = "search"
SEND = "send"


@dataclass(frozen=True)
class Limit:
    """At most ``times`` of an action in any ``window``; the words say it in the message:
    "You have {done} {times} {what} in the last {per}"."""

    times: int
    window: timedelta
    done: str
    what: str
    per: str


LIMITS: dict[str, Limit] = {
    SEARCH: Limit(120, timedelta(minutes=1), "made", "searches", "minute"),
    EXPORT: Limit(20, timedelta(hours=1), "made", "exports", "hour"),
    IMPORT: Limit(30, timedelta(hours=1), "uploaded", "files to import", "hour"),
    # Messages through the mail server or a push service: thank-yous, requests, test reminders.
    SEND: Limit(60, timedelta(hours=1), "sent", "messages", "hour"),
}


class RateLimited(DomainError):
    """Too many of one action in its window; ``retry_after`` is in whole seconds."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def waiting_time(seconds: int) -> str:
    """How long to wait, in the words a message uses: ``40 seconds``, ``4 minutes``."""
    if seconds < 60:
        return counted(max(seconds, 1), "second")
    return counted(math.ceil(seconds / 60), "minute")


def seconds_until(moment: datetime, now: datetime) -> int:
    """Whole seconds from ``now`` to ``moment``, rounded up and at least one (for Retry-After)."""
    return max(1, math.ceil((moment - now).total_seconds()))


def check_rate(owner: Owner, action: str, now: datetime | None = None) -> None:
    """Count one ``action`` by ``owner``, or raise RateLimited if its window is full already."""
    limit = LIMITS[action]
    now = now or timezone.now()
    start = now - limit.window
    events = RateEvent.objects.filter(owner=owner, action=action)
    # Rows older than the window never count again; dropping them here keeps the table small.
    events.filter(at__lte=start).delete()
    used = events.count()
    if used >= limit.times:
        # One more fits once enough of the counted events have left the window; the last of
        # those to leave is this one, oldest first.
        leaving = events.order_by("at").values_list("at", flat=True)[used - limit.times]
        retry_after = seconds_until(leaving + limit.window, now)
        raise RateLimited(
            f"You have {limit.done} {limit.times} {limit.what} in the last {limit.per}, the most "
            f"coffeechat allows. Try again in {waiting_time(retry_after)}.",
            retry_after=retry_after,
        )
    RateEvent.objects.create(owner=owner, action=action, at=now)
