"""Next steps: when a promise of theirs has waited long enough for a gentle nudge."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from coffeechat.core.business_days import WEEKENDS_ONLY, HolidayCalendar, add_business_days

__all__ = ["add_business_days", "nudge_due", "step_state"]

# People are busy: a promise a day or two late is normal, so the nudge waits two working days
# after the date they gave, and arrives at the start of the user's working morning.
NUDGE_AFTER_BUSINESS_DAYS = 2
NUDGE_AT = time(9, 0)


def nudge_due(due_on: date, tz: tzinfo, calendar: HolidayCalendar = WEEKENDS_ONLY) -> datetime:
    """When to nudge about a promise of theirs due on ``due_on``: two working days later, 9:00."""
    day = add_business_days(due_on, NUDGE_AFTER_BUSINESS_DAYS, calendar)
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
