"""What a coach reads about a student's habits: the overrun trend and the shares behind rates.

Pure rules over plain numbers, so the cohort page and a student's page give the same answer as
these tests. The numbers themselves (overruns of held chats, thank-yous on time) come from the
rules that exist already: core.stats for the overrun, core.followups for the 24 hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from coffeechat.core.stats import OVERRUN_TOLERANCE

# The trend sets the last few held chats against the same number before them.
TREND_WINDOW = 5
SHORTER = "shorter"
LONGER = "longer"
STEADY = "steady"


@dataclass(frozen=True)
class OverrunTrend:
    """Median overrun (minutes) of the last TREND_WINDOW held chats against the ones before."""

    recent: float
    earlier: float
    direction: str  # SHORTER, LONGER or STEADY


def overrun_trend(overruns: Sequence[int]) -> OverrunTrend | None:
    """The trend of ``overruns`` (oldest first); None before there are two full windows.

    A change within OVERRUN_TOLERANCE minutes is steady: the same allowance that lets a chat two
    minutes long count as kept on time.
    """
    if len(overruns) < 2 * TREND_WINDOW:
        return None
    last = list(overruns)[-2 * TREND_WINDOW :]
    earlier = float(median(last[:TREND_WINDOW]))
    recent = float(median(last[TREND_WINDOW:]))
    if recent > earlier + OVERRUN_TOLERANCE:
        direction = LONGER
    elif recent < earlier - OVERRUN_TOLERANCE:
        direction = SHORTER
    else:
        direction = STEADY
    return OverrunTrend(recent=recent, earlier=earlier, direction=direction)


def share(part: int, whole: int) -> float | None:
    """``part`` out of ``whole`` as a fraction; None when there is nothing to share out."""
    return part / whole if whole else None
