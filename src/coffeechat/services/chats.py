"""Chats: plan, change, cancel, and capture notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from coffeechat.core import chat_limits as limits
from coffeechat.core.clock import ChatSpan, format_clock, is_time_zone, zone
from coffeechat.core.text import clean_line
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.calendars import busy_collisions
from coffeechat.services.errors import InvalidInput, SlotTaken
from coffeechat.services.rendering import rendered
from coffeechat.store.models import Chat, Contact, Note, Outreach
from coffeechat.store.owners import Owner

# The limits live in core; these names stay for the modules that import them from here.
MAX_CHAT_MINUTES = limits.LONGEST_CHAT
MAX_BUFFER_MINUTES = limits.LONGEST_BUFFER


@dataclass(frozen=True)
class ChatPlan:
    """What the user decides when planning a chat; None means "use my default"."""

    contact: Contact
    starts_at: datetime
    agreed_minutes: int | None = None
    buffer_minutes: int | None = None
    medium: str = "video"
    venue: str = ""
    link: str = ""
    time_zone: str = ""
    # The request for a chat that led to this one, when planned from its "they said yes".
    outreach: Outreach | None = None


def _checked(owner: Owner, plan: ChatPlan) -> dict:
    if plan.contact.owner_id != owner.pk:
        raise InvalidInput("Choose one of your contacts.", field="contact")
    if timezone.is_naive(plan.starts_at):
        raise InvalidInput("The start needs a time zone.", field="starts_at")
    preferences = ensure_preferences(owner)
    agreed = preferences.chat_minutes if plan.agreed_minutes is None else plan.agreed_minutes
    buffer = preferences.buffer_minutes if plan.buffer_minutes is None else plan.buffer_minutes
    if not limits.SHORTEST_CHAT <= agreed <= MAX_CHAT_MINUTES:
        raise InvalidInput(
            f"Agree between {limits.SHORTEST_CHAT} and {MAX_CHAT_MINUTES} minutes.",
            field="agreed_minutes",
        )
    if not 0 <= buffer <= MAX_BUFFER_MINUTES:
        raise InvalidInput(
            f"Keep a buffer between 0 and {MAX_BUFFER_MINUTES} minutes.", field="buffer_minutes"
        )
    if plan.medium not in Chat.Medium.values:
        raise InvalidInput("Choose in person, video or phone.", field="medium")
    time_zone = plan.time_zone.strip()
    if time_zone and not is_time_zone(time_zone):
        raise InvalidInput(
            f"{time_zone!r} is not a time zone; use a name such as America/New_York.",
            field="time_zone",
        )
    fields: dict = {}
    if plan.outreach is not None:
        if plan.outreach.owner_id != owner.pk or plan.outreach.contact_id != plan.contact.pk:
            raise InvalidInput(
                f"That request for a chat was not to {plan.contact.name}; plan the chat with the "
                "person who said yes, or start from their page.",
                field="contact",
            )
        fields["outreach"] = plan.outreach
    return fields | {
        "contact": plan.contact,
        "starts_at": plan.starts_at,
        "agreed_minutes": agreed,
        "buffer_minutes": buffer,
        "medium": plan.medium,
        "venue": clean_line(plan.venue),
        "link": plan.link.strip(),
        "time_zone": time_zone,
    }


def span_of(chat: Chat) -> ChatSpan:
    """The chat's agreed time and buffer as a pure value."""
    return ChatSpan(chat.starts_at, chat.agreed_minutes, chat.buffer_minutes)


def collisions(owner: Owner, span: ChatSpan, *, excluding: Chat | None = None) -> list[Chat]:
    """The owner's planned chats whose buffered span overlaps ``span``'s."""
    nearby = Chat.objects.for_owner(owner).reaching_into(span.starts_at, span.free_at)
    if excluding is not None:
        nearby = nearby.exclude(pk=excluding.pk)
    return [chat for chat in nearby if span.collides_with(span_of(chat))]


def _refuse_collisions(owner: Owner, fields: dict, excluding: Chat | None) -> None:
    span = ChatSpan(fields["starts_at"], fields["agreed_minutes"], fields["buffer_minutes"])
    clashes = collisions(owner, span, excluding=excluding)
    blocks = busy_collisions(owner, span.starts_at, span.free_at)
    if clashes or blocks:
        preferences = ensure_preferences(owner)
        tz = zone(preferences.time_zone)

        def at(moment: datetime) -> str:
            return format_clock(moment, tz, preferences.clock_format)

        parts = []
        if clashes:
            names = ", ".join(f"{chat.contact.name} at {at(chat.starts_at)}" for chat in clashes)
            parts.append(f"your chat with {names}")
        for block in blocks:
            # An all-day event marked busy is stored as a span from midnight to midnight.
            whole_days = all(
                moment.astimezone(tz).time() == time.min
                for moment in (block.starts_at, block.ends_at)
            )
            when = (
                "all day"
                if block.all_day or whole_days
                else f"{at(block.starts_at)}–{at(block.ends_at)}"
            )
            parts.append(f"“{block.title or 'Busy'}” ({when}) in your calendar")
        raise SlotTaken(
            f"This chat and its buffer overlap {' and '.join(parts)}. "
            "Pick another time, shorten the buffer, or plan it anyway.",
            field="starts_at",
        )


@transaction.atomic
def plan_chat(owner: Owner, plan: ChatPlan, *, allow_overlap: bool = False) -> Chat:
    """Plan a chat; refuse (SlotTaken) when its buffered span collides, unless allowed."""
    fields = _checked(owner, plan)
    if not allow_overlap:
        _refuse_collisions(owner, fields, None)
    return Chat.objects.create(owner=owner, **fields)


@transaction.atomic
def change_chat(owner: Owner, chat: Chat, plan: ChatPlan, *, allow_overlap: bool = False) -> Chat:
    """Change a planned chat's time, length, buffer or place."""
    if chat.owner_id != owner.pk:
        raise InvalidInput("That chat is not yours.")
    if chat.status == Chat.Status.LIVE:
        # The live page's clock works from the start and length it confirmed out loud.
        raise InvalidInput("This chat is under way; end it on its live page before changing it.")
    if chat.status != Chat.Status.PLANNED:
        raise InvalidInput(f"This chat is {chat.get_status_display().lower()}; it cannot change.")
    fields = _checked(owner, plan)
    if not allow_overlap:
        _refuse_collisions(owner, fields, chat)
    for name, value in fields.items():
        setattr(chat, name, value)
    chat.save()
    return chat


@transaction.atomic
def cancel_chat(owner: Owner, chat: Chat, reason: str = "") -> Chat:
    """Cancel a planned chat, keeping its notes and prep."""
    if chat.owner_id != owner.pk:
        raise InvalidInput("That chat is not yours.")
    if chat.status != Chat.Status.PLANNED:
        raise InvalidInput(
            "Only a planned chat can be cancelled; "
            f"this one is {chat.get_status_display().lower()}."
        )
    chat.status = Chat.Status.CANCELLED
    chat.cancelled_reason = clean_line(reason)[:300]
    chat.save(update_fields=["status", "cancelled_reason", "updated_at"])
    return chat


@transaction.atomic
def add_note(
    owner: Owner,
    contact: Contact,
    text: str,
    *,
    kind: str = "insight",
    chat: Chat | None = None,
    taken_at: datetime | None = None,
) -> Note:
    """Capture a note about a contact, during or after one of their chats."""
    if contact.owner_id != owner.pk or (chat is not None and chat.contact_id != contact.pk):
        raise InvalidInput("That note does not belong here.")
    text = text.strip()
    if not text:
        raise InvalidInput("Write something before saving the note.", field="text")
    if len(text) > 10_000:
        raise InvalidInput("A note has at most 10,000 characters.", field="text")
    if kind not in Note.Kind.values:
        raise InvalidInput("Choose a kind of note.", field="kind")
    return Note.objects.create(
        owner=owner,
        contact=contact,
        chat=chat,
        kind=kind,
        text=text,
        text_html=rendered(text),
        taken_at=taken_at or timezone.now(),
    )
