"""The funnel of the people written to: overall, per target organisation, for one organisation.

One query reads every contact written to with five yes-or-no facts about them (Exists
subqueries), whatever the amount of data; the grouping and counting happen in Python, through
the pure ``core.funnel``. Merged contacts are left out: the merge moved their rows to the
contact that survived, who counts once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, Min, OuterRef, Q, Subquery

from coffeechat.core.funnel import Funnel, Stage, funnel_from, furthest_stage
from coffeechat.services.ownership import ensure_owned
from coffeechat.store.managers import ContactQuerySet
from coffeechat.store.models import Chat, Contact, Opportunity, Organisation, Outreach, Referral


@dataclass(frozen=True)
class TargetFunnel:
    """A target organisation and the funnel of the people written to there."""

    organisation: Organisation
    funnel: Funnel


def _furthest(contacts: ContactQuerySet) -> list[tuple[int | None, Stage]]:
    """Each contact written to among ``contacts``: their organisation's id and furthest stage."""
    sent = Outreach.objects.filter(contact=OuterRef("pk"), sent_at__isnull=False)
    first_sent = (
        Outreach.objects.filter(contact=OuterRef("pk"), sent_at__isnull=False)
        .order_by()
        .values("contact")
        .annotate(first=Min("sent_at"))
        .values("first")
    )
    # A held chat counts when it came of a request, or took place after the first one went out
    # (a chat from before any request belongs to an earlier acquaintance, not to the funnel).
    held = Chat.objects.filter(contact=OuterRef("pk"), status=Chat.Status.HELD).filter(
        Q(outreach__isnull=False) | Q(starts_at__gte=OuterRef("first_sent"))
    )
    rows = (
        contacts.active()
        .annotate(
            first_sent=Subquery(first_sent),
            replied=Exists(sent.filter(replied_at__isnull=False)),
            chatted=Exists(held),
            referred=Exists(Referral.objects.filter(from_contact=OuterRef("pk"))),
            credited=Exists(Opportunity.objects.filter(contact=OuterRef("pk"))),
        )
        .filter(Exists(sent))
        .order_by()
        .values_list("organisation_id", "replied", "chatted", "referred", "credited")
    )
    return [
        (
            organisation,
            furthest_stage(replied=replied, chatted=chatted, referred=referred, credited=credited),
        )
        for organisation, replied, chatted, referred, credited in rows
    ]


def _funnel(rows: Iterable[tuple[int | None, Stage]]) -> Funnel:
    return funnel_from(stage for _, stage in rows)


def overall_funnel(owner) -> Funnel:
    """The funnel of everyone the owner has written to, at a target or not."""
    return _funnel(_furthest(Contact.objects.for_owner(owner)))


def organisation_funnel(owner, organisation: Organisation) -> Funnel:
    """The funnel of the people the owner has written to at ``organisation``."""
    ensure_owned(owner, organisation)
    return _funnel(_furthest(Contact.objects.for_owner(owner).filter(organisation=organisation)))


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
    among everyone's, so reading them a second time only repeated the costliest query.
    """
    rows = _furthest(Contact.objects.for_owner(owner))
    return _funnel(rows), _per_target(_targets(owner), rows)


def _targets(owner) -> list[Organisation]:
    """The owner's targets, top five and most motivated first, then by name."""
    return sorted(Organisation.objects.for_owner(owner).filter(is_target=True), key=_priority)


def _per_target(
    targets: list[Organisation], rows: list[tuple[int | None, Stage]]
) -> list[TargetFunnel]:
    """Each target's funnel from the people's (organisation, furthest stage)."""
    stages: dict[int | None, list[Stage]] = defaultdict(list)
    for organisation, stage in rows:
        stages[organisation].append(stage)
    return [
        TargetFunnel(organisation, funnel_from(stages.get(organisation.pk, ())))
        for organisation in targets
    ]


def target_funnels(owner) -> list[TargetFunnel]:
    """One funnel per target organisation, top five and most motivated first, then by name.

    A target nobody was written to yet has an empty funnel. Two queries, whatever the numbers.
    """
    targets = _targets(owner)
    if not targets:
        return []
    rows = _furthest(
        Contact.objects.for_owner(owner).filter(
            organisation__is_target=True, organisation__owner=owner
        )
    )
    return _per_target(targets, rows)
