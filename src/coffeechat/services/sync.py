"""What a phone kept while offline, applied once each, in order, at the time it happened.

The live page keeps every Start, note, outcome, extension, End, felt length and capture in a
queue on the phone and sends it when it can. Each action carries an id made by the phone, the id
of the action queued before it for the same chat (``after``) and when it happened (``at``, on
the server's clock as the page measured it). Each is applied with the live page's own services, in
its own transaction together with its SyncedAction row, so:

- an action sent again gets the answer it got the first time and changes nothing (the database
  keeps one row per owner and action id);
- an action whose predecessor has not arrived yet waits, and so does the rest of its batch, so
  the phone sends them again later, in order;
- a capture older than the one kept is not written over it: the last written wins;
- an action that no longer fits the chat (ended or deleted meanwhile) gets a plain answer.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from coffeechat.core.clock import format_clock, zone
from coffeechat.core.fields import moment_in_range
from coffeechat.core.live import latest_end
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.capture import save_capture
from coffeechat.services.chats import add_note
from coffeechat.services.errors import DomainError, InvalidInput, NotFound
from coffeechat.services.live import (
    START_LATE,
    Commitment,
    end_chat,
    extend,
    next_commitment,
    page_instant,
    record_felt,
    start_chat,
    wrap_up_now,
)
from coffeechat.services.ownership import ensure_owned
from coffeechat.store.models import Chat, SyncedAction
from coffeechat.store.owners import Owner

# The phone sends at most this many actions a request; the rest wait for the next one.
MOST_ACTIONS = 20
# A phone's clock, even corrected, may be a little ahead of ours: up to this is taken as now.
CLOCK_ALLOWANCE = timedelta(minutes=2)
KINDS = ("start", "note", "extend", "wrap", "end", "felt", "capture")
# Commitments that may come between the live page loading and the last moment Start may be pressed.
MOST_STEPS = 12
# The answers kept (SyncedAction.Status), and the one that is not: waiting is sent again.
APPLIED = "applied"
REFUSED = "refused"
WAITING = "waiting"
# 2026-12-02T14:32:05.120Z or with an offset: a time zone is required, nothing else is read.
_MOMENT = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})", re.ASCII
)
DONE = {
    "start": "Started.",
    "note": "Note added.",
    "extend": "Extension recorded.",
    "wrap": "Wrapping up now.",
    "end": "Ended.",
    "felt": "Felt length kept.",
    "capture": "Saved.",
}


class ChatGone(NotFound):
    """The chat was deleted (or never was this owner's) while the phone kept its actions."""

    def __init__(self) -> None:
        super().__init__(
            "This chat is gone: it was deleted, perhaps on another device. Your notes are kept "
            "on this phone; copy them before you leave the page."
        )


@dataclass(frozen=True)
class Answer:
    """What the phone is told about one action: applied, refused (with why) or waiting."""

    id: str
    status: str
    message: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "status": self.status, "message": self.message}


def _answer(row: SyncedAction) -> Answer:
    return Answer(str(row.action), row.status, row.message)


def action_id(value: Any) -> uuid.UUID | None:
    """The action's id as the phone wrote it (a UUID in its usual form), or None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return None
    return parsed if str(parsed) == value.lower() else None


def happened_at(value: Any, now: datetime) -> datetime | None:
    """When the action happened, read strictly; a moment in the future is taken as now."""
    if not isinstance(value, str) or not _MOMENT.fullmatch(value):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if not moment_in_range(moment):
        return None
    return now if moment > now + CLOCK_ALLOWANCE else min(moment, now)


def _clock(owner: Owner, moment: datetime | None) -> str:
    if moment is None:
        return "an earlier time"
    preferences = ensure_preferences(owner)
    return format_clock(moment, zone(preferences.time_zone), preferences.clock_format)


def _ended_meanwhile(owner: Owner, chat: Chat, kind: str) -> str:
    """The answer to an outcome for a chat that another device has ended already."""
    at = _clock(owner, chat.actual_end)
    if kind == "end":
        return f"This chat was ended on another device at {at}."
    what = {"start": "the start", "extend": "the extension", "wrap": "wrapping up"}[kind]
    return f"This chat was ended on another device at {at}, so {what} was not recorded."


def _text(action: dict, name: str) -> str:
    value = action.get(name, "")
    if not isinstance(value, str):
        raise InvalidInput("This action came without its text; it was not kept.")
    return value


def _minutes(action: dict) -> int:
    value = action.get("minutes")
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidInput("This action came without its minutes; it was not kept.")
    try:
        return int(value)
    except ValueError:
        raise InvalidInput("Give the minutes as a whole number.") from None


def _newer_capture(owner: Owner, chat: Chat, at: datetime) -> SyncedAction | None:
    return (
        SyncedAction.objects.for_owner(owner)
        .filter(chat=chat, kind="capture", status=APPLIED, happened_at__gt=at)
        .order_by("-happened_at")
        .first()
    )


def _apply(owner: Owner, chat: Chat, kind: str, action: dict, at: datetime) -> str:
    """Apply one action with the live page's services; the message for the phone."""
    if kind in ("start", "extend", "wrap", "end") and chat.status == Chat.Status.HELD:
        raise InvalidInput(_ended_meanwhile(owner, chat, kind))
    if kind == "start":
        if chat.status == Chat.Status.LIVE:
            started = _clock(owner, chat.actual_start)
            raise InvalidInput(f"This chat was started on another device at {started}.")
        # Any other refusal (held, cancelled, outside its window) in the live page's own words.
        start_chat(owner, chat, now=at)
    elif kind == "note":
        add_note(
            owner,
            chat.contact,
            _text(action, "text"),
            kind=_text(action, "note_kind") or "insight",
            chat=chat,
            taken_at=at,
        )
    elif kind == "extend":
        extend(owner, chat, _text(action, "who"), _minutes(action), now=at)
    elif kind == "wrap":
        wrap_up_now(owner, chat, now=at)
    elif kind == "end":
        end_chat(owner, chat, now=at)
    elif kind == "felt":
        record_felt(owner, chat, _minutes(action), now=at)
    else:
        newer = _newer_capture(owner, chat, at)
        if newer is not None:
            raise InvalidInput(
                f"A later capture, written at {_clock(owner, newer.happened_at)}, is kept; "
                "this older one was not saved over it."
            )
        save_capture(
            owner,
            chat,
            stuck=_text(action, "stuck"),
            agreed=_text(action, "agreed"),
            suggested=_text(action, "suggested"),
            now=at,
        )
    return DONE[kind]


@dataclass(frozen=True)
class StartStep:
    """For a Start pressed from ``since`` on: the latest end the next commitment allows then."""

    since: datetime
    latest_end: datetime | None  # None when nothing follows
    following: Commitment | None

    def as_dict(self) -> dict[str, Any]:
        following = self.following
        return {
            "since": page_instant(self.since),
            "latest_end": None if self.latest_end is None else page_instant(self.latest_end),
            "next": None
            if following is None
            else {"label": following.label, "starts_at": page_instant(following.starts_at)},
        }


def start_steps(owner: Owner, chat: Chat, now: datetime) -> list[StartStep]:
    """What a phone needs to confirm the end of a Start it keeps offline, from ``now`` on.

    The end is core.live.confirm_end's: the agreed minutes, capped by the latest end the next
    commitment allows. Which commitment is next depends on when Start is pressed, so this gives
    one step from ``now`` and one from each commitment starting before the chat's last possible
    start; the page then needs only a min and a floor.
    """
    last_start = chat.starts_at + START_LATE
    steps: list[StartStep] = []
    since = now
    while len(steps) < MOST_STEPS:
        following = next_commitment(owner, since, excluding=chat)
        latest = latest_end(following.starts_at if following else None, chat.buffer_minutes)
        steps.append(StartStep(since, latest, following))
        if following is None or following.starts_at > last_start:
            break
        since = following.starts_at
    return steps


def _recorded(owner: Owner, action: uuid.UUID) -> SyncedAction | None:
    return SyncedAction.objects.for_owner(owner).filter(action=action).first()


def _apply_one(
    owner: Owner, chat: Chat, raw: dict, key: uuid.UUID, now: datetime, *, unreadable_after: bool
) -> Answer:
    """Apply and record one action in one transaction; a retry racing it gets its answer."""
    try:
        with transaction.atomic():
            locked = Chat.objects.select_for_update().select_related("contact")
            current = locked.filter(pk=chat.pk, owner=owner).first()
            if current is None:
                raise ChatGone()
            # Under the chat's lock: a copy of this batch sent at the same time has finished.
            done = _recorded(owner, key)
            if done is not None:
                return _answer(done)
            kind = raw.get("kind")
            at = happened_at(raw.get("at"), now)
            status, message = REFUSED, ""
            if unreadable_after:
                message = "This action names an earlier action that cannot be read."
            elif kind not in KINDS:
                message = "coffeechat does not know this kind of action; it was not kept."
            elif at is None:
                message = "This action came without a time it happened that can be read."
            else:
                try:
                    with transaction.atomic():
                        message = _apply(owner, current, kind, raw, at)
                    status = APPLIED
                except DomainError as error:
                    message = error.message
            row = SyncedAction.objects.create(
                owner=owner,
                action=key,
                chat=current,
                kind=kind if kind in KINDS else "unknown",
                happened_at=at,
                received_at=now,
                status=status,
                message=message,
            )
            return _answer(row)
    except IntegrityError:
        # The same action, sent twice at once: the database kept the first one.
        done = _recorded(owner, key)
        if done is None:
            raise
        return _answer(done)


def apply_actions(
    owner: Owner, chat: Chat, actions: Any, *, now: datetime | None = None
) -> list[Answer]:
    """Apply a batch of queued actions for ``chat`` in order; one answer each.

    Raises ChatGone when the chat was deleted, InvalidInput when the batch is not a list or
    holds more than MOST_ACTIONS actions.
    """
    ensure_owned(owner, chat)
    if not isinstance(actions, list):
        raise InvalidInput("Send the actions as a list.")
    if len(actions) > MOST_ACTIONS:
        raise InvalidInput(
            f"Send at most {MOST_ACTIONS} actions at a time; the others wait for the next send."
        )
    now = now or timezone.now()
    answers: list[Answer] = []
    waiting = False
    for raw in actions:
        key = action_id(raw.get("id")) if isinstance(raw, dict) else None
        if key is None:
            # Without an id the phone could not tell this answer apart: nothing is kept.
            shown = raw.get("id") if isinstance(raw, dict) else None
            answers.append(
                Answer(
                    shown if isinstance(shown, str) else "",
                    REFUSED,
                    "This action has no id that can be read; it was not kept.",
                )
            )
            continue
        assert isinstance(raw, dict)
        done = _recorded(owner, key)
        if done is not None:
            answers.append(_answer(done))
            continue
        after = raw.get("after")
        before = action_id(after) if after is not None else None
        if not waiting and before is not None and _recorded(owner, before) is None:
            waiting = True
        if waiting:
            answers.append(
                Answer(str(key), WAITING, "Waiting for an earlier action from this phone.")
            )
            continue
        # A predecessor that cannot be read would never arrive: the action is refused.
        unreadable = after is not None and before is None
        answers.append(_apply_one(owner, chat, raw, key, now, unreadable_after=unreadable))
    return answers
