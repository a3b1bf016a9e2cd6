"""What became of a chat: held (with its real clock) or a no-show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from coffeechat.core.followups import thank_you_due
from coffeechat.services.errors import InvalidInput
from coffeechat.services.ownership import ensure_owned
from coffeechat.store.models import Chat, FollowUp

# Longer than any real informational interview; a bigger span is a typing mistake.
LONGEST_HELD = timedelta(hours=8)


@dataclass(frozen=True)
class HeldChat:
    """What really happened at a chat that took place."""

    actual_start: datetime
    actual_end: datetime
    extension: str = "none"
    extension_minutes: int = 0
    felt_minutes: int | None = None
    talk_share: int | None = None  # percent of the time I talked
    time_confirmed: bool | None = None
    ask_made: bool | None = None


def _checked(held: HeldChat, now: datetime) -> dict:
    if timezone.is_naive(held.actual_start) or timezone.is_naive(held.actual_end):
        raise InvalidInput("The real start and end need a time zone.", field="actual_start")
    if held.actual_end <= held.actual_start:
        raise InvalidInput("The chat must end after it started.", field="actual_end")
    if held.actual_end - held.actual_start > LONGEST_HELD:
        raise InvalidInput("A chat lasts at most 8 hours; check the end time.", field="actual_end")
    if held.actual_end > now:
        raise InvalidInput("A chat cannot have ended in the future.", field="actual_end")
    if held.extension not in Chat.Extension.values:
        raise InvalidInput("Say who asked to continue, if anyone.", field="extension")
    if not 0 <= held.extension_minutes <= 240:
        raise InvalidInput("An extension lasts 0 to 240 minutes.", field="extension_minutes")
    if held.extension == Chat.Extension.NONE and held.extension_minutes:
        raise InvalidInput(
            "Minutes of extension need someone who asked to continue.", field="extension"
        )
    if held.felt_minutes is not None and not 1 <= held.felt_minutes <= 600:
        raise InvalidInput("How long it felt: 1 to 600 minutes.", field="felt_minutes")
    if held.talk_share is not None and not 0 <= held.talk_share <= 100:
        raise InvalidInput("Your share of the talking is 0 to 100 percent.", field="talk_share")
    return {
        "actual_start": held.actual_start,
        "actual_end": held.actual_end,
        "extension": held.extension,
        "extension_minutes": held.extension_minutes,
        "felt_minutes": held.felt_minutes,
        "talk_share": held.talk_share,
        "time_confirmed": held.time_confirmed,
        "ask_made": held.ask_made,
    }


@transaction.atomic
def record_held(owner, chat: Chat, held: HeldChat, *, now: datetime | None = None) -> Chat:
    """Mark a planned or live chat as held and owe its thank-you 24 hours after it ended."""
    ensure_owned(owner, chat)
    if chat.status not in (Chat.Status.PLANNED, Chat.Status.LIVE):
        raise InvalidInput(
            f"This chat is {chat.get_status_display().lower()}; only a planned or live chat "
            "can be marked as held."
        )
    fields = _checked(held, now or timezone.now())
    for name, value in fields.items():
        setattr(chat, name, value)
    chat.status = Chat.Status.HELD
    chat.save()
    thank_you = FollowUp.objects.filter(owner=owner, chat=chat, kind=FollowUp.Kind.THANK_YOU)
    if not thank_you.exists():
        FollowUp.objects.create(
            owner=owner,
            contact=chat.contact,
            chat=chat,
            kind=FollowUp.Kind.THANK_YOU,
            due_at=thank_you_due(held.actual_end),
        )
    return chat


@transaction.atomic
def record_no_show(owner, chat: Chat, *, now: datetime | None = None) -> Chat:
    """Mark a planned chat whose start has passed as a no-show."""
    ensure_owned(owner, chat)
    if chat.status != Chat.Status.PLANNED:
        raise InvalidInput(
            f"This chat is {chat.get_status_display().lower()}; only a planned chat can be a "
            "no-show."
        )
    if chat.starts_at > (now or timezone.now()):
        raise InvalidInput("This chat has not started yet; cancel it instead.")
    chat.status = Chat.Status.NO_SHOW
    chat.save(update_fields=["status", "updated_at"])
    return chat
