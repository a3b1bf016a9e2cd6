"""When messages are owed, and how urgent they are."""

from __future__ import annotations

from collections.abc import Sequence
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


# Keeping in touch: a cadence per contact, reset by any logged interaction, and capped so that
# nobody hears from the user more than a few times a year.
REMINDERS_PER_YEAR = 4
REMINDER_WINDOW = timedelta(days=365)


@dataclass(frozen=True)
class Reminder:
    """When a keep-in-touch reminder for one person falls due, and what held it back."""

    due_at: datetime
    # The moment the cadence alone would give, before the snooze and the yearly cap.
    cadence_due_at: datetime
    snoozed: bool  # the user's snooze pushed it later
    capped: bool  # the yearly cap pushed it later

    def is_due(self, now: datetime) -> bool:
        return self.due_at <= now


def next_reminder(
    every_days: int | None,
    last_interaction: datetime,
    *,
    sent: Sequence[datetime] = (),
    snoozed_until: datetime | None = None,
    cap: int = REMINDERS_PER_YEAR,
    window: timedelta = REMINDER_WINDOW,
) -> Reminder | None:
    """When the next keep-in-touch reminder is due; None when the contact has no cadence.

    ``last_interaction`` is the latest logged contact with the person (or when they were added);
    ``sent`` are the keep-in-touch and add-value messages already sent to them. A sent message is
    an interaction too, so it resets the cadence; the cap counts only those messages: the next
    one waits until fewer than ``cap`` were sent in the ``window`` before it.
    """
    if not every_days or every_days <= 0:
        return None
    latest = max([last_interaction, *sent])
    cadence_due = latest + timedelta(days=every_days)
    due = cadence_due
    snoozed = False
    if snoozed_until is not None and snoozed_until > due:
        due, snoozed = snoozed_until, True
    capped = False
    recent = sorted(sent, reverse=True)
    if cap > 0 and len(recent) >= cap:
        # The cap-th most recent message must have left the window before another one is due.
        frees_at = recent[cap - 1] + window
        if frees_at > due:
            due, snoozed, capped = frees_at, False, True
    return Reminder(due, cadence_due, snoozed, capped)
