"""The thank-you and other follow-up messages: draft, keep, check, deliver, record as sent.

Drafts are never lost: every way out of the composer saves what was typed first, and a delivery
that fails (no mail server, a server that refuses) leaves the draft saved and nothing marked sent.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.utils import formataddr
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from coffeechat.core import compose, guard
from coffeechat.core.text import clean_line, first_name
from coffeechat.services import followups
from coffeechat.services.errors import DomainError, InvalidInput
from coffeechat.services.messages import get_template
from coffeechat.services.ownership import ensure_owned
from coffeechat.store.models import Chat, FollowUp, NextStep, Note

if TYPE_CHECKING:
    # Settings hold this (built by coffeechat.config); services only read its fields.
    from coffeechat.config import SmtpConfig

MAX_BODY = followups.MAX_DRAFT
MAX_SUBJECT = compose.LONGEST_SUBJECT
# Shown in a downloaded .eml when no sending address is configured; the user replaces it.
PLACEHOLDER_FROM = "you@example.invalid"
SMTP_TIMEOUT_SECONDS = 15

# Which wording a follow-up of each kind starts from.
TEMPLATE_FOR_KIND = {
    FollowUp.Kind.THANK_YOU: compose.THANK_YOU,
    FollowUp.Kind.NEXT_STEP: compose.NUDGE,
    FollowUp.Kind.OUTREACH_NUDGE: compose.NUDGE,
    FollowUp.Kind.ADD_VALUE: compose.ADD_VALUE,
    FollowUp.Kind.KEEP_IN_TOUCH: compose.KEEP_IN_TOUCH,
}


class NotHeldYet(DomainError):
    """A thank-you for a chat that has not taken place."""


class SendFailed(DomainError):
    """Sending by SMTP did not work; the message says why and what to do instead."""


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


def memorable_notes(owner, follow_up: FollowUp) -> list[str]:
    """The notes marked memorable in the follow-up's chat, oldest first."""
    if follow_up.chat_id is None:
        return []
    notes = Note.objects.for_owner(owner).filter(
        chat_id=follow_up.chat_id, kind=Note.Kind.MEMORABLE
    )
    return [note.text.strip() for note in notes.order_by("taken_at") if note.text.strip()]


def agreed_steps(owner, follow_up: FollowUp) -> list[NextStep]:
    """The next steps agreed in the follow-up's chat (or the one step a nudge is about)."""
    if follow_up.next_step_id is not None:
        return list(NextStep.objects.for_owner(owner).filter(pk=follow_up.next_step_id))
    if follow_up.chat_id is None:
        return []
    return list(
        NextStep.objects.for_owner(owner).filter(chat_id=follow_up.chat_id).order_by("created_at")
    )


def _my_name(owner) -> str:
    return clean_line(owner.get_full_name() or owner.first_name or "")


def draft_for(owner, follow_up: FollowUp, *, value: str = "") -> Message:
    """A fresh draft from the chat's memorable notes, its next steps and the owner's template."""
    ensure_owned(owner, follow_up)
    _must_be_ready(follow_up)
    template = get_template(owner, TEMPLATE_FOR_KIND[follow_up.kind])
    notes = memorable_notes(owner, follow_up)
    steps = [
        compose.Step(
            side=step.side,
            text=step.text,
            due=f"{step.due_on.day} {step.due_on:%B}" if step.due_on else "",
        )
        for step in agreed_steps(owner, follow_up)
    ]
    drafted = compose.draft(
        template,
        first_name=first_name(follow_up.contact.name),
        memorable=notes[0] if notes else "",
        steps=steps,
        value=value,
        my_name=_my_name(owner),
    )
    return Message(subject=drafted.subject, body=drafted.body)


def current_message(owner, follow_up: FollowUp) -> Message:
    """The saved draft when there is one, otherwise a fresh draft."""
    ensure_owned(owner, follow_up)
    if follow_up.draft.strip():
        return Message(subject=follow_up.subject, body=follow_up.draft, saved=True)
    return draft_for(owner, follow_up)


@transaction.atomic
def save_draft(owner, follow_up: FollowUp, subject: str, body: str) -> FollowUp:
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


def check(owner, follow_up: FollowUp, now: datetime | None = None) -> list[guard.Problem]:
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
    return guard.check(
        message.body,
        subject=message.subject,
        memorable=memorable_notes(owner, follow_up),
        next_steps=[step.text for step in agreed_steps(owner, follow_up)],
        due_at=follow_up.due_at,
        now=now or timezone.now(),
    )


@transaction.atomic
def mark_sent(owner, follow_up: FollowUp, channel: str, now: datetime | None = None) -> FollowUp:
    """Record that the message went out, when, and how (copied, mail program, .eml, ...)."""
    ensure_owned(owner, follow_up)
    if channel not in FollowUp.Channel.values:
        raise InvalidInput("Say how the message went out.", field="channel")
    _must_be_ready(follow_up)
    followups.mark_sent(owner, follow_up, sent_at=now)
    follow_up.sent_via = channel
    follow_up.save(update_fields=["sent_via", "updated_at"])
    return follow_up


# --- Delivery --------------------------------------------------------------------------------


def smtp_settings() -> SmtpConfig | None:
    """The configured mail server, or None when sending from coffeechat is off."""
    return settings.COFFEECHAT_SMTP


def recipient(follow_up: FollowUp) -> str:
    """The contact's first email address, with their name, or empty when they have none."""
    address = follow_up.contact.email.strip()
    return formataddr((follow_up.contact.name, address)) if address else ""


def sender(owner) -> str:
    """The From line: the configured address, or a placeholder to replace in the .eml."""
    config = smtp_settings()
    if config is not None:
        return config.from_addr
    return formataddr((_my_name(owner), PLACEHOLDER_FROM))


def _message_id_domain(from_addr: str) -> str:
    address = from_addr.rsplit("<", 1)[-1].rstrip(">")
    return address.rsplit("@", 1)[-1] or "coffeechat.invalid"


def eml_for(owner, follow_up: FollowUp, now: datetime | None = None) -> bytes:
    """The current message as an .eml file, opened by mail programs as a draft to send."""
    ensure_owned(owner, follow_up)
    _must_be_ready(follow_up)
    message = current_message(owner, follow_up)
    from_addr = sender(owner)
    try:
        return compose.build_message(
            from_addr,
            recipient(follow_up),
            message.subject,
            message.body,
            now or timezone.now(),
            _message_id_domain(from_addr),
            unsent=True,
        )
    except compose.MessageError as error:
        raise InvalidInput(str(error)) from None


def mailto_for(owner, follow_up: FollowUp) -> str:
    """A mailto: link carrying the current message, or empty when the contact has no email."""
    ensure_owned(owner, follow_up)
    address = follow_up.contact.email.strip()
    if not address:
        return ""
    message = current_message(owner, follow_up)
    return compose.mailto_url(address, message.subject, message.body)


def _deliver(config: SmtpConfig, to_addr: str, payload: bytes) -> None:
    from_addr = config.from_addr.rsplit("<", 1)[-1].rstrip(">").strip()
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if config.security == "ssl":
        client = smtplib.SMTP_SSL(
            config.host, config.port, timeout=SMTP_TIMEOUT_SECONDS, context=context
        )
    else:
        client = smtplib.SMTP(config.host, config.port, timeout=SMTP_TIMEOUT_SECONDS)
    with client:
        if config.security == "starttls":
            client.starttls(context=context)
        if config.user:
            client.login(config.user, config.password)
        client.sendmail(from_addr, [to_addr], payload)


def _explain(error: Exception, config: SmtpConfig) -> str:
    where = f"{config.host}:{config.port}"
    fallback = " Your draft is saved; copy it or download the .eml and send it yourself."
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return (
            f"The mail server at {where} did not accept the user name and password "
            "(COFFEECHAT_SMTP_USER, COFFEECHAT_SMTP_PASSWORD)." + fallback
        )
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = "; ".join(
            f"{code} {reply.decode(errors='replace')}" for code, reply in error.recipients.values()
        )
        return f"The mail server at {where} refused the recipient: {codes}." + fallback
    if isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        return f"The mail server at {where} refused the message: {error.smtp_code} {text}." + (
            fallback
        )
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return (
            f"The mail server at {where} does not offer what COFFEECHAT_SMTP_SECURITY asks "
            f"({config.security}); check that setting." + fallback
        )
    if isinstance(error, ssl.SSLError):
        return (
            f"A secure connection to {where} failed ({error.reason or error}); check "
            "COFFEECHAT_SMTP_SECURITY and COFFEECHAT_SMTP_PORT." + fallback
        )
    if isinstance(error, smtplib.SMTPException):
        return f"Sending through {where} failed: {error}." + fallback
    reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return (
        f"Could not reach the mail server at {where} ({reason}). Check COFFEECHAT_SMTP_HOST "
        "and COFFEECHAT_SMTP_PORT, and that you are online." + fallback
    )


def send_by_smtp(owner, follow_up: FollowUp, now: datetime | None = None) -> FollowUp:
    """Send the saved draft through the configured mail server, then record it as sent.

    The network talk happens outside any database transaction; only success marks it sent.
    """
    ensure_owned(owner, follow_up)
    _must_be_ready(follow_up)
    _must_be_open(follow_up)
    config = smtp_settings()
    if config is None:
        raise SendFailed(
            "Sending from coffeechat is not set up: set COFFEECHAT_SMTP_HOST and "
            "COFFEECHAT_SMTP_FROM (see docs/configuration.md). Your draft is saved; copy it or "
            "download the .eml instead."
        )
    address = follow_up.contact.email.strip()
    if not address:
        raise SendFailed(
            f"{follow_up.contact.name} has no email address. Add one to the contact, or copy "
            "the message and send it another way. Your draft is saved."
        )
    if not follow_up.draft.strip() or not follow_up.subject.strip():
        raise SendFailed("Write and save the message, subject line included, before sending it.")
    now = now or timezone.now()
    try:
        payload = compose.build_message(
            config.from_addr,
            recipient(follow_up),
            follow_up.subject,
            follow_up.draft,
            now,
            _message_id_domain(config.from_addr),
        )
    except compose.MessageError as error:
        raise SendFailed(str(error)) from None
    try:
        _deliver(config, address, payload)
    except (smtplib.SMTPException, OSError) as error:
        raise SendFailed(_explain(error, config)) from None
    return mark_sent(owner, follow_up, FollowUp.Channel.SMTP, now)
