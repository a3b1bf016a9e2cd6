"""iCalendar in and out: busy time read from someone's calendar, chats written for theirs.

Reading expands recurring events (RRULE, RDATE, EXDATE, moved or cancelled occurrences named by
RECURRENCE-ID) with recurring-ical-events, a well-kept library, rather than by hand. Writing uses
icalendar; the tests read what we write back with vobject, an independent parser.

We write every time in UTC. Each calendar app shows it in its own zone, and UTC leaves nothing to
misread: the VTIMEZONE that icalendar generates lists past changes as RDATEs, and vobject (through
dateutil) reads that as winter time all year, an hour off for summer chats. Other readers might
stumble the same way; a UTC instant is read alike everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from coffeechat.core.calendar import Span

MAX_BYTES = 5 * 1024 * 1024
# More busy blocks than this in the import window means a runaway rule or the wrong calendar.
MAX_EVENTS = 5000
PRODUCT = "-//coffeechat//coffeechat//EN"
# How long the thank-you event lasts; it ends at the deadline itself.
THANK_YOU_SLOT = timedelta(minutes=15)
# The thank-you reminder rings this long before the deadline, leaving time to write.
THANK_YOU_WARNING = timedelta(hours=3)


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


def _occurrences(calendar: icalendar.Component, window: Span, tz: ZoneInfo) -> Iterator[BusyEvent]:
    query = recurring_ical_events.of(calendar)
    # after() yields in order of start, so the loop can stop at the window's end and never
    # expands a rule further than needed.
    for event in query.after(window.starts_at.astimezone(tz).replace(tzinfo=None)):
        start_value = event["DTSTART"].dt
        starts_at = _instant(start_value, tz)
        if starts_at >= window.ends_at:
            return
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


def read_busy(data: bytes, window: Span, tz: ZoneInfo) -> list[BusyEvent]:
    """Every busy occurrence in ``window`` from iCalendar ``data``; refuses what it cannot read.

    Cancelled occurrences and events marked free (TRANSP:TRANSPARENT) are left out. All-day
    events and floating times are placed in ``tz``, the user's zone.
    """
    if len(data) > MAX_BYTES:
        raise CalendarUnreadable(
            f"The calendar is larger than {MAX_BYTES // (1024 * 1024)} MB; export a shorter "
            "period or a single calendar."
        )
    _looks_like_calendar(data)
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
        if not any(calendar.name == "VCALENDAR" for calendar in calendars):
            raise CalendarUnreadable(
                "The calendar is damaged: it holds no complete calendar. Export it again."
            )
        found: list[BusyEvent] = []
        for calendar in calendars:
            if calendar.name != "VCALENDAR":
                continue
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


def _chat_events(entry: ChatEntry, *, now: datetime) -> list[icalendar.Event]:
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
    if entry.link:
        chat.add("url", entry.link)
    minutes = round((entry.ends_at - entry.starts_at).total_seconds() / 60)
    lines = [f"{entry.medium}, {minutes} minutes agreed."]
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
        cue = f"{entry.wrapup_minutes} minutes left with {name}: make your Ask, ask for a name."
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
    if entry.status != "no_show":
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
        thanks.add(
            "description",
            "Send a short thank-you within 24 hours of the chat: something specific they said "
            "and the next steps you agreed.",
        )
        if not cancelled:
            thanks.add_component(
                _alarm(
                    _uid(entry, "thanks-alarm"),
                    f"Thank-you to {name} is due in 3 hours.",
                    -THANK_YOU_WARNING,
                    RELATED="END",
                )
            )
        events.append(thanks)
    return events


def write_calendar(entries: Iterable[ChatEntry], *, now: datetime, name: str = "") -> bytes:
    """The chats as one iCalendar document, every time in UTC."""
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
        for event in _chat_events(entry, now=now):
            calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def spans_of(events: Sequence[BusyEvent]) -> list[Span]:
    """The busy occurrences as plain spans."""
    return [event.span for event in events]
