"""Who do I owe: every message, promise and reminder still open, and what was done lately.

The one rule for what is owed now: ``owed()`` decides what is due, for whom and by when, and
every list of debts reads it and nothing else: the home page, ``coffeechat followups`` (all of
it) and ``coffeechat today`` (``Owed.today``: what is due by the end of the user's day). A
snooze at any level (the follow-up, the person's reminders, the nudge of a promise) keeps what
it covers out of every list until it ends; a request answered or closed is owed no more. It
runs the same handful of queries however many contacts, chats and follow-ups there are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from coffeechat.core.clock import day_bounds, local_today, zone
from coffeechat.core.followups import REMINDER_WINDOW, next_reminder
from coffeechat.core.followups import urgency as urgency_at
from coffeechat.core.text import counted
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.errors import InvalidInput
from coffeechat.services.outreach_timers import DueOutreach, settle
from coffeechat.services.ownership import ensure_owned
from coffeechat.store.models import Chat, Contact, FollowUp, NextStep, Note, Outreach, Referral

# Messages other than thank-yous show this far ahead, so the user can get to them early; a
# thank-you shows from the moment it is owed, since its whole life is 24 hours.
HORIZON = timedelta(days=7)
# "Done recently": long enough to see yesterday's progress, short enough to stay a short list.
DONE_WITHIN = timedelta(days=2)
# The longest one snooze may last.
LONGEST_SNOOZE = timedelta(days=366)

# Sorts after every real moment.
LAST = datetime.max.replace(tzinfo=UTC)

REMINDER_KINDS = (FollowUp.Kind.KEEP_IN_TOUCH, FollowUp.Kind.ADD_VALUE)


@dataclass(frozen=True)
class Item:
    """One thing owed or done, in the shape every section shares.

    ``kind`` is a FollowUp kind, ``"step"`` (a next step of mine), ``"promise"`` (a next step of
    theirs), ``"referral"`` (a name I was given), ``"cadence"`` (a keep-in-touch reminder
    worked out from the contact's cadence, with no row behind it yet), or ``"outreach"`` (a
    request for a chat whose 3-day suggestion or 7-day nudge is due; ``request`` says which).
    """

    kind: str
    label: str
    contact: Contact
    due_at: datetime | None = None  # None: no date was agreed
    text: str = ""
    follow_up: FollowUp | None = None
    step: NextStep | None = None
    referral: Referral | None = None
    chat: Chat | None = None
    done_at: datetime | None = None
    # For a promise of theirs: the open nudge follow-up about it, if one was drafted.
    nudge: FollowUp | None = None
    capped: bool = False  # a cadence reminder the yearly cap pushed later
    request: DueOutreach | None = None  # for "outreach": the request and what is due

    def is_overdue(self, now: datetime) -> bool:
        return self.due_at is not None and self.due_at < now

    def urgency(self, now: datetime) -> str:
        """How it stands at ``now``: "overdue", "soon" (a few hours left), "later" or "undated"."""
        return "undated" if self.due_at is None else urgency_at(self.due_at, now).state


@dataclass(frozen=True)
class Owed:
    """What the owner owes, section by section, each soonest first (so overdue leads)."""

    now: datetime
    time_zone: str
    # The end of the owner's calendar day, where they live: what is due by then is due today.
    tonight: datetime
    thank_yous: list[Item] = field(default_factory=list)
    next_steps: list[Item] = field(default_factory=list)
    intros: list[Item] = field(default_factory=list)
    reminders: list[Item] = field(default_factory=list)
    # Requests waiting: due 3-and-7 timers, and outreach nudges being written.
    nudges: list[Item] = field(default_factory=list)
    done: list[Item] = field(default_factory=list)

    @property
    def open_items(self) -> list[Item]:
        return [*self.thank_yous, *self.next_steps, *self.intros, *self.reminders, *self.nudges]

    @property
    def messages(self) -> list[Item]:
        """The messages to write: thank-yous, reminders and nudges other than due requests."""
        nudges = [item for item in self.nudges if item.kind != "outreach"]
        return _soonest_first([*self.thank_yous, *self.reminders, *nudges])

    @property
    def requests(self) -> list[Item]:
        """Requests for a chat whose 3-and-7 timers are due."""
        return [item for item in self.nudges if item.kind == "outreach"]

    @property
    def overdue(self) -> list[Item]:
        return [item for item in self.open_items if item.is_overdue(self.now)]

    @property
    def due_within_a_day(self) -> list[Item]:
        soon = self.now + timedelta(days=1)
        return [
            item
            for item in self.open_items
            if item.due_at is not None and self.now <= item.due_at <= soon
        ]

    @property
    def is_empty(self) -> bool:
        return not self.open_items and not self.done

    @property
    def today(self) -> Owed:
        """The same sections cut to what is due by tonight; undated items and the done wait."""

        def due(items: list[Item]) -> list[Item]:
            return [
                item for item in items if item.due_at is not None and item.due_at <= self.tonight
            ]

        return replace(
            self,
            thank_yous=due(self.thank_yous),
            next_steps=due(self.next_steps),
            intros=due(self.intros),
            reminders=due(self.reminders),
            nudges=due(self.nudges),
            done=[],
        )


def _soonest_first(items: list[Item]) -> list[Item]:
    # Undated promises go last: they are real but nothing presses.
    return sorted(
        items,
        key=lambda item: (item.due_at is None, item.due_at or LAST),
    )


def _end_of(day: date | None, tz) -> datetime | None:
    # A step due on a date is on time until that day is over where the user lives.
    return None if day is None else day_bounds(day, tz)[1]


def owed(owner, now: datetime | None = None) -> Owed:
    """Everything the owner owes at ``now``, by section, and what they did in the last 2 days."""
    now = now or timezone.now()
    preferences = ensure_preferences(owner)
    tz = zone(preferences.time_zone)
    horizon = now + HORIZON
    tonight = day_bounds(local_today(now, tz), tz)[1]
    result = Owed(now=now, time_zone=preferences.time_zone, tonight=tonight)
    # Requests whose wait is over are closed here, on a read: there is no background job, and
    # every list that shows requests goes through this function first, so a closed request is
    # never shown as due. The write is idempotent and touches only rows whose moment passed.
    # It comes first: closing puts aside the unsent nudges the follow-ups below would list.
    due_requests = settle(owner, now, preferences=preferences)

    open_follow_ups = (
        FollowUp.objects.for_owner(owner)
        .open()
        # A nudge about their promise comes whenever it is due: the promise shows its countdown.
        .filter(
            Q(kind=FollowUp.Kind.THANK_YOU)
            | Q(due_at__lte=horizon)
            | Q(next_step__side=NextStep.Side.THEM)
        )
        .exclude(snoozed_until__gt=now)
        .exclude(
            kind__in=REMINDER_KINDS,
            contact__reminders_snoozed_until__gt=now,
        )
        # A nudge about a request that was answered (or closed) meanwhile is owed no more.
        .exclude(
            kind=FollowUp.Kind.OUTREACH_NUDGE,
            outreach__status__in=(
                Outreach.Status.REPLIED,
                Outreach.Status.DECLINED,
                Outreach.Status.CLOSED,
            ),
        )
        .select_related("contact", "chat", "next_step")
    )
    nudges_by_step: dict[int, FollowUp] = {}
    nudges_by_request: dict[int, Item] = {}
    for follow_up in open_follow_ups:
        kind = follow_up.kind
        item = Item(
            kind=kind,
            label=follow_up.get_kind_display(),
            contact=follow_up.contact,
            due_at=follow_up.due_at,
            text=follow_up.subject or follow_up.draft,
            follow_up=follow_up,
            chat=follow_up.chat,
            step=follow_up.next_step,
        )
        if kind == FollowUp.Kind.THANK_YOU:
            result.thank_yous.append(item)
        elif kind in REMINDER_KINDS:
            result.reminders.append(item)
        elif kind == FollowUp.Kind.OUTREACH_NUDGE and follow_up.outreach_id is not None:
            nudges_by_request[follow_up.outreach_id] = item
        elif kind == FollowUp.Kind.OUTREACH_NUDGE:
            result.nudges.append(item)
        elif follow_up.next_step is not None and follow_up.next_step.side == NextStep.Side.THEM:
            # A nudge about their promise is shown with the promise itself.
            nudges_by_step[follow_up.next_step_id] = follow_up
        else:
            result.next_steps.append(item)

    # A promise of theirs waits with its nudge: snoozing the nudge puts the promise off too.
    nudge_snoozed = FollowUp.objects.open().filter(next_step=OuterRef("pk"), snoozed_until__gt=now)
    steps = (
        NextStep.objects.for_owner(owner)
        .filter(done_at__isnull=True)
        .exclude(Exists(nudge_snoozed), side=NextStep.Side.THEM)
        .select_related("contact", "chat")
    )
    for step in steps:
        due_at = _end_of(step.due_on, tz)
        if step.side == NextStep.Side.ME:
            result.next_steps.append(
                Item(
                    "step", "Next step", step.contact, due_at, step.text, step=step, chat=step.chat
                )
            )
        else:
            nudge = nudges_by_step.pop(step.pk, None)
            result.intros.append(
                Item(
                    "promise",
                    "Promised",
                    step.contact,
                    nudge.due_at if nudge is not None else due_at,
                    step.text,
                    step=step,
                    chat=step.chat,
                    nudge=nudge,
                    follow_up=nudge,
                )
            )
    # A nudge whose promise was kept already still is a message owed; list it with mine.
    for nudge in nudges_by_step.values():
        result.next_steps.append(
            Item(
                nudge.kind,
                nudge.get_kind_display(),
                nudge.contact,
                nudge.due_at,
                nudge.subject or nudge.draft,
                follow_up=nudge,
                chat=nudge.chat,
            )
        )

    for due in due_requests:
        # A due request carries its nudge being written: one row per request.
        nudges_by_request.pop(due.outreach.pk, None)
        result.nudges.append(
            Item(
                "outreach",
                "Request waiting",
                due.contact,
                due.due_at,
                due.outreach.subject,
                follow_up=due.nudge,
                request=due,
            )
        )
    result.nudges.extend(nudges_by_request.values())

    result.intros.extend(_pending_referrals(owner))
    result.reminders.extend(_cadence_reminders(owner, now, horizon))
    result.done.extend(_done_recently(owner, now))

    for name in ("thank_yous", "next_steps", "intros", "reminders", "nudges"):
        items = getattr(result, name)
        items[:] = _soonest_first(items)
    result.done.sort(key=lambda item: item.done_at or now, reverse=True)
    return result


def _pending_referrals(owner) -> list[Item]:
    """Names I was given that have not turned into a chat yet.

    An ``intro_asked`` edge is an introduction the referrer agreed to make: their move. A
    ``suggested`` edge is a name to follow up (ask for the intro, or reach out, using their name
    when allowed). Both stay until the person is introduced or met, or a chat with them is on
    the calendar.
    """
    has_chat = Chat.objects.filter(contact=OuterRef("to_contact")).exclude(
        status=Chat.Status.CANCELLED
    )
    referrals = (
        Referral.objects.for_owner(owner)
        .filter(
            status__in=(Referral.Status.SUGGESTED, Referral.Status.INTRO_ASKED),
            to_contact__merged_into__isnull=True,
        )
        .exclude(Exists(has_chat))
        .select_related("from_contact", "to_contact", "chat")
    )
    items = []
    for referral in referrals:
        giver, name = referral.from_contact, referral.to_contact
        if referral.status == Referral.Status.INTRO_ASKED:
            text = f"{giver.name} agreed to introduce you to {name.name}"
        elif referral.may_use_name:
            text = f"{giver.name} suggested {name.name}: reach out, and you may mention them"
        else:
            text = f"{giver.name} suggested {name.name}: ask {giver.name} for an introduction"
        items.append(
            Item(
                "referral",
                referral.get_status_display(),
                giver,
                None,
                text,
                referral=referral,
                chat=referral.chat,
            )
        )
    return items


def _latest(contact_ref: str, model, moment: str, **filters) -> Subquery:
    rows = model.objects.filter(**{contact_ref: OuterRef("pk")}, **filters)
    return Subquery(rows.order_by(f"-{moment}").values(moment)[:1])


def _cadence_reminders(owner, now: datetime, horizon: datetime) -> list[Item]:
    """Keep-in-touch reminders from each contact's cadence, due by ``horizon``."""
    open_reminder = FollowUp.objects.open().filter(contact=OuterRef("pk"), kind__in=REMINDER_KINDS)
    contacts = (
        Contact.objects.for_owner(owner)
        .active()
        .filter(keep_in_touch_days__gt=0)
        # Snoozed reminders stay out of sight until the snooze ends, like the reminder rows.
        .exclude(reminders_snoozed_until__gt=now)
        # A contact with a reminder row open already shows through that row.
        .exclude(Exists(open_reminder))
        .annotate(
            last_chat=_latest("contact", Chat, "actual_end", status=Chat.Status.HELD),
            last_note=_latest("contact", Note, "taken_at"),
            last_sent=_latest("contact", FollowUp, "sent_at", sent_at__isnull=False),
            last_referral=_latest("from_contact", Referral, "created_at"),
            last_step=_latest("contact", NextStep, "created_at"),
        )
        .select_related("organisation")
    )
    contacts = list(contacts)
    if not contacts:
        return []
    sent: dict[int, list[datetime]] = defaultdict(list)
    messages = FollowUp.objects.for_owner(owner).filter(
        contact__in=[contact.pk for contact in contacts],
        kind__in=REMINDER_KINDS,
        sent_at__gt=now - REMINDER_WINDOW,
    )
    for contact_id, sent_at in messages.values_list("contact_id", "sent_at"):
        sent[contact_id].append(sent_at)
    items = []
    for contact in contacts:
        moments = [
            moment
            for moment in (
                contact.last_chat,
                contact.last_note,
                contact.last_sent,
                contact.last_referral,
                contact.last_step,
            )
            if moment is not None
        ]
        # Someone never talked to yet is counted from the day they were added.
        last = max(moments, default=contact.created_at)
        reminder = next_reminder(
            contact.keep_in_touch_days,
            last,
            sent=sent[contact.pk],
            snoozed_until=contact.reminders_snoozed_until,
        )
        if reminder is None or reminder.due_at > horizon:
            continue
        every = counted(contact.keep_in_touch_days, "day")
        items.append(
            Item(
                "cadence",
                "Keep in touch",
                contact,
                reminder.due_at,
                f"Every {every}: share something useful or a short update.",
                capped=reminder.capped,
            )
        )
    return items


def _done_recently(owner, now: datetime) -> list[Item]:
    since = now - DONE_WITHIN
    items = [
        Item(
            follow_up.kind,
            follow_up.get_kind_display(),
            follow_up.contact,
            follow_up.due_at,
            follow_up.subject,
            follow_up=follow_up,
            chat=follow_up.chat,
            done_at=follow_up.sent_at,
        )
        for follow_up in FollowUp.objects.for_owner(owner)
        .filter(sent_at__gt=since, sent_at__lte=now)
        .select_related("contact", "chat")
    ]
    items.extend(
        Item(
            "step" if step.side == NextStep.Side.ME else "promise",
            "Next step" if step.side == NextStep.Side.ME else "Promised",
            step.contact,
            None,
            step.text,
            step=step,
            chat=step.chat,
            done_at=step.done_at,
        )
        for step in NextStep.objects.for_owner(owner)
        .filter(done_at__gt=since, done_at__lte=now)
        .select_related("contact", "chat")
    )
    return items


def _snooze_until(until: datetime, now: datetime) -> datetime:
    if timezone.is_naive(until):
        raise InvalidInput("The snooze needs a time zone.", field="until")
    if until <= now:
        raise InvalidInput("Snooze until a moment that is still to come.", field="until")
    if until - now > LONGEST_SNOOZE:
        raise InvalidInput("Snooze for a year at most.", field="until")
    return until


@transaction.atomic
def snooze(owner, follow_up: FollowUp, until: datetime) -> FollowUp:
    """Hide an open follow-up from the lists until ``until``."""
    ensure_owned(owner, follow_up)
    if follow_up.sent_at is not None:
        raise InvalidInput("This follow-up was sent already; there is nothing to snooze.")
    if follow_up.dismissed_at is not None:
        raise InvalidInput("This follow-up was dismissed; there is nothing to snooze.")
    follow_up.snoozed_until = _snooze_until(until, timezone.now())
    follow_up.save(update_fields=["snoozed_until", "updated_at"])
    return follow_up


@transaction.atomic
def snooze_reminders(owner, contact: Contact, until: datetime) -> Contact:
    """Put off the keep-in-touch and add-value reminders for ``contact`` until ``until``."""
    ensure_owned(owner, contact)
    contact.reminders_snoozed_until = _snooze_until(until, timezone.now())
    contact.save(update_fields=["reminders_snoozed_until", "updated_at"])
    return contact


@transaction.atomic
def start_reminder(owner, contact: Contact, *, now: datetime | None = None) -> FollowUp:
    """Turn a contact's keep-in-touch reminder into a follow-up to write; reuse an open one."""
    ensure_owned(owner, contact)
    now = now or timezone.now()
    current = (
        FollowUp.objects.for_owner(owner)
        .open()
        .filter(contact=contact, kind__in=REMINDER_KINDS)
        .order_by("due_at", "pk")
        .first()
    )
    if current is not None:
        return current
    return FollowUp.objects.create(
        owner=owner, contact=contact, kind=FollowUp.Kind.KEEP_IN_TOUCH, due_at=now
    )
