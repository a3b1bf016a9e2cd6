"""Messages owed and promises made: follow-ups and next steps."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from coffeechat.core.text import clean_line
from coffeechat.services.errors import InvalidInput
from coffeechat.services.outreach_timers import record_nudge_sent
from coffeechat.services.ownership import ensure_owned
from coffeechat.store.models import Chat, Contact, FollowUp, NextStep
from coffeechat.store.owners import Owner

MAX_DRAFT = 20_000
MAX_STEP = 500


def _chat_with(contact: Contact, chat: Chat | None) -> None:
    if chat is not None and chat.contact_id != contact.pk:
        raise InvalidInput("That chat was with someone else.", field="chat")


@transaction.atomic
def add_follow_up(
    owner: Owner,
    contact: Contact,
    kind: str,
    due_at: datetime,
    *,
    chat: Chat | None = None,
    draft: str = "",
) -> FollowUp:
    """Owe ``contact`` a message of ``kind`` by ``due_at``."""
    ensure_owned(owner, contact, chat)
    _chat_with(contact, chat)
    if kind not in FollowUp.Kind.values:
        raise InvalidInput("Choose a kind of follow-up.", field="kind")
    if timezone.is_naive(due_at):
        raise InvalidInput("The due time needs a time zone.", field="due_at")
    if len(draft) > MAX_DRAFT:
        raise InvalidInput(f"A draft has at most {MAX_DRAFT:,} characters.", field="draft")
    return FollowUp.objects.create(
        owner=owner, contact=contact, chat=chat, kind=kind, due_at=due_at, draft=draft.strip()
    )


@transaction.atomic
def mark_sent(owner: Owner, follow_up: FollowUp, *, sent_at: datetime | None = None) -> FollowUp:
    """Record that a follow-up went out; it no longer counts as owed."""
    ensure_owned(owner, follow_up)
    now = timezone.now()
    sent_at = sent_at or now
    if follow_up.sent_at is not None:
        raise InvalidInput("This follow-up was sent already.")
    if follow_up.dismissed_at is not None:
        raise InvalidInput("This follow-up was dismissed; it cannot be sent.")
    if timezone.is_naive(sent_at) or sent_at > now:
        raise InvalidInput("Give a sending time that has passed.", field="sent_at")
    follow_up.sent_at = sent_at
    follow_up.save(update_fields=["sent_at", "updated_at"])
    # An outreach nudge that went out marks its request as nudged, in the same transaction.
    record_nudge_sent(follow_up)
    return follow_up


@transaction.atomic
def add_next_step(
    owner: Owner,
    contact: Contact,
    text: str,
    *,
    side: str = "me",
    due_on: date | None = None,
    chat: Chat | None = None,
) -> NextStep:
    """Record a promise from a chat: something I or they will do, by an optional date."""
    ensure_owned(owner, contact, chat)
    _chat_with(contact, chat)
    text = clean_line(text)
    if not text:
        raise InvalidInput("Say what the next step is.", field="text")
    if len(text) > MAX_STEP:
        raise InvalidInput(f"A next step has at most {MAX_STEP} characters.", field="text")
    if side not in NextStep.Side.values:
        raise InvalidInput("Say whose step it is: mine or theirs.", field="side")
    return NextStep.objects.create(
        owner=owner, contact=contact, chat=chat, side=side, text=text, due_on=due_on
    )


@transaction.atomic
def complete_next_step(
    owner: Owner, step: NextStep, *, done_at: datetime | None = None
) -> NextStep:
    """Mark a next step as done."""
    ensure_owned(owner, step)
    if step.done_at is not None:
        raise InvalidInput("This step is done already.")
    now = timezone.now()
    done_at = done_at or now
    if timezone.is_naive(done_at) or done_at > now:
        raise InvalidInput("Give a moment that has passed.", field="done_at")
    step.done_at = done_at
    step.save(update_fields=["done_at", "updated_at"])
    return step
