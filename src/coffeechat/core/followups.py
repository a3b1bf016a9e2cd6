"""When messages are owed, and how urgent they are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

THANK_YOU_WITHIN = timedelta(hours=24)
DUE_SOON_WITHIN = timedelta(hours=4)


def thank_you_due(chat_ended_at: datetime) -> datetime:
    """A thank-you is owed 24 hours after the chat ended."""
    return chat_ended_at + THANK_YOU_WITHIN


@dataclass(frozen=True)
class Urgency:
    """How a follow-up due at some moment stands at ``now``."""

    state: str  # "overdue", "soon" or "later"
    seconds_left: int  # negative when overdue

    @property
    def is_overdue(self) -> bool:
        return self.state == "overdue"


def urgency(due_at: datetime, now: datetime) -> Urgency:
    """Classify a due time against now: overdue, due within a few hours, or later."""
    left = due_at - now
    seconds = int(left.total_seconds())
    if left < timedelta(0):
        return Urgency("overdue", seconds)
    if left <= DUE_SOON_WITHIN:
        return Urgency("soon", seconds)
    return Urgency("later", seconds)


def describe_left(seconds_left: int) -> str:
    """A short, human reading of time left or overdue: ``3 h 20 min left``, ``2 days overdue``."""
    overdue = seconds_left < 0
    seconds = abs(seconds_left)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days >= 2:
        amount = f"{days} days"
    elif days == 1:
        amount = f"1 day {hours} h" if hours else "1 day"
    elif hours:
        amount = f"{hours} h {minutes} min" if minutes else f"{hours} h"
    else:
        amount = f"{max(minutes, 1)} min"
    return f"{amount} overdue" if overdue else f"{amount} left"
