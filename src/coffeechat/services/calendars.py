"""Calendars: busy time imported from files and feeds, free slots, and chats as iCalendar.

Busy blocks come from an uploaded .ics file or a feed address fetched when the user asks. Each
import replaces the blocks of its source in one transaction, so a refused or failed import leaves
the previous blocks as they were. The other way round, the user's chats go out as a download per
chat, a private subscription feed (a secret token in its address) and ``coffeechat export ics``.
"""

from __future__ import annotations

import functools
import http.client
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import PurePath
from typing import TYPE_CHECKING, TextIO

from django.db import transaction
from django.utils import timezone

from coffeechat.core.calendar import Span, free_slots, overlapping, working_hours
from coffeechat.core.clock import ChatSpan, zone
from coffeechat.core.fields import DAY_RANGE, FieldError, feed_address, moment_in_range
from coffeechat.core.ics import (
    MAX_BYTES,
    CalendarUnreadable,
    ChatEntry,
    DueEntry,
    counts_as_busy,
    import_summary,
    read_busy,
    thank_you_deadline,
    too_big,
    write_calendar,
)
from coffeechat.core.sizes import too_large
from coffeechat.core.text import clean_line, shorten
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.errors import InvalidInput, NotFound
from coffeechat.services.outbound import (
    Deadline,
    PinnedHTTPConnection,
    PinnedHTTPSConnection,
    all_public,
    on_a_shared_server,
    resolve,
    seconds,
)
from coffeechat.store.models import BusyBlock, CalendarSource, Chat, FollowUp, Preferences
from coffeechat.store.owners import Owner

if TYPE_CHECKING:
    from coffeechat.services.owed import Item, Owed

# Busy blocks are kept for this stretch around the day of the import.
WINDOW_BEFORE = timedelta(days=30)
WINDOW_AFTER = timedelta(days=180)
FETCH_TIMEOUT = 10.0  # seconds a whole fetch may take: connecting, the answer, the calendar
_SCHEMES = {"http", "https"}
THANK_YOU_AFTER = timedelta(hours=24)
# A draft can be long; the event describes what it is about, and its page holds the rest.
DESCRIPTION_LIMIT = 300


def import_window(now: datetime) -> Span:
    """The stretch of time an import keeps busy blocks for: a month back, six months ahead."""
    return Span(now - WINDOW_BEFORE, now + WINDOW_AFTER)


def _replace_blocks(
    owner: Owner, source: CalendarSource, data: bytes, now: datetime, label: str
) -> int:
    """Read ``data`` and swap the source's blocks for what it holds; nothing changes on error.

    Blocks of all-day events are stored whatever the source's "all-day events are busy" says
    (``all_day`` set, unless the file marks the event busy with TRANSP:OPAQUE): the choice is
    applied where busy time is read (``busy_blocks``), so changing it needs no new import.
    ``source.report`` says what came in and what was skipped; a feed keeps that note beside it.
    """
    preferences = ensure_preferences(owner)
    try:
        result = read_busy(data, import_window(now), zone(preferences.time_zone))
    except CalendarUnreadable as error:
        raise InvalidInput(str(error), field="file") from None
    busy = sum(counts_as_busy(event, source.all_day_busy) for event in result.events)
    with transaction.atomic():
        source.blocks.all().delete()
        BusyBlock.objects.bulk_create(
            BusyBlock(
                owner=owner,
                calendar=source,
                title=event.title,
                starts_at=event.starts_at,
                ends_at=event.ends_at,
                # An all-day event the file marks busy is busy like any timed one.
                all_day=event.all_day and not event.opaque,
                source=label[:500],
                uid=event.uid,
            )
            for event in result.events
        )
        source.report = import_summary(result, source.all_day_busy, source.name)
        worth_noting = result.skipped or result.cut_off or busy == 0
        source.synced_at = now
        source.last_error = (
            f"Last fetch: {source.report}"
            if source.kind == CalendarSource.Kind.FEED and worth_noting
            else ""
        )
        source.save(update_fields=["synced_at", "last_error", "updated_at"])
    return busy


def _file_name(name: str) -> str:
    # Browsers send a bare name, but some send a path; keep the last part only.
    base = PurePath(name.replace("\\", "/")).name
    return clean_line(base)[:200] or "calendar.ics"


@transaction.atomic
def import_file(
    owner: Owner,
    name: str,
    data: bytes,
    *,
    now: datetime | None = None,
    all_day_busy: bool | None = None,
) -> CalendarSource:
    """Import busy blocks from an uploaded .ics file; importing the same file name replaces it.

    ``all_day_busy``, when given, sets whether the file's all-day events count as busy.
    """
    now = now or timezone.now()
    name = _file_name(name)
    if len(data) > MAX_BYTES:
        raise InvalidInput(too_big(name, len(data)), field="file")
    sources = CalendarSource.objects.for_owner(owner).filter(kind=CalendarSource.Kind.FILE)
    source = sources.filter(name=name).first()
    if source is None:
        source = CalendarSource.objects.create(
            owner=owner, name=name, kind=CalendarSource.Kind.FILE
        )
    if all_day_busy is not None and source.all_day_busy != all_day_busy:
        source.all_day_busy = all_day_busy
        source.save(update_fields=["all_day_busy", "updated_at"])
    try:
        _replace_blocks(owner, source, data, now, name)
    except InvalidInput as error:
        # Raised inside this transaction, so a source created for the file goes too.
        raise InvalidInput(f"{name}: {error.message}", field="file") from None
    return source


def _normal_url(url: str) -> str:
    try:
        return feed_address(url)
    except FieldError as error:
        raise InvalidInput(str(error), field="url") from None


def _not_public(host: str) -> InvalidInput:
    return InvalidInput(
        f"{host} is not a public address; give the calendar's public iCal address.", field="url"
    )


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http and https addresses; _PinnedHandler checks where they lead."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        parts = urllib.parse.urlsplit(newurl)
        if parts.scheme.lower() not in _SCHEMES or not parts.hostname:
            fp.close()  # urllib closes the redirect's response only when it follows it
            raise InvalidInput("The calendar address redirects somewhere that is not a web page.")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _PinnedHandler:
    """Opens each http and https connection to the addresses checked for that very request.

    urllib calls ``do_open`` for the first request and again for every redirect it follows, so
    each hop's host is looked up once, checked (on a shared server every address must be
    public), and connected to at the checked address: a name that answers a public address and
    then 127.0.0.1 reaches nothing inside, on the first hop or any later one.
    """

    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def do_open(self, http_class, req, **kwargs):
        https = issubclass(http_class, http.client.HTTPSConnection)
        parts = urllib.parse.urlsplit(req.full_url)
        host = (parts.hostname or "").replace("%25", "%")  # an IPv6 zone, as a URL writes it
        try:
            port = parts.port or (443 if https else 80)
        except ValueError:
            raise InvalidInput(
                f"The calendar address names {host} with a port that does not exist; check the "
                "address.",
                field="url",
            ) from None
        try:
            addresses = resolve(host, port)
        except OSError as error:
            raise urllib.error.URLError(error) from None  # reported as "Could not reach"
        if on_a_shared_server() and not all_public(addresses):
            raise _not_public(host)
        pinned = PinnedHTTPSConnection if https else PinnedHTTPConnection
        opened = functools.partial(pinned, addresses=addresses, deadline=self.deadline)
        return super().do_open(opened, req, **kwargs)  # type: ignore[misc]  # urllib handler


class _PinnedHTTPHandler(_PinnedHandler, urllib.request.HTTPHandler):
    pass


class _PinnedHTTPSHandler(_PinnedHandler, urllib.request.HTTPSHandler):
    pass


def download(
    url: str,
    *,
    timeout: float = FETCH_TIMEOUT,
    limit: int = MAX_BYTES,
    clock: Callable[[], float] = time.monotonic,
) -> bytes:
    """Fetch a calendar feed; refuse (InvalidInput) when it is unreachable, slow or too big.

    ``timeout`` bounds the whole fetch, from connecting to the last byte, as read on ``clock``.
    """
    url = _normal_url(url)
    host = urllib.parse.urlsplit(url).hostname or ""
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": "coffeechat (calendar import)",
            "Accept": "text/calendar, text/plain;q=0.5, */*;q=0.1",
        },
    )
    deadline = Deadline(timeout, clock)
    opener = urllib.request.build_opener(
        # No proxy from the environment: the address checked must be the one connected to.
        urllib.request.ProxyHandler({}),
        _CheckedRedirects,
        _PinnedHTTPHandler(deadline),
        _PinnedHTTPSHandler(deadline),
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            chunks: list[bytes] = []
            size = 0
            while chunk := response.read(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise InvalidInput(
                        f"{too_large(f'The calendar at {host}', limit)}.", field="url"
                    )
                chunks.append(chunk)
    except urllib.error.HTTPError as error:
        error.close()  # it holds the answer's connection open
        raise InvalidInput(
            f"{host} answered {error.code} {error.reason}: check the address, or copy a fresh "
            "secret address from your calendar program.",
            field="url",
        ) from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            raise InvalidInput(_too_slow(host, timeout, deadline), field="url") from None
        # "Connection refused" reads better than "[Errno 111] Connection refused".
        why = reason.strerror if isinstance(reason, OSError) and reason.strerror else reason
        raise InvalidInput(
            f"Could not reach {host} ({why}); check the address and your connection.",
            field="url",
        ) from None
    except TimeoutError:
        raise InvalidInput(_too_slow(host, timeout, deadline), field="url") from None
    except (http.client.HTTPException, OSError) as error:
        raise InvalidInput(
            f"Could not read the calendar from {host} ({error}); try again later.", field="url"
        ) from None
    return b"".join(chunks)


def _too_slow(host: str, timeout: float, deadline: Deadline) -> str:
    if deadline.heard:
        return (
            f"{host} sent the calendar too slowly: stopped after {seconds(timeout)}. "
            "Try again later."
        )
    return f"{host} did not answer within {seconds(timeout)}; try again later."


def _feed_name(url: str, name: str) -> str:
    return clean_line(name)[:200] or (urllib.parse.urlsplit(url).hostname or url)[:200]


@transaction.atomic
def add_feed(
    owner: Owner, url: str, name: str = "", *, all_day_busy: bool = False
) -> CalendarSource:
    """Remember a calendar feed address (the same address twice is one source)."""
    url = _normal_url(url)
    sources = CalendarSource.objects.for_owner(owner).filter(kind=CalendarSource.Kind.FEED)
    source = sources.filter(url=url).first()
    if source is None:
        source = CalendarSource.objects.create(
            owner=owner,
            kind=CalendarSource.Kind.FEED,
            url=url,
            name=_feed_name(url, name),
            all_day_busy=all_day_busy,
        )
    else:
        if name.strip():
            source.name = _feed_name(url, name)
        source.all_day_busy = all_day_busy
        source.save(update_fields=["name", "all_day_busy", "updated_at"])
    return source


def fetch_feed(
    owner: Owner,
    source: CalendarSource,
    *,
    timeout: float = FETCH_TIMEOUT,
    now: datetime | None = None,
) -> int:
    """Fetch a feed now and replace its busy blocks; on failure keep them and note the error."""
    if source.owner_id != owner.pk:
        raise NotFound("That calendar is not yours.")
    if source.kind != CalendarSource.Kind.FEED:
        raise InvalidInput("Only a feed can be fetched; upload the file again instead.")
    now = now or timezone.now()
    try:
        # The download happens outside any transaction: a slow server holds no lock.
        data = download(source.url, timeout=timeout)
        return _replace_blocks(owner, source, data, now, source.url)
    except InvalidInput as error:
        failed = f"Last try failed: {error.message}"
        CalendarSource.objects.filter(pk=source.pk).update(
            last_error=failed, updated_at=timezone.now()
        )
        source.last_error = failed
        raise InvalidInput(error.message, field="url") from None


@transaction.atomic
def delete_source(owner: Owner, source: CalendarSource) -> None:
    """Forget an imported calendar and every busy block it brought."""
    if source.owner_id != owner.pk:
        raise NotFound("That calendar is not yours.")
    source.delete()


@transaction.atomic
def set_all_day_busy(owner: Owner, source: CalendarSource, busy: bool) -> CalendarSource:
    """Count the source's all-day events as busy, or not; its stored blocks follow at once."""
    if source.owner_id != owner.pk:
        raise NotFound("That calendar is not yours.")
    source.all_day_busy = busy
    source.save(update_fields=["all_day_busy", "updated_at"])
    return source


def busy_blocks(owner: Owner):
    """The owner's blocks that take their time: all-day ones only where their calendar says so.

    Calendar apps show an all-day event (a holiday, a birthday) as free unless it is marked
    busy; a block of one is kept as ``all_day`` and counts when its calendar's "all-day events
    are busy" is ticked.
    """
    return BusyBlock.objects.for_owner(owner).exclude(all_day=True, calendar__all_day_busy=False)


def busy_collisions(owner: Owner, starts_at: datetime, free_at: datetime) -> list[BusyBlock]:
    """The owner's busy blocks that overlap the span from ``starts_at`` to ``free_at``."""
    blocks = busy_blocks(owner).filter(starts_at__lt=free_at, ends_at__gt=starts_at)
    return list(blocks.order_by("starts_at", "pk")[:5])


@dataclass(frozen=True)
class FreeDay:
    """The free slots of one day and what fills the rest of it."""

    day: date
    hours: Span
    needed_minutes: int
    chat_minutes: int
    buffer_minutes: int
    slots: list[Span]
    taken: list[Span]  # busy blocks and chats with their buffers, in order


def free_day(
    owner: Owner,
    day: date,
    *,
    now: datetime | None = None,
    chat_minutes: int | None = None,
    buffer_minutes: int | None = None,
) -> FreeDay:
    """Where a chat and its buffer still fit on ``day``, within working hours."""
    now = now or timezone.now()
    preferences = ensure_preferences(owner)
    agreed = chat_minutes or preferences.chat_minutes
    buffer = preferences.buffer_minutes if buffer_minutes is None else buffer_minutes
    tz = zone(preferences.time_zone)
    hours = working_hours(day, tz)
    blocks = busy_blocks(owner).filter(starts_at__lt=hours.ends_at, ends_at__gt=hours.starts_at)
    taken = [Span(block.starts_at, block.ends_at, block.title or "Busy") for block in blocks]
    chats = Chat.objects.for_owner(owner).reaching_into(hours.starts_at, hours.ends_at)
    for chat in chats:
        span = ChatSpan(chat.starts_at, chat.agreed_minutes, chat.buffer_minutes)
        taken.append(Span(chat.starts_at, span.free_at, f"Chat with {chat.contact.name}"))
    taken = overlapping(hours, taken)
    slots = free_slots(hours, taken, timedelta(minutes=agreed + buffer), not_before=now)
    return FreeDay(day, hours, agreed + buffer, agreed, buffer, slots, taken)


# The private subscription feed.


def _new_token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def renew_feed_token(owner: Owner) -> str:
    """Create the feed's secret, or replace it so the old address stops working."""
    preferences = ensure_preferences(owner)
    preferences.calendar_token = _new_token()
    preferences.save(update_fields=["calendar_token"])
    return preferences.calendar_token


@transaction.atomic
def revoke_feed_token(owner: Owner) -> None:
    """Turn the subscription feed off: its address answers "not found" from now on."""
    preferences = ensure_preferences(owner)
    preferences.calendar_token = ""
    preferences.save(update_fields=["calendar_token"])


def owner_of_feed(token: str):
    """The user whose feed ``token`` opens, or None (an empty token opens nothing)."""
    if not token:
        return None
    found = Preferences.objects.filter(calendar_token=token).select_related("owner").first()
    if found is None or not found.owner.is_active:
        return None
    return found.owner


# Chats as iCalendar.


def _entries(
    owner: Owner, chats: Iterable[Chat], preferences: Preferences
) -> tuple[list[ChatEntry], int]:
    """The chats as calendar entries, and how many were left out for lying outside 1900-2200.

    Such a row (an older coffeechat let a chat in year 9999 through) would overflow on the way
    to UTC or to its thank-you a day later; it is skipped so the rest of the calendar goes out.
    """
    chats = list(chats)
    thanks = dict(
        FollowUp.objects.for_owner(owner)
        .filter(kind=FollowUp.Kind.THANK_YOU, chat__in=[chat.pk for chat in chats])
        .values_list("chat_id", "due_at")
    )
    entries = []
    skipped = 0
    for chat in chats:
        stored = (chat.starts_at, chat.actual_end, thanks.get(chat.pk))
        if not all(moment is None or moment_in_range(moment) for moment in stored):
            skipped += 1
            continue
        span = ChatSpan(chat.starts_at, chat.agreed_minutes, chat.buffer_minutes)
        # The thank-you is owed a day after the chat: the follow-up's own deadline when there is
        # one, else a day after the real end, else a day after the agreed end.
        due = thanks.get(chat.pk) or (chat.actual_end or span.ends_at) + THANK_YOU_AFTER
        organisation = chat.contact.organisation
        entries.append(
            ChatEntry(
                code=str(chat.code),
                contact_name=chat.contact.name,
                starts_at=chat.starts_at,
                ends_at=span.ends_at,
                free_at=span.free_at,
                status=chat.status,
                medium=chat.get_medium_display(),
                thank_you_due=due,
                wrapup_minutes=preferences.wrapup_minutes,
                venue=chat.venue,
                link=chat.link,
                organisation=organisation.name if organisation is not None else "",
                updated_at=chat.updated_at,
            )
        )
    return entries, skipped


def _chats(owner: Owner):
    return (
        Chat.objects.for_owner(owner)
        .select_related("contact", "contact__organisation")
        .order_by("starts_at", "pk")
    )


def chat_calendar(owner: Owner, chat: Chat, *, now: datetime | None = None) -> bytes:
    """One chat as an .ics download: the chat, its buffer, its alarms and the thank-you."""
    if chat.owner_id != owner.pk:
        raise NotFound("That chat is not yours.")
    preferences = ensure_preferences(owner)
    entries, skipped = _entries(owner, _chats(owner).filter(pk=chat.pk), preferences)
    if skipped:
        raise InvalidInput(
            f"This chat has a time outside the days coffeechat keeps ({DAY_RANGE}), so it "
            "cannot go into a calendar. Change its date, then download it again."
        )
    return write_calendar(entries, now=now or timezone.now())


def _due(item: Item) -> datetime:
    assert item.due_at is not None  # undated items were left out: no date to put in a calendar
    return item.due_at


def deadlines(owing: Owed, link: Callable[[Item], str] | None = None) -> list[DueEntry]:
    """What is owed with a date, as calendar deadlines, soonest first.

    Thank-yous, my next steps and messages about them, the nudges to promises of theirs, and
    requests waiting (their 3-and-7 timers, and nudges begun). Keep-in-touch reminders and
    names given to me stay on the home page. ``link`` gives each item's web address.
    """
    promises = [item for item in owing.intros if item.kind == "promise" and item.nudge is not None]
    items = [*owing.thank_yous, *owing.next_steps, *promises, *owing.nudges]
    entries = []
    dated = sorted((item for item in items if item.due_at is not None), key=_due)
    for item in dated:
        url = link(item) if link is not None else ""
        if item.kind == FollowUp.Kind.THANK_YOU and item.chat is not None:
            entries.append(
                thank_you_deadline(str(item.chat.code), item.contact.name, _due(item), url)
            )
            continue
        # Imported here for the reason feed_calendar gives.
        from coffeechat.services.owed import item_key, item_summary

        key = item_key(item)
        if key is None:
            continue
        text = "" if item.kind == "outreach" else shorten(item.text, DESCRIPTION_LIMIT)
        entries.append(DueEntry(key, item_summary(item), _due(item), description=text, url=url))
    return entries


def coming_deadlines(
    owner: Owner, now: datetime, preferences: Preferences, link: Callable[[Item], str] | None = None
) -> list[DueEntry]:
    """The 3-and-7 timers of requests waiting for a reply, as events at the moment each fires.

    Each keeps the UID the request has once its timer is due (``request-<code>``), so the event
    a calendar app shows moves on from "coming" to "due" to the next timer, never doubled.
    """
    from coffeechat.services.outreach_timers import coming_timers
    from coffeechat.services.owed import Item

    entries = []
    for coming in coming_timers(owner, now, preferences=preferences):
        request = coming.request.outreach
        name = request.contact.name
        if coming.is_nudge:
            summary = f"No reply from {name} yet? Nudge them once"
        else:
            where = coming.request.organisation
            someone = f"someone else at {where.name}" if where is not None else "a second person"
            summary = f"No reply from {name} yet? Write to {someone}"
        item = Item(
            "outreach", "Request waiting", request.contact, coming.at, request=coming.request
        )
        url = link(item) if link is not None else ""
        entries.append(DueEntry(f"request-{request.code}", summary, coming.at, url=url))
    return entries


def feed_calendar(
    owner: Owner, *, now: datetime | None = None, link: Callable[[Item], str] | None = None
) -> bytes:
    """The subscription feed: every chat of the owner, past ones included, and what is owed.

    The deadlines come from ``owed()``, the one rule for what is owed: a thank-you sent or
    snoozed leaves the feed, and one appears once the chat is held. ``link`` gives each
    deadline's web address on the feed's own host.
    """
    # Imported here: owed() reads the outreach timers, whose services plan chats through this one.
    from coffeechat.services.owed import owed

    now = now or timezone.now()
    preferences = ensure_preferences(owner)
    entries, _skipped = _entries(owner, _chats(owner), preferences)
    due = deadlines(owed(owner, now=now), link) + coming_deadlines(owner, now, preferences, link)
    due.sort(key=lambda entry: entry.due_at)  # soonest first: the cap keeps the nearest
    return write_calendar(entries, now=now, name="coffeechat: my chats", due=due)


def write_ics(owner: Owner, out: TextIO, *, now: datetime | None = None) -> dict[str, int]:
    """Write every chat of the owner as one iCalendar document; return how many chats.

    "skipped" counts chats left out for lying outside 1900-2200, when there are any.
    """
    preferences = ensure_preferences(owner)
    entries, skipped = _entries(owner, _chats(owner), preferences)
    data = write_calendar(entries, now=now or timezone.now(), name="coffeechat")
    out.write(data.decode("utf-8"))
    counts = {"chats": len(entries)}
    if skipped:
        counts["skipped"] = skipped
    return counts
