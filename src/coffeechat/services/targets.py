"""Target organisations: the short list worth the effort, its priority, and the board.

A target carries how much the user wants to work there (motivation 1 to 3), whether they know
someone there (worked out from their contacts unless they said), what they know of its hiring,
and a top-five flag that at most five targets carry: stored as a place, 1 to 5, which the
database keeps unique per owner, so even two tabs at once cannot make a sixth.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import Lower
from django.utils import timezone

from coffeechat.services.errors import InvalidInput
from coffeechat.services.organisations import organisation_named
from coffeechat.services.outreach import AWAITING
from coffeechat.services.ownership import ensure_owned
from coffeechat.store.models import Organisation

TOP_FIVE = 5
# What makes an organisation a target, written together whenever any of it changes.
PRIORITY_FIELDS = ("is_target", "motivation", "hiring_signal", "top_slot", "has_advocate")
MOTIVATIONS = {1: "low", 2: "medium", 3: "high"}
# Hiring signals from the most to the least promising; "unknown" beats a known "not hiring".
HIRING_RANK = {
    Organisation.Hiring.ACTIVE: 3,
    Organisation.Hiring.SOME: 2,
    Organisation.Hiring.UNKNOWN: 1,
    Organisation.Hiring.NONE: 0,
}


@dataclass(frozen=True)
class TargetRow:
    """One line of the board: a target with what the user knows and what they have sent."""

    organisation: Organisation
    contacts: int  # active (not merged) contacts there
    knows_someone: bool
    knows_automatic: bool  # True: worked out from contacts; False: what the user said
    requests: int  # requests for a chat sent to people there
    waiting: int  # of those, still without an answer
    replied: int  # of those, answered (yes or no)
    last_request_at: datetime | None

    @property
    def hiring_rank(self) -> int:
        return HIRING_RANK.get(Organisation.Hiring(self.organisation.hiring_signal), 1)


@dataclass(frozen=True)
class Candidate:
    """An organisation among the user's contacts that is not a target yet."""

    organisation: Organisation
    contacts: int


@dataclass(frozen=True)
class BulkAdded:
    """What a bulk add did: how many became targets, how many picks were passed over."""

    added: int
    skipped: int  # not the user's, no longer there, or a target already


@dataclass(frozen=True)
class TargetSummary:
    targets: int
    top_five: int


# --- writing ---------------------------------------------------------------------------------


def _check_priority(motivation: object, hiring_signal: str) -> None:
    if motivation not in MOTIVATIONS or isinstance(motivation, bool):
        raise InvalidInput("Rate your motivation from 1 (low) to 3 (high).", field="motivation")
    if hiring_signal not in Organisation.Hiring.values:
        raise InvalidInput(
            "Choose a hiring signal: unknown, not hiring, some openings or hiring actively.",
            field="hiring_signal",
        )


def _five_already(owner, organisation: Organisation) -> InvalidInput:
    others = (
        Organisation.objects.for_owner(owner)
        .filter(top_slot__isnull=False)
        .exclude(pk=organisation.pk)
        .order_by(Lower("name"))
        .values_list("name", flat=True)
    )
    return InvalidInput(
        f"You have five top targets already ({', '.join(others)}): unflag one first.",
        field="top_five",
    )


def _top_slot(owner, organisation: Organisation) -> int:
    """The place in the top five ``organisation`` keeps or takes; refuse a sixth.

    Called inside the transaction that sets it. The database's unique place per owner is what
    finally keeps it to five: see _save_priority for two flaggings at the same moment.
    """
    if organisation.top_slot is not None:
        return organisation.top_slot
    flagged = Organisation.objects.for_owner(owner).filter(top_slot__isnull=False)
    # Lock the flagged rows first: a concurrent flagging waits here until the other one commits,
    # and the read below, a fresh statement, then sees its result.
    list(flagged.select_for_update().values_list("pk", flat=True))
    taken = set(flagged.exclude(pk=organisation.pk).values_list("top_slot", flat=True))
    free = [slot for slot in range(1, TOP_FIVE + 1) if slot not in taken]
    if not free:
        raise _five_already(owner, organisation)
    return free[0]


def _save_priority(organisation: Organisation) -> None:
    try:
        with transaction.atomic():
            organisation.save(update_fields=[*PRIORITY_FIELDS, "updated_at"])
    except IntegrityError:
        # Another tab (or a second click) took the same place after we looked: with no
        # flagged row to lock yet, both saw it free. The database refused the second.
        raise InvalidInput(
            "Your top five changed at the same moment (in another tab or window?), so this "
            "change was not saved. Reload the page to see your top five, then try again.",
            field="top_five",
        ) from None


@transaction.atomic
def mark_target(
    owner,
    organisation: Organisation,
    *,
    motivation: int,
    hiring_signal: str = "unknown",
    top_five: bool = False,
    has_advocate: bool | None = None,
) -> Organisation:
    """Make an organisation a target, or change a target's priority.

    ``has_advocate`` None lets the board work out from contacts whether the user knows someone.
    """
    ensure_owned(owner, organisation)
    _check_priority(motivation, hiring_signal)
    organisation.top_slot = _top_slot(owner, organisation) if top_five else None
    organisation.is_target = True
    organisation.motivation = motivation
    organisation.hiring_signal = hiring_signal
    organisation.has_advocate = has_advocate
    _save_priority(organisation)
    return organisation


@transaction.atomic
def add_target(
    owner,
    name: str,
    *,
    motivation: int,
    hiring_signal: str = "unknown",
    top_five: bool = False,
    knows_someone: bool | None = None,
) -> Organisation:
    """Make the organisation called ``name`` a target, adding the organisation if it is new.

    An organisation that is a target already is refused rather than overwritten: its priority
    may have been set with care, and the edit page is where it changes.
    """
    # Check the priority first, so a refused add does not leave a new organisation behind.
    _check_priority(motivation, hiring_signal)
    organisation = organisation_named(owner, name)
    if organisation is None:
        raise InvalidInput("Give the organisation's name.", field="name")
    if organisation.is_target:
        raise InvalidInput(
            f"{organisation.name} is a target already; change its priority on its own page.",
            field="name",
        )
    return mark_target(
        owner,
        organisation,
        motivation=motivation,
        hiring_signal=hiring_signal,
        top_five=top_five,
        has_advocate=knows_someone,
    )


@transaction.atomic
def update_target(
    owner,
    organisation: Organisation,
    *,
    motivation: int,
    hiring_signal: str = "unknown",
    top_five: bool = False,
    knows_someone: bool | None = None,
) -> Organisation:
    """Change the priority of an organisation that is a target already."""
    ensure_owned(owner, organisation)
    if not organisation.is_target:
        raise InvalidInput(f"{organisation.name} is not a target; mark it as one first.")
    return mark_target(
        owner,
        organisation,
        motivation=motivation,
        hiring_signal=hiring_signal,
        top_five=top_five,
        has_advocate=knows_someone,
    )


@transaction.atomic
def remove_target(owner, organisation: Organisation) -> Organisation:
    """Take an organisation off the target list; it keeps its contacts, notes and requests."""
    ensure_owned(owner, organisation)
    organisation.is_target = False
    organisation.motivation = None
    organisation.hiring_signal = Organisation.Hiring.UNKNOWN
    organisation.top_slot = None
    organisation.has_advocate = None
    organisation.save(update_fields=[*PRIORITY_FIELDS, "updated_at"])
    return organisation


def _codes(values: Iterable[object]) -> tuple[set[uuid.UUID], int]:
    """The well-formed codes among ``values``, and how many were not codes at all."""
    codes: set[uuid.UUID] = set()
    malformed = 0
    for value in values:
        try:
            codes.add(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
        except ValueError:
            malformed += 1
    return codes, malformed


@transaction.atomic
def bulk_add_targets(
    owner, organisation_codes: Iterable[object], *, motivation: int = 2
) -> BulkAdded:
    """Make several of the owner's organisations targets at once, all with one motivation.

    Codes that are not the owner's organisations, or are targets already, are passed over and
    counted; another user's rows are never touched.
    """
    codes, malformed = _codes(organisation_codes)
    if not codes and not malformed:
        raise InvalidInput("Pick at least one organisation to add as a target.")
    _check_priority(motivation, "unknown")
    added = (
        Organisation.objects.for_owner(owner)
        .filter(code__in=codes, is_target=False)
        .update(
            is_target=True,
            motivation=motivation,
            top_slot=None,
            has_advocate=None,
            # update() skips auto_now, so say it.
            updated_at=timezone.now(),
        )
    )
    return BulkAdded(added=added, skipped=len(codes) - added + malformed)


# --- reading ---------------------------------------------------------------------------------


def _active_contacts() -> Count:
    # Merged contacts are tombstones of someone counted under their surviving record. The
    # contacts are the only join of the queries this counts in (one row per person), so no
    # DISTINCT: SQLite would sort each target's people for nothing.
    return Count("contacts", filter=Q(contacts__merged_into__isnull=True))


def _requests_by_organisation(owner) -> dict[int, dict[str, Any]]:
    """Sent requests to people at each target: how many, waiting, answered, the latest.

    One grouped pass over the requests: a correlated subquery per column and per target read
    the owner's requests again for every cell, which grew with targets times requests. The pass
    starts from the targets and reaches their requests through their contacts: starting from
    the requests read every request the owner ever sent (at full scale 5,000 to find the 1,000
    sent to targets; on SQLite 2.5 times as long, while PostgreSQL plans both the same way).
    """
    sent = "contacts__outreaches"
    rows = (
        Organisation.objects.for_owner(owner)
        # filter() before annotate(): the counts share the filter's join, so they count only
        # the sent requests.
        .filter(is_target=True, **{f"{sent}__sent_at__isnull": False})
        .order_by()
        .values("pk")
        .annotate(
            requests=Count(sent),
            waiting=Count(sent, filter=Q(**{f"{sent}__status__in": AWAITING})),
            replied=Count(sent, filter=Q(**{f"{sent}__replied_at__isnull": False})),
            last_request_at=Max(f"{sent}__sent_at"),
        )
    )
    return {row.pop("pk"): row for row in rows}


def _board_rows(owner) -> list[TargetRow]:
    organisations = (
        Organisation.objects.for_owner(owner)
        .filter(is_target=True)
        .annotate(contact_count=_active_contacts())
    )
    sent = _requests_by_organisation(owner)
    none: dict[str, Any] = {"requests": 0, "waiting": 0, "replied": 0, "last_request_at": None}
    rows = []
    for organisation in organisations:
        automatic = organisation.has_advocate is None
        knows = organisation.contact_count > 0 if automatic else bool(organisation.has_advocate)
        rows.append(
            TargetRow(
                organisation=organisation,
                contacts=organisation.contact_count,
                knows_someone=knows,
                knows_automatic=automatic,
                **sent.get(organisation.pk, none),
            )
        )
    return rows


def _priority(row: TargetRow) -> tuple[bool, int, int]:
    return (row.organisation.top_five, row.organisation.motivation or 0, row.hiring_rank)


# Each sort: how to read a row's value (None sorts last either way), and whether it starts from
# the largest value.
SORTS: dict[str, tuple[Callable[[TargetRow], Any], bool]] = {
    "priority": (_priority, True),
    "name": (lambda row: row.organisation.name.casefold(), False),
    "motivation": (lambda row: row.organisation.motivation or 0, True),
    "knows": (lambda row: row.knows_someone, True),
    "hiring": (lambda row: row.hiring_rank, True),
    "contacts": (lambda row: row.contacts, True),
    "requests": (lambda row: row.requests, True),
    "last_request": (lambda row: row.last_request_at, True),
}
DEFAULT_SORT = "priority"


def sort_direction(sort: str, descending: bool | None = None) -> bool:
    """Whether ``sort`` runs from the largest value: as asked, else that sort's own default."""
    if descending is not None:
        return descending
    return SORTS.get(sort, SORTS[DEFAULT_SORT])[1]


def sort_rows(
    rows: list[TargetRow], sort: str = DEFAULT_SORT, descending: bool | None = None
) -> list[TargetRow]:
    """The rows in the order asked; an unknown sort is the default one, never an error."""
    if sort not in SORTS:
        sort, descending = DEFAULT_SORT, None
    value, _ = SORTS[sort]
    descending = sort_direction(sort, descending)
    by_name = sorted(rows, key=lambda row: (row.organisation.name.casefold(), row.organisation.pk))
    present = [row for row in by_name if value(row) is not None]
    missing = [row for row in by_name if value(row) is None]
    # A stable sort keeps the names in order among equal values, even when reversed.
    return sorted(present, key=value, reverse=descending) + missing


def target_board(
    owner,
    *,
    sort: str = DEFAULT_SORT,
    descending: bool | None = None,
    only_top_five: bool = False,
    hiring: str | None = None,
) -> list[TargetRow]:
    """The owner's targets with their contacts and requests, in one query whatever their number.

    ``hiring`` keeps the targets with that signal (an unknown value filters nothing).
    """
    rows = _board_rows(owner)
    if only_top_five:
        rows = [row for row in rows if row.organisation.top_five]
    if hiring in Organisation.Hiring.values:
        rows = [row for row in rows if row.organisation.hiring_signal == hiring]
    return sort_rows(rows, sort, descending)


def target_summary(owner) -> TargetSummary:
    """How many targets the owner has, and how many of them are top five."""
    counts = Organisation.objects.for_owner(owner).aggregate(
        targets=Count("pk", filter=Q(is_target=True)),
        top_five=Count("pk", filter=Q(is_target=True, top_slot__isnull=False)),
    )
    return TargetSummary(targets=counts["targets"], top_five=counts["top_five"])


def target_candidates(owner) -> list[Candidate]:
    """Organisations among the owner's contacts that are not targets yet, most contacts first."""
    organisations = (
        Organisation.objects.for_owner(owner)
        .filter(is_target=False)
        .annotate(contact_count=_active_contacts())
        .filter(contact_count__gt=0)
        .order_by("-contact_count", Lower("name"), "pk")
    )
    return [Candidate(organisation, organisation.contact_count) for organisation in organisations]


def active_contact_count(owner, organisation: Organisation) -> int:
    """How many of the owner's (not merged) contacts work at ``organisation``."""
    return organisation.contacts.filter(owner=owner, merged_into__isnull=True).count()


def hiring_choices() -> list[tuple[str, str]]:
    """The hiring signals as (value, label) pairs, most promising first, for forms."""
    ranked = sorted(HIRING_RANK, key=lambda signal: -HIRING_RANK[signal])
    labels = dict(Organisation.Hiring.choices)
    return [(str(signal), str(labels[signal])) for signal in ranked]
