"""The user's own wording for the messages coffeechat drafts; a missing row means our default."""

from __future__ import annotations

from django.db import transaction

from coffeechat.core.compose import (
    DEFAULT_TEMPLATES,
    LONGEST_SUBJECT,
    MessageTemplate,
    TemplateError,
    check_template,
)
from coffeechat.core.text import clean_line
from coffeechat.services.errors import InvalidInput
from coffeechat.store.models import MessageTemplate as MessageTemplateRow
from coffeechat.store.owners import Owner


def _known(kind: str) -> None:
    if kind not in DEFAULT_TEMPLATES:
        raise InvalidInput("There is no message of that kind.", field="kind")


def get_template(owner: Owner, kind: str) -> MessageTemplate:
    """The owner's wording for one kind of message, or our default."""
    _known(kind)
    row = MessageTemplateRow.objects.for_owner(owner).filter(kind=kind).first()
    if row is None:
        return DEFAULT_TEMPLATES[kind]
    return MessageTemplate(subject=row.subject, body=row.body)


def is_customised(owner: Owner, kind: str) -> bool:
    """Whether the owner has reworded this kind of message."""
    return MessageTemplateRow.objects.for_owner(owner).filter(kind=kind).exists()


@transaction.atomic
def save_template(owner: Owner, kind: str, subject: str, body: str) -> MessageTemplateRow | None:
    """Keep the owner's wording; our default word for word (or both empty) goes back to it."""
    _known(kind)
    subject = clean_line(subject)
    body = body.replace("\r\n", "\n").strip()
    if not subject and not body:
        return reset_template(owner, kind)
    if not subject:
        raise InvalidInput("Give the message a subject line.", field="subject")
    if not body:
        raise InvalidInput("Write the message itself.", field="body")
    if len(subject) > LONGEST_SUBJECT:
        raise InvalidInput(
            f"A subject line has at most {LONGEST_SUBJECT} characters.", field="subject"
        )
    for field, text in (("subject", subject), ("body", body)):
        try:
            check_template(text)
        except TemplateError as error:
            raise InvalidInput(str(error), field=field) from None
    rows = MessageTemplateRow.objects.for_owner(owner).filter(kind=kind)
    # Keeping an exact copy of the default would freeze it; later improvements would not reach them.
    if MessageTemplate(subject, body) == DEFAULT_TEMPLATES[kind]:
        rows.delete()
        return None
    row = rows.first()
    if row is None:
        return MessageTemplateRow.objects.create(owner=owner, kind=kind, subject=subject, body=body)
    row.subject, row.body = subject, body
    row.save(update_fields=["subject", "body", "updated_at"])
    return row


@transaction.atomic
def reset_template(owner: Owner, kind: str) -> None:
    """Forget the owner's wording for one kind of message, so our default applies again."""
    _known(kind)
    MessageTemplateRow.objects.for_owner(owner).filter(kind=kind).delete()
