"""Template tags for a chat's debrief: what it kept, shown on the chat page and the debrief page."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from coffeechat.core.nextsteps import step_state as core_step_state
from coffeechat.store.models import Chat, FollowUp, NextStep, Note, Referral

register = template.Library()


@dataclass(frozen=True)
class DebriefSummary:
    """A held chat's memorable notes, next steps and referrals."""

    notes: list[Note]
    steps: list[NextStep]
    referrals: list[Referral]

    @property
    def is_empty(self) -> bool:
        return not (self.notes or self.steps or self.referrals)


@register.simple_tag
def debrief_of(chat: Chat) -> DebriefSummary | None:
    """What the debrief of ``chat`` kept so far; None for a chat that was not held."""
    if chat.status != Chat.Status.HELD:
        return None
    # ``chat`` was looked up for its owner, so rows joined to it belong to the same owner.
    mine = {"owner_id": chat.owner_id, "chat": chat}
    return DebriefSummary(
        notes=list(Note.objects.filter(kind=Note.Kind.MEMORABLE, **mine).order_by("taken_at")),
        steps=list(NextStep.objects.filter(**mine).order_by("done_at", "due_on", "pk")),
        referrals=list(
            Referral.objects.filter(**mine)
            .select_related("to_contact", "to_contact__organisation")
            .order_by("created_at", "pk")
        ),
    )


@register.simple_tag
def step_state(step: NextStep, today) -> str:
    """``done``, ``late``, ``today``, ``soon`` or ``later`` for a next step (core.nextsteps)."""
    return core_step_state(step.due_on, step.done_at is not None, today)


@register.simple_tag
def open_nudge(step: NextStep) -> FollowUp | None:
    """The suggested nudge about a step of theirs, from the prefetched follow-ups."""
    for follow_up in step.follow_ups.all():
        if follow_up.kind == FollowUp.Kind.NEXT_STEP:
            return follow_up
    return None
