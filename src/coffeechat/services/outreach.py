"""Landing conversations: requests for a chat, and the organisations worth reaching."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from coffeechat.services.errors import InvalidInput
from coffeechat.services.ownership import ensure_owned
from coffeechat.store.models import Contact, Organisation, Outreach

MAX_MESSAGE = 5_000


@transaction.atomic
def log_outreach(
    owner, contact: Contact, message: str, *, sent_at: datetime | None = None
) -> Outreach:
    """Record a request for a chat: a draft, or waiting for a reply once ``sent_at`` is given."""
    ensure_owned(owner, contact)
    message = message.strip()
    if len(message) > MAX_MESSAGE:
        raise InvalidInput(f"A request has at most {MAX_MESSAGE:,} characters.", field="message")
    if sent_at is not None and (timezone.is_naive(sent_at) or sent_at > timezone.now()):
        raise InvalidInput("Give a sending time that has passed.", field="sent_at")
    status = Outreach.Status.DRAFT if sent_at is None else Outreach.Status.WAITING
    return Outreach.objects.create(
        owner=owner, contact=contact, message=message, sent_at=sent_at, status=status
    )


@transaction.atomic
def record_reply(
    owner, outreach: Outreach, *, accepted: bool = True, replied_at: datetime | None = None
) -> Outreach:
    """Record the answer to a sent request: replied (yes) or declined."""
    ensure_owned(owner, outreach)
    if outreach.sent_at is None:
        raise InvalidInput("This request has not been sent yet.")
    if outreach.status not in (Outreach.Status.WAITING, Outreach.Status.NUDGED):
        raise InvalidInput("This request has had its answer already.")
    now = timezone.now()
    replied_at = replied_at or now
    if timezone.is_naive(replied_at) or not outreach.sent_at <= replied_at <= now:
        raise InvalidInput("The reply comes after the request and before now.", field="replied_at")
    outreach.status = Outreach.Status.REPLIED if accepted else Outreach.Status.DECLINED
    outreach.replied_at = replied_at
    outreach.save(update_fields=["status", "replied_at", "updated_at"])
    return outreach


@transaction.atomic
def mark_target(
    owner,
    organisation: Organisation,
    *,
    motivation: int,
    hiring_signal: str = "unknown",
    top_five: bool = False,
    has_advocate: bool | None = None,
) -> Organisation:
    """Make an organisation a target with its priority (motivation 1 to 3, hiring, top five)."""
    ensure_owned(owner, organisation)
    if motivation not in (1, 2, 3):
        raise InvalidInput("Rate your motivation from 1 (low) to 3 (high).", field="motivation")
    if hiring_signal not in Organisation.Hiring.values:
        raise InvalidInput("Choose a hiring signal.", field="hiring_signal")
    organisation.is_target = True
    organisation.motivation = motivation
    organisation.hiring_signal = hiring_signal
    organisation.top_five = top_five
    organisation.has_advocate = has_advocate
    organisation.save()
    return organisation


# Statuses of a request that is out and has had no answer yet.
AWAITING = (Outreach.Status.WAITING, Outreach.Status.MOVED_ON, Outreach.Status.NUDGED)


@transaction.atomic
def move_on(owner, outreach: Outreach, *, now: datetime | None = None) -> Outreach:
    """Record that the user acted on the 3-business-day suggestion for this request.

    They wrote to a second person at the organisation, or chose not to. The request itself keeps
    waiting for its reply and its 7-day nudge; only the suggestion stops showing.
    """
    ensure_owned(owner, outreach)
    if outreach.sent_at is None:
        raise InvalidInput("This request has not been sent yet, so nothing is waiting on it.")
    if outreach.moved_on_at is not None:
        return outreach
    outreach.moved_on_at = now or timezone.now()
    if outreach.status == Outreach.Status.WAITING:
        outreach.status = Outreach.Status.MOVED_ON
    outreach.save(update_fields=["moved_on_at", "status", "updated_at"])
    return outreach
