"""iCalendar in and out: busy time read from someone's calendar, chats written for theirs.

Reading expands recurring events (RRULE, RDATE, EXDATE, moved or cancelled occurrences named by
RECURRENCE-ID) with recurring-ical-events, a well-kept library, rather than by hand. Its rules
engine (dateutil) walks a rule from the event's first day, one step per second, minute, hour or
day, whether or not a step lands on an occurrence we keep; so before expanding anything we
reckon that walk and refuse what costs too much (``_bound_repeats``). Writing uses icalendar; the
tests read what we write back with vobject, an independent parser.

We write every time in UTC. Each calendar app shows it in its own zone, and UTC leaves nothing to
misread: the VTIMEZONE that icalendar generates lists past changes as RDATEs, and vobject (through
dateutil) reads that as winter time all year, an hour off for summer chats. Other readers might
stumble the same way; a UTC instant is read alike everywhere.
"""

from __future__ import annotations

import itertools
import math
import re
from calendar import monthrange
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from coffeechat.core.calendar import Span
from coffeechat.core.fields import linkable, moment_in_range
from coffeechat.core.sizes import too_large
from coffeechat.core.text import clean_line, counted, shorten

MAX_BYTES = 5 * 1024 * 1024
# More busy blocks than this in the import window means a runaway rule or the wrong calendar.
MAX_EVENTS = 5000
# What expanding the repeating events of one calendar may cost, about a second of work at most:
# the steps their rules take from each event's first day on, and the occurrences they make in
# the window, kept or not (cancelled, marked free).
MAX_STEPS = 200_000
MAX_EXPANDED = 4 * MAX_EVENTS
# The window is expanded with a day to spare on each side, as all-day and floating times are
# placed in the user's zone only afterwards.
_SPARE = timedelta(days=1)
PRODUCT = "-//coffeechat//coffeechat//EN"
# How long the thank-you event lasts; it ends at the deadline itself.
THANK_YOU_SLOT = timedelta(minutes=15)
# The thank-you reminder rings this long before the deadline, leaving time to write.
THANK_YOU_WARNING = timedelta(hours=3)
# At most this many deadlines of what is owed go into the feed, soonest first: the same order
# of size as the busy events we read, so a feed stays a few megabytes at most.
MAX_DUE_EVENTS = 1000


class CalendarUnreadable(ValueError):
    """The bytes are not a calendar we can read; the message says why, in the user's words."""


@dataclass(frozen=True)
class BusyEvent:
    """One occurrence of a busy event, in UTC."""

    starts_at: datetime
    ends_at: datetime
    title: str
    uid: str
    all_day: bool
    opaque: bool = False  # TRANSP:OPAQUE written in the file: busy even all day long

    @property
    def span(self) -> Span:
        """The occurrence as a plain span."""
        return Span(self.starts_at, self.ends_at, self.title)


def _looks_like_calendar(data: bytes) -> None:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").upper()
    if not head:
        raise CalendarUnreadable("The file is empty; export your calendar as .ics and try again.")
    if head.startswith(b"BEGIN:VCALENDAR"):
        return
    if head.startswith(b"<"):
        raise CalendarUnreadable(
            "This is a web page, not a calendar. Look for the calendar's iCalendar (.ics) "
            "export or its secret address in iCal format."
        )
    if head.startswith(b"BEGIN:VCARD"):
        raise CalendarUnreadable("This is a contact card (vCard), not a calendar.")
    raise CalendarUnreadable(
        "This is not an iCalendar file (it should begin with BEGIN:VCALENDAR). "
        "Export your calendar as .ics and try again."
    )


def _instant(value: date | datetime, tz: ZoneInfo) -> datetime:
    """A start or end as a UTC instant: dates and floating times are read in ``tz``."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min)
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def _text(component: icalendar.Component, name: str) -> str:
    value = component.get(name)
    return str(value).strip() if value is not None else ""


# Repeating events: what expanding them costs, and where it stops.

# For a rule finer than a day: its steps in a day, the BY list of its own unit, how many of that
# unit make the next one up, and the finer BY lists each step multiplies by. dateutil steps
# through every second (minute, hour) but jumps straight to those its own BY list names.
_FINE = {
    "SECONDLY": (86_400, "BYSECOND", 60, ()),
    "MINUTELY": (1_440, "BYMINUTE", 60, ("BYSECOND",)),
    "HOURLY": (24, "BYHOUR", 24, ("BYMINUTE", "BYSECOND")),
}
_PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 28, "YEARLY": 365}
_UNITS = {
    "SECONDLY": "second",
    "MINUTELY": "minute",
    "HOURLY": "hour",
    "DAILY": "day",
    "WEEKLY": "week",
    "MONTHLY": "month",
    "YEARLY": "year",
}
_DAY_PARTS = ("BYMONTH", "BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY", "BYSETPOS")
# dateutil expands a rule ten occurrences at a time, so it walks up to ten past the last needed.
_AHEAD = 10


def _size(rule: icalendar.vRecur, part: str) -> int:
    return len(rule.get(part, ())) or 1


def _days_per_period(rule: icalendar.vRecur, freq: str) -> int:
    """At most how many days a daily, weekly, monthly or yearly rule falls on in one period."""
    if freq == "DAILY":
        return 1
    if freq == "WEEKLY":
        return min(7, _size(rule, "BYDAY"))
    # BYDAY=TU is every Tuesday: five at most in a month.
    in_month = (len(rule.get("BYMONTHDAY", ())) + 5 * len(rule.get("BYDAY", ()))) or 1
    if freq == "MONTHLY":
        return min(31, in_month)
    if "BYYEARDAY" in rule or "BYWEEKNO" in rule:
        return 366
    # Days named without months fall in every month (BYMONTHDAY=1 is each month's first).
    months = len(rule.get("BYMONTH", ())) or (12 if in_month > 1 or "BYMONTHDAY" in rule else 1)
    return min(366, months * in_month)


def _steps_per_day(rule: icalendar.vRecur, freq: str, interval: int) -> float:
    """At most how many steps expanding ``rule`` takes in a day, landing or not."""
    if freq in _FINE:
        a_day, own, per_next, finer = _FINE[freq]
        steps = a_day / interval
        if own in rule:
            steps = min(steps, a_day / per_next * len(rule[own]))
        return steps * math.prod(_size(rule, part) for part in finer)
    times = math.prod(_size(rule, part) for part in ("BYHOUR", "BYMINUTE", "BYSECOND"))
    return times * _days_per_period(rule, freq) / _PERIOD_DAYS[freq] / interval


def _never_lands(rule: icalendar.vRecur) -> bool:
    """Whether the rule names only days its months lack, such as 30 February: it adds nothing."""
    if "BYMONTH" not in rule or "BYMONTHDAY" not in rule:
        return False
    return not any(
        0 < abs(day) <= monthrange(2024, month)[1]  # a leap year: 29 February is a day
        for month in rule["BYMONTH"]
        for day in rule["BYMONTHDAY"]
    )


def _lands_every(rule: icalendar.vRecur, freq: str, interval: int) -> timedelta | None:
    """How far past a given day a rule surely lands again; None when that is not sure.

    dateutil stops walking a rule only at an occurrence: the first ones past the window, past
    its UNTIL or past its COUNT. A rule that may never land again (the 6th Monday of a month, a
    BYSETPOS beyond the days it picks from, a week number in a month it is not in) may be
    walked until the year 9999.
    """
    parts = [part for part in _DAY_PARTS if part in rule]
    if not parts:
        return timedelta(days=_PERIOD_DAYS.get(freq, 1) * interval)  # once every period
    dated = [part for part in ("BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYMONTHDAY") if part in rule]
    if ("BYYEARDAY" in rule or "BYWEEKNO" in rule) and len(dated) > 1:
        return None
    in_year = freq == "YEARLY" and "BYMONTH" not in rule
    plain = [day for day in rule.get("BYDAY", ()) if day.relative is None]
    for day in rule.get("BYDAY", ()):
        if day.relative is not None and (
            freq not in ("MONTHLY", "YEARLY") or abs(day.relative) > (53 if in_year else 5)
        ):
            return None
    if "BYSETPOS" in rule:
        # How many days each period surely offers BYSETPOS to pick from.
        times = math.prod(_size(rule, part) for part in ("BYHOUR", "BYMINUTE", "BYSECOND"))
        weekly = len(plain) if plain and len(plain) == len(rule["BYDAY"]) else 0
        offered = {
            "DAILY": 1,
            "WEEKLY": weekly or 1,
            "MONTHLY": 4 * weekly or 1,
            "YEARLY": (52 if in_year else 4 * len(rule.get("BYMONTH", ()))) * weekly or 1,
        }.get(freq, 1)
        if any(part in rule for part in ("BYMONTHDAY", "BYYEARDAY", "BYWEEKNO")):
            offered = 1
        if max(abs(position) for position in rule["BYSETPOS"]) > offered * times:
            return None
    days = rule.get("BYMONTHDAY", ())
    if "BYMONTH" in rule and days and all(abs(day) > 28 for day in days):
        # 29 February on a Monday comes round about every 28 years; 40 to be sure.
        return timedelta(days=40 * 366)
    if parts == ["BYDAY"] and not any(day.relative for day in rule["BYDAY"]):
        return timedelta(days=7 * interval)  # weekdays: every week has them
    return timedelta(days=366 * interval)


def _rules(event: icalendar.Component) -> list[icalendar.vRecur]:
    rules = event.get("RRULE", [])
    # A rule icalendar could not parse stays for the expansion to refuse as damaged.
    return [rule for rule in (rules if isinstance(rules, list) else [rules]) if "FREQ" in rule]


def _rdate_count(event: icalendar.Component) -> int:
    rdates = event.get("RDATE", [])
    return sum(len(rdate.dts) for rdate in (rdates if isinstance(rdates, list) else [rdates]))


def _named(event: icalendar.Component) -> str:
    """The event as a message names it: ``the event “Standup”``."""
    title = clean_line(_text(event, "SUMMARY"))
    if len(title) > 60:
        title = title[:59] + "…"
    return f"the event “{title}”" if title else "an event without a title"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class _Walk:
    """What expanding one repeating event costs, and how to tell the user about it."""

    name: str  # "the event “Standup”"
    why: str  # "repeats too often to read"
    how: str  # "every day from 1 Jan 1000"
    steps: float  # from its first day to where expanding it stops
    inside: float  # the steps that fall in the expanded window


def _start(event: icalendar.Component) -> date:
    """The event's DTSTART: a day, or a moment (datetime is a kind of date)."""
    start = event.decoded("DTSTART")
    if not isinstance(start, date):
        raise CalendarUnreadable(
            f"The calendar is damaged: {_named(event)} has no start day. Export it again."
        )
    return start


def _last(rule: icalendar.vRecur, end: datetime, tz: ZoneInfo) -> datetime:
    """Where walking ``rule`` may stop looking for occurrences we keep: its UNTIL, or ``end``."""
    until = rule.get("UNTIL")
    try:
        return min(_instant(until[0], tz), end) if until else end
    except OverflowError:
        return end  # an UNTIL at the end of time (31 December 9999) floating west of UTC


def _walk(event: icalendar.Component, reach: Span, tz: ZoneInfo) -> _Walk:
    """What expanding ``event`` over ``reach`` costs, its rules walked from its first day."""
    start = _start(event)
    first = _instant(start, tz)
    day = timedelta(days=1)
    rdates = _rdate_count(event)
    steps = inside = costliest = float(rdates)  # each RDATE is one occurrence to expand
    why, how = "repeats too often to read", f"on {rdates:,} dates"
    for rule in _rules(event):
        freq = str(rule["FREQ"][0]).upper()
        interval = int(rule.get("INTERVAL", [1])[0])
        unit = _UNITS.get(freq, freq.lower())
        if interval < 1:
            raise CalendarUnreadable(
                f"The calendar is damaged: {_named(event)} repeats every {interval} {unit}s. "
                "Change or delete it in your calendar program, then import again."
            )
        if _never_lands(rule):
            continue
        last = _last(rule, reach.ends_at, tz)
        per_day = _steps_per_day(rule, freq, interval)
        again = _lands_every(rule, freq, interval)
        if again is None:
            walked = math.inf  # never expanded: it may be walked until the year 9999
        else:
            stops = last + _AHEAD * again
            walked = per_day * max(0.0, (stops - first) / day)
        steps += walked
        inside += per_day * max(0.0, (last - max(first, reach.starts_at)) / day)
        if walked >= costliest:
            costliest = walked
            every = f"every {unit}" if interval == 1 else f"every {interval} {unit}s"
            how = f"{every} from {start.day} {start:%b} {start.year}"
            why = "may never come round again" if again is None else "repeats too often to read"
    return _Walk(_named(event), why, how, steps, inside)


def _reach(window: Span) -> Span:
    """The stretch expanded for ``window``: a day to spare on each side."""
    return Span(window.starts_at - _SPARE, window.ends_at + _SPARE)


def _bound_repeats(
    events: Sequence[icalendar.Component], reach: Span, tz: ZoneInfo
) -> dict[int, str]:
    """The repeating events of ``events`` that cost too much to expand over ``reach``.

    Answers, by position in ``events``, the sentence saying why each is left out. The cost
    counts every step a rule takes, landing or not, from the event's first day: an event
    repeating every second, or every day since the year 1000, is left out by its name before any
    of it is expanded. A rule that can never land (30 February) is dropped from its event: it
    adds no occurrence, and dateutil would walk it until the year 9999. Events each cheap enough
    but too costly together refuse the whole calendar.
    """
    refused: dict[int, str] = {}
    walks: list[_Walk] = []
    repeating = [
        (index, event)
        for index, event in enumerate(events)
        if "DTSTART" in event and (_rules(event) or "RDATE" in event)
    ]
    for index, event in repeating:
        try:
            walk = _walk(event, reach, tz)
        except CalendarUnreadable as error:
            refused[index] = str(error)
            continue
        if walk.steps > MAX_STEPS or walk.inside > MAX_EXPANDED:
            refused[index] = (
                f"{_capital(walk.name)} {walk.why} ({walk.how}). Change or delete it in your "
                "calendar program, then import again."
            )
            continue
        walks.append(walk)
    if sum(w.steps for w in walks) > MAX_STEPS or sum(w.inside for w in walks) > MAX_EXPANDED:
        raise CalendarUnreadable(
            "The calendar's repeating events are too many to read together. Import a calendar "
            "with fewer of them, such as one calendar instead of several."
        )
    for index, event in repeating:
        rules = _rules(event)
        kept = [rule for rule in rules if not _never_lands(rule)]
        if index not in refused and len(kept) < len(rules):
            event.pop("RRULE")
            for rule in kept:
                event.add("RRULE", rule)
    return refused


# Reading a calendar event by event: what one event gets wrong costs that event only.

# The properties that bear on busy time. Every other one (alarms, attendees, descriptions,
# producers' own X- lines) is left out before parsing, so a flaw in it never costs the event.
_KEPT = frozenset(
    {
        "UID",
        "SUMMARY",
        "DTSTART",
        "DTEND",
        "DURATION",
        "RRULE",
        "RDATE",
        "EXDATE",
        "RECURRENCE-ID",
        "STATUS",
        "TRANSP",
        "SEQUENCE",
    }
)
_NAME = re.compile(r"[A-Za-z0-9-]+")
_LINE_BREAK = re.compile(r"\r\n|\n|\r")
_RESTART = "Change or delete it in your calendar program, then import again."
# How many skipped events a message lists by name before "and 4 more".
LISTED = 3


@dataclass(frozen=True)
class Skipped:
    """An event left out of an import, or lines that are not calendar data, and why."""

    title: str  # the event's summary; "" for none, or for lines that are not an event
    start: str  # its start as people write it ("3 Mar 2024 10:00"); "" when not readable
    line: int  # the line of the file where it begins
    reason: str  # in plain words: "its start cannot be read as a date or time"
    alone: str = ""  # the whole sentence, when this is all the file held
    last_line: int = 0  # for lines that are not an event: the last of them

    def __str__(self) -> str:
        if not self.title and self.last_line:
            lines = (
                f"line {self.line}"
                if self.last_line == self.line
                else f"lines {self.line} to {self.last_line}"
            )
            return f"{lines}: {self.reason}"
        name = f"“{self.title}”" if self.title else "An event without a title"
        where = ", ".join(part for part in (self.start, f"line {self.line}") if part)
        return f"{name} ({where}): {self.reason}"


@dataclass(frozen=True)
class BusyRead:
    """What reading a calendar found: its busy occurrences, what was left out and why."""

    events: tuple[BusyEvent, ...]
    skipped: tuple[Skipped, ...]
    window: Span
    read: int = 0  # events read, moved occurrences included
    first: date | None = None  # the first and last day the file's events start on
    last: date | None = None
    in_window: int = 0  # occurrences in the window, busy or not
    free: int = 0  # of those, marked free (TRANSP:TRANSPARENT)
    cancelled: int = 0  # of those, cancelled
    cut_off: bool = False  # the file stops before END:VCALENDAR

    def __iter__(self) -> Iterator[BusyEvent]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)


@dataclass
class _Block:
    """One VEVENT as written: (line number, name, parameters, value) of each property."""

    line: int
    props: list[tuple[int, str, str, str]]
    unreadable: list[int]  # lines inside it that are not content lines


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """The file's content lines unfolded, each with the number of its first physical line."""
    lines: list[tuple[int, str]] = []
    for number, line in enumerate(_LINE_BREAK.split(text), 1):
        if line[:1] in (" ", "\t") and lines:
            lines[-1] = (lines[-1][0], lines[-1][1] + line[1:])
        else:
            lines.append((number, line))
    return lines


def _split(line: str) -> tuple[str, str, str] | None:
    """A content line as (NAME, ";parameters", value), or None when it is not one."""
    match = _NAME.match(line)
    if match is None:
        return None
    rest = line[match.end() :]
    quoted = False
    for index, char in enumerate(rest):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            params = rest[:index].strip()
            if params and not params.startswith(";"):
                return None
            return match[0].upper(), params, rest[index + 1 :]
    return None


@dataclass
class _Parts:
    """A calendar file taken apart: its events, its time zones, and what was not calendar data."""

    events: list[_Block]
    zones: list[list[str]]
    garbage: list[int]
    unfinished: _Block | None  # an event the file stops in the middle of
    cut_off: bool


def _take_apart(text: str) -> _Parts:
    """Split the file into events and time zones by its BEGIN and END lines, leniently."""
    parts = _Parts([], [], [], None, False)
    stack: list[str] = []
    event: _Block | None = None
    zone: list[str] | None = None
    for number, line in _logical_lines(text):
        if not line.strip():
            continue
        split = _split(line)
        if split is None:
            named = _NAME.match(line)
            if event is not None and len(stack) == 2:
                # Only a line that may be one bearing on busy time costs the event.
                if named is not None and named[0].upper() in _KEPT:
                    event.unreadable.append(number)
            elif stack and zone is None and event is None:
                parts.garbage.append(number)
            continue
        name, params, value = split
        if name in ("BEGIN", "END"):
            kind = value.strip().upper()
            if name == "BEGIN":
                if not stack:
                    if kind == "VCALENDAR":
                        stack.append(kind)
                    continue
                if kind == "VEVENT" and event is not None and stack[-1] == "VEVENT":
                    parts.events.append(event)  # an END:VEVENT missing: the next one begins
                    stack.pop()
                if len(stack) == 1 and kind == "VEVENT":
                    event = _Block(number, [], [])
                elif len(stack) == 1 and kind == "VTIMEZONE":
                    zone = []
                stack.append(kind)
                if zone is not None:
                    zone.append(f"BEGIN:{kind}")
                continue
            if kind not in stack:
                continue
            while stack:
                closed = stack.pop()
                if zone is not None:
                    zone.append(f"END:{closed}")
                if len(stack) == 1 and closed == "VEVENT" and event is not None:
                    parts.events.append(event)
                    event = None
                elif len(stack) == 1 and closed == "VTIMEZONE" and zone is not None:
                    parts.zones.append(zone)
                    zone = None
                if closed == kind:
                    break
            continue
        if zone is not None:
            zone.append(line)
        elif event is not None and len(stack) == 2:
            event.props.append((number, name, params, value))
    if stack:
        parts.cut_off = True
        parts.unfinished = event
    return parts


_ESCAPES = re.compile(r"\\([\\;,nN])")


def _unescaped(value: str) -> str:
    """A TEXT value as people read it: ``\\,`` is a comma, ``\\n`` a new line (shown as a space)."""
    text = _ESCAPES.sub(lambda m: " " if m[1] in "nN" else m[1], value)
    return clean_line(text)


def _readable(name: str, params: str, value: str) -> bool:
    """Whether one date, date-time or period value of a list reads as its parameters say."""
    try:
        if "PERIOD" in params.upper():
            icalendar.vPeriod.from_ical(value)
        else:
            icalendar.vDDDTypes.from_ical(value)
    except (ValueError, TypeError, IndexError):
        return False
    return True


def _clean_lines(block: _Block) -> list[str]:
    """The event's lines that bear on busy time, with the slips producers are known for mended.

    Spaces around values and between list items are dropped, an unreadable date of an RDATE
    or EXDATE list is left out (the rest of the list stays), and DURATION gives way to DTEND.
    """
    lines: list[str] = []
    seen: set[str] = set()
    for _number, name, params, value in block.props:
        if name not in _KEPT:
            continue
        if name in seen and name not in ("RRULE", "RDATE", "EXDATE"):
            continue  # the first of a repeated line counts
        value = value.strip()
        if name == "RRULE":
            value = re.sub(r"\s+", "", value).strip(";")
        elif name in ("RDATE", "EXDATE"):
            items = [item.strip() for item in value.split(",")]
            value = ",".join(item for item in items if item and _readable(name, params, item))
            if not value:
                continue
        elif name == "SEQUENCE" and not value.isdigit():
            continue
        try:
            icalendar.parser.Contentline(f"{name}{params}:{value}").parts()
        except (ValueError, TypeError):
            continue  # parameters that cannot be read: the value is checked below, if needed
        seen.add(name)
        lines.append(f"{name}{params}:{value}")
    if "DTEND" in seen and "DURATION" in seen:
        lines = [line for line in lines if not line.startswith("DURATION")]
    return lines


def _line_of(block: _Block, name: str) -> int:
    return next((number for number, prop, _p, _v in block.props if prop == name), block.line)


def _when(value: object, tz: ZoneInfo) -> str:
    """A start as people write it: ``3 Mar 2024`` or ``3 Mar 2024 10:00`` (in ``tz``)."""
    if isinstance(value, datetime):
        moment = value.astimezone(tz) if value.tzinfo is not None else value
        return f"{moment.day} {moment:%b} {moment.year} {moment:%H:%M}"
    if isinstance(value, date):
        return f"{value.day} {value:%b} {value.year}"
    return ""


# What each unreadable property costs, in plain words; DTEND and DURATION stand in for each other.
_UNREADABLE = {
    "DTSTART": "its start cannot be read as a date or time",
    "DTEND": "its end cannot be read as a date or time",
    "DURATION": "its length cannot be read",
    "RRULE": "its repeat rule cannot be read",
    "RECURRENCE-ID": "the date of the occurrence it changes cannot be read",
}


def _problem(event: icalendar.Component, block: _Block) -> tuple[str, int] | None:
    """Why the parsed ``event`` cannot be read, and the line; None when it can (maybe mended)."""
    broken = {name.upper() for name, _message in getattr(event, "errors", [])}
    for name in ("RDATE", "EXDATE"):
        if name in broken:
            event.pop(name)  # each value was checked; what is left is not worth the event
    if "DTEND" in broken and "DURATION" in event and "DURATION" not in broken:
        event.pop("DTEND")
        broken.discard("DTEND")
    if "DURATION" in broken and "DTEND" in event and "DTEND" not in broken:
        event.pop("DURATION")
        broken.discard("DURATION")
    for name, reason in _UNREADABLE.items():
        if name in broken:
            return reason, _line_of(block, name)
    if "DTSTART" not in event:
        unreadable = [n for n in block.unreadable if n]
        return "it has no start", unreadable[0] if unreadable else block.line
    for number in block.unreadable:
        return "a line of it cannot be read", number
    try:
        start = event.decoded("DTSTART")
        if not isinstance(start, date):
            return _UNREADABLE["DTSTART"], _line_of(block, "DTSTART")
        for name in ("DTEND", "RECURRENCE-ID"):
            if name in event and not isinstance(event.decoded(name), date):
                return _UNREADABLE[name], _line_of(block, name)
        if "DURATION" in event and not isinstance(event.decoded("DURATION"), timedelta):
            return _UNREADABLE["DURATION"], _line_of(block, "DURATION")
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError):
        return _UNREADABLE["DTSTART"], _line_of(block, "DTSTART")
    return None


def _calendar_text(zones: Sequence[Sequence[str]], events: Sequence[Sequence[str]]) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODUCT}"]
    for zone in zones:
        lines.extend(zone)
    for event in events:
        lines.extend(["BEGIN:VEVENT", *event, "END:VEVENT"])
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def _good_zones(zones: list[list[str]]) -> list[list[str]]:
    """The VTIMEZONEs icalendar can read; an event naming another falls back on its TZID."""
    good = []
    for zone in zones:
        try:
            icalendar.Calendar.from_ical(_calendar_text([zone], []))
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError, IndexError):
            continue
        good.append(zone)
    return good


def _parsed(zones: list[list[str]], cleaned: list[list[str]]) -> list[icalendar.Component | None]:
    """Each cleaned event parsed with the time zones; None for one icalendar cannot read."""
    try:
        calendar = icalendar.Calendar.from_ical(_calendar_text(zones, cleaned))
        events = [c for c in calendar.subcomponents if c.name == "VEVENT"]
        if len(events) == len(cleaned):
            return list(events)
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError, IndexError):
        pass
    # One event spoils the whole parse: read them one at a time.
    found: list[icalendar.Component | None] = []
    for lines in cleaned:
        try:
            (event,) = icalendar.Calendar.from_ical(_calendar_text(zones, [lines])).walk("VEVENT")
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError, IndexError):
            event = None
        found.append(event)
    return found


@dataclass
class _Tally:
    """Occurrences in the window that are not busy, counted to say why nothing came in."""

    in_window: int = 0
    free: int = 0
    cancelled: int = 0


def _occurrences(
    calendar: icalendar.Component, window: Span, tz: ZoneInfo, tally: _Tally
) -> Iterator[BusyEvent]:
    """The busy occurrences of ``calendar`` in ``window``; its rules were bounded before."""
    query = recurring_ical_events.of(calendar)
    reach = _reach(window)
    # One query for the whole stretch: after() asks again for every few days, and each time the
    # rules are walked once more from their first day.
    for event in query.between(
        reach.starts_at.astimezone(tz).replace(tzinfo=None),
        reach.ends_at.astimezone(tz).replace(tzinfo=None),
    ):
        start_value = event["DTSTART"].dt
        starts_at = _instant(start_value, tz)
        end = event.get("DTEND")
        ends_at = _instant(end.dt, tz) if end is not None else starts_at
        if starts_at >= window.ends_at or ends_at <= window.starts_at:
            continue
        if ends_at <= starts_at:
            continue  # a moment, not a span: nothing to keep free
        tally.in_window += 1
        if _text(event, "STATUS").upper() == "CANCELLED":
            tally.cancelled += 1
            continue
        transp = _text(event, "TRANSP").upper()
        if transp == "TRANSPARENT":
            tally.free += 1
            continue  # shown as free in the user's own calendar
        yield BusyEvent(
            starts_at=starts_at,
            ends_at=ends_at,
            title=_text(event, "SUMMARY")[:300],
            uid=_text(event, "UID")[:500],
            all_day=not isinstance(start_value, datetime),
            opaque=transp == "OPAQUE",
        )


def too_big(label: str, size: int | None = None) -> str:
    """Why a calendar over ``MAX_BYTES`` is refused (``size`` when known), and what to do."""
    return f"{too_large(label, MAX_BYTES, size)}; export a shorter period or a single calendar."


def listed(skipped: Sequence[Skipped], limit: int = LISTED) -> str:
    """A few of ``skipped`` by name and reason, then "and 4 more"."""
    names = "; ".join(str(item) for item in skipped[:limit])
    more = len(skipped) - limit
    return f"{names}; and {more} more" if more > 0 else names


def _refusal(skipped: Sequence[Skipped], cut_off: bool) -> str:
    """Why nothing at all could be read: the one event's own sentence, or a list."""
    events = [item for item in skipped if item.alone]
    if cut_off:
        return (
            "The calendar is damaged: it stops before its end, as if cut off, and no event "
            "before that could be read. Download or export it again."
        )
    if len(events) == 1 and len(skipped) == 1:
        return events[0].alone
    return (
        f"The calendar is damaged: none of its {counted(len(events), 'event')} could be read. "
        f"{listed(skipped)}. Change or delete those events in your calendar program, then "
        "import again."
    )


def _skip(
    block: _Block, title: str, start: str, reason: str, line: int, alone: str = ""
) -> Skipped:
    named = f"the event “{shorten(title, 60)}”" if title else "an event without a title"
    return Skipped(
        title=shorten(title, 60),
        start=start,
        line=line,
        reason=reason,
        alone=alone
        or f"The calendar is damaged: {named} (line {line}) cannot be read: {reason}. {_RESTART}",
    )


def read_busy(data: bytes, window: Span, tz: ZoneInfo) -> BusyRead:
    """Every busy occurrence in ``window`` from iCalendar ``data``, read event by event.

    An event that cannot be read is left out and listed in ``skipped`` with the reason; the
    file is refused (CalendarUnreadable) only when not one event can be read. Cancelled
    occurrences and events marked free (TRANSP:TRANSPARENT) are counted, not kept. All-day
    events and floating times are placed in ``tz``, the user's zone; whether an all-day event
    is busy is the caller's call (``counts_as_busy``).
    """
    if len(data) > MAX_BYTES:
        raise CalendarUnreadable(too_big("The calendar", len(data)))
    _looks_like_calendar(data)
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    parts = _take_apart(text)
    skipped: list[Skipped] = []
    if parts.garbage:
        first = last = parts.garbage[0]
        runs: list[tuple[int, int]] = []
        for number in parts.garbage[1:]:
            if number > last + 1:
                runs.append((first, last))
                first = number
            last = number
        runs.append((first, last))
        for first, last in runs:
            skipped.append(
                Skipped("", "", first, "not calendar data, left out", last_line=max(first, last))
            )
    blocks = parts.events
    if parts.unfinished is not None:
        block = parts.unfinished
        title = next((_unescaped(v.strip()) for _n, p, _q, v in block.props if p == "SUMMARY"), "")
        skipped.append(
            _skip(block, title, "", "the file stops in the middle of it, as if cut off", block.line)
        )
    cleaned = [_clean_lines(block) for block in blocks]
    zones = _good_zones(parts.zones)
    parsed = _parsed(zones, cleaned) if cleaned else []
    good: list[icalendar.Component] = []
    for block, event in zip(blocks, parsed, strict=True):
        title = next((_unescaped(v.strip()) for _n, p, _q, v in block.props if p == "SUMMARY"), "")
        if event is None:
            skipped.append(_skip(block, title, "", "it cannot be read", block.line))
            continue
        problem = _problem(event, block)
        start = ""
        try:
            start = _when(event.decoded("DTSTART"), tz) if "DTSTART" in event else ""
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError):
            start = ""
        if problem is not None:
            skipped.append(_skip(block, title, start, *problem))
            continue
        good.append(event)
    # A moved occurrence whose series is not in the file stands on its own (khal writes one
    # with the RDATE periods of a series moved "this and future").
    series = {_text(event, "UID") for event in good if "RECURRENCE-ID" not in event}
    for event in good:
        if "RECURRENCE-ID" in event and _text(event, "UID") not in series:
            event.pop("RECURRENCE-ID")
    costly = _bound_repeats(good, _reach(window), tz)
    if costly:
        left_out = {_text(good[index], "UID") for index in costly}
        for index, sentence in costly.items():
            event = good[index]
            why = sentence.split(". ")[0]
            name = _named(event)
            reason = why[len(name) :].strip() if why.lower().startswith(name.lower()) else why
            block_line = 0
            skipped.append(
                Skipped(
                    title=shorten(_text(event, "SUMMARY"), 60),
                    start=_when(event.decoded("DTSTART"), tz),
                    line=block_line or _uid_line(blocks, _text(event, "UID")),
                    reason=reason.removeprefix("The calendar is damaged: ").rstrip("."),
                    alone=sentence,
                )
            )
        good = [event for event in good if _text(event, "UID") not in left_out]
    if not good and (skipped or parts.cut_off):
        raise CalendarUnreadable(_refusal(skipped, parts.cut_off and not blocks))
    tally = _Tally()
    found = _expand(good, window, tz, tally, skipped, blocks)
    starts = []
    for event in good:
        try:
            starts.append(_instant(event.decoded("DTSTART"), tz).astimezone(tz).date())
        except (ValueError, TypeError, OverflowError):
            continue
    return BusyRead(
        events=tuple(sorted(found, key=lambda event: (event.starts_at, event.ends_at))),
        skipped=tuple(skipped),
        window=window,
        read=len(good),
        first=min(starts, default=None),
        last=max(starts, default=None),
        in_window=tally.in_window,
        free=tally.free,
        cancelled=tally.cancelled,
        cut_off=parts.cut_off,
    )


def _uid_line(blocks: Sequence[_Block], uid: str) -> int:
    for block in blocks:
        if any(name == "UID" and value.strip() == uid for _n, name, _p, value in block.props):
            return block.line
    return 0


def _expand(
    good: list[icalendar.Component],
    window: Span,
    tz: ZoneInfo,
    tally: _Tally,
    skipped: list[Skipped],
    blocks: Sequence[_Block],
) -> list[BusyEvent]:
    """Every busy occurrence of ``good``; a series the expansion fails on is skipped alone."""
    try:
        return _expanded(good, window, tz, tally)
    except CalendarUnreadable:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError, IndexError):
        pass
    # Read each series (an event with its moved occurrences) on its own.
    found: list[BusyEvent] = []
    series: dict[str, list[icalendar.Component]] = {}
    for event in good:
        series.setdefault(_text(event, "UID") or str(id(event)), []).append(event)
    for uid, events in series.items():
        own = _Tally()
        try:
            found.extend(_expanded(events, window, tz, own))
        except CalendarUnreadable:
            raise
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError, IndexError):
            master = events[0]
            skipped.append(
                Skipped(
                    title=shorten(_text(master, "SUMMARY"), 60),
                    start=_when(master.decoded("DTSTART"), tz),
                    line=_uid_line(blocks, uid),
                    reason="its repeats cannot be worked out from its rule",
                )
            )
            continue
        tally.in_window += own.in_window
        tally.free += own.free
        tally.cancelled += own.cancelled
    return found


def _expanded(
    events: list[icalendar.Component], window: Span, tz: ZoneInfo, tally: _Tally
) -> list[BusyEvent]:
    calendar = icalendar.Calendar()
    for event in events:
        calendar.add_component(event)
    found: list[BusyEvent] = []
    for occurrence in _occurrences(calendar, window, tz, tally):
        found.append(occurrence)
        if len(found) > MAX_EVENTS:
            raise CalendarUnreadable(
                f"The calendar has more than {MAX_EVENTS} events in the months around "
                "today; import a calendar with fewer events."
            )
    return found


def counts_as_busy(event: BusyEvent, all_day_busy: bool) -> bool:
    """Whether ``event`` takes the user's time: all-day ones only when said so.

    Calendar apps show an all-day event (a holiday, a birthday) as free unless it is marked
    busy (TRANSP:OPAQUE); ``all_day_busy`` is the user's choice for the whole calendar.
    """
    return not event.all_day or event.opaque or all_day_busy


def _day(value: date) -> str:
    return f"{value.day} {value:%b} {value.year}"


def import_summary(result: BusyRead, all_day_busy: bool, source: str = "") -> str:
    """What an import brought, and why nothing did.

    "Imported 3 busy blocks from work.ics; skipped 2 events: …", or "Imported 0 busy blocks
    from work.ics: all its events fall outside the dates kept, …".
    """
    busy = sum(counts_as_busy(event, all_day_busy) for event in result.events)
    all_day = len(result.events) - busy
    text = f"Imported {counted(busy, 'busy block')}" + (f" from {source}" if source else "")
    why: list[str] = []
    if busy == 0:
        window = f"{_day(result.window.starts_at.date())} to {_day(result.window.ends_at.date())}"
        if result.read == 0:
            why.append("the calendar holds no events")
        elif result.in_window == 0:
            span = ""
            if result.first is not None and result.last is not None:
                they = "it starts" if result.read == 1 else "they start"
                span = (
                    f" ({they} on {_day(result.first)})"
                    if result.first == result.last
                    else f" (they start between {_day(result.first)} and {_day(result.last)})"
                )
            why.append(
                f"{'its one event falls' if result.read == 1 else 'all its events fall'} "
                f"outside the dates kept, {window}{span}"
            )
        else:
            if result.free:
                why.append(f"{counted(result.free, 'event')} marked free")
            if result.cancelled:
                why.append(f"{counted(result.cancelled, 'event')} cancelled")
    if all_day:
        why.append(
            f"{counted(all_day, 'all-day event')} not counted as busy (tick “All-day events "
            "are busy” to count them)"
        )
    if why:
        text += ": " + ", ".join(why) if busy == 0 else "; " + ", ".join(why)
    if result.skipped:
        events = [item for item in result.skipped if not item.last_line]
        what = counted(len(events), "event") if events else "some lines"
        text += f"; skipped {what}: {listed(result.skipped)}"
    if result.cut_off:
        text += "; the file stops before its end, as if cut off"
    return text + "."


@dataclass(frozen=True)
class ChatEntry:
    """What a calendar needs to know about one chat."""

    code: str
    contact_name: str
    starts_at: datetime
    ends_at: datetime  # the agreed end
    free_at: datetime  # the end of the buffer
    status: str  # planned, live, held, cancelled, no_show
    medium: str  # as the user reads it: "Video call"
    thank_you_due: datetime
    wrapup_minutes: int
    venue: str = ""
    link: str = ""
    organisation: str = ""
    updated_at: datetime | None = None


def writable(entry: ChatEntry) -> bool:
    """Whether the chat lies on days coffeechat keeps (core.fields), so writing it cannot fail.

    An older database may hold a chat in year 9999: its thank-you a day later does not exist.
    """
    return moment_in_range(entry.starts_at) and moment_in_range(entry.thank_you_due)


def _uid(entry: ChatEntry, part: str = "") -> str:
    return f"{entry.code}{'-' + part if part else ''}@coffeechat"


def _alarm(
    uid: str, description: str, trigger: timedelta | datetime, **params: str
) -> icalendar.Alarm:
    alarm = icalendar.Alarm()
    alarm.add("uid", uid)
    alarm.add("action", "DISPLAY")
    alarm.add("description", description)
    if isinstance(trigger, datetime):
        # An absolute trigger must be in UTC and say that it is a date-time (RFC 5545 3.8.6.3).
        alarm.add("trigger", trigger.astimezone(UTC), parameters={"VALUE": "DATE-TIME"})
    else:
        alarm.add("trigger", trigger, parameters=params)
    return alarm


def _event(
    entry: ChatEntry,
    uid: str,
    summary: str,
    start: datetime,
    end: datetime,
    *,
    now: datetime,
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", now.astimezone(UTC))
    if entry.updated_at is not None:
        event.add("last-modified", entry.updated_at.astimezone(UTC))
    event.add("summary", summary)
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", end.astimezone(UTC))
    event.add("status", "CANCELLED" if entry.status == "cancelled" else "CONFIRMED")
    return event


def _chat_events(
    entry: ChatEntry, *, now: datetime, with_thanks: bool = True
) -> list[icalendar.Event]:
    name = entry.contact_name
    cancelled = entry.status == "cancelled"
    chat = _event(
        entry,
        _uid(entry),
        f"Coffee chat with {name}",
        entry.starts_at,
        entry.ends_at,
        now=now,
    )
    chat.add("transp", "OPAQUE")
    where = entry.venue or entry.link
    if where:
        chat.add("location", where)
    url = linkable(entry.link)
    if url:
        # Calendar apps open the URL as a link: only http(s), whatever an older row holds.
        chat.add("url", url)
    minutes = round((entry.ends_at - entry.starts_at).total_seconds() / 60)
    lines = [f"{entry.medium}, {counted(minutes, 'minute')} agreed."]
    if entry.organisation:
        lines.insert(0, f"With {name} ({entry.organisation}).")
    if entry.free_at > entry.ends_at:
        lines.append("A buffer follows, so a good conversation can run on.")
    chat.add("description", "\n".join(lines))
    events = [chat]
    if not cancelled:
        chat.add_component(
            _alarm(
                _uid(entry, "prep"),
                f"Chat with {name} tomorrow: reread your notes, pick your stories, set your Ask.",
                timedelta(days=-1),
            )
        )
        wrapup = timedelta(minutes=entry.wrapup_minutes)
        left = counted(entry.wrapup_minutes, "minute")
        cue = f"{left} left with {name}: make your Ask, ask for a name."
        # Relative to the agreed end, so it follows the event if the user moves it...
        chat.add_component(_alarm(_uid(entry, "wrapup"), cue, -wrapup, RELATED="END"))
        # ...and at the same moment as a plain time, for calendars that ignore RELATED=END.
        chat.add_component(_alarm(_uid(entry, "wrapup-at"), cue, entry.ends_at - wrapup))
    if entry.free_at > entry.ends_at:
        buffer = _event(
            entry,
            _uid(entry, "buffer"),
            f"Buffer after chat with {name}",
            entry.ends_at,
            entry.free_at,
            now=now,
        )
        buffer.add("transp", "OPAQUE")  # busy: nothing else should be booked here
        events.append(buffer)
    if with_thanks and entry.status != "no_show":
        # A short event ending at the deadline, not a VTODO: many calendar apps (Google's,
        # Outlook's) drop tasks from a subscribed feed, but every one shows an event.
        due = entry.thank_you_due
        thanks = _event(
            entry,
            _uid(entry, "thanks"),
            f"Thank-you to {name} due",
            due - THANK_YOU_SLOT,
            due,
            now=now,
        )
        thanks.add("transp", "TRANSPARENT")  # a deadline, not time taken
        thanks.add("description", THANK_YOU_ADVICE)
        if not cancelled:
            thanks.add_component(
                _alarm(
                    _uid(entry, "thanks-alarm"),
                    _thank_you_warning(name),
                    -THANK_YOU_WARNING,
                    RELATED="END",
                )
            )
        events.append(thanks)
    return events


THANK_YOU_ADVICE = (
    "Send a short thank-you within 24 hours of the chat: something specific they said "
    "and the next steps you agreed."
)


def _thank_you_warning(name: str) -> str:
    return f"Thank-you to {name} is due in {counted(THANK_YOU_WARNING.seconds // 3600, 'hour')}."


@dataclass(frozen=True)
class DueEntry:
    """One deadline of what is owed: a short event ending at ``due_at``, with an alarm.

    ``key`` names the item for good (``<chat code>-thanks``, ``step-<code>``), so a calendar
    app updates the event on refresh instead of adding it again. The alarm rings ``warning``
    before the deadline (at the deadline itself by default) and says ``alarm``, else the summary.
    """

    key: str
    summary: str
    due_at: datetime
    description: str = ""
    url: str = ""
    warning: timedelta = timedelta(0)
    alarm: str = ""


def thank_you_deadline(chat_code: str, name: str, due_at: datetime, url: str = "") -> DueEntry:
    """A thank-you owed for a chat, as the same event (and UID) the chat's own download has."""
    return DueEntry(
        key=f"{chat_code}-thanks",
        summary=f"Thank-you to {name} due",
        due_at=due_at,
        description=THANK_YOU_ADVICE,
        url=url,
        warning=THANK_YOU_WARNING,
        alarm=_thank_you_warning(name),
    )


def _due_event(entry: DueEntry, *, now: datetime) -> icalendar.Event:
    # A short event ending at the deadline, not a VTODO: many calendar apps (Google's, Outlook's)
    # drop tasks from a subscribed feed, but every one shows an event.
    event = icalendar.Event()
    event.add("uid", f"{entry.key}@coffeechat")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("summary", entry.summary)
    event.add("dtstart", (entry.due_at - THANK_YOU_SLOT).astimezone(UTC))
    event.add("dtend", entry.due_at.astimezone(UTC))
    event.add("status", "CONFIRMED")
    event.add("transp", "TRANSPARENT")  # a deadline, not time taken
    if entry.description:
        event.add("description", entry.description)
    url = linkable(entry.url)
    if url:
        event.add("url", url)
    event.add_component(
        _alarm(
            f"{entry.key}-alarm@coffeechat",
            entry.alarm or entry.summary,
            -entry.warning,
            RELATED="END",
        )
    )
    return event


def _due_writable(entry: DueEntry) -> bool:
    return moment_in_range(entry.due_at) and moment_in_range(entry.due_at - THANK_YOU_SLOT)


def write_calendar(
    entries: Iterable[ChatEntry],
    *,
    now: datetime,
    name: str = "",
    due: Iterable[DueEntry] | None = None,
) -> bytes:
    """The chats as one iCalendar document, every time in UTC; an entry not writable is left out.

    With ``due`` (what is owed, soonest first), those deadlines are written instead of each
    chat's own thank-you event, at most ``MAX_DUE_EVENTS`` of them.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
        # Subscribed calendars check back for changes about every hour.
        calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
    for entry in entries:
        if not writable(entry):
            continue  # one odd row must not cost the user the whole calendar
        for event in _chat_events(entry, now=now, with_thanks=due is None):
            calendar.add_component(event)
    kept = (deadline for deadline in due or () if _due_writable(deadline))
    for deadline in itertools.islice(kept, MAX_DUE_EVENTS):
        calendar.add_component(_due_event(deadline, now=now))
    data: bytes = calendar.to_ical()
    return data


def spans_of(events: Sequence[BusyEvent]) -> list[Span]:
    """The busy occurrences as plain spans."""
    return [event.span for event in events]
