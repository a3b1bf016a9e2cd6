"""The 3-and-7 timers of a request for a chat, counted in business days.

A request that gets no answer is normal: people are busy. The routine keeps the search moving
without pestering anyone:

- after 3 business days without a reply, try a second person at the same organisation (or find
  one), rather than waiting on the first;
- after 7 business days, send the first person one short nudge;
- after that, stop waiting: 7 business days after the nudge went out (or after it came due, if
  the user let it pass, whichever is later) the request closes quietly. A late reply can still
  be recorded.

Business days skip weekends and the public holidays of the user's country (core.business_days).
Everything here is pure: the caller passes the moments, the user's time zone and calendar.
Days are read in the user's zone, but moments are compared as instants (in UTC): around the
autumn clock change a wall-clock time happens twice, and a stage must never step back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from enum import StrEnum

from coffeechat.core.business_days import (
    WEEKENDS_ONLY,
    HolidayCalendar,
    add_business_days,
    count_business_days,
)

SECOND_CONTACT_AFTER = 3
NUDGE_AFTER = 7
CLOSE_AFTER_NUDGE = 7


class Stage(StrEnum):
    """Where a request stands, from the user's side."""

    DRAFT = "draft"  # not sent yet: no timer runs
    WAITING = "waiting"  # sent, nothing to do yet
    TRY_SECOND = "try_second"  # 3 business days: write to a second person there
    NUDGE_DUE = "nudge_due"  # 7 business days: one nudge to the first person
    NUDGED = "nudged"  # the nudge went out; waiting a last while
    CLOSED = "closed"  # no answer; stopped waiting
    ANSWERED = "answered"  # they replied (yes or no)


@dataclass(frozen=True)
class Timers:
    """One request's stage and the moments its timers fire, in the user's time zone."""

    stage: Stage
    second_contact_at: datetime | None = None
    nudge_at: datetime | None = None
    close_at: datetime | None = None
    waited: int = 0  # whole business days since it was sent (until now, or until it stopped)
    second_contact_due: bool = False  # the 3-day suggestion is due, not acted on, not nudged yet
    nudge_due: bool = False  # the 7-day nudge is due and not sent
    next_at: datetime | None = None  # the next timer to fire; None once nothing more will

    @property
    def is_due(self) -> bool:
        """Something is for the user to do now."""
        return self.second_contact_due or self.nudge_due


def outreach_timers(
    sent_at: datetime | None,
    now: datetime,
    *,
    tz: tzinfo,
    calendar: HolidayCalendar = WEEKENDS_ONLY,
    answered: bool = False,
    moved_on: bool = False,
    nudged_at: datetime | None = None,
    closed: bool = False,
) -> Timers:
    """The timers of a request sent at ``sent_at`` (None for a draft), as they stand at ``now``.

    ``moved_on``: the user acted on the 3-day suggestion. ``nudged_at``: when the nudge went out.
    ``closed``: the request was closed already (by the user, or quietly before).
    """
    if sent_at is None:
        return Timers(Stage.DRAFT)
    sent = sent_at.astimezone(tz)
    second_at = add_business_days(sent, SECOND_CONTACT_AFTER, calendar)
    nudge_at = add_business_days(sent, NUDGE_AFTER, calendar)
    # A nudge sent early (it should not be) still leaves the full wait after it was due.
    last_call = (
        nudge_at if nudged_at is None else max(nudged_at.astimezone(tz), nudge_at, key=_instant)
    )
    close_at = add_business_days(last_call, CLOSE_AFTER_NUDGE, calendar)
    # Each Timers is built once, with all its fields: pages work out hundreds on every visit.
    if answered:
        return Timers(Stage.ANSWERED, second_at, nudge_at, close_at)
    local_now = now.astimezone(tz)
    # Each moment is turned into an instant once: pages work out hundreds of these per visit.
    now_at, second_instant, nudge_instant, close_instant = map(
        _instant, (now, second_at, nudge_at, close_at)
    )
    if closed or now_at >= close_instant:
        stopped = min(local_now, close_at, key=_instant)
        waited = count_business_days(sent, stopped, calendar)
        return Timers(Stage.CLOSED, second_at, nudge_at, close_at, waited=waited)
    upcoming = [
        (instant, moment)
        for instant, moment in (
            (second_instant, second_at),
            (nudge_instant, nudge_at),
            (close_instant, close_at),
        )
        if now_at < instant
    ]
    # Once the nudge went out, the earlier suggestion lapses: all that is left is to wait.
    second_due = now_at >= second_instant and not moved_on and nudged_at is None
    nudge_due = False
    if nudged_at is not None:
        stage = Stage.NUDGED
    elif now_at >= nudge_instant:
        stage, nudge_due = Stage.NUDGE_DUE, True
    elif second_due:
        stage = Stage.TRY_SECOND
    else:
        stage = Stage.WAITING
    return Timers(
        stage,
        second_at,
        nudge_at,
        close_at,
        waited=count_business_days(sent, local_now, calendar),
        second_contact_due=second_due,
        nudge_due=nudge_due,
        next_at=min(upcoming)[1] if upcoming else None,
    )


def _instant(moment: datetime) -> datetime:
    # Aware datetimes sharing one tzinfo compare by wall clock; UTC compares the instants.
    return moment.astimezone(UTC)
