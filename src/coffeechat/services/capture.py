"""The capture at the end of a chat: what stuck, what was agreed, who they suggested.

The three texts are kept as typed on the chat (saved while the user types on the live page), and
the rows made from them are kept in step on each save: one next step a line of what was agreed
(``from_capture``), and one memorable note for what stuck. Names they suggested stay text here;
the full debrief turns them into contacts when the user wants to.

Due dates are read from the day the chat took place, not the day of the edit: "Friday" typed
right after the chat means the same Friday when the line is corrected a day later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from coffeechat.core.capture import AgreedStep, SuggestedName, read_agreed, read_suggested
from coffeechat.core.clock import local_today, zone
from coffeechat.core.text import first_name, fold
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.errors import InvalidInput
from coffeechat.services.nextsteps import add_step, sync_nudge
from coffeechat.services.ownership import ensure_owned
from coffeechat.services.rendering import rendered
from coffeechat.store.models import Chat, NextStep, Note, Referral
from coffeechat.store.owners import Owner

# Enough for a thank-you's worth of detail; a longer text is a paste gone wrong.
LONGEST_FIELD = 2000
LABELS = {
    "stuck": "What stuck with you",
    "agreed": "What we agreed",
    "suggested": "Who they suggested",
}


class NothingToCapture(InvalidInput):
    """The chat never took place (yet), so there is no conversation to capture."""


@dataclass(frozen=True)
class Reading:
    """How the capture of a chat reads: what stuck, and the steps and names in its lines."""

    stuck: str
    agreed: tuple[AgreedStep, ...]
    suggested: tuple[SuggestedName, ...]

    @property
    def has_text(self) -> bool:
        return bool(self.stuck.strip() or self.agreed or self.suggested)


def capture_problem(chat: Chat) -> str:
    """Why ``chat`` has nothing to capture yet, or an empty string when it has."""
    if chat.actual_start is not None and chat.status in (Chat.Status.LIVE, Chat.Status.HELD):
        return ""
    if chat.status == Chat.Status.PLANNED:
        return (
            "This chat has not started yet: press Start on its live page, and capture what "
            "stuck once it ends."
        )
    return (
        f"This chat is {chat.get_status_display().lower()}, so there is no conversation to capture."
    )


def _day_of(owner: Owner, chat: Chat, now: datetime) -> date:
    """The day the chat's words were said, where the user lives."""
    said = chat.actual_end or chat.actual_start or now
    return local_today(said, zone(ensure_preferences(owner).time_zone))


def read_capture(owner: Owner, chat: Chat, *, now: datetime | None = None) -> Reading:
    """The chat's capture as understood: whose each step is, its due date, each name."""
    ensure_owned(owner, chat)
    day = _day_of(owner, chat, now or timezone.now())
    return Reading(
        stuck=chat.capture_stuck,
        agreed=tuple(
            read_agreed(chat.capture_agreed, today=day, their_name=first_name(chat.contact.name))
        ),
        suggested=tuple(read_suggested(chat.capture_suggested)),
    )


def _checked(**texts: str) -> dict[str, str]:
    for name, text in texts.items():
        if len(text) > LONGEST_FIELD:
            raise InvalidInput(
                f"{LABELS[name]} is limited to {LONGEST_FIELD:,} characters; this has "
                f"{len(text):,}. Shorten it and it saves again.",
                field=name,
            )
    return texts


def _sync_memorable(owner: Owner, chat: Chat, before: str, now: datetime) -> None:
    """One memorable note for what stuck, updated in place; found by the text it had."""
    text = chat.capture_stuck.strip()
    note = (
        Note.objects.for_owner(owner)
        .filter(chat=chat, kind=Note.Kind.MEMORABLE, text=before.strip())
        .order_by("pk")
        .first()
        if before.strip()
        else None
    )
    if not text:
        if note is not None:
            note.delete()
        return
    if note is None:
        Note.objects.create(
            owner=owner,
            contact=chat.contact,
            chat=chat,
            kind=Note.Kind.MEMORABLE,
            text=text,
            text_html=rendered(text),
            taken_at=now,
        )
    elif note.text != text:
        note.text = text
        note.text_html = rendered(text)
        note.save(update_fields=["text", "text_html", "updated_at"])


def _sync_steps(owner: Owner, chat: Chat, wanted: tuple[AgreedStep, ...]) -> None:
    """The chat's next steps from the capture, one a line; a line kept keeps its row."""
    existing = list(
        NextStep.objects.for_owner(owner).filter(chat=chat, from_capture=True).order_by("pk")
    )
    for step in wanted:
        row = next((row for row in existing if row.text == step.text), None)
        if row is None:
            row = add_step(
                owner, chat.contact, step.text, side=step.side, due_on=step.due_on, chat=chat
            )
            row.from_capture = True
            row.due_text = step.due_text
            row.save(update_fields=["from_capture", "due_text", "updated_at"])
            continue
        existing.remove(row)
        if (row.side, row.due_on, row.due_text) != (step.side, step.due_on, step.due_text):
            row.side, row.due_on, row.due_text = step.side, step.due_on, step.due_text
            row.save(update_fields=["side", "due_on", "due_text", "updated_at"])
            sync_nudge(owner, row)
    # A line taken out goes with its step, unless the step has a history worth keeping: done,
    # or a nudge about it already sent. That one stays, as a step of the chat's own.
    kept = {
        row.pk
        for row in existing
        if row.done_at is not None or row.follow_ups.filter(sent_at__isnull=False).exists()
    }
    for row in existing:
        if row.pk in kept:
            row.from_capture = False
            row.save(update_fields=["from_capture", "updated_at"])
        else:
            row.delete()


@transaction.atomic
def save_capture(
    owner: Owner,
    chat: Chat,
    *,
    stuck: str = "",
    agreed: str = "",
    suggested: str = "",
    now: datetime | None = None,
) -> Reading:
    """Keep the capture as typed and bring its next steps and memorable note in step with it.

    All or nothing: a refusal (a text over the limit, a step too long) leaves everything as it
    was, and the caller keeps the text in the form.
    """
    ensure_owned(owner, chat)
    now = now or timezone.now()
    chat = Chat.objects.select_for_update().select_related("contact").get(pk=chat.pk)
    problem = capture_problem(chat)
    if problem:
        raise NothingToCapture(problem)
    texts = _checked(stuck=stuck, agreed=agreed, suggested=suggested)
    before = chat.capture_stuck
    changed = [
        f"capture_{name}"
        for name, text in texts.items()
        if getattr(chat, f"capture_{name}") != text
    ]
    for field in changed:
        setattr(chat, field, texts[field.removeprefix("capture_")])
    reading = read_capture(owner, chat, now=now)
    try:
        _sync_steps(owner, chat, reading.agreed)
    except InvalidInput as error:
        raise InvalidInput(error.message, field="agreed") from error
    _sync_memorable(owner, chat, before, now)
    if changed:
        chat.save(update_fields=[*changed, "updated_at"])
    return reading


def names_to_add(owner: Owner, chat: Chat) -> tuple[SuggestedName, ...]:
    """The names suggested in the capture that the chat's debrief has not added yet."""
    ensure_owned(owner, chat)
    added = {
        fold(name)
        for name in Referral.objects.for_owner(owner)
        .filter(chat=chat)
        .values_list("to_contact__name", flat=True)
    }
    return tuple(
        person
        for person in read_suggested(chat.capture_suggested)
        if fold(person.name) not in added
    )
