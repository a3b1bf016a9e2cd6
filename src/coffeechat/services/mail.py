"""Delivering a message coffeechat drafted: .eml files, mailto: links and SMTP.

Shared by every composer (thank-yous and other follow-ups, requests for a chat). Nothing here
writes to the database: callers save the draft first and record it as sent only when delivery
worked, so a failed send never loses a draft or marks one sent.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.utils import formataddr, parseaddr
from typing import TYPE_CHECKING

from django.conf import settings

from coffeechat.core import compose
from coffeechat.core.fields import FieldError, check_email, is_email
from coffeechat.core.text import clean_line
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.errors import DomainError, InvalidInput
from coffeechat.store.models import Contact
from coffeechat.store.owners import Owner

if TYPE_CHECKING:
    # Settings hold this (built by coffeechat.config); services only read its fields.
    from coffeechat.config import SmtpConfig

SMTP_TIMEOUT_SECONDS = 15
KEPT = " Your draft is saved; copy it or download the .eml and send it yourself."


class SendFailed(DomainError):
    """Sending by SMTP did not work; the message says why and what to do instead."""


def smtp_settings() -> SmtpConfig | None:
    """The configured mail server, or None when sending from coffeechat is off."""
    return settings.COFFEECHAT_SMTP


def _identity(owner: Owner) -> tuple[str, str]:
    """The owner's name and their own email address (Preferences), each empty when unknown."""
    preferences = ensure_preferences(owner)
    name = clean_line(preferences.your_name or owner.get_full_name() or owner.first_name or "")
    address = preferences.your_email.strip()
    return name, address if is_email(address) else ""


def my_name(owner: Owner) -> str:
    """The owner's name as they sign a message: theirs from Preferences, else their account's."""
    return _identity(owner)[0]


def usable_address(contact: Contact) -> str:
    """The contact's first email address when it is exactly one address, else empty."""
    address = contact.email.strip()
    return address if is_email(address) else ""


def address_of(contact: Contact) -> str:
    """The contact's first email address, checked to be exactly one (core.fields).

    Empty when they have none; InvalidInput, in plain words, when the stored value is not one
    address (a list after a comma, a name in angle brackets, a line break), so a message never
    goes to a second recipient and never fails on a header.
    """
    address = contact.email.strip()
    if not address:
        return ""
    try:
        return check_email(address)
    except FieldError as error:
        shown = " ".join(address.split())
        raise InvalidInput(
            f'{contact.name}\'s email address "{shown}" is not one email address: {error} '
            "Correct it on the contact, then try again."
        ) from None


def recipient(contact: Contact) -> str:
    """The To line, the contact's name and one checked address; empty when there is none.

    For showing: a stored value that is not one address gives empty too (see address_of).
    """
    return _to_line(contact, usable_address(contact))


def _to_line(contact: Contact, address: str) -> str:
    return formataddr((contact.name, address)) if address else ""


def eml_sender(owner: Owner) -> str:
    """The From line of a downloaded .eml: "Sam Rivera <sam@example.com>" from Preferences.

    Empty when the owner has not given their address: the mail program that opens the draft
    fills in its own account. Never an address we made up.
    """
    name, address = _identity(owner)
    return formataddr((name, address)) if address else ""


@dataclass(frozen=True)
class SmtpSender:
    """Who a message sent through the mail server is from, and where replies go (or empty)."""

    from_line: str
    reply_to: str = ""


def smtp_sender(owner: Owner, config: SmtpConfig) -> SmtpSender:
    """The From line of a message sent through the mail server, and its Reply-To.

    The server sends from COFFEECHAT_SMTP_FROM, the one address it is set up to vouch for (a
    server that checks senders refuses any other, and receivers mark a forged one as spam), under
    the owner's name. When the owner's own address is another one, replies go to it.
    """
    name, address = _identity(owner)
    configured_name, configured = parseaddr(config.from_addr)
    from_line = formataddr((name or configured_name, configured))
    if address and address.casefold() != configured.casefold():
        return SmtpSender(from_line, reply_to=formataddr((name, address)))
    return SmtpSender(from_line)


def sender(owner: Owner) -> str:
    """The From line as the composer shows it: the mail server's when one is set up, else the
    .eml's (empty when the owner has not given their address)."""
    config = smtp_settings()
    if config is not None:
        return smtp_sender(owner, config).from_line
    return eml_sender(owner)


def message_id_domain(from_addr: str) -> str:
    """The domain for a Message-ID: the sender's, or one that cannot clash with a real one."""
    address = from_addr.rsplit("<", 1)[-1].rstrip(">")
    return address.rsplit("@", 1)[-1] or "coffeechat.invalid"


def eml(owner: Owner, contact: Contact, subject: str, body: str, now: datetime) -> bytes:
    """The message as an .eml file, opened by mail programs as a draft to send."""
    from_addr = eml_sender(owner)
    address = address_of(contact)
    try:
        return compose.build_message(
            from_addr,
            _to_line(contact, address),
            subject,
            body,
            now,
            message_id_domain(from_addr),
            unsent=True,
        )
    except compose.MessageError as error:
        raise InvalidInput(str(error)) from None


def mailto(contact: Contact, subject: str, body: str) -> str:
    """A mailto: link carrying the message, or empty when the contact has no usable email."""
    try:
        return mailto_link(contact, subject, body)
    except InvalidInput:
        return ""


def mailto_link(contact: Contact, subject: str, body: str) -> str:
    """A mailto: link carrying the message, or InvalidInput saying which address is missing."""
    address = _address_for_sending(
        contact,
        InvalidInput,
        f"{contact.name} has no email address to open your mail program with. Add one to "
        "the contact, or copy the message or download the .eml. Your draft is saved.",
    )
    return compose.mailto_url(address, subject, body)


def _address_for_sending(contact: Contact, refusal: type[DomainError], missing: str) -> str:
    """The one address a message goes to, or ``refusal`` saying why there is none (``missing``
    when the contact has no address at all); the draft was saved before, and the message says so."""
    try:
        address = address_of(contact)
    except InvalidInput as error:
        raise refusal(error.message + " Your draft is saved.") from None
    if not address:
        raise refusal(missing)
    return address


def deliver(config: SmtpConfig, to_addr: str, payload: bytes) -> None:
    """Hand one message to the mail server; raises what smtplib or the network raise."""
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


def explain(error: Exception, config: SmtpConfig, after: str = KEPT) -> str:
    """What went wrong while sending, in words that say which setting to look at.

    ``after`` ends each explanation: for a draft, that it is saved and how else to send it.
    """
    where = f"{config.host}:{config.port}"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return (
            f"The mail server at {where} did not accept the user name and password "
            "(COFFEECHAT_SMTP_USER, COFFEECHAT_SMTP_PASSWORD)." + after
        )
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = "; ".join(
            f"{code} {reply.decode(errors='replace')}" for code, reply in error.recipients.values()
        )
        return f"The mail server at {where} refused the recipient: {codes}." + after
    if isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        return f"The mail server at {where} refused the message: {error.smtp_code} {text}." + after
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return (
            f"The mail server at {where} does not offer what COFFEECHAT_SMTP_SECURITY asks "
            f"({config.security}); check that setting." + after
        )
    if isinstance(error, ssl.SSLError):
        return (
            f"A secure connection to {where} failed ({error.reason or error}); check "
            "COFFEECHAT_SMTP_SECURITY and COFFEECHAT_SMTP_PORT." + after
        )
    if isinstance(error, smtplib.SMTPException):
        return f"Sending through {where} failed: {error}." + after
    reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return (
        f"Could not reach the mail server at {where} ({reason}). Check COFFEECHAT_SMTP_HOST "
        "and COFFEECHAT_SMTP_PORT, and that you are online." + after
    )


def send(contact: Contact, subject: str, body: str, now: datetime) -> None:
    """Send a saved message to the contact through the configured server, or raise SendFailed.

    The network talk happens outside any database transaction; the caller marks it sent after.
    """
    config = smtp_settings()
    if config is None:
        raise SendFailed(
            "Sending from coffeechat is not set up: set COFFEECHAT_SMTP_HOST and "
            "COFFEECHAT_SMTP_FROM (see docs/configuration.md). Your draft is saved; copy it or "
            "download the .eml instead."
        )
    address = _address_for_sending(
        contact,
        SendFailed,
        f"{contact.name} has no email address. Add one to the contact, or copy the message "
        "and send it another way. Your draft is saved.",
    )
    if not body.strip() or not subject.strip():
        raise SendFailed("Write and save the message, subject line included, before sending it.")
    # The contact's owner is the one sending: their name, and their address for replies.
    from_who = smtp_sender(contact.owner, config)
    try:
        payload = compose.build_message(
            from_who.from_line,
            _to_line(contact, address),
            subject,
            body,
            now,
            message_id_domain(from_who.from_line),
            reply_to=from_who.reply_to,
        )
    except compose.MessageError as error:
        raise SendFailed(str(error)) from None
    try:
        deliver(config, address, payload)
    except (smtplib.SMTPException, OSError) as error:
        raise SendFailed(explain(error, config)) from None
