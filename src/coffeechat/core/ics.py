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
from coffeechat.core.text import clean_line, counted

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

    @property
    def span(self) -> Span:
        """The occurrence as a plain span."""
        return Span(self.starts_at, self.ends_at, self.title)


def _looks_like_calendar(data: bytes) -> None:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").upper()
    if not head:
        raise CalendarUnreadable("The file is empty; export your calendar as .ics and try again.")
    if head.startswith(b"BEGIN:VCALENDAR"):
        if not data.rstrip().upper().endswith(b"END:VCALENDAR"):
            raise CalendarUnreadable(
                "The calendar is damaged: it stops before its end, as if cut off. "
                "Export or download it again."
            )
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


def _bound_repeats(calendars: Sequence[icalendar.Component], reach: Span, tz: ZoneInfo) -> None:
    """Refuse repeating events that cost too much to expand over ``reach``.

    The cost counts every step a rule takes, landing or not, from the event's first day: an
    event repeating every second, or every day since the year 1000, is refused by its name
    before any of it is expanded. A rule that can never land (30 February) is dropped: it adds
    no occurrence, and dateutil would walk it until the year 9999.
    """
    repeating = [
        event
        for calendar in calendars
        for event in calendar.walk("VEVENT")
        if "DTSTART" in event and (_rules(event) or "RDATE" in event)
    ]
    walks = [_walk(event, reach, tz) for event in repeating]
    if sum(w.steps for w in walks) > MAX_STEPS or sum(w.inside for w in walks) > MAX_EXPANDED:
        worst = max(walks, key=lambda w: max(w.steps / MAX_STEPS, w.inside / MAX_EXPANDED))
        if worst.steps > MAX_STEPS or worst.inside > MAX_EXPANDED:
            raise CalendarUnreadable(
                f"{_capital(worst.name)} {worst.why} ({worst.how}). Change or delete it in your "
                "calendar program, then import again."
            )
        raise CalendarUnreadable(
            "The calendar's repeating events are too many to read together. Import a calendar "
            "with fewer of them, such as one calendar instead of several."
        )
    for event in repeating:
        rules = _rules(event)
        kept = [rule for rule in rules if not _never_lands(rule)]
        if len(kept) < len(rules):
            event.pop("RRULE")
            for rule in kept:
                event.add("RRULE", rule)


def _occurrences(calendar: icalendar.Component, window: Span, tz: ZoneInfo) -> Iterator[BusyEvent]:
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
        if starts_at >= window.ends_at:
            continue
        if _text(event, "STATUS").upper() == "CANCELLED":
            continue
        if _text(event, "TRANSP").upper() == "TRANSPARENT":
            continue  # shown as free in the user's own calendar
        end = event.get("DTEND")
        ends_at = _instant(end.dt, tz) if end is not None else starts_at
        if ends_at <= starts_at or ends_at <= window.starts_at:
            continue  # a moment, not a span: nothing to keep free
        yield BusyEvent(
            starts_at=starts_at,
            ends_at=ends_at,
            title=_text(event, "SUMMARY")[:300],
            uid=_text(event, "UID")[:500],
            all_day=not isinstance(start_value, datetime),
        )


def too_big(label: str, size: int | None = None) -> str:
    """Why a calendar over ``MAX_BYTES`` is refused (``size`` when known), and what to do."""
    return f"{too_large(label, MAX_BYTES, size)}; export a shorter period or a single calendar."


def read_busy(data: bytes, window: Span, tz: ZoneInfo) -> list[BusyEvent]:
    """Every busy occurrence in ``window`` from iCalendar ``data``; refuses what it cannot read.

    Cancelled occurrences and events marked free (TRANSP:TRANSPARENT) are left out. All-day
    events and floating times are placed in ``tz``, the user's zone.
    """
    if len(data) > MAX_BYTES:
        raise CalendarUnreadable(too_big("The calendar", len(data)))
    _looks_like_calendar(data)
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
        if not any(calendar.name == "VCALENDAR" for calendar in calendars):
            raise CalendarUnreadable(
                "The calendar is damaged: it holds no complete calendar. Export it again."
            )
        calendars = [calendar for calendar in calendars if calendar.name == "VCALENDAR"]
        _bound_repeats(calendars, _reach(window), tz)
        found: list[BusyEvent] = []
        for calendar in calendars:
            for event in _occurrences(calendar, window, tz):
                found.append(event)
                if len(found) > MAX_EVENTS:
                    raise CalendarUnreadable(
                        f"The calendar has more than {MAX_EVENTS} events in the months around "
                        "today; import a calendar with fewer events."
                    )
    except CalendarUnreadable:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as error:
        # icalendar and the expansion raise these on broken lines, dates and rules.
        detail = str(error).splitlines()[0][:160] if str(error) else type(error).__name__
        raise CalendarUnreadable(
            f"The calendar is damaged and was not imported ({detail}). Export it again from "
            "your calendar program."
        ) from error
    return sorted(found, key=lambda event: (event.starts_at, event.ends_at))


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
