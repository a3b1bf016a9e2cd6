"""Next steps: when a promise of theirs has waited long enough for a gentle nudge."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

# People are busy: a promise a day or two late is normal, so the nudge waits two working days
# after the date they gave, and arrives at the start of the user's working morning.
NUDGE_AFTER_BUSINESS_DAYS = 2
NUDGE_AT = time(9, 0)
SATURDAY = 5


def add_business_days(day: date, count: int) -> date:
    """The day ``count`` working days (Monday to Friday) after ``day``."""
    if count < 0:
        raise ValueError("count must not be negative")
    while count:
        day += timedelta(days=1)
        if day.weekday() < SATURDAY:
            count -= 1
    return day


def nudge_due(due_on: date, tz: tzinfo) -> datetime:
    """When to nudge about a promise of theirs due on ``due_on``: two working days later, 9:00."""
    day = add_business_days(due_on, NUDGE_AFTER_BUSINESS_DAYS)
    return datetime.combine(day, NUDGE_AT, tzinfo=tz)


def step_state(due_on: date | None, done: bool, today: date) -> str:
    """How a next step stands today: ``done``, ``late``, ``today``, ``soon`` (a week), ``later``."""
    if done:
        return "done"
    if due_on is None:
        return "later"
    if due_on < today:
        return "late"
    if due_on == today:
        return "today"
    if due_on <= today + timedelta(days=7):
        return "soon"
    return "later"
