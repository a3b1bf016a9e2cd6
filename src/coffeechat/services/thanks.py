"""The thank-you and other follow-up messages: draft, keep, check, deliver, record as sent.

Drafts are never lost: every way out of the composer saves what was typed first, and a delivery
that fails (no mail server, a server that refuses) leaves the draft saved and nothing marked sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from coffeechat.core import compose, guard
from coffeechat.core.capture import read_suggested
from coffeechat.core.clock import format_day
from coffeechat.core.text import clean_line, first_name
from coffeechat.services import followups, mail
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.errors import DomainError, InvalidInput
from coffeechat.services.messages import get_template
from coffeechat.services.ownership import ensure_owned
from coffeechat.store.models import Chat, FollowUp, NextStep, Note, Referral
from coffeechat.store.owners import Owner

MAX_BODY = followups.MAX_DRAFT
MAX_SUBJECT = compose.LONGEST_SUBJECT

# Which wording a follow-up of each kind starts from.
TEMPLATE_FOR_KIND: dict[str, str] = {
    FollowUp.Kind.THANK_YOU: compose.THANK_YOU,
    FollowUp.Kind.NEXT_STEP: compose.NUDGE,
    FollowUp.Kind.OUTREACH_NUDGE: compose.OUTREACH_NUDGE,
    FollowUp.Kind.ADD_VALUE: compose.ADD_VALUE,
    FollowUp.Kind.KEEP_IN_TOUCH: compose.KEEP_IN_TOUCH,
}


class NotHeldYet(DomainError):
    """A thank-you for a chat that has not taken place."""


@dataclass(frozen=True)
class Message:
    """A follow-up's subject and body as the composer shows them; ``saved`` when kept already."""

    subject: str
    body: str
    saved: bool = False


def _must_be_ready(follow_up: FollowUp) -> None:
    chat = follow_up.chat
    is_thanks = follow_up.kind == FollowUp.Kind.THANK_YOU
    if is_thanks and chat is not None and chat.status != Chat.Status.HELD:
        raise NotHeldYet(
            f"The chat with {follow_up.contact.name} is {chat.get_status_display().lower()}, "
            "not held yet. A thank-you follows a chat that took place: mark it held (or end "
            "it on the live page) first."
        )


def _must_be_open(follow_up: FollowUp) -> None:
    if follow_up.sent_at is not None:
        raise InvalidInput("This message was sent already; it is kept as it went out.")
    if follow_up.dismissed_at is not None:
        raise InvalidInput("This follow-up was dismissed; there is nothing to send.")


def memorable_notes(owner: Owner, follow_up: FollowUp) -> list[str]:
    """The notes marked memorable in the follow-up's chat, oldest first."""
    if follow_up.chat_id is None:
        return []
    notes = Note.objects.for_owner(owner).filter(
        chat_id=follow_up.chat_id, kind=Note.Kind.MEMORABLE
    )
    return [note.text.strip() for note in notes.order_by("taken_at") if note.text.strip()]


def agreed_steps(owner: Owner, follow_up: FollowUp) -> list[NextStep]:
    """The next steps agreed in the follow-up's chat (or the one step a nudge is about)."""
    if follow_up.next_step_id is not None:
        return list(NextStep.objects.for_owner(owner).filter(pk=follow_up.next_step_id))
    if follow_up.chat_id is None:
        return []
    return list(
        NextStep.objects.for_owner(owner)
        .filter(chat_id=follow_up.chat_id)
        .order_by("created_at", "pk")
    )


def _captured_stuck(follow_up: FollowUp) -> str:
    return follow_up.chat.capture_stuck.strip() if follow_up.chat is not None else ""


def stuck_sources(owner: Owner, follow_up: FollowUp) -> list[str]:
    """What stuck, as typed: the capture when there is one, else the chat's memorable notes."""
    captured = _captured_stuck(follow_up)
    return [captured] if captured else memorable_notes(owner, follow_up)


def what_stuck(owner: Owner, follow_up: FollowUp) -> str:
    """What stuck with the user, for the draft: the capture as typed, else the first memorable
    note turned to them (debrief notes are often about them: "She moved...")."""
    captured = _captured_stuck(follow_up)
    if captured:
        return captured
    notes = memorable_notes(owner, follow_up)
    return compose.stuck_from_note(notes[0]) if notes else ""


def suggested_names(owner: Owner, follow_up: FollowUp) -> list[compose.Name]:
    """Who they suggested: the capture's lines, else the people the debrief linked to the chat."""
    chat = follow_up.chat
    if chat is None:
        return []
    if chat.capture_suggested.strip():
        return [
            compose.Name(name.name, name.organisation)
            for name in read_suggested(chat.capture_suggested)
        ]
    referrals = (
        Referral.objects.for_owner(owner)
        .filter(chat_id=chat.pk)
        .select_related("to_contact__organisation")
        # Several rows written in one moment keep the order they were written in.
        .order_by("created_at", "pk")
    )
    return [
        compose.Name(
            referral.to_contact.name,
            referral.to_contact.organisation.name if referral.to_contact.organisation else "",
        )
        for referral in referrals
    ]


def due_words(step: NextStep) -> str:
    """When a step is due, as a sentence says it: the words typed ("by Friday"), else the date."""
    if step.due_text.strip():
        return step.due_text.strip()
    return f"by {format_day(step.due_on)}" if step.due_on else ""


def signature(owner: Owner) -> str:
    """What signs a message: the signature from Preferences, else the user's name, else nothing."""
    return ensure_preferences(owner).signature.strip() or mail.my_name(owner)


def draft_for(owner: Owner, follow_up: FollowUp, *, value: str = "") -> Message:
    """A fresh draft from the chat's capture (or debrief), its next steps and the template."""
    ensure_owned(owner, follow_up)
    _must_be_ready(follow_up)
    template = get_template(owner, TEMPLATE_FOR_KIND[follow_up.kind])
    steps = [
        compose.Step(side=step.side, text=step.text, due=due_words(step))
        for step in agreed_steps(owner, follow_up)
    ]
    drafted = compose.draft(
        template,
        first_name=first_name(follow_up.contact.name),
        memorable=what_stuck(owner, follow_up),
        steps=steps,
        names=suggested_names(owner, follow_up),
        value=value,
        my_name=mail.my_name(owner),
        signature=signature(owner),
        # An outreach nudge points back to the request by its subject line.
        request_subject=follow_up.outreach.subject if follow_up.outreach else "",
    )
    return Message(subject=drafted.subject, body=drafted.body)


def current_message(owner: Owner, follow_up: FollowUp) -> Message:
    """The saved draft when there is one, otherwise a fresh draft."""
    ensure_owned(owner, follow_up)
    if follow_up.draft.strip():
        return Message(subject=follow_up.subject, body=follow_up.draft, saved=True)
    return draft_for(owner, follow_up)


@transaction.atomic
def save_draft(owner: Owner, follow_up: FollowUp, subject: str, body: str) -> FollowUp:
    """Keep the subject and body as typed (line ends normalised); nothing else changes."""
    ensure_owned(owner, follow_up)
    _must_be_open(follow_up)
    subject = clean_line(subject)
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(subject) > MAX_SUBJECT:
        raise InvalidInput(f"A subject line has at most {MAX_SUBJECT} characters.", field="subject")
    if len(body) > MAX_BODY:
        raise InvalidInput(f"A message has at most {MAX_BODY:,} characters.", field="body")
    if (subject, body) != (follow_up.subject, follow_up.draft):
        follow_up.subject, follow_up.draft = subject, body
        follow_up.save(update_fields=["subject", "draft", "updated_at"])
    return follow_up


def check(owner: Owner, follow_up: FollowUp, now: datetime | None = None) -> list[guard.Problem]:
    """What the guard finds in the current draft; only a thank-you is held to every rule."""
    ensure_owned(owner, follow_up)
    _must_be_ready(follow_up)
    message = current_message(owner, follow_up)
    if follow_up.kind != FollowUp.Kind.THANK_YOU:
        # A nudge asks for something by design; only the length rule applies to it.
        return [
            problem
            for problem in guard.check(message.body, subject=message.subject)
            if problem.code == guard.TOO_LONG
        ]
    boilerplate = [
        compose.literal_text(get_template(owner, TEMPLATE_FOR_KIND[follow_up.kind])),
        *compose.FRAMING,
        follow_up.contact.name,
        signature(owner),
        mail.my_name(owner),
    ]
    return guard.check(
        message.body,
        subject=message.subject,
        memorable=stuck_sources(owner, follow_up),
        next_steps=[step.text for step in agreed_steps(owner, follow_up)],
        due_at=follow_up.due_at,
        now=now or timezone.now(),
        boilerplate=boilerplate,
    )


@transaction.atomic
def mark_sent(
    owner: Owner, follow_up: FollowUp, channel: str, now: datetime | None = None
) -> FollowUp:
    """Record that the message went out, when, and how (copied, mail program, .eml, ...)."""
    ensure_owned(owner, follow_up)
    if channel not in FollowUp.Channel.values:
        raise InvalidInput("Say how the message went out.", field="channel")
    _must_be_ready(follow_up)
    followups.mark_sent(owner, follow_up, sent_at=now)
    follow_up.sent_via = channel
    follow_up.save(update_fields=["sent_via", "updated_at"])
    return follow_up


# --- Delivery (services.mail does the work; these names stay for the composer) -------------

SMTP_TIMEOUT_SECONDS = mail.SMTP_TIMEOUT_SECONDS
SendFailed = mail.SendFailed
smtp_settings = mail.smtp_settings
sender = mail.sender
_message_id_domain = mail.message_id_domain
_deliver = mail.deliver
_explain = mail.explain


def recipient(follow_up: FollowUp) -> str:
    """The To line (name and one checked address), or empty when there is no usable one."""
    return mail.recipient(follow_up.contact)


def eml_for(owner: Owner, follow_up: FollowUp, now: datetime | None = None) -> bytes:
    """The current message as an .eml file, opened by mail programs as a draft to send."""
    ensure_owned(owner, follow_up)
    _must_be_ready(follow_up)
    message = current_message(owner, follow_up)
    return mail.eml(owner, follow_up.contact, message.subject, message.body, now or timezone.now())


def mailto_for(owner: Owner, follow_up: FollowUp) -> str:
    """A mailto: link carrying the current message, or empty without one usable address."""
    ensure_owned(owner, follow_up)
    if not mail.usable_address(follow_up.contact):
        return ""
    message = current_message(owner, follow_up)
    return mail.mailto(follow_up.contact, message.subject, message.body)


def thank_yous_of(owner: Owner, chats: Iterable[Chat]) -> dict[int, FollowUp]:
    """Each held chat's thank-you (owed or sent), by chat id: one query for any number of chats."""
    held = [chat.pk for chat in chats if chat.status == Chat.Status.HELD]
    if not held:
        return {}
    found: dict[int, FollowUp] = {}
    thank_yous = (
        FollowUp.objects.for_owner(owner)
        .filter(chat_id__in=held, kind=FollowUp.Kind.THANK_YOU)
        .select_related("contact", "chat")
        .order_by("created_at", "pk")
    )
    for follow_up in thank_yous:
        # The first made, should there be two (chat_id__in above: never None).
        found.setdefault(follow_up.chat_id, follow_up)  # type: ignore[arg-type]
    return found


def open_mailto(owner: Owner, follow_up: FollowUp | None) -> str:
    """A mailto: link with the thank-you as the composer drafts it; empty once it is sent,
    before it is owed, or without one usable address."""
    if follow_up is None or follow_up.sent_at is not None:
        return ""
    try:
        return mailto_for(owner, follow_up)
    except DomainError:
        return ""


def mailto_link(owner: Owner, follow_up: FollowUp) -> str:
    """A mailto: link carrying the current message, or InvalidInput saying what is missing."""
    ensure_owned(owner, follow_up)
    _must_be_ready(follow_up)
    message = current_message(owner, follow_up)
    return mail.mailto_link(follow_up.contact, message.subject, message.body)


def send_by_smtp(owner: Owner, follow_up: FollowUp, now: datetime | None = None) -> FollowUp:
    """Send the saved draft through the configured mail server, then record it as sent.

    The network talk happens outside any database transaction; only success marks it sent.
    """
    ensure_owned(owner, follow_up)
    _must_be_ready(follow_up)
    _must_be_open(follow_up)
    now = now or timezone.now()
    mail.send(follow_up.contact, follow_up.subject, follow_up.draft, now)
    return mark_sent(owner, follow_up, FollowUp.Channel.SMTP, now)
