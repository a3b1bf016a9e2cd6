from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from coffeechat.core.business_days import holiday_calendar
from coffeechat.core.nextsteps import add_business_days, nudge_due, step_state

FRIDAY = date(2030, 1, 11)
NEXT_TUESDAY = date(2030, 1, 15)


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (date(2030, 1, 9), 2, date(2030, 1, 11)),  # Wednesday → Friday
        (FRIDAY, 2, NEXT_TUESDAY),  # the weekend does not count
        (date(2030, 1, 12), 1, date(2030, 1, 14)),  # Saturday → Monday
        (FRIDAY, 0, FRIDAY),
    ],
)
def test_business_days_skip_weekends(start, count, expected):
    assert add_business_days(start, count) == expected


def test_a_nudge_falls_two_working_days_after_their_date_at_nine():
    assert nudge_due(FRIDAY, UTC) == datetime.combine(NEXT_TUESDAY, time(9), tzinfo=UTC)


@pytest.mark.parametrize(
    ("due_on", "done", "state"),
    [
        (date(2030, 1, 8), False, "late"),
        (date(2030, 1, 9), False, "today"),
        (date(2030, 1, 16), False, "soon"),
        (date(2030, 1, 17), False, "later"),
        (None, False, "later"),
        (date(2030, 1, 8), True, "done"),
    ],
)
def test_a_step_reads_late_today_soon_or_later(due_on, done, state):
    assert step_state(due_on, done, date(2030, 1, 9)) == state


def test_a_nudge_skips_public_holidays_when_given_a_calendar():
    england = holiday_calendar("GB-ENG")
    # Promised for Wednesday 23 December 2026: Christmas (Friday) and its substitute Monday pass.
    assert nudge_due(date(2026, 12, 23), UTC, england) == datetime(2026, 12, 29, 9, tzinfo=UTC)
    assert nudge_due(date(2026, 12, 23), UTC) == datetime(2026, 12, 25, 9, tzinfo=UTC)
