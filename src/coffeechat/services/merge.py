"""Merging two contacts that are the same person: choose each field, keep everything of both.

The contact merged away stays as a tombstone (``merged_into`` points at the survivor): old links
and exports can still name it, and every list leaves it out through ``Contact.objects.active()``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q

from coffeechat.core.contact_keys import EMAIL, LINKEDIN, NAME, phone_key, website_key
from coffeechat.core.text import counted, distinct
from coffeechat.services.errors import InvalidInput, NotFound
from coffeechat.services.rendering import rendered
from coffeechat.store.models import (
    Chat,
    Contact,
    ContactKey,
    FollowUp,
    ImportRow,
    NextStep,
    Note,
    Opportunity,
    Outreach,
    Owned,
    Referral,
)
from coffeechat.store.owners import Owner

# What the user picks for each field: the kept contact's value, the other one's, or both together.
KEEP = "keep"
OTHER = "other"
BOTH = "both"

# Kinds of field: a single value, a list (united by default), or free text (joined by default).
SCALAR = "scalar"
LIST = "list"
TEXT = "text"

# The paragraph break between the two sides of a joined text field.
JOINER = "\n\n"


@dataclass(frozen=True)
class MergeField:
    name: str
    label: str
    kind: str


FIELDS: tuple[MergeField, ...] = (
    MergeField("name", "Name", SCALAR),
    MergeField("role", "Role", SCALAR),
    MergeField("organisation", "Organisation", SCALAR),
    MergeField("emails", "Emails", LIST),
    MergeField("phones", "Phones", LIST),
    MergeField("linkedin_url", "LinkedIn", SCALAR),
    MergeField("websites", "Websites", LIST),
    MergeField("location", "Location", SCALAR),
    MergeField("time_zone", "Time zone", SCALAR),
    MergeField("tags", "Tags", LIST),
    MergeField("how_we_met", "How we met", TEXT),
    MergeField("research_notes", "Research notes", TEXT),
    MergeField("keep_in_touch_days", "Keep in touch every", SCALAR),
)
FIELD_NAMES = frozenset(field.name for field in FIELDS)


@dataclass(frozen=True)
class Moved:
    """Rows that follow a contact through a merge by repointing one foreign key."""

    model: type[Owned | ImportRow]
    field: str
    one: str
    many: str


# Every relation to Contact is either here or handled by hand below (referrals: pairs must stay
# distinct and never point at themselves; keys: derived, rebuilt). tests/services/test_merge.py
# fails when a new foreign key to Contact is in neither, so a future one cannot be forgotten.
MOVED: tuple[Moved, ...] = (
    Moved(Chat, "contact", "chat", "chats"),
    Moved(Note, "contact", "note", "notes"),
    Moved(NextStep, "contact", "next step", "next steps"),
    Moved(FollowUp, "contact", "follow-up", "follow-ups"),
    Moved(Opportunity, "contact", "opportunity", "opportunities"),
    Moved(Outreach, "contact", "outreach message", "outreach messages"),
    Moved(ImportRow, "contact", "imported record", "imported records"),
    # Contacts merged into the other one earlier now point straight at the survivor, so no
    # chain ever needs following for merges made here.
    Moved(Contact, "merged_into", "contact merged earlier", "contacts merged earlier"),
)
HANDLED_BY_HAND = ((Referral, "from_contact"), (Referral, "to_contact"), (ContactKey, "contact"))

# How far a referral has gone, least to most: two referrals combined keep the furthest.
_REFERRAL_PROGRESS = list(Referral.Status.values)


@dataclass(frozen=True)
class Option:
    """One way to fill a field: which side, and what the field would then hold."""

    choice: str
    value: Any


@dataclass(frozen=True)
class FieldComparison:
    """One field of both contacts, and the ways to merge it (none when they already agree)."""

    field: MergeField
    kept: Any
    other: Any
    options: tuple[Option, ...]
    default: str

    @property
    def differs(self) -> bool:
        return len(self.options) > 1

    def value_for(self, choice: str) -> Any:
        for option in self.options:
            if option.choice == choice:
                return option.value
        return self.kept


@dataclass(frozen=True)
class MergePlan:
    """What merging ``other`` into ``kept`` would do: the fields to choose and the rows moving."""

    kept: Contact
    other: Contact
    fields: tuple[FieldComparison, ...]
    moving: tuple[tuple[str, str, int], ...]  # (singular, plural, count), only those with rows
    referrals_between: int  # would point from the person to themselves: removed
    referrals_combined: int  # duplicate one of the kept contact's: folded into it

    @property
    def differing(self) -> tuple[FieldComparison, ...]:
        return tuple(comparison for comparison in self.fields if comparison.differs)

    @property
    def same(self) -> tuple[FieldComparison, ...]:
        return tuple(comparison for comparison in self.fields if not comparison.differs)

    def defaults(self) -> dict[str, str]:
        return {comparison.field.name: comparison.default for comparison in self.differing}

    def moving_phrases(self) -> list[str]:
        """``["3 chats", "1 referral"]``: what moves, in words."""
        return [counted(count, one, many) for one, many, count in self.moving]


@dataclass(frozen=True)
class Merged:
    """The survivor of a merge, the tombstone, and how many rows of each kind moved."""

    kept: Contact
    other: Contact
    moved: dict[str, int]
    referrals_removed: int
    referrals_combined: int


def merge_plan(owner: Owner, keep_code, other_code) -> MergePlan:
    """Compare two of the owner's contacts field by field and count what a merge would move."""
    kept, other = _pair(owner, keep_code, other_code)
    return _plan(owner, kept, other)


@transaction.atomic
def merge_contacts(owner: Owner, keep_code, other_code, choices: Mapping[str, str]) -> Merged:
    """Merge ``other`` into ``kept``: chosen fields, every related row moved, all or nothing.

    ``choices`` maps a field name to KEEP, OTHER or BOTH; a field left out takes the default
    (lists united, differing texts joined, otherwise the kept value unless it is empty).
    """
    # Locked, so two merges of the same pair at once cannot both go through (PostgreSQL; SQLite
    # already runs one writing transaction at a time).
    kept, other = _pair(owner, keep_code, other_code, lock=True)
    plan = _plan(owner, kept, other, count=False)
    values = _chosen_values(plan, choices)

    for name, value in values.items():
        setattr(kept, name, value)
    kept.research_notes_html = rendered(kept.research_notes)
    # A reminder put off on either card stays put off: snoozing was a decision about the person.
    snoozes = [s for s in (kept.reminders_snoozed_until, other.reminders_snoozed_until) if s]
    kept.reminders_snoozed_until = max(snoozes) if snoozes else None

    moved: dict[str, int] = {}
    for relation in MOVED:
        rows = relation.model.objects.filter(owner=owner, **{relation.field: other})
        moved[relation.many] = rows.update(**{relation.field: kept})
    moved["referrals"], removed, combined = _move_referrals(owner, kept, other)

    # Saving rebuilds both contacts' keys: the survivor's (its emails may now include the
    # other's) so an import recognises the person by any of them; the tombstone gives its up.
    kept.save()
    other.merged_into = kept
    other.save(update_fields=["merged_into", "updated_at"])
    return Merged(kept, other, moved, removed, combined)


def survivor_of(owner: Owner, contact: Contact) -> Contact:
    """The active contact ``contact`` was merged into (itself when it was not merged).

    Merges made here point straight at the survivor; older data (a restore) may hold chains.
    """
    seen = {contact.pk}
    current = contact
    while current.merged_into_id is not None and current.merged_into_id not in seen:
        seen.add(current.merged_into_id)
        found = Contact.objects.for_owner(owner).filter(pk=current.merged_into_id).first()
        if found is None:
            break
        current = found
    return current


@dataclass(frozen=True)
class Candidate:
    """An active contact that looks like the same person, and why."""

    contact: Contact
    reasons: tuple[str, ...]


_REASONS = ((LINKEDIN, "same LinkedIn profile"), (EMAIL, "same email"), (NAME, "same name"))


def merge_candidates(owner: Owner, contact: Contact, limit: int = 20) -> list[Candidate]:
    """Active contacts sharing a key with ``contact`` (LinkedIn, email, name), likeliest first.

    One query, however many contacts the owner has: the keys are indexed.
    """
    own_keys = ContactKey.objects.filter(owner=owner, contact=contact).values("key")
    shared = (
        ContactKey.objects.for_owner(owner)
        .filter(key__in=own_keys, contact__merged_into__isnull=True)
        .exclude(contact=contact)
        .select_related("contact__organisation")
        .order_by("contact__name", "contact__pk")
    )
    found: dict[int, tuple[Contact, set[str]]] = {}
    for row in shared:
        entry = found.setdefault(row.contact_id, (row.contact, set()))
        entry[1].add(row.key.split(":", 1)[0] + ":")
    ranked = sorted(
        found.values(),
        key=lambda entry: tuple(prefix not in entry[1] for prefix, _ in _REASONS),
    )
    return [
        Candidate(person, tuple(reason for prefix, reason in _REASONS if prefix in kinds))
        for person, kinds in ranked[:limit]
    ]


def _pair(owner: Owner, keep_code, other_code, *, lock: bool = False) -> tuple[Contact, Contact]:
    keep_id, other_id = _uuid(keep_code), _uuid(other_code)
    if keep_id == other_id:
        raise InvalidInput("A contact cannot be merged with itself; choose another contact.")
    contacts = Contact.objects.for_owner(owner).select_related("organisation")
    if lock:
        contacts = contacts.select_for_update(of=("self",))
    by_code = {contact.code: contact for contact in contacts.filter(code__in=(keep_id, other_id))}
    if keep_id not in by_code or other_id not in by_code:
        raise NotFound("No such contact.")
    kept, other = by_code[keep_id], by_code[other_id]
    for contact in (kept, other):
        if contact.merged_into_id is not None:
            into = survivor_of(owner, contact)
            raise InvalidInput(
                f"{contact.name} was already merged into {into.name}; merge with {into.name} "
                "instead."
            )
    return kept, other


def _uuid(code) -> uuid.UUID:
    try:
        return code if isinstance(code, uuid.UUID) else uuid.UUID(str(code))
    except ValueError:
        raise NotFound("No such contact.") from None


def _plan(owner: Owner, kept: Contact, other: Contact, *, count: bool = True) -> MergePlan:
    fields = tuple(_compare(field, kept, other) for field in FIELDS)
    if not count:
        return MergePlan(kept, other, fields, (), 0, 0)
    counts = [
        (
            relation.one,
            relation.many,
            relation.model.objects.filter(owner=owner, **{relation.field: other}).count(),
        )
        for relation in MOVED
    ]
    touching = Referral.objects.filter(owner=owner).filter(
        Q(from_contact=other) | Q(to_contact=other)
    )
    between = touching.filter(Q(from_contact=kept) | Q(to_contact=kept)).count()
    kept_gives = Referral.objects.filter(owner=owner, from_contact=kept).values("to_contact")
    kept_gets = Referral.objects.filter(owner=owner, to_contact=kept).values("from_contact")
    combined = (
        touching.filter(
            Q(from_contact=other, to_contact__in=kept_gives)
            | Q(to_contact=other, from_contact__in=kept_gets)
        ).count()
        if touching.exists()
        else 0
    )
    # Referrals read best next to the chats and notes they came from.
    counts.insert(3, ("referral", "referrals", touching.count() - between))
    moving = tuple(entry for entry in counts if entry[2])
    return MergePlan(kept, other, fields, moving, between, combined)


def _compare(field: MergeField, kept: Contact, other: Contact) -> FieldComparison:
    mine, theirs = _value(kept, field.name), _value(other, field.name)
    candidates = [Option(KEEP, mine), Option(OTHER, theirs)]
    together = None
    if field.kind != SCALAR and not _empty(mine) and not _empty(theirs):
        together = _both(field, mine, theirs)
        candidates.append(Option(BOTH, together))
    # An option that would give the same value as one before it adds nothing to choose.
    options: list[Option] = []
    for option in candidates:
        if all(not _same(field, option.value, earlier.value) for earlier in options):
            options.append(option)
    # Lists and texts lose nothing by default: whichever option holds both sides (the "both"
    # option, or a side that already contains the other); otherwise the kept value, unless empty.
    default = KEEP
    if together is not None:
        default = next(o.choice for o in options if _same(field, o.value, together))
    elif _empty(mine) and len(options) > 1:
        default = OTHER
    return FieldComparison(field, mine, theirs, tuple(options), default)


def _value(contact: Contact, name: str) -> Any:
    if name == "organisation":
        return contact.organisation
    value = getattr(contact, name)
    return list(value) if isinstance(value, list) else value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _same(field: MergeField, one: Any, two: Any) -> bool:
    if field.name == "organisation":
        return getattr(one, "pk", None) == getattr(two, "pk", None)
    return one == two


def _both(field: MergeField, mine: Any, theirs: Any) -> Any:
    if field.kind == LIST:
        return distinct([*mine, *theirs], _LIST_KEYS[field.name])
    if theirs.strip() in mine:
        return mine  # the other text is already there: nothing to add
    if mine.strip() in theirs:
        return theirs
    return mine.rstrip() + JOINER + theirs.strip()


_LIST_KEYS: dict[str, Callable[[str], str]] = {
    "emails": str.casefold,
    "phones": phone_key,
    "websites": website_key,
    "tags": str.casefold,
}


def _chosen_values(plan: MergePlan, choices: Mapping[str, str]) -> dict[str, Any]:
    unknown = sorted(set(choices) - FIELD_NAMES)
    if unknown:
        raise InvalidInput(f"There is no field called {unknown[0]!r} to merge.")
    values = {}
    for comparison in plan.differing:
        name = comparison.field.name
        choice = choices.get(name, comparison.default)
        offered = [option.choice for option in comparison.options]
        if choice not in offered:
            words = {KEEP: "the kept contact's", OTHER: "the other contact's", BOTH: "both"}
            allowed = " or ".join(words[option] for option in offered)
            raise InvalidInput(
                f"{comparison.field.label}: choose {allowed}; {choice!r} is not one of them.",
                field=name,
            )
        values[name] = comparison.value_for(choice)
    return values


def _move_referrals(owner: Owner, kept: Contact, other: Contact) -> tuple[int, int, int]:
    """Repoint the other contact's referrals; returns (moved, removed, combined).

    A referral between the two would become the person referring to themselves, which the
    database refuses and which means nothing: it is removed. One that repeats a referral of the
    kept contact is folded into it, keeping the furthest status.
    """
    moved = removed = combined = 0
    touching = Referral.objects.filter(owner=owner).filter(
        Q(from_contact=other) | Q(to_contact=other)
    )
    existing = {
        (referral.from_contact_id, referral.to_contact_id): referral
        for referral in Referral.objects.filter(owner=owner).filter(
            Q(from_contact=kept) | Q(to_contact=kept)
        )
    }
    for referral in touching.order_by("created_at", "pk"):
        ends = [referral.from_contact_id, referral.to_contact_id]
        if kept.pk in ends:
            referral.delete()
            removed += 1
            continue
        ends = [kept.pk if end == other.pk else end for end in ends]
        twin = existing.get((ends[0], ends[1]))
        if twin is not None:
            twin.status = max(twin.status, referral.status, key=_REFERRAL_PROGRESS.index)
            twin.may_use_name = twin.may_use_name or referral.may_use_name
            twin.chat_id = twin.chat_id or referral.chat_id
            referral.delete()
            twin.save(update_fields=["status", "may_use_name", "chat", "updated_at"])
            combined += 1
            moved += 1
            continue
        referral.from_contact_id, referral.to_contact_id = ends
        referral.save(update_fields=["from_contact", "to_contact", "updated_at"])
        existing[(ends[0], ends[1])] = referral
        moved += 1
    return moved, removed, combined
