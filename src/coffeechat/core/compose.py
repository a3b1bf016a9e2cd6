"""Drafting follow-up messages from plain values, and packing them for delivery.

A template is text with named placeholders such as ``{first_name}``. Filling walks the pieces
itself instead of calling ``str.format``, so a template a user typed can never reach an attribute
or an index, and an unknown name is refused with a message that lists the ones we know.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from urllib.parse import quote

from coffeechat.core.placeholders import Piece, pieces, refuse_unknown

THANK_YOU = "thank_you"
NUDGE = "nudge"
ADD_VALUE = "add_value"
KEEP_IN_TOUCH = "keep_in_touch"
OUTREACH_NUDGE = "outreach_nudge"

LONGEST_SUBJECT = 300
LONGEST_TEMPLATE = 5_000

PLACEHOLDERS: dict[str, str] = {
    "first_name": "their first name",
    "memorable": "one memorable thing they said, as you noted it in the debrief",
    "next_steps": "what you both agreed to do, one line each",
    "value": "something useful you share with them: a link or an idea (optional)",
    "my_name": "your name, to sign with",
    "request_subject": "the subject line of the request for a chat you sent (outreach nudges)",
}


@dataclass(frozen=True)
class MessageTemplate:
    """A subject line and a body, each with placeholders."""

    subject: str
    body: str


DEFAULT_TEMPLATES: dict[str, MessageTemplate] = {
    THANK_YOU: MessageTemplate(
        subject="Thank you for your time, {first_name}",
        body=(
            "Hi {first_name},\n"
            "\n"
            "Thank you for making time to talk with me. One thing I keep coming back to: "
            "{memorable}\n"
            "\n"
            "To recap what we agreed:\n"
            "{next_steps}\n"
            "\n"
            "In case it is useful to you: {value}\n"
            "\n"
            "Thanks again, and let me know if I can ever return the favour.\n"
            "{my_name}"
        ),
    ),
    NUDGE: MessageTemplate(
        subject="Following up, {first_name}",
        body=(
            "Hi {first_name},\n"
            "\n"
            "I hope things are going well. I am writing to follow up gently on what we agreed:\n"
            "{next_steps}\n"
            "\n"
            "No rush at all, and thank you again.\n"
            "{my_name}"
        ),
    ),
    ADD_VALUE: MessageTemplate(
        subject="Something I thought you would like, {first_name}",
        body=(
            "Hi {first_name},\n"
            "\n"
            "Our conversation came to mind when I found this: {value}\n"
            "\n"
            "All the best,\n"
            "{my_name}"
        ),
    ),
    KEEP_IN_TOUCH: MessageTemplate(
        subject="A quick update, {first_name}",
        body=(
            "Hi {first_name},\n"
            "\n"
            "It has been a while since we talked, and I wanted to tell you how things have "
            "moved on since. {value}\n"
            "\n"
            "I hope all is well with you.\n"
            "{my_name}"
        ),
    ),
    # One nudge, 7 business days after a request for a chat went unanswered: it points back to
    # the request and asks for nothing the request did not ask already.
    OUTREACH_NUDGE: MessageTemplate(
        subject="Re: {request_subject}",
        body=(
            "Hi {first_name},\n"
            "\n"
            "I wrote to you a little while ago and thought I would bring my note back to the top "
            "of your inbox, in case it got buried.\n"
            "It was the one titled “{request_subject}”.\n"
            "\n"
            "If a short chat suits you at some point, I would be glad to hear from you. If now "
            "is not a good time, no reply is needed.\n"
            "\n"
            "Thank you,\n"
            "{my_name}"
        ),
    ),
}


class TemplateError(ValueError):
    """A template names a placeholder we cannot fill, or its braces cannot be read."""


def _pieces(text: str) -> list[Piece]:
    return pieces(text, error=TemplateError, example="first_name")


def check_template(text: str) -> None:
    """Refuse a template that names an unknown placeholder or uses braces we cannot fill."""
    if len(text) > LONGEST_TEMPLATE:
        raise TemplateError(f"Keep a template under {LONGEST_TEMPLATE:,} characters.")
    refuse_unknown(text, PLACEHOLDERS, error=TemplateError, example="first_name")


def fill(text: str, values: Mapping[str, str]) -> str:
    """Fill a template's placeholders; a line whose placeholders all came out empty is dropped.

    Dropping such lines lets one template serve a chat with no next steps or nothing of value
    to share. A line ending in a colon just above a dropped line introduced it, so it goes too:
    no dangling "To recap what we agreed:".
    """
    check_template(text)
    lines: list[str] = []
    for line in text.split("\n"):
        out: list[str] = []
        named = filled = 0
        for literal, field, _, _ in _pieces(line):
            out.append(literal)
            if field is not None:
                value = values.get(field, "")
                named += 1
                filled += bool(value.strip())
                out.append(value)
        if named and not filled:
            if lines and lines[-1].endswith(":"):
                lines.pop()
            continue
        lines.append("".join(out).rstrip())
    # A dropped line can leave two blank lines in a row; readers see one gap.
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


@dataclass(frozen=True)
class Step:
    """An agreed next step as the message recaps it."""

    side: str  # "me" or "them"
    text: str
    due: str = ""  # already written for the reader, such as "12 March"


def recap(steps: Sequence[Step]) -> str:
    """The agreed next steps, one line each, mine first."""
    ordered = sorted(steps, key=lambda step: step.side != "me")
    lines = []
    for step in ordered:
        who = "From me" if step.side == "me" else "From you"
        due = f" (by {step.due})" if step.due else ""
        lines.append(f"- {who}: {step.text.strip()}{due}")
    return "\n".join(lines)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if not text or text[-1] in ".!?…" else text + "."


@dataclass(frozen=True)
class Draft:
    """A message ready to edit."""

    subject: str
    body: str


def draft(
    template: MessageTemplate,
    *,
    first_name: str,
    memorable: str = "",
    steps: Sequence[Step] = (),
    value: str = "",
    my_name: str = "",
    request_subject: str = "",
) -> Draft:
    """Draft a message from a template and the plain facts of one chat (or one request)."""
    values = {
        "first_name": first_name.strip() or "there",
        "memorable": _sentence(memorable),
        "next_steps": recap(steps),
        "value": _sentence(value) if value.strip() and "://" not in value else value.strip(),
        "my_name": my_name.strip(),
        "request_subject": " ".join(request_subject.split()),
    }
    # A subject whose only placeholder came out empty (a request sent without a subject line)
    # would leave the message without one; a plain subject with their name stands in.
    subject = (
        " ".join(fill(template.subject, values).split()) or f"Following up, {values['first_name']}"
    )
    return Draft(subject=subject, body=fill(template.body, values))


# --- Delivery --------------------------------------------------------------------------------


class MessageError(ValueError):
    """A message cannot be built from these values (a header with a line break, say)."""


def build_message(
    from_addr: str,
    to_addr: str,
    subject: str,
    body: str,
    date: datetime,
    message_id_domain: str,
    *,
    unsent: bool = False,
) -> bytes:
    """An RFC 5322 message in UTF-8 with CRLF line ends, as a mail program or server reads it.

    ``unsent`` adds ``X-Unsent: 1``, which tells Outlook and some other programs to open a
    downloaded .eml as a draft to send rather than as a message received.
    """
    if date.tzinfo is None:
        raise MessageError("The message date needs a time zone.")
    message = EmailMessage(policy=SMTP)
    try:
        message["From"] = from_addr
        message["To"] = to_addr
        message["Subject"] = subject
        message["Date"] = format_datetime(date)
        message["Message-ID"] = make_msgid(domain=message_id_domain)
        if unsent:
            message["X-Unsent"] = "1"
    except (ValueError, IndexError) as error:
        raise MessageError(f"The message headers cannot be written: {error}") from None
    # Normalise line ends so a pasted CRLF body does not end up with doubled blank lines.
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    # Quoted-printable keeps the file 7-bit clean, so any server and any mail program reads it.
    message.set_content(
        text if text.endswith("\n") else text + "\n", charset="utf-8", cte="quoted-printable"
    )
    return message.as_bytes()


def mailto_url(to_addr: str, subject: str, body: str) -> str:
    """A ``mailto:`` link (RFC 6068) that opens the user's mail program with the message filled."""
    # Line breaks travel as CRLF; every reserved character is percent-encoded, spaces as %20.
    text = body.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    query = f"subject={quote(subject, safe='')}&body={quote(text, safe='')}"
    return f"mailto:{quote(to_addr, safe='@')}?{query}"
