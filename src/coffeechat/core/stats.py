"""Learning from the clock: how held chats went against their plan, and how the trainer goes.

Two ways a chat can "run over" are kept apart on purpose:

- its *overrun* is how much longer it lasted than the agreed length (what the other person
  experienced, and what the method asks the user to keep);
- how far it ended *past its planned end* also counts a late start, and that is what the buffer
  after a chat has to absorb, so the buffer suggestion reads that one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import fmean, median

from coffeechat.core.text import counted

# A chat that runs two minutes long has kept its time: goodbyes take a moment.
OVERRUN_TOLERANCE = 2
# The gentle prompt looks at the last ten chats and speaks up when most ran this much over.
PROMPT_WINDOW = 10
PROMPT_OVER = 5
PROMPT_HISTORY = 5  # fewer held chats than this say too little to draw a habit from
# The buffer suggestion needs a few chats, covers most of them, and comes in steps of 5 minutes.
BUFFER_HISTORY = 3
BUFFER_PERCENTILE = 80
BUFFER_STEP = 5
# The trainer's trend: the mean error of the last few rounds.
TREND_WINDOW = 3


def whole_minutes(delta: timedelta) -> int:
    """A span in whole minutes, rounded to the nearest (half a minute rounds away from zero)."""
    seconds = delta.total_seconds()
    return int(math.copysign(math.floor(abs(seconds) / 60 + 0.5), seconds))


@dataclass(frozen=True)
class HeldTimes:
    """What was planned for a held chat and what really happened."""

    planned_start: datetime
    agreed_minutes: int
    actual_start: datetime
    actual_end: datetime
    extension: str = "none"  # "none", "they_asked" or "i_offered"
    extension_minutes: int = 0
    felt_minutes: int | None = None


@dataclass(frozen=True)
class ChatReflection:
    """One held chat measured against its plan; minutes are whole, negative means early/short."""

    planned_start: datetime
    planned_end: datetime
    agreed_minutes: int
    actual_start: datetime
    actual_end: datetime
    actual_minutes: int
    overrun_minutes: int  # actual length minus agreed length
    late_start_minutes: int  # actual start minus planned start
    past_plan_minutes: int  # actual end minus planned end: what the buffer had to absorb
    extension: str
    extension_minutes: int
    felt_minutes: int | None
    felt_error_minutes: int | None  # felt minus real: negative when it felt shorter than it was
    felt_error_percent: int | None

    @property
    def ran_over(self) -> bool:
        """Whether the chat lasted noticeably longer than agreed."""
        return self.overrun_minutes > OVERRUN_TOLERANCE


def reflect(times: HeldTimes) -> ChatReflection:
    """Measure one held chat against its plan."""
    planned_end = times.planned_start + timedelta(minutes=times.agreed_minutes)
    actual = times.actual_end - times.actual_start
    actual_minutes = whole_minutes(actual)
    felt_error = felt_percent = None
    if times.felt_minutes is not None:
        felt_error = times.felt_minutes - actual_minutes
        real_seconds = actual.total_seconds()
        if real_seconds > 0:
            felt_percent = round((times.felt_minutes * 60 - real_seconds) / real_seconds * 100)
    return ChatReflection(
        planned_start=times.planned_start,
        planned_end=planned_end,
        agreed_minutes=times.agreed_minutes,
        actual_start=times.actual_start,
        actual_end=times.actual_end,
        actual_minutes=actual_minutes,
        overrun_minutes=whole_minutes(actual - timedelta(minutes=times.agreed_minutes)),
        late_start_minutes=whole_minutes(times.actual_start - times.planned_start),
        past_plan_minutes=whole_minutes(times.actual_end - planned_end),
        extension=times.extension,
        extension_minutes=times.extension_minutes,
        felt_minutes=times.felt_minutes,
        felt_error_minutes=felt_error,
        felt_error_percent=felt_percent,
    )


@dataclass(frozen=True)
class RunOverPrompt:
    """The gentle prompt: ``over`` of the last ``of`` chats ran more than PROMPT_OVER minutes."""

    over: int
    of: int


@dataclass(frozen=True)
class Overview:
    """Held chats taken together; the shares are None when there is nothing to share out."""

    held: int
    ran_over: int
    overrun_rate: float | None
    median_overrun: float | None
    shortest_overrun: int | None
    longest_overrun: int | None
    extensions: int
    they_asked: int
    they_asked_share: float | None
    prompt: RunOverPrompt | None


def run_over_prompt(overruns: Sequence[int]) -> RunOverPrompt | None:
    """The prompt when most of the last ten chats (oldest first) ran well over, else None."""
    recent = list(overruns)[-PROMPT_WINDOW:]
    if len(recent) < PROMPT_HISTORY:
        return None
    over = sum(1 for minutes in recent if minutes > PROMPT_OVER)
    return RunOverPrompt(over=over, of=len(recent)) if over * 2 > len(recent) else None


def summarise(chats: Sequence[ChatReflection]) -> Overview:
    """Overrun rate, median overrun, who extended, and the prompt; ``chats`` oldest first."""
    overruns = [chat.overrun_minutes for chat in chats]
    ran_over = sum(1 for chat in chats if chat.ran_over)
    extended = [chat for chat in chats if chat.extension != "none"]
    they_asked = sum(1 for chat in extended if chat.extension == "they_asked")
    return Overview(
        held=len(chats),
        ran_over=ran_over,
        overrun_rate=ran_over / len(chats) if chats else None,
        median_overrun=float(median(overruns)) if overruns else None,
        shortest_overrun=min(overruns, default=None),
        longest_overrun=max(overruns, default=None),
        extensions=len(extended),
        they_asked=they_asked,
        they_asked_share=they_asked / len(extended) if extended else None,
        prompt=run_over_prompt(overruns),
    )


@dataclass(frozen=True)
class BufferAdvice:
    """A buffer that would have absorbed most recent late ends, from the user's own history."""

    chats: int  # how many held chats the advice rests on
    average_past_end: int  # minutes past the planned end, on average (early ends count as 0)
    suggested: int  # a multiple of BUFFER_STEP, at least one step
    covered: int  # of ``chats``, how many ended within the suggested buffer
    current: int  # the user's usual buffer

    @property
    def raise_it(self) -> bool:
        """Whether the suggestion is longer than the buffer the user keeps now."""
        return self.suggested > self.current


def nearest_rank(values: Sequence[int], percent: int) -> int:
    """The nearest-rank percentile: a value that really occurred, at least ``percent``% of all."""
    ordered = sorted(values)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


def suggest_buffer(past_plan_minutes: Sequence[int], current: int) -> BufferAdvice | None:
    """A buffer from how far recent chats ended past their planned end; None without history."""
    if len(past_plan_minutes) < BUFFER_HISTORY:
        return None
    late = [max(0, minutes) for minutes in past_plan_minutes]
    high = nearest_rank(late, BUFFER_PERCENTILE)
    suggested = max(BUFFER_STEP, math.ceil(high / BUFFER_STEP) * BUFFER_STEP)
    return BufferAdvice(
        chats=len(late),
        average_past_end=round(fmean(late)),
        suggested=suggested,
        covered=sum(1 for minutes in late if minutes <= suggested),
        current=current,
    )


@dataclass(frozen=True)
class TrialPoint:
    """One finished trainer round with its error and the trend up to it."""

    target_seconds: int
    elapsed_seconds: int
    error_seconds: int  # real minus target: positive when the user stopped late
    error_percent: float
    trend_percent: float  # mean absolute error of this and the rounds just before it


def trial_trend(rounds: Sequence[tuple[int, int]], window: int = TREND_WINDOW) -> list[TrialPoint]:
    """Each (target, elapsed) round, oldest first, with its error and a moving average."""
    points: list[TrialPoint] = []
    sizes: list[float] = []
    for target, elapsed in rounds:
        error = elapsed - target
        percent = error / target * 100
        sizes.append(abs(percent))
        recent = sizes[-window:]
        points.append(
            TrialPoint(
                target_seconds=target,
                elapsed_seconds=elapsed,
                error_seconds=error,
                error_percent=percent,
                trend_percent=fmean(recent),
            )
        )
    return points


def describe_seconds(seconds: int) -> str:
    """A length as people say it: ``10 minutes``, ``45 seconds``, ``2 min 30 s``."""
    seconds = abs(int(seconds))
    minutes, rest = divmod(seconds, 60)
    if minutes == 0:
        return counted(rest, "second")
    if rest == 0:
        return counted(minutes, "minute")
    return f"{minutes} min {rest} s"
