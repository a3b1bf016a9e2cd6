"""Who do I owe: every message, promise and reminder still open, and what was done lately.

The one rule for what is owed now: ``owed()`` decides what is due, for whom and by when, and
every list of debts reads it and nothing else: the home page, ``coffeechat followups`` (all of
it) and ``coffeechat today`` (``Owed.today``: what is due by the end of the user's day). A
snooze at any level (the follow-up, the person's reminders, the nudge of a promise, a step or a
request put off from a reminder) keeps what it covers out of every list until it ends; a request
answered or closed is owed no more. It runs the same handful of queries however many contacts,
chats and follow-ups there are.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from django.db import transaction
from django.db.models import Exists, Model, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from coffeechat.core.clock import day_bounds, local_today, zone
from coffeechat.core.followups import REMINDER_WINDOW, next_reminder
from coffeechat.core.followups import urgency as urgency_at
from coffeechat.core.text import counted, shorten
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.errors import InvalidInput, NotFound
from coffeechat.services.outreach_timers import (
    DueOutreach,
    DueRequest,
    read_due,
    settle_counted,
    suggest_people,
)
from coffeechat.services.ownership import ensure_owned
from coffeechat.store.models import (
    Chat,
    Contact,
    FollowUp,
    NextStep,
    Note,
    Outreach,
    Preferences,
    Referral,
)

# Messages other than thank-yous show this far ahead, so the user can get to them early; a
# thank-you shows from the moment it is owed, since its whole life is 24 hours.
HORIZON = timedelta(days=7)
# "Done recently": long enough to see yesterday's progress, short enough to stay a short list.
DONE_WITHIN = timedelta(days=2)
# The longest one snooze may last.
LONGEST_SNOOZE = timedelta(days=366)
# How many items of a section the home page shows, most urgent first; the rest are one click away
# (a page of the whole section). Enough to act on this morning, few enough to read at a glance.
HOME_ROWS = 6

# Sorts after every real moment.
LAST = datetime.max.replace(tzinfo=UTC)

REMINDER_KINDS = (FollowUp.Kind.KEEP_IN_TOUCH, FollowUp.Kind.ADD_VALUE)

# What a row of "Who do I owe" shows of the person and the chat it names: with owed(lean=True)
# only these are read. A contact in full carries four JSON lists and a chat its whole prep, all
# decoded for every row though no row shows them; the row's own fields are read in full.
_CONTACT_SHOWN = ("code", "name", "owner")
_CHAT_SHOWN = ("code", "starts_at", "owner")


M = TypeVar("M", bound=Model)


def _lean(rows: QuerySet[M], lean: bool, **related: tuple[str, ...]) -> QuerySet[M]:
    """``rows`` reading every field of their model, and of each ``related`` (a select_related
    name) only the fields named, when ``lean``; ``rows`` as they are otherwise."""
    if not lean:
        return rows
    own = [field.name for field in rows.model._meta.concrete_fields]
    shown = [f"{name}__{field}" for name, fields in related.items() for field in fields]
    return rows.only(*own, *shown)


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


# An item of a section, or a due request not read yet: both sort by their due moment.
_Entry = TypeVar("_Entry", Item, Item | DueRequest)


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
    # With ``owed(rows=N)``: when each due request left out of ``nudges`` came due. They count
    # (section total, overdue, due within a day) but were not read: a page shows N of them.
    requests_not_read: list[datetime] = field(default_factory=list)

    @property
    def open_items(self) -> list[Item]:
        return [*self.thank_yous, *self.next_steps, *self.intros, *self.reminders, *self.nudges]

    def total(self, section: str) -> int:
        """How many items ``section`` holds, those counted but not read included."""
        unread = len(self.requests_not_read) if section == "nudges" else 0
        return len(getattr(self, section)) + unread

    @property
    def has_open_items(self) -> bool:
        return bool(self.open_items or self.requests_not_read)

    @property
    def overdue_count(self) -> int:
        """How many open items are overdue, those counted but not read included."""
        unread = sum(1 for moment in self.requests_not_read if moment < self.now)
        return len(self.overdue) + unread

    @property
    def due_within_a_day_count(self) -> int:
        """How many open items come due within a day, those counted but not read included."""
        soon = self.now + timedelta(days=1)
        unread = sum(1 for moment in self.requests_not_read if self.now <= moment <= soon)
        return len(self.due_within_a_day) + unread

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
        return not self.has_open_items and not self.done

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


def item_key(item: Item) -> str | None:
    """The item's lasting name: its calendar event's UID, a reminder's key, a snooze link's aim.

    None for a name I was given (nothing dated to remind of, no row of its own to put off).
    """
    if item.request is not None:
        return f"request-{item.request.outreach.code}"
    if item.kind == "step" and item.step is not None:
        return f"step-{item.step.code}"
    if item.follow_up is not None:
        return f"followup-{item.follow_up.code}"
    if item.step is not None:  # a promise of theirs with no nudge drafted
        return f"step-{item.step.code}"
    if item.kind == "cadence":
        return f"cadence-{item.contact.code}"
    return None


def _is_snoozed(row, now: datetime) -> bool:
    return row is not None and row.snoozed_until is not None and row.snoozed_until > now


def item_path(item: Item) -> str:
    """Where an owed item is dealt with: its request, its follow-up, its step's chat or person."""
    if item.request is not None:
        return reverse("web:outreach_detail", args=[item.request.outreach.code])
    if item.follow_up is not None:
        return reverse("web:follow_up", args=[item.follow_up.code])
    if item.chat is not None:
        return reverse("web:chat", args=[item.chat.code])
    return reverse("web:contact", args=[item.contact.code])


# A step's text in a one-line summary (a calendar event, a push) is cut to this many characters.
STEP_IN_SUMMARY = 80


def item_summary(item: Item) -> str:
    """What the item asks at a glance: whom, what, and for a request how long it waited."""
    name = item.contact.name
    if item.kind == "outreach" and item.request is not None:
        waited = counted(item.request.timers.waited, "business day")
        if item.request.nudge_due:
            return f"Nudge {name} (no reply in {waited})"
        where = item.request.organisation
        someone = f"someone else at {where.name}" if where is not None else "a second person"
        return f"Write to {someone} (no reply from {name} in {waited})"
    if item.kind == "step":
        return f"Your step for {name}: {shorten(item.text, STEP_IN_SUMMARY)}"
    if item.kind == "promise":
        return f"Nudge {name}: {shorten(item.text, STEP_IN_SUMMARY)}"
    if item.kind == FollowUp.Kind.OUTREACH_NUDGE:
        return f"Nudge {name}"
    if item.kind == FollowUp.Kind.NEXT_STEP:
        return f"Message {name} about a next step"
    if item.kind == FollowUp.Kind.THANK_YOU:
        return f"Thank-you to {name}"
    if item.kind in ("cadence", FollowUp.Kind.KEEP_IN_TOUCH):
        return f"Keep in touch with {name}"
    if item.kind == FollowUp.Kind.ADD_VALUE:
        return f"Share something useful with {name}"
    return f"{item.label}: {name}"


def _soonest_first(items: list[_Entry]) -> list[_Entry]:
    # Undated promises go last: they are real but nothing presses.
    return sorted(
        items,
        key=lambda item: (item.due_at is None, item.due_at or LAST),
    )


def _end_of(day: date | None, tz) -> datetime | None:
    # A step due on a date is on time until that day is over where the user lives.
    return None if day is None else day_bounds(day, tz)[1]


def owed(
    owner,
    now: datetime | None = None,
    *,
    suggest: bool = True,
    rows: int | None = None,
    preferences: Preferences | None = None,
    lean: bool = False,
) -> Owed:
    """Everything the owner owes at ``now``, by section, and what they did in the last 2 days.

    With ``suggest=False`` the due requests come without the other people to write to (the
    costly part); a page showing a few of them fills those in with ``with_suggestions``. With
    ``rows``, the requests section holds its ``rows`` soonest items only: the due requests
    after those are counted (``requests_not_read``, ``total``) without being read in full.
    A page that has read the owner's ``preferences`` passes them, so they are read once. With
    ``lean`` the items' contacts and chats hold only what a row of the page shows (their code,
    name or start): for a page, not for code that reads more of them.
    """
    now = now or timezone.now()
    preferences = preferences or ensure_preferences(owner)
    tz = zone(preferences.time_zone)
    horizon = now + HORIZON
    tonight = day_bounds(local_today(now, tz), tz)[1]
    result = Owed(now=now, time_zone=preferences.time_zone, tonight=tonight)
    # Requests whose wait is over are closed here, on a read: there is no background job, and
    # every list that shows requests goes through this function first, so a closed request is
    # never shown as due. The write is idempotent and touches only rows whose moment passed.
    # It comes first: closing puts aside the unsent nudges the follow-ups below would list.
    due_requests = settle_counted(owner, now, preferences=preferences)

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
        # A nudge about a snoozed request waits with it (see outreach_timers._due).
        .exclude(kind=FollowUp.Kind.OUTREACH_NUDGE, outreach__snoozed_until__gt=now)
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
    next_step = tuple(field.name for field in NextStep._meta.concrete_fields)
    open_follow_ups = _lean(
        open_follow_ups, lean, contact=_CONTACT_SHOWN, chat=_CHAT_SHOWN, next_step=next_step
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
        # A step snoozed from a reminder ("snooze a day") waits, mine and theirs alike.
        .exclude(snoozed_until__gt=now)
        .exclude(Exists(nudge_snoozed), side=NextStep.Side.THEM)
        .select_related("contact", "chat")
    )
    steps = _lean(steps, lean, contact=_CONTACT_SHOWN, chat=_CHAT_SHOWN)
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
    # A nudge whose promise was kept already still is a message owed; list it with mine. One
    # whose promise is snoozed waits with the promise instead.
    for nudge in nudges_by_step.values():
        if _is_snoozed(nudge.next_step, now):
            continue
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

    # A due request carries its nudge being written: one row per request.
    for due in due_requests:
        nudges_by_request.pop(due.pk, None)
    # The section in its order (soonest first; sorted is stable, so ties keep this order), with
    # the due requests still unread: only those among the rows wanted are read in full.
    section: list[Item | DueRequest] = _soonest_first(
        [*result.nudges, *due_requests, *nudges_by_request.values()]
    )
    if rows is not None:
        result.requests_not_read.extend(entry.due_at for entry in section[rows:])
        section = section[:rows]
    read = iter(read_due(owner, [entry for entry in section if isinstance(entry, DueRequest)]))
    if suggest:
        read = iter(suggest_people(owner, list(read)))
    result.nudges[:] = [
        _request_item(next(read)) if isinstance(entry, DueRequest) else entry for entry in section
    ]
    result.intros.extend(_pending_referrals(owner, lean))
    result.reminders.extend(_cadence_reminders(owner, now, horizon, lean))
    result.done.extend(_done_recently(owner, now, lean))

    for name in ("thank_yous", "next_steps", "intros", "reminders", "nudges"):
        items = getattr(result, name)
        items[:] = _soonest_first(items)
    result.done.sort(key=lambda item: item.done_at or now, reverse=True)
    return result


def _request_item(due: DueOutreach) -> Item:
    return Item(
        "outreach",
        "Request waiting",
        due.contact,
        due.due_at,
        due.outreach.subject,
        follow_up=due.nudge,
        request=due,
    )


def on_home(owing: Owed, section: str) -> list[Item]:
    """The items of ``section`` (an Owed field) the home page shows: the HOME_ROWS most urgent.

    Every overdue thank-you shows, however many: its 24 hours are over and it must not wait
    behind a link. The sections are soonest first, so the overdue ones lead.
    """
    items: list[Item] = getattr(owing, section)
    keep = HOME_ROWS
    if section == "thank_yous":
        keep = max(keep, sum(1 for item in items if item.is_overdue(owing.now)))
    return items[:keep]


def with_suggestions(owner, items: list[Item]) -> list[Item]:
    """``items`` with the 3-day suggestions of their due requests filled in, in one query."""
    filled = iter(suggest_people(owner, [item.request for item in items if item.request]))
    return [replace(item, request=next(filled)) if item.request else item for item in items]


def _pending_referrals(owner, lean: bool = False) -> list[Item]:
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
    referrals = _lean(
        referrals, lean, from_contact=_CONTACT_SHOWN, to_contact=_CONTACT_SHOWN, chat=_CHAT_SHOWN
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


def _cadence_reminders(owner, now: datetime, horizon: datetime, lean: bool = False) -> list[Item]:
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
    )
    if lean:
        # A row names and links to the person; the cadence reads these three.
        cadence = ("keep_in_touch_days", "created_at", "reminders_snoozed_until")
        contacts = contacts.only(*_CONTACT_SHOWN, *cadence)
    else:
        contacts = contacts.select_related("organisation")
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


def _done_recently(owner, now: datetime, lean: bool = False) -> list[Item]:
    since = now - DONE_WITHIN
    shown = {"contact": _CONTACT_SHOWN, "chat": _CHAT_SHOWN}
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
        for follow_up in _lean(
            FollowUp.objects.for_owner(owner)
            .filter(sent_at__gt=since, sent_at__lte=now)
            .select_related("contact", "chat"),
            lean,
            **shown,
        )
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
        for step in _lean(
            NextStep.objects.for_owner(owner)
            .filter(done_at__gt=since, done_at__lte=now)
            .select_related("contact", "chat"),
            lean,
            **shown,
        )
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


@dataclass(frozen=True)
class _Target:
    """The row an item key names, and the words that name it to the user."""

    kind: str  # the key's first part: "followup", "step", "request" or "cadence"
    row: FollowUp | NextStep | Outreach | Contact
    what: str  # "the thank-you to Ana Lima"
    settled: str = ""  # why it is owed no more (sent, done, answered); "" while it is owed


def _parse_key(key: str) -> tuple[str, uuid.UUID]:
    kind, _, code = key.partition("-")
    if kind not in ("followup", "step", "request", "cadence"):
        raise InvalidInput("This is not the name of anything coffeechat reminds you of.")
    try:
        return kind, uuid.UUID(code)
    except ValueError:
        raise InvalidInput("This is not the name of anything coffeechat reminds you of.") from None


_FOLLOW_UP_WORDS = {
    FollowUp.Kind.THANK_YOU: "the thank-you to {}",
    FollowUp.Kind.NEXT_STEP: "the next-step message to {}",
    FollowUp.Kind.ADD_VALUE: "the add-value message to {}",
    FollowUp.Kind.KEEP_IN_TOUCH: "the keep-in-touch message to {}",
    FollowUp.Kind.OUTREACH_NUDGE: "the nudge to {}",
}


def _target(owner, key: str) -> _Target:
    """The owner's row behind ``key``; another user's row is not found."""
    kind, code = _parse_key(key)
    gone = NotFound("There is no such item in coffeechat: it may have been deleted.")
    if kind == "followup":
        follow_up = (
            FollowUp.objects.for_owner(owner).select_related("contact").filter(code=code).first()
        )
        if follow_up is None:
            raise gone
        what = _FOLLOW_UP_WORDS[FollowUp.Kind(follow_up.kind)].format(follow_up.contact.name)
        settled = ""
        if follow_up.sent_at is not None:
            settled = f"Nothing to snooze: {what} was sent already."
        elif follow_up.dismissed_at is not None:
            settled = f"Nothing to snooze: {what} was put aside."
        return _Target(kind, follow_up, what, settled)
    if kind == "step":
        step = NextStep.objects.for_owner(owner).select_related("contact").filter(code=code).first()
        if step is None:
            raise gone
        text = shorten(step.text, STEP_IN_SUMMARY)
        if step.side == NextStep.Side.ME:
            what = f"your next step for {step.contact.name} ({text})"
        else:
            what = f"{step.contact.name}'s promise ({text})"
        settled = f"Nothing to snooze: {what} is done already." if step.done_at else ""
        return _Target(kind, step, what, settled)
    if kind == "request":
        request = (
            Outreach.objects.for_owner(owner).select_related("contact").filter(code=code).first()
        )
        if request is None:
            raise gone
        name = request.contact.name
        what = f"your request for a chat with {name}"
        settled = ""
        if request.status in (Outreach.Status.REPLIED, Outreach.Status.DECLINED):
            settled = f"Nothing to snooze: {name} answered your request already."
        elif request.status == Outreach.Status.CLOSED:
            settled = f"Nothing to snooze: {what} was closed."
        elif request.status == Outreach.Status.DRAFT:
            settled = f"Nothing to snooze: {what} has not been sent yet."
        return _Target(kind, request, what, settled)
    contact = Contact.objects.for_owner(owner).active().filter(code=code).first()
    if contact is None:
        raise gone
    return _Target(kind, contact, f"the keep-in-touch reminders for {contact.name}")


def describe_item(owner, key: str, *, settled_too: bool = False) -> str:
    """The words for the item ``key`` names ("the thank-you to Ana Lima").

    NotFound when the owner has no such row, InvalidInput for a malformed key, and for an item
    owed no more (sent, done, answered) unless ``settled_too``.
    """
    target = _target(owner, key)
    if target.settled and not settled_too:
        raise InvalidInput(target.settled)
    return target.what


@transaction.atomic
def snooze_item(owner, key: str, until: datetime) -> str:
    """Put off exactly the item ``key`` names (see item_key) until ``until``; say what it was.

    Errors as for describe_item, and as for snooze when ``until`` is not a moment to come.
    """
    target = _target(owner, key)
    if target.settled:
        raise InvalidInput(target.settled)
    row = target.row
    if isinstance(row, FollowUp):
        snooze(owner, row, until)
    elif isinstance(row, Contact):
        snooze_reminders(owner, row, until)
    else:
        until = _snooze_until(until, timezone.now())
        row.snoozed_until = until
        row.save(update_fields=["snoozed_until", "updated_at"])
        # What is shown with the step or the request waits with it: the nudge of their promise,
        # the nudge of the request being written.
        nudges = FollowUp.objects.for_owner(owner).open()
        if isinstance(row, NextStep):
            nudges = nudges.filter(next_step=row, next_step__side=NextStep.Side.THEM)
        else:
            nudges = nudges.filter(outreach=row, kind=FollowUp.Kind.OUTREACH_NUDGE)
        nudges.update(snoozed_until=until, updated_at=timezone.now())
    return target.what


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
