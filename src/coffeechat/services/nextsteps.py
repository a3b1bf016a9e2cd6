"""Next steps: promises from chats, mine and theirs; done and undone; a nudge when theirs is late.

My own steps need no extra rows: they are listed by due date and the late ones stand out. A step
of theirs with a due date carries one suggested nudge, a FollowUp of kind ``next_step`` due two
working days after their date (core.nextsteps.nudge_due; weekends and the public holidays of the
user's holiday country do not count). It only shows as owed once that moment
has passed, so no background job is needed; it is put aside when the step is done and comes back
when the step is undone. A nudge already sent is never repeated: nudge once, then let go.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from coffeechat.core.clock import local_today, zone
from coffeechat.core.nextsteps import nudge_due
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.errors import InvalidInput
from coffeechat.services.followups import add_next_step, complete_next_step
from coffeechat.services.ownership import ensure_owned
from coffeechat.services.preferences import calendar_of
from coffeechat.store.models import Chat, Contact, FollowUp, NextStep
from coffeechat.store.owners import Owner

# How many finished steps the list shows; older ones stay on their chat's page.
RECENT_DONE = 50


def _nudge_wanted(step: NextStep) -> bool:
    return step.side == NextStep.Side.THEM and step.due_on is not None and step.done_at is None


def sync_nudge(owner: Owner, step: NextStep, *, now: datetime | None = None) -> FollowUp | None:
    """Create, move, put aside or bring back the suggested nudge for a step of theirs."""
    ensure_owned(owner, step)
    now = now or timezone.now()
    nudges = FollowUp.objects.for_owner(owner).filter(next_step=step, kind=FollowUp.Kind.NEXT_STEP)
    sent = nudges.filter(sent_at__isnull=False).first()
    if sent is not None:
        return sent
    nudge = nudges.order_by("created_at", "pk").first()
    if not _nudge_wanted(step):
        if nudge is not None and nudge.dismissed_at is None:
            nudge.dismissed_at = now
            nudge.save(update_fields=["dismissed_at", "updated_at"])
        return nudge
    assert step.due_on is not None
    preferences = ensure_preferences(owner)
    # Working days skip the weekend and the public holidays of the user's holiday country.
    due_at = nudge_due(step.due_on, zone(preferences.time_zone), calendar_of(preferences))
    if nudge is None:
        return FollowUp.objects.create(
            owner=owner,
            contact=step.contact,
            chat=step.chat,
            kind=FollowUp.Kind.NEXT_STEP,
            next_step=step,
            due_at=due_at,
        )
    nudge.due_at = due_at
    nudge.dismissed_at = None
    nudge.save(update_fields=["due_at", "dismissed_at", "updated_at"])
    return nudge


@transaction.atomic
def add_step(
    owner: Owner,
    contact: Contact,
    text: str,
    *,
    side: str = "me",
    due_on: date | None = None,
    chat: Chat | None = None,
) -> NextStep:
    """Record a promise (mine or theirs) with an optional due date; theirs get a nudge."""
    step = add_next_step(owner, contact, text, side=side, due_on=due_on, chat=chat)
    sync_nudge(owner, step)
    return step


@transaction.atomic
def mark_done(owner: Owner, step: NextStep, *, done_at: datetime | None = None) -> NextStep:
    """Mark a step as done; a nudge about it is no longer suggested."""
    step = complete_next_step(owner, step, done_at=done_at)
    sync_nudge(owner, step)
    return step


@transaction.atomic
def undo(owner: Owner, step: NextStep) -> NextStep:
    """Open a step marked done by mistake again; its nudge comes back."""
    ensure_owned(owner, step)
    if step.done_at is None:
        raise InvalidInput("This step is still open; there is nothing to undo.")
    step.done_at = None
    step.save(update_fields=["done_at", "updated_at"])
    sync_nudge(owner, step)
    return step


@transaction.atomic
def change_due(owner: Owner, step: NextStep, due_on: date | None) -> NextStep:
    """Move a step's due date (None: no date); the nudge moves with it."""
    ensure_owned(owner, step)
    step.due_on = due_on
    step.save(update_fields=["due_on", "updated_at"])
    sync_nudge(owner, step)
    return step


@dataclass(frozen=True)
class StepLists:
    """A user's next steps, split the way the list page shows them."""

    today: date
    mine: list[NextStep]
    theirs: list[NextStep]
    done: list[NextStep]


def step_lists(owner: Owner, now: datetime | None = None) -> StepLists:
    """Open steps (mine, theirs) soonest first with undated ones last, and recent done ones."""
    now = now or timezone.now()
    # The nudges come along so the page can say when each one falls due without a query per step.
    steps = (
        NextStep.objects.for_owner(owner)
        .select_related("contact", "chat")
        .prefetch_related("follow_ups")
    )
    open_steps = list(
        steps.filter(done_at__isnull=True).order_by(
            F("due_on").asc(nulls_last=True), "created_at", "pk"
        )
    )
    done = list(steps.filter(done_at__isnull=False).order_by("-done_at", "-pk")[:RECENT_DONE])
    return StepLists(
        today=local_today(now, zone(ensure_preferences(owner).time_zone)),
        mine=[step for step in open_steps if step.side == NextStep.Side.ME],
        theirs=[step for step in open_steps if step.side == NextStep.Side.THEM],
        done=done,
    )
