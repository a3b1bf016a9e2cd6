"""The 3-and-7 timers of requests for a chat: what is due, who to try next, the one nudge.

No background job runs the timers. Each read works out, from the moment a request went out and
the user's calendar, whether its 3-business-day suggestion (write to a second person at the same
organisation) or its 7-business-day nudge is due, and requests whose wait is over are closed on
the way (``close_quietly``). Business days come from the user's preferences: their time zone
decides which day it is, their holiday country which days do not count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from coffeechat.core.business_days import HolidayCalendar
from coffeechat.core.clock import format_day, zone
from coffeechat.core.outreach_timers import Stage, Timers
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.errors import InvalidInput
from coffeechat.services.outreach import (
    ANSWERED,
    AWAITING,
    ROW_FIELDS,
    A,
    Board,
    Waiting,
    board_of,
    closing,
    listed_requests,
    request_values,
    timed,
    timers_of,
)
from coffeechat.services.ownership import ensure_owned
from coffeechat.store.models import (
    Chat,
    Contact,
    FollowUp,
    Organisation,
    Outreach,
    Preferences,
)

# How many other people at the organisation the 3-day suggestion names.
SUGGESTIONS = 3
# Three business days are never shorter than two calendar days (even across a clock change), so
# requests sent more recently cannot be due or closed and need not be read at all.
NOTHING_DUE_BEFORE = timedelta(days=2)


@dataclass(frozen=True)
class DueOutreach:
    """A request whose 3-day suggestion or 7-day nudge is due, with what the user can do.

    ``suggestions``: other people at the same organisation, best first (see
    ``_second_people``); empty when there is nobody, and then ``organisation`` (None when the
    first person has none on file) is where to look for one. ``nudge``: the open nudge
    follow-up once the user started writing it.
    """

    outreach: Outreach
    timers: Timers
    second_contact_due: bool
    nudge_due: bool
    suggestions: list[Contact] = field(default_factory=list)
    nudge: FollowUp | None = None

    @property
    def contact(self) -> Contact:
        return self.outreach.contact

    @property
    def organisation(self) -> Organisation | None:
        return self.outreach.contact.organisation

    @property
    def due_at(self) -> datetime:
        """When the newest of its suggestions came due."""
        moment = self.timers.nudge_at if self.nudge_due else self.timers.second_contact_at
        assert moment is not None  # a due request was sent, so both moments exist
        return moment


def upcoming_holidays(
    calendar: HolidayCalendar, today: date, count: int = 3
) -> list[tuple[date, str]]:
    """The next ``count`` public holidays of ``calendar`` from ``today`` on: (day, name) pairs."""
    found: list[tuple[date, str]] = []
    # Two years always hold three holidays for a country that has any.
    for year in (today.year, today.year + 1):
        for day in sorted(calendar.holidays_in(year)):
            if day >= today and len(found) < count:
                found.append((day, calendar.holiday_name(day) or "Public holiday"))
    return found


@dataclass(frozen=True)
class ComingTimer:
    """A request waiting for a reply, and its next timer still to come (3-day or 7-day)."""

    request: DueOutreach  # nothing due yet: both flags are False
    at: datetime
    is_nudge: bool  # the 7-day nudge; else the 3-day suggestion of a second person


def coming_timers(owner, now: datetime, *, preferences=None) -> list[ComingTimer]:
    """Requests waiting for a reply whose next timer is still to come, for the calendar feed.

    A request with a timer due already is owed (see ``due_outreach``) and is not listed here;
    nor one whose only moment left is its quiet close.
    """
    preferences = preferences or ensure_preferences(owner)
    requests = (
        Outreach.objects.for_owner(owner)
        .filter(status__in=AWAITING, sent_at__isnull=False)
        .select_related("contact", "contact__organisation")
        .order_by("sent_at", "pk")
    )
    coming = []
    for request in requests:
        timers = timers_of(request, now, preferences)
        at = timers.next_at
        if timers.is_due or at is None or at <= now:
            continue
        if at not in (timers.second_contact_at, timers.nudge_at):
            continue
        waiting = DueOutreach(request, timers, second_contact_due=False, nudge_due=False)
        coming.append(ComingTimer(waiting, at, is_nudge=at == timers.nudge_at))
    return coming


def timers_for(
    owner, outreach: Outreach, now: datetime | None = None, *, preferences=None
) -> Timers:
    """The stage and timer moments of one request, in the owner's time zone and calendar."""
    ensure_owned(owner, outreach)
    preferences = preferences or ensure_preferences(owner)
    return timers_of(outreach, now or timezone.now(), preferences)


def _open_requests(owner, now: datetime, preferences: Preferences) -> list[tuple[Outreach, Timers]]:
    """Sent requests still waiting for an answer and old enough to have a timer fired."""
    requests = (
        Outreach.objects.for_owner(owner)
        .filter(status__in=AWAITING, sent_at__isnull=False, sent_at__lte=now - NOTHING_DUE_BEFORE)
        .select_related("contact", "contact__organisation")
        # Only what a timer and a row owed read: a network of thousands has hundreds of
        # requests waiting, and reading all their columns cost more than the timers.
        .only(*ROW_FIELDS)
        .order_by("sent_at", "pk")
    )
    return [(request, timers_of(request, now, preferences)) for request in requests]


@transaction.atomic
def close_quietly(owner, now: datetime | None = None, *, preferences=None) -> int:
    """Close the requests whose wait is over, each at the moment it ended; return how many.

    Their open nudge, if the user started one and never sent it, is put aside with them.
    """
    now = now or timezone.now()
    preferences = preferences or ensure_preferences(owner)
    # Closing needs no request read in full: plain values, as the home page reads them.
    return _close_rows(
        owner, closing(timed(_open_request_values(owner, now), now, preferences), now), now
    )


@transaction.atomic
def settle(
    owner, now: datetime | None = None, *, preferences=None, suggest: bool = True
) -> list[DueOutreach]:
    """Close the requests whose wait is over, then what is due: one read of the open requests.

    The home page needs both on every visit; close_quietly and due_outreach would each read the
    same requests and work out the same timers. With ``suggest=False`` the 3-day suggestions
    are left empty, for a page that shows a few requests and fills theirs with ``suggest``.
    """
    due = read_due(owner, settle_counted(owner, now, preferences=preferences))
    return suggest_people(owner, due) if suggest else due


@dataclass(frozen=True)
class DueRequest:
    """A due request before it is read in full: enough to count it, sort it and read it later.

    The home page shows a few of a few hundred due requests; the rest only count, and building
    the request, its contact and organisation for each cost more than their timers.
    """

    pk: int
    timers: Timers
    second_contact_due: bool
    nudge_due: bool
    nudge: FollowUp | None = None

    @property
    def due_at(self) -> datetime:
        """When the newest of its suggestions came due (as DueOutreach.due_at)."""
        moment = self.timers.nudge_at if self.nudge_due else self.timers.second_contact_at
        assert moment is not None  # a due request was sent, so both moments exist
        return moment


def _open_request_values(owner, now: datetime) -> list[Waiting]:
    """As _open_requests, as plain values (same rows, same order)."""
    return request_values(
        Outreach.objects.for_owner(owner)
        .filter(status__in=AWAITING, sent_at__isnull=False, sent_at__lte=now - NOTHING_DUE_BEFORE)
        .order_by("sent_at", "pk"),
        Waiting,
    )


@transaction.atomic
def settle_counted(owner, now: datetime | None = None, *, preferences=None) -> list[DueRequest]:
    """As settle, without reading the due requests in full: ``read_due`` reads those wanted.

    The timers come from plain values, with the owner's zone and calendar looked up once.
    """
    now = now or timezone.now()
    preferences = preferences or ensure_preferences(owner)
    requests = timed(_open_request_values(owner, now), now, preferences)
    _close_rows(owner, closing(requests, now), now)
    return [
        DueRequest(row.pk, timers, timers.second_contact_due, nudge_due, nudge)
        for row, timers, nudge_due, nudge in _due_values(owner, requests, now)
    ]


def read_due(owner, due: list[DueRequest]) -> list[DueOutreach]:
    """``due`` read in full (request, contact, organisation), in its order: one query."""
    if not due:
        return []
    found = {
        request.pk: request
        for request in Outreach.objects.for_owner(owner)
        .filter(pk__in=[request.pk for request in due])
        .select_related("contact", "contact__organisation")
        .only(*ROW_FIELDS)
    }
    return [
        DueOutreach(
            outreach=found[request.pk],
            timers=request.timers,
            second_contact_due=request.second_contact_due,
            nudge_due=request.nudge_due,
            nudge=request.nudge,
        )
        for request in due
    ]


@transaction.atomic
def settled_board(owner, now: datetime | None = None, *, preferences=None) -> Board:
    """The outreach list's board, after closing the requests whose wait is over.

    One read of the open requests, as plain values, serves both: each request's timers are
    worked out once, where close_quietly and outreach_board would each read the requests and
    work them out. The drafts and waiting rows are not read in full: the page reads those it
    shows with services.outreach.read_rows.
    """
    now = now or timezone.now()
    preferences = preferences or ensure_preferences(owner)
    requests = timed(listed_requests(owner), now, preferences)
    _close_rows(owner, closing(requests, now), now)
    return board_of(owner, requests, now, preferences)


def _close_rows(owner, over: list[Outreach], now: datetime) -> int:
    """Write the closing of ``over`` (status, closed_at, updated_at set), and put aside their
    unsent nudges."""
    if not over:
        return 0
    # bulk_update writes every row in one UPDATE (per batch), whatever the number of requests.
    Outreach.objects.bulk_update(over, ["status", "closed_at", "updated_at"], batch_size=500)
    FollowUp.objects.for_owner(owner).open().filter(
        kind=FollowUp.Kind.OUTREACH_NUDGE, outreach__in=[request.pk for request in over]
    ).update(dismissed_at=now, updated_at=now)
    return len(over)


def due_outreach(owner, now: datetime | None = None, *, preferences=None) -> list[DueOutreach]:
    """Every waiting request whose 3-day suggestion or 7-day nudge is due, oldest first.

    Runs at most three queries (the requests, the nudges begun, the people to suggest) however
    many requests and contacts there are. A nudge the user dismissed or snoozed is not due, nor
    anything of a request that is snoozed itself.
    """
    now = now or timezone.now()
    preferences = preferences or ensure_preferences(owner)
    return suggest_people(owner, _due(owner, _open_requests(owner, now, preferences), now))


def _due(owner, requests: list[tuple[Outreach, Timers]], now: datetime) -> list[DueOutreach]:
    return [
        DueOutreach(
            outreach=request,
            timers=timers,
            second_contact_due=timers.second_contact_due,
            nudge_due=nudge_due,
            nudge=nudge,
        )
        for request, timers, nudge_due, nudge in _due_values(owner, requests, now)
    ]


def _due_values(
    owner, requests: list[tuple[A, Timers]], now: datetime
) -> list[tuple[A, Timers, bool, FollowUp | None]]:
    """The requests with something due, each with whether its nudge is due, and that nudge."""
    # A request snoozed from a reminder ("snooze a day") waits, suggestion and nudge alike.
    due = [
        (request, timers)
        for request, timers in requests
        if timers.is_due and not (request.snoozed_until is not None and request.snoozed_until > now)
    ]
    if not due:
        return []
    nudges = _nudges(owner, [request.pk for request, timers in due if timers.nudge_due])
    wanted: list[tuple[A, Timers, bool, FollowUp | None]] = []
    for request, timers in due:
        nudge, put_aside = nudges.get(request.pk, (None, False))
        snoozed = (
            nudge is not None and nudge.snoozed_until is not None and nudge.snoozed_until > now
        )
        nudge_due = timers.nudge_due and not put_aside and not snoozed
        if timers.second_contact_due or nudge_due:
            wanted.append((request, timers, nudge_due, nudge if nudge_due else None))
    return wanted


def suggest_people(owner, due: list[DueOutreach]) -> list[DueOutreach]:
    """``due`` with each 3-day suggestion's other people filled in: one query for all of them.

    Kept apart from working out what is due because it is the costly part: a page that shows a
    few of many due requests asks it for those few only.
    """
    organisations = {
        request.contact.organisation_id
        for request in due
        if request.second_contact_due and request.contact.organisation_id is not None
    }
    people = _second_people(owner, organisations)
    return [
        replace(
            request,
            suggestions=[
                person
                for person in people.get(request.contact.organisation_id, [])
                if person.pk != request.contact.pk
            ][:SUGGESTIONS],
        )
        if request.second_contact_due
        else request
        for request in due
    ]


def _nudges(owner, request_ids: list[int]) -> dict[int, tuple[FollowUp | None, bool]]:
    """Per request: its open nudge (or None), and whether the user put a nudge aside instead."""
    if not request_ids:
        return {}
    unsent = FollowUp.objects.for_owner(owner).filter(
        kind=FollowUp.Kind.OUTREACH_NUDGE, outreach__in=request_ids, sent_at__isnull=True
    )
    return fold_nudges(unsent.order_by("created_at", "pk"))


def fold_nudges(unsent: Iterable[FollowUp]) -> dict[int, tuple[FollowUp | None, bool]]:
    """Per request, its open nudge (the first) and whether one was put aside, from the unsent
    nudges oldest first. An open nudge outweighs one dismissed earlier: the user came back."""
    found: dict[int, tuple[FollowUp | None, bool]] = {}
    for nudge in unsent:
        current, put_aside = found.get(nudge.outreach_id, (None, False))
        if nudge.dismissed_at is None:
            current = current or nudge
        else:
            put_aside = True
        found[nudge.outreach_id] = (current, put_aside)
    return {key: (nudge, put_aside and nudge is None) for key, (nudge, put_aside) in found.items()}


# The ranking of _second_people, written out: built with the ORM (a window over the Exists
# tests, filtered on its row number) it cost more to put together than to run, on every home
# page. A contact comes back with the fields a suggestion shows; the others load if asked for.
_SECOND_PEOPLE = """
    SELECT id, owner_id, code, name, organisation_id FROM (
        SELECT c.id, c.owner_id, c.code, c.name, c.organisation_id, ROW_NUMBER() OVER (
            PARTITION BY c.organisation_id
            ORDER BY
                CASE WHEN EXISTS (
                    SELECT 1 FROM coffeechat_chat h WHERE h.contact_id = c.id AND h.status = %s
                ) OR EXISTS (
                    SELECT 1 FROM coffeechat_referral r
                    WHERE r.to_contact_id = c.id OR r.from_contact_id = c.id
                ) THEN 0 ELSE 1 END,
                c.created_at DESC, c.name, c.id
        ) AS place
        FROM coffeechat_contact c
        WHERE c.owner_id = %s AND c.merged_into_id IS NULL
            AND c.organisation_id IN ({organisations})
            AND NOT EXISTS (SELECT 1 FROM coffeechat_outreach o WHERE o.contact_id = c.id)
    ) ranked
    WHERE place <= %s
    ORDER BY organisation_id, place
"""


def _second_people(owner, organisations: set[int]) -> dict[int, list[Contact]]:
    """The best few people at each organisation nobody has written to yet, best first.

    Best first means: people the user has already talked with (a held chat) or who came through
    a referral, since a warm name answers more often; then the most recently added, since a
    fresh contact is more likely to still work there. The database ranks them and hands back at
    most one more than a suggestion needs per organisation (the one more stands in for the
    person the request went to), so a large organisation costs no more than a small one.
    """
    if not organisations:
        return {}
    places = ", ".join(["%s"] * len(organisations))
    people = Contact.objects.raw(
        _SECOND_PEOPLE.format(organisations=places),
        [Chat.Status.HELD, owner.pk, *sorted(organisations), SUGGESTIONS + 1],
    )
    grouped: dict[int, list[Contact]] = defaultdict(list)
    for person in people:
        grouped[person.organisation_id].append(person)
    return grouped


def _must_be_waiting(outreach: Outreach) -> None:
    if outreach.sent_at is None:
        raise InvalidInput("This request has not been sent yet, so there is nobody to nudge.")
    if outreach.status in ANSWERED or outreach.replied_at is not None:
        raise InvalidInput(f"{outreach.contact.name} answered already: no nudge is needed.")
    if outreach.status == Outreach.Status.CLOSED:
        raise InvalidInput(
            "This request was closed after the nudge and a last wait went unanswered. If they "
            "write back, record their reply."
        )


@transaction.atomic
def start_nudge(owner, outreach: Outreach, now: datetime | None = None) -> FollowUp:
    """The one nudge to the first person, as a follow-up to write; reuse the open one.

    Refused when they answered, when the request was closed, when the nudge went out already
    (one nudge only), or before it is due: 7 business days after the request.
    """
    ensure_owned(owner, outreach)
    now = now or timezone.now()
    _must_be_waiting(outreach)
    nudges = FollowUp.objects.for_owner(owner).filter(
        outreach=outreach, kind=FollowUp.Kind.OUTREACH_NUDGE
    )
    preferences = ensure_preferences(owner)
    tz = zone(preferences.time_zone)
    sent = nudges.filter(sent_at__isnull=False).order_by("sent_at").first()
    nudged_at = outreach.nudged_at or (sent.sent_at if sent is not None else None)
    if nudged_at is not None:
        raise InvalidInput(
            f"You nudged {outreach.contact.name} on {format_day(nudged_at, tz)}: one nudge "
            "only. Give them time, or try someone else at the organisation."
        )
    current = nudges.open().order_by("created_at", "pk").first()
    if current is not None:
        return current
    timers = timers_of(outreach, now, preferences)
    assert timers.nudge_at is not None
    if timers.stage == Stage.CLOSED:
        raise InvalidInput(
            "The wait for this request is over: it closes without a nudge. If they write back, "
            "record their reply."
        )
    if not timers.nudge_due:
        raise InvalidInput(
            f"The nudge is due on {format_day(timers.nudge_at, tz)}: give them until then."
        )
    return FollowUp.objects.create(
        owner=owner,
        kind=FollowUp.Kind.OUTREACH_NUDGE,
        outreach=outreach,
        contact=outreach.contact,
        due_at=timers.nudge_at,
    )


def record_nudge_sent(follow_up: FollowUp) -> None:
    """After an outreach nudge went out: its request counts as nudged from that moment.

    Called by services.followups.mark_sent inside its transaction, so both change together.
    """
    if follow_up.kind != FollowUp.Kind.OUTREACH_NUDGE or follow_up.outreach_id is None:
        return
    Outreach.objects.filter(pk=follow_up.outreach_id, nudged_at__isnull=True).update(
        nudged_at=follow_up.sent_at, updated_at=timezone.now()
    )
    # Only a request still waiting becomes "nudged"; an answer recorded meanwhile stays.
    Outreach.objects.filter(
        pk=follow_up.outreach_id,
        status__in=(Outreach.Status.WAITING, Outreach.Status.MOVED_ON),
    ).update(status=Outreach.Status.NUDGED)
