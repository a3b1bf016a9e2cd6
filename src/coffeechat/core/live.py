"""The live chat's clock and scripts: the confirmed end, the cues, and the words to say.

Every instant here is an aware datetime and the arithmetic runs on UTC instants, so a chat that
spans a clock change still lasts the minutes that were agreed. Only ``format_clock`` turns an
instant into the wall-clock time the user reads.

The live page must keep time with no network, so static/coffeechat/live.js computes four of
these again: ``phase_at``, ``wrap_up_at``, ``confirm_end``'s minutes and ``has_room`` (phaseAt,
wrapUpAt, confirmedMinutes, hasRoom there), from inputs the server renders into the page.
tests/browser/test_same_rule_twice.py runs both over the same table of moments, edges included;
change one, change the other.

The user's buffer after a chat is the time they keep for themselves before the next commitment
(travel, a breath, writing notes). So the latest a chat may run is the next commitment's start
minus that buffer, and the *flexibility* is what is left between the chat's end and that moment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from coffeechat.core.placeholders import pieces, refuse_unknown

# The kinds of script a user may reword; the same names as ScriptTemplate.Kind in the store.
CONFIRM = "confirm"
CONFIRM_CAPPED = "confirm_capped"
WRAP_UP = "wrap_up"
CHECK_IN_ROOM = "check_in_room"
CHECK_IN_CLOSE = "check_in_close"
NON_VERBAL = "non_verbal"
SCRIPT_KINDS = (CONFIRM, CONFIRM_CAPPED, WRAP_UP, CHECK_IN_ROOM, CHECK_IN_CLOSE, NON_VERBAL)

# What a script may name in braces, and what each means when the page fills it in.
PLACEHOLDERS: dict[str, str] = {
    "now": "the time you pressed Start, such as 13:00",
    "end": "the end you agreed (or, once running, the end you are working to)",
    "earlier_end": "the earlier end your next commitment allows",
    "minutes": "a number of minutes: the length, the minutes left at the cue, or the extension",
    "name": "the other person's first name",
}

DEFAULT_SCRIPTS: dict[str, str] = {
    CONFIRM: "It's {now} now. We said {minutes} minutes, so until {end}. Does that still work "
    "for you?",
    CONFIRM_CAPPED: "It's {now} now. I had us down until {end}, but I need to stop at "
    "{earlier_end}. Is that all right with you?",
    WRAP_UP: "About {minutes} minutes to go. Make your Ask, ask who else you should talk to, and "
    "note one thing worth remembering.",
    CHECK_IN_ROOM: "We've reached the time we agreed, {name}. I'm glad to keep going for another "
    "{minutes} minutes if you'd like to, or we can stop here. Which suits you better?",
    CHECK_IN_CLOSE: "That's the time we agreed, {name}, and I'd like to keep my word. Thank you; "
    "this helped me a lot. I'll write tomorrow with what I took from it.",
    NON_VERBAL: "Close your notebook and put the pen down: a quiet sign that they are free to go.",
}

# How long each script may be; a cue is read at a glance in the middle of a conversation.
LONGEST_SCRIPT = 600
# "minutes" right after a {minutes} that is 1, so every script, ours or the user's, says "1 minute".
_MINUTES_AFTER_ONE = re.compile(r"^(\s+)minutes\b")


class ScriptError(ValueError):
    """A script names a placeholder we cannot fill, or uses braces we cannot read."""


@dataclass(frozen=True)
class Confirmed:
    """The end confirmed when the chat starts: the agreed length, capped if need be."""

    starts_at: datetime  # the actual start
    agreed_end: datetime  # actual start plus the agreed minutes
    minutes: int  # whole minutes confirmed: the agreed length, or fewer when capped
    latest_end: datetime | None  # next commitment minus the buffer; None when nothing follows

    @property
    def ends_at(self) -> datetime:
        """The end to work to: the agreed end, or earlier when capped."""
        return self.starts_at + timedelta(minutes=self.minutes)

    @property
    def capped(self) -> bool:
        """Whether the next commitment moved the end earlier than agreed."""
        return self.ends_at < self.agreed_end

    @property
    def no_room(self) -> bool:
        """Whether the next commitment leaves no time at all after its buffer."""
        return self.latest_end is not None and self.latest_end <= self.starts_at


def utc(moment: datetime) -> datetime:
    """The same instant in UTC; a naive datetime is a programming error."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("an aware datetime is needed")
    return moment.astimezone(UTC)


def latest_end(next_start: datetime | None, buffer_minutes: int) -> datetime | None:
    """The latest a chat may run: the next commitment's start minus the buffer kept before it."""
    if next_start is None:
        return None
    return utc(next_start) - timedelta(minutes=buffer_minutes)


def confirm_end(
    actual_start: datetime,
    agreed_minutes: int,
    next_start: datetime | None,
    buffer_minutes: int,
) -> Confirmed:
    """The end to confirm at the start: the agreed length, capped by the next commitment.

    The end never comes after the agreed end, nor after the next commitment minus the buffer,
    except that it never comes before the start itself (a chat cannot end before it began).
    A capped length is whole minutes, rounded down, so it can be said out loud and kept.
    """
    start = utc(actual_start)
    agreed_end = start + timedelta(minutes=agreed_minutes)
    latest = latest_end(next_start, buffer_minutes)
    minutes = agreed_minutes
    if latest is not None and latest < agreed_end:
        minutes = max(0, int((latest - start).total_seconds() // 60))
    return Confirmed(starts_at=start, agreed_end=agreed_end, minutes=minutes, latest_end=latest)


def flexibility_minutes(ends_at: datetime, latest: datetime | None) -> int | None:
    """Whole minutes from the end until the latest end; None when nothing follows.

    Negative when the chat already runs past what the next commitment allows. Rounded down, so
    a part of a minute never counts as room.
    """
    if latest is None:
        return None
    seconds = (utc(latest) - utc(ends_at)).total_seconds()
    return int(seconds // 60)


def has_room(flexibility: int | None, extend_minutes: int) -> bool:
    """Whether there is room to offer one more extension before the next commitment."""
    return flexibility is None or flexibility >= extend_minutes


def wrap_up_at(starts_at: datetime, ends_at: datetime, wrapup_minutes: int) -> datetime:
    """When the wrap-up cue shows: some minutes before the end, but never before the start."""
    return max(utc(starts_at), utc(ends_at) - timedelta(minutes=wrapup_minutes))


# The parts of a live chat, as the page names them (a class and the cue shown for each).
RUNNING = "running"
WRAPPING_UP = "wrap_up"
CHECKING_IN = "check_in"


def phase_at(now: datetime, wrap_at: datetime, ends_at: datetime) -> str:
    """Which part of a live chat ``now`` falls in: running, then the wrap-up, then the check-in.

    The live page works this out again every second, offline too (static/coffeechat/live.js,
    phaseAt, with wrapUpAt and confirmedMinutes for what it does with no network);
    tests/browser/test_same_rule_twice.py feeds both the same moments, edges included.
    """
    if utc(now) < utc(wrap_at):
        return RUNNING
    if utc(now) < utc(ends_at):
        return WRAPPING_UP
    return CHECKING_IN


def check_in_kind(flexibility: int | None, extend_minutes: int, *, wrapping: bool) -> str:
    """Which check-in script applies: offer to continue when there is room, else close."""
    if not wrapping and has_room(flexibility, extend_minutes):
        return CHECK_IN_ROOM
    return CHECK_IN_CLOSE


def whole_minutes(start: datetime, end: datetime) -> int:
    """The whole minutes between two instants, rounded to the nearest minute."""
    return max(0, round((utc(end) - utc(start)).total_seconds() / 60))


def check_script(text: str) -> None:
    """Refuse a script that names an unknown placeholder or uses braces we cannot fill."""
    if len(text) > LONGEST_SCRIPT:
        raise ScriptError(
            f"Keep a script under {LONGEST_SCRIPT} characters; it is read at a glance."
        )
    refuse_unknown(text, PLACEHOLDERS, error=ScriptError, example="name")


def render_script(text: str, values: Mapping[str, str]) -> str:
    """Fill a checked script's placeholders with ``values``; never evaluates anything else.

    Unlike ``str.format`` this walks the pieces itself, so no attribute or index lookup can run.
    """
    check_script(text)
    out: list[str] = []
    one_minute = False
    for literal, field, _, _ in pieces(text, error=ScriptError, example="name"):
        out.append(_MINUTES_AFTER_ONE.sub(r"\1minute", literal) if one_minute else literal)
        one_minute = False
        if field is not None:
            if field not in values:
                raise ScriptError(f"No value for {{{field}}}.")
            out.append(values[field])
            one_minute = field == "minutes" and values[field] == "1"
    return "".join(out)
