"""The funnel of the people written to: overall, per target organisation, for one organisation.

Each contact carries their furthest stage (``Contact.funnel_stage``, kept by database triggers:
migration 0021 and store.funnel_stage hold the rule), so one grouped query counts the people
per organisation and stage from an index, whatever the amount of data; the pure ``core.funnel``
turns the counts into funnels. Merged contacts are left out: the merge moved their rows to the
contact that survived, who counts once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import cast

from django.db.models import Count

from coffeechat.core.funnel import Funnel, funnel_from_counts
from coffeechat.services.ownership import ensure_owned
from coffeechat.store.managers import ContactQuerySet
from coffeechat.store.models import Contact, Organisation

# (organisation id, furthest stage, how many people stopped there)
Counted = list[tuple[int | None, int, int]]


@dataclass(frozen=True)
class TargetFunnel:
    """A target organisation and the funnel of the people written to there."""

    organisation: Organisation
    funnel: Funnel


def _counted(contacts: ContactQuerySet) -> Counted:
    """How many people among ``contacts`` (not merged, written to) stopped at each stage."""
    rows = (
        contacts.active()
        # ">= 0" rather than "not null" (the same rows): SQLite uses the partial index for it.
        .filter(funnel_stage__gte=0)
        .order_by()
        .values("organisation_id", "funnel_stage")
        .annotate(people=Count("*"))
        .values_list("organisation_id", "funnel_stage", "people")
    )
    # The filter leaves no empty stage; an organisation may be none (the stubs say otherwise).
    return cast(Counted, list(rows))


def _funnel(rows: Counted) -> Funnel:
    return funnel_from_counts((stage, people) for _, stage, people in rows)


def overall_funnel(owner) -> Funnel:
    """The funnel of everyone the owner has written to, at a target or not."""
    return _funnel(_counted(Contact.objects.for_owner(owner)))


def organisation_funnel(owner, organisation: Organisation) -> Funnel:
    """The funnel of the people the owner has written to at ``organisation``."""
    ensure_owned(owner, organisation)
    return _funnel(_counted(Contact.objects.for_owner(owner).filter(organisation=organisation)))


def _priority(organisation: Organisation) -> tuple[bool, int, str]:
    # Top five first, then the strongest motivation, then by name.
    return (
        not organisation.top_five,
        -(organisation.motivation or 0),
        organisation.name.casefold(),
    )


def funnels(owner) -> tuple[Funnel, list[TargetFunnel]]:
    """The overall funnel and each target's (as ``target_funnels``), from one read of the people.

    Two queries whatever the numbers: the funnel page shows both, and every target's people are
    among everyone's counts.
    """
    rows = _counted(Contact.objects.for_owner(owner))
    return _funnel(rows), _per_target(_targets(owner), rows)


def _targets(owner) -> list[Organisation]:
    """The owner's targets, top five and most motivated first, then by name."""
    return sorted(Organisation.objects.for_owner(owner).filter(is_target=True), key=_priority)


def _per_target(targets: list[Organisation], rows: Counted) -> list[TargetFunnel]:
    """Each target's funnel from the counts per (organisation, furthest stage)."""
    stages: dict[int | None, list[tuple[int, int]]] = defaultdict(list)
    for organisation, stage, people in rows:
        stages[organisation].append((stage, people))
    return [
        TargetFunnel(organisation, funnel_from_counts(stages.get(organisation.pk, ())))
        for organisation in targets
    ]


def target_funnels(owner) -> list[TargetFunnel]:
    """One funnel per target organisation, top five and most motivated first, then by name.

    A target nobody was written to yet has an empty funnel. Two queries, whatever the numbers.
    """
    targets = _targets(owner)
    if not targets:
        return []
    rows = _counted(
        Contact.objects.for_owner(owner).filter(
            organisation__is_target=True, organisation__owner=owner
        )
    )
    return _per_target(targets, rows)
