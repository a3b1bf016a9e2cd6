"""Reflection: how held chats went against their plan, one by one and taken together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from coffeechat.core.stats import (
    BufferAdvice,
    ChatReflection,
    HeldTimes,
    Overview,
    reflect,
    suggest_buffer,
    summarise,
)
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.ownership import ensure_owned
from coffeechat.store.models import Chat
from coffeechat.store.owners import Owner

# How many recent held chats the overview and the buffer suggestion read.
RECENT = 20


def _times(chat: Chat) -> HeldTimes:
    return HeldTimes(
        planned_start=chat.starts_at,
        agreed_minutes=chat.agreed_minutes,
        # Only measured chats get here: both times are set (_measured, _recent_held).
        actual_start=chat.actual_start,  # type: ignore[arg-type]
        actual_end=chat.actual_end,  # type: ignore[arg-type]
        extension=chat.extension,
        extension_minutes=chat.extension_minutes,
        felt_minutes=chat.felt_minutes,
    )


def _measured(chat: Chat) -> bool:
    return (
        chat.status == Chat.Status.HELD
        and chat.actual_start is not None
        and chat.actual_end is not None
    )


def reflection_for(owner: Owner, chat: Chat) -> ChatReflection | None:
    """Planned against actual for one chat; None until it is held with its real clock."""
    ensure_owned(owner, chat)
    return reflect(_times(chat)) if _measured(chat) else None


def _recent_held(owner: Owner, now: datetime | None, last: int) -> list[Chat]:
    """The owner's last held chats with a real clock, oldest first, in one query."""
    chats = (
        Chat.objects.for_owner(owner)
        .filter(
            status=Chat.Status.HELD,
            actual_start__isnull=False,
            actual_end__isnull=False,
            actual_end__lte=now or timezone.now(),
        )
        .select_related("contact")
        .order_by("-actual_start", "-pk")[:last]
    )
    return list(reversed(chats))


@dataclass(frozen=True)
class HeldChatReflection:
    """A held chat together with its measures, for lists and charts."""

    chat: Chat
    reflection: ChatReflection


@dataclass(frozen=True)
class ReflectionOverview:
    """The last held chats, oldest first, and what they say taken together."""

    chats: list[HeldChatReflection]
    summary: Overview


def overview(
    owner: Owner, now: datetime | None = None, *, last: int = RECENT
) -> ReflectionOverview:
    """Overrun rate, median overrun, who asked to extend and the prompt, over recent chats."""
    chats = [
        HeldChatReflection(chat, reflect(_times(chat))) for chat in _recent_held(owner, now, last)
    ]
    return ReflectionOverview(chats=chats, summary=summarise([item.reflection for item in chats]))


def buffer_suggestion(owner: Owner, now: datetime | None = None) -> BufferAdvice | None:
    """A buffer from the owner's own late ends; None until there are a few held chats."""
    held = _recent_held(owner, now, RECENT)
    if not held:
        return None
    current = ensure_preferences(owner).buffer_minutes
    return suggest_buffer([reflect(_times(chat)).past_plan_minutes for chat in held], current)
