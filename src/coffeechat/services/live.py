"""The live chat: start it, extend it, wrap it up, end it, and say how long it felt.

Each action locks the chat's row, checks the chat's state, updates the chat and writes one
ChatEvent in the same transaction, so two open tabs (or a double tap) cannot both start or end
the same chat. ``live_state`` is what the live page and its JSON endpoint both show.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from coffeechat.core import chat_limits as limits
from coffeechat.core import live as clockwork
from coffeechat.core.clock import format_clock, format_day, zone
from coffeechat.core.fields import moment_in_range
from coffeechat.core.text import counted, first_name
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.debrief import HeldChat, record_held
from coffeechat.services.errors import InvalidInput
from coffeechat.services.ownership import ensure_owned
from coffeechat.services.scripts import scripts_of
from coffeechat.store.models import BusyBlock, Chat, ChatEvent, Note, Preferences
from coffeechat.store.owners import Owner

# A chat may be started from an hour before its planned start until three hours after it: late
# guests and wrong clocks happen, but a chat from last week is a chat to re-plan or debrief.
START_EARLY = timedelta(hours=1)
START_LATE = timedelta(hours=3)
LONGEST_EXTENSION = limits.LONGEST_EXTENSION  # minutes in one tap
LONGEST_OVERRUN = limits.LONGEST_OVERRUN  # minutes of extension in all
LONGEST_FELT = limits.LONGEST_FELT
# A live chat still running this long after its end was forgotten, not held that long.
FORGOTTEN_AFTER = timedelta(hours=4)
# Commitments further off than this say nothing about how long a chat can run.
LOOK_AHEAD = timedelta(hours=12)

WHO = {"they": Chat.Extension.THEY_ASKED, "me": Chat.Extension.I_OFFERED}
EXTENSION_EVENT = {"they": ChatEvent.Kind.THEY_EXTENDED, "me": ChatEvent.Kind.I_EXTENDED}


class LiveRefused(InvalidInput):
    """A live-page action that does not fit the chat's state; the message says what to do."""


@dataclass(frozen=True)
class Commitment:
    """What comes next for the owner: another chat or a busy block from their calendar."""

    starts_at: datetime
    label: str
    chat_code: str = ""  # set when the commitment is a chat


@dataclass(frozen=True)
class LiveEvent:
    """One line of the live page's log."""

    kind: str
    label: str
    at: datetime
    minutes: int | None


@dataclass(frozen=True)
class LiveState:
    """Everything the live page shows about a chat at one moment, in plain values."""

    code: str
    name: str
    status: str
    phase: str  # ready, running, wrap_up, check_in, ended or closed
    now: datetime
    scheduled_start: datetime
    agreed_minutes: int
    buffer_minutes: int
    wrapup_minutes: int
    extend_minutes: int
    actual_start: datetime | None
    actual_end: datetime | None
    target_end: datetime | None
    wrap_up_at: datetime | None
    capped: bool
    next_commitment: Commitment | None
    latest_end: datetime | None
    flexibility: int | None
    check_in: str  # which check-in script applies: check_in_room or check_in_close
    wrapping: bool
    extension: str
    extension_minutes: int
    felt_minutes: int | None
    real_minutes: int | None
    confirm_line: str
    wrap_up_line: str
    check_in_line: str
    non_verbal_line: str
    start_problem: str  # why Start would be refused right now; empty when it would work
    events: tuple[LiveEvent, ...]
    vibrate: bool
    keep_screen_awake: bool
    version: str  # changes whenever anything the page shows changes

    @property
    def has_room(self) -> bool:
        return self.check_in == clockwork.CHECK_IN_ROOM

    def as_dict(self) -> dict[str, Any]:
        """The state as JSON-ready values (instants as ISO 8601 in UTC)."""

        def instant(moment: datetime | None) -> str | None:
            return None if moment is None else page_instant(moment)

        following = self.next_commitment
        return {
            "code": self.code,
            "name": self.name,
            "status": self.status,
            "phase": self.phase,
            "now": instant(self.now),
            "scheduled_start": instant(self.scheduled_start),
            "agreed_minutes": self.agreed_minutes,
            "wrapup_minutes": self.wrapup_minutes,
            "extend_minutes": self.extend_minutes,
            "actual_start": instant(self.actual_start),
            "actual_end": instant(self.actual_end),
            "target_end": instant(self.target_end),
            "wrap_up_at": instant(self.wrap_up_at),
            "capped": self.capped,
            "next_commitment": None
            if following is None
            else {
                "starts_at": instant(following.starts_at),
                "label": following.label,
                "chat_code": following.chat_code,
            },
            "latest_end": instant(self.latest_end),
            "flexibility_minutes": self.flexibility,
            "check_in": self.check_in,
            "wrapping": self.wrapping,
            "extension": self.extension,
            "extension_minutes": self.extension_minutes,
            "felt_minutes": self.felt_minutes,
            # The real length stays hidden until the felt length is given: it trains the clock.
            "real_minutes": self.real_minutes if self.felt_minutes is not None else None,
            "scripts": {
                "confirm": self.confirm_line,
                "wrap_up": self.wrap_up_line,
                "check_in": self.check_in_line,
                "non_verbal": self.non_verbal_line,
            },
            "start_problem": self.start_problem,
            "version": self.version,
        }


def page_instant(moment: datetime) -> str:
    """A moment as the live page's script reads it: UTC, milliseconds, ``Z``."""
    # Milliseconds, as JavaScript's Date.parse reads them everywhere.
    return clockwork.utc(moment).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def server_now() -> str:
    """The server's clock as the live page reads it: the page measures its own clock against it."""
    return page_instant(timezone.now())


def _when(moment: datetime, preferences: Preferences) -> str:
    tz = zone(preferences.time_zone)
    local = moment.astimezone(tz)
    return f"{format_day(local)}, {format_clock(moment, tz, preferences.clock_format)}"


def _clock(moment: datetime, preferences: Preferences) -> str:
    return format_clock(moment, zone(preferences.time_zone), preferences.clock_format)


def next_commitment(
    owner: Owner, after: datetime, *, excluding: Chat | None = None
) -> Commitment | None:
    """The owner's first planned chat or timed busy block in the 12 hours after ``after``."""
    if not moment_in_range(after):
        # A chat an older version kept at the end of time: nothing follows it, and adding the
        # look-ahead would overflow.
        return None
    until = after + LOOK_AHEAD
    chats = Chat.objects.for_owner(owner).filter(
        status__in=(Chat.Status.PLANNED, Chat.Status.LIVE),
        starts_at__gt=after,
        starts_at__lt=until,
    )
    if excluding is not None:
        chats = chats.exclude(pk=excluding.pk)
    chat = chats.select_related("contact").order_by("starts_at", "pk").first()
    # An all-day event (a holiday, a conference day) says nothing about the next hour.
    block = (
        BusyBlock.objects.for_owner(owner)
        .filter(starts_at__gt=after, starts_at__lt=until, all_day=False)
        .order_by("starts_at", "pk")
        .first()
    )
    if block is not None and (chat is None or block.starts_at < chat.starts_at):
        return Commitment(block.starts_at, block.title or "something in your calendar")
    if chat is not None:
        return Commitment(chat.starts_at, f"your chat with {chat.contact.name}", str(chat.code))
    return None


def _locked(owner: Owner, chat: Chat) -> Chat:
    """The chat re-read under a row lock, so concurrent actions see each other's changes."""
    ensure_owned(owner, chat)
    return Chat.objects.select_for_update().select_related("contact").get(pk=chat.pk)


def _event(owner: Owner, chat: Chat, kind, at: datetime, minutes: int | None = None) -> None:
    ChatEvent.objects.create(owner=owner, chat=chat, kind=kind, at=at, minutes=minutes)


def start_problem(owner: Owner, chat: Chat, now: datetime) -> str:
    """Why the chat cannot start at ``now``, in words a user can act on; empty when it can."""
    preferences = ensure_preferences(owner)
    if chat.status == Chat.Status.LIVE:
        started = _clock(chat.actual_start, preferences) if chat.actual_start else "earlier"
        return f"This chat is already live; it started at {started}."
    if chat.status == Chat.Status.HELD:
        return "This chat has been held already; it cannot start again."
    if chat.status == Chat.Status.CANCELLED:
        return "This chat was cancelled. Plan a new chat if you are meeting after all."
    if chat.status == Chat.Status.NO_SHOW:
        return "This chat was marked as a no-show. Plan a new chat if you are meeting after all."
    if not chat.starts_at - START_EARLY <= now <= chat.starts_at + START_LATE:
        return (
            f"This chat is planned for {_when(chat.starts_at, preferences)}. You can start it "
            "from an hour before that time until three hours after. If it is happening now, "
            "change its date and time first."
        )
    other = (
        Chat.objects.for_owner(owner)
        .filter(status=Chat.Status.LIVE)
        .exclude(pk=chat.pk)
        .select_related("contact")
        .first()
    )
    if other is not None:
        return (
            f"Your chat with {other.contact.name} is still live. End it on its live page before "
            "starting this one."
        )
    return ""


@transaction.atomic
def start_chat(owner: Owner, chat: Chat, *, now: datetime | None = None) -> Chat:
    """Start a planned chat now: record the real start and confirm the end (capped if need be)."""
    now = now or timezone.now()
    chat = _locked(owner, chat)
    problem = start_problem(owner, chat, now)
    if problem:
        raise LiveRefused(problem)
    following = next_commitment(owner, now, excluding=chat)
    confirmed = clockwork.confirm_end(
        now,
        chat.agreed_minutes,
        following.starts_at if following else None,
        chat.buffer_minutes,
    )
    chat.status = Chat.Status.LIVE
    chat.actual_start = now
    chat.target_end_at = confirmed.ends_at
    chat.save(update_fields=["status", "actual_start", "target_end_at", "updated_at"])
    _event(owner, chat, ChatEvent.Kind.STARTED, now, confirmed.minutes)
    return chat


def _must_be_live(chat: Chat, doing: str) -> None:
    if chat.status == Chat.Status.LIVE:
        return
    if chat.status == Chat.Status.PLANNED:
        raise LiveRefused(f"This chat has not started yet; press Start before you {doing}.")
    if chat.status == Chat.Status.HELD:
        raise LiveRefused(f"This chat has ended already, so there is nothing to {doing}.")
    raise LiveRefused(
        f"This chat is {chat.get_status_display().lower()}, so there is nothing to {doing}."
    )


def _note_check_in(chat: Chat, now: datetime) -> None:
    # The check-in is the first outcome chosen once the agreed end has come.
    if chat.check_in_at is None and chat.target_end_at is not None and now >= chat.target_end_at:
        chat.check_in_at = now


@transaction.atomic
def extend(
    owner: Owner, chat: Chat, who: str, minutes: int, *, now: datetime | None = None
) -> Chat:
    """Record that the chat goes on for ``minutes`` more, because they (or I) asked."""
    now = now or timezone.now()
    chat = _locked(owner, chat)
    _must_be_live(chat, "extend")
    if who not in WHO:
        raise InvalidInput("Say who asked to continue: they or you.", field="who")
    if not 1 <= minutes <= LONGEST_EXTENSION:
        raise InvalidInput(
            f"Extend by 1 to {LONGEST_EXTENSION} minutes at a time.", field="minutes"
        )
    if chat.extension_minutes + minutes > LONGEST_OVERRUN:
        raise InvalidInput(
            f"A chat can run at most {LONGEST_OVERRUN} minutes over; end it and plan another.",
            field="minutes",
        )
    assert chat.target_end_at is not None  # a live chat always has one
    _note_check_in(chat, now)
    # From the end in force, not from now: tapping a little early or late changes nothing.
    chat.target_end_at = chat.target_end_at + timedelta(minutes=minutes)
    chat.extension = WHO[who]
    chat.extension_minutes += minutes
    chat.save(
        update_fields=[
            "target_end_at",
            "extension",
            "extension_minutes",
            "check_in_at",
            "updated_at",
        ]
    )
    _event(owner, chat, EXTENSION_EVENT[who], now, minutes)
    return chat


@transaction.atomic
def wrap_up_now(owner: Owner, chat: Chat, *, now: datetime | None = None) -> Chat:
    """Start closing now: bring the end to within the wrap-up minutes and use the closing script."""
    now = now or timezone.now()
    chat = _locked(owner, chat)
    _must_be_live(chat, "wrap up")
    if _wrapping(list(chat.events.order_by("at", "pk"))):
        return chat  # a second tap (or a second tab) changes nothing
    preferences = ensure_preferences(owner)
    assert chat.target_end_at is not None
    _note_check_in(chat, now)
    soon = now + timedelta(minutes=preferences.wrapup_minutes)
    chat.target_end_at = max(now, min(chat.target_end_at, soon))
    chat.save(update_fields=["target_end_at", "check_in_at", "updated_at"])
    _event(owner, chat, ChatEvent.Kind.WRAP_UP, now)
    return chat


@transaction.atomic
def end_chat(owner: Owner, chat: Chat, *, now: datetime | None = None) -> Chat:
    """End a live chat now: it is held, and its thank-you falls due 24 hours later."""
    now = now or timezone.now()
    chat = _locked(owner, chat)
    _must_be_live(chat, "end")
    assert chat.actual_start is not None and chat.target_end_at is not None
    if now <= chat.actual_start:
        raise LiveRefused("This chat started a moment ago; end it once it has begun.")
    ended_at = now
    if now > chat.target_end_at + FORGOTTEN_AFTER:
        # Left running by mistake: the planned end is a better record than hours of overrun.
        ended_at = max(chat.target_end_at, chat.actual_start + timedelta(minutes=1))
    _note_check_in(chat, ended_at)
    chat.save(update_fields=["check_in_at", "updated_at"])
    chat = record_held(
        owner,
        chat,
        HeldChat(
            actual_start=chat.actual_start,
            actual_end=ended_at,
            extension=chat.extension,
            extension_minutes=chat.extension_minutes,
            felt_minutes=chat.felt_minutes,
            talk_share=chat.talk_share,
            time_confirmed=chat.time_confirmed,
            ask_made=chat.ask_made,
        ),
        now=now,
    )
    _event(owner, chat, ChatEvent.Kind.ENDED, ended_at)
    return chat


@transaction.atomic
def record_felt(owner: Owner, chat: Chat, minutes: int, *, now: datetime | None = None) -> Chat:
    """Keep how long the chat felt, given before the real length is shown."""
    now = now or timezone.now()
    chat = _locked(owner, chat)
    if chat.status != Chat.Status.HELD or chat.actual_end is None:
        raise LiveRefused("Say how long it felt once the chat has ended.")
    if chat.felt_minutes is not None:
        raise LiveRefused(
            f"You said it felt like {counted(chat.felt_minutes, 'minute')} already; that answer "
            "stays."
        )
    if not 1 <= minutes <= LONGEST_FELT:
        raise InvalidInput(
            f"Give how long it felt in minutes, from 1 to {LONGEST_FELT}.", field="minutes"
        )
    chat.felt_minutes = minutes
    chat.save(update_fields=["felt_minutes", "updated_at"])
    _event(owner, chat, ChatEvent.Kind.FELT, now, minutes)
    return chat


def _wrapping(events: list[ChatEvent]) -> bool:
    """Whether "wrap up now" was tapped after the last extension."""
    for event in reversed(events):
        if event.kind == ChatEvent.Kind.WRAP_UP:
            return True
        if event.kind in (ChatEvent.Kind.THEY_EXTENDED, ChatEvent.Kind.I_EXTENDED):
            return False
    return False


def _event_label(event: ChatEvent) -> str:
    minutes = counted(event.minutes or 0, "minute")
    more = counted(event.minutes or 0, "more minute")
    if event.kind == ChatEvent.Kind.STARTED:
        return f"Started, with {minutes} confirmed"
    if event.kind == ChatEvent.Kind.THEY_EXTENDED:
        return f"They wanted to continue: {more}"
    if event.kind == ChatEvent.Kind.I_EXTENDED:
        return f"I asked to continue: {more}"
    if event.kind == ChatEvent.Kind.FELT:
        return f"It felt like {minutes}"
    return event.get_kind_display()


def _phase(chat: Chat, now: datetime, wrap_at: datetime | None) -> str:
    if chat.status == Chat.Status.PLANNED:
        return "ready"
    if chat.status == Chat.Status.HELD:
        return "ended"
    if chat.status != Chat.Status.LIVE or chat.target_end_at is None or wrap_at is None:
        return "closed"
    return clockwork.phase_at(now, wrap_at, chat.target_end_at)


def live_state(owner: Owner, chat: Chat, now: datetime | None = None) -> LiveState:
    """What the live page shows for ``chat`` at ``now``: times, cues, scripts and the log."""
    now = now or timezone.now()
    ensure_owned(owner, chat)
    preferences = ensure_preferences(owner)
    events = list(ChatEvent.objects.for_owner(owner).filter(chat=chat).order_by("at", "pk"))
    started = chat.actual_start
    # Before the start, show what Start would confirm right now.
    reference = started or now
    following = next_commitment(owner, reference, excluding=chat)
    confirmed_minutes = next(
        (e.minutes for e in events if e.kind == ChatEvent.Kind.STARTED and e.minutes is not None),
        None,
    )
    if started is None or confirmed_minutes is None:
        preview = clockwork.confirm_end(
            reference,
            chat.agreed_minutes,
            following.starts_at if following else None,
            chat.buffer_minutes,
        )
        confirmed_minutes = preview.minutes
    confirmed_end = reference + timedelta(minutes=confirmed_minutes)
    agreed_end = reference + timedelta(minutes=chat.agreed_minutes)
    capped = confirmed_minutes < chat.agreed_minutes

    target_end = chat.target_end_at if started else confirmed_end
    latest = clockwork.latest_end(following.starts_at if following else None, chat.buffer_minutes)
    flexibility = (
        clockwork.flexibility_minutes(target_end, latest) if target_end is not None else None
    )
    wrapping = _wrapping(events)
    check_in = clockwork.check_in_kind(flexibility, preferences.extend_minutes, wrapping=wrapping)
    wrap_at = (
        clockwork.wrap_up_at(started, target_end, preferences.wrapup_minutes)
        if started is not None and target_end is not None
        else None
    )

    scripts = scripts_of(owner)
    end_clock = _clock(target_end, preferences) if target_end else ""
    common = {
        "now": _clock(reference, preferences),
        "end": end_clock,
        "earlier_end": end_clock,
        "name": first_name(chat.contact.name),
    }
    confirm_line = clockwork.render_script(
        scripts[clockwork.CONFIRM_CAPPED if capped else clockwork.CONFIRM],
        {
            **common,
            "end": _clock(agreed_end, preferences),
            "earlier_end": _clock(confirmed_end, preferences),
            "minutes": str(confirmed_minutes),
        },
    )
    cue_minutes = (
        clockwork.whole_minutes(wrap_at, target_end)
        if wrap_at is not None and target_end is not None
        else preferences.wrapup_minutes
    )
    wrap_up_line = clockwork.render_script(
        scripts[clockwork.WRAP_UP], {**common, "minutes": str(cue_minutes)}
    )
    offer = {**common, "minutes": str(preferences.extend_minutes)}
    check_in_line = clockwork.render_script(scripts[check_in], offer)
    non_verbal_line = clockwork.render_script(scripts[clockwork.NON_VERBAL], offer)

    real_minutes = (
        clockwork.whole_minutes(started, chat.actual_end)
        if started is not None and chat.actual_end is not None
        else None
    )
    notes = Note.objects.for_owner(owner).filter(chat=chat).count()
    fingerprint = "|".join(
        str(part)
        for part in (
            chat.status,
            chat.actual_start,
            chat.actual_end,
            chat.target_end_at,
            chat.extension_minutes,
            chat.felt_minutes,
            len(events),
            following,
            check_in,
            notes,
            chat.updated_at,
        )
    )
    return LiveState(
        code=str(chat.code),
        name=chat.contact.name,
        status=chat.status,
        phase=_phase(chat, now, wrap_at),
        now=now,
        scheduled_start=chat.starts_at,
        agreed_minutes=chat.agreed_minutes,
        buffer_minutes=chat.buffer_minutes,
        wrapup_minutes=preferences.wrapup_minutes,
        extend_minutes=preferences.extend_minutes,
        actual_start=started,
        actual_end=chat.actual_end,
        target_end=target_end,
        wrap_up_at=wrap_at,
        capped=capped,
        next_commitment=following,
        latest_end=latest,
        flexibility=flexibility,
        check_in=check_in,
        wrapping=wrapping,
        extension=chat.extension,
        extension_minutes=chat.extension_minutes,
        felt_minutes=chat.felt_minutes,
        real_minutes=real_minutes,
        confirm_line=confirm_line,
        wrap_up_line=wrap_up_line,
        check_in_line=check_in_line,
        non_verbal_line=non_verbal_line,
        start_problem=start_problem(owner, chat, now) if chat.status == "planned" else "",
        events=tuple(LiveEvent(e.kind, _event_label(e), e.at, e.minutes) for e in events),
        vibrate=preferences.vibrate,
        keep_screen_awake=preferences.keep_screen_awake,
        version=hashlib.sha256(fingerprint.encode()).hexdigest()[:16],
    )
