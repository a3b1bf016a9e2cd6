"""Template tags for next steps: where each stands, and the nudge suggested about it.

None of them runs a query: what a debrief kept is looked up by the views
(services.debrief.debriefs_of), once for all the chats a page shows.
"""

from __future__ import annotations

from django import template

from coffeechat.core.nextsteps import step_state as core_step_state
from coffeechat.store.models import FollowUp, NextStep

register = template.Library()


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
