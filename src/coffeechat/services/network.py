"""The network beyond first contacts: referrals between people, and what came out of them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Q, QuerySet

from coffeechat.core.network import Edge, Network, Person, Yield, build_network, credit
from coffeechat.core.network import referral_yield as yield_of
from coffeechat.core.text import clean_line
from coffeechat.services.errors import InvalidInput
from coffeechat.services.ownership import ensure_owned
from coffeechat.store.models import Chat, Contact, Opportunity, Referral


@transaction.atomic
def add_referral(
    owner,
    from_contact: Contact,
    to_contact: Contact,
    *,
    chat: Chat | None = None,
    status: str = "suggested",
    may_use_name: bool = False,
) -> Referral:
    """Record that ``from_contact`` suggested or introduced ``to_contact``."""
    ensure_owned(owner, from_contact, to_contact, chat)
    if from_contact.pk == to_contact.pk:
        raise InvalidInput("Someone cannot refer you to themselves.", field="to_contact")
    if chat is not None and chat.contact_id != from_contact.pk:
        raise InvalidInput(
            f"That chat was not with {from_contact.name}, who made the referral.", field="chat"
        )
    if status not in Referral.Status.values:
        raise InvalidInput("Choose how far the referral has gone.", field="status")
    already = Referral.objects.for_owner(owner).filter(
        from_contact=from_contact, to_contact=to_contact
    )
    if already.exists():
        raise InvalidInput(
            f"{from_contact.name} has already referred you to {to_contact.name}.",
            field="to_contact",
        )
    return Referral.objects.create(
        owner=owner,
        from_contact=from_contact,
        to_contact=to_contact,
        chat=chat,
        status=status,
        may_use_name=may_use_name,
    )


@transaction.atomic
def add_opportunity(
    owner, contact: Contact, kind: str, title: str, *, arose_on: date, notes: str = ""
) -> Opportunity:
    """Credit an opportunity (lead, interview, offer, project) to the contact it came through."""
    ensure_owned(owner, contact)
    if kind not in Opportunity.Kind.values:
        raise InvalidInput("Choose lead, interview, offer or project.", field="kind")
    title = clean_line(title)
    if not title:
        raise InvalidInput("Give the opportunity a title.", field="title")
    if len(title) > 200:
        raise InvalidInput("A title has at most 200 characters.", field="title")
    return Opportunity.objects.create(
        owner=owner, contact=contact, kind=kind, title=title, arose_on=arose_on, notes=notes.strip()
    )


# The network, read: degrees, chains, reach, yield and credit (rules in coffeechat.core.network).


@dataclass(frozen=True)
class CreditedOpportunity:
    """An opportunity and the people it is credited to, first contact first."""

    opportunity: Opportunity
    chain: tuple[Contact, ...]


@dataclass(frozen=True)
class ChatReferrals:
    """One chat and how many people it led to."""

    chat: Chat
    referrals: int


@dataclass(frozen=True)
class NetworkView:
    """One owner's network: the core's graph over codes, with the rows behind them."""

    network: Network
    contacts: dict[str, Contact]  # by code, merged ones included
    chats: dict[str, Chat]  # held chats and chats that led to a referral, by code
    referrals: tuple[Edge, ...]
    yields: Yield
    opportunities: tuple[CreditedOpportunity, ...]

    def people(self, keys: Sequence[str]) -> tuple[Contact, ...]:
        """The contacts behind ``keys``."""
        return tuple(self.contacts[key] for key in keys)

    def degree_of(self, contact: Contact) -> int:
        """The degree of ``contact`` (of the one it was merged into, if it was)."""
        return self.network.degree_of(str(contact.code))

    def chain_of(self, contact: Contact) -> tuple[Contact, ...]:
        """The shortest chain from a first contact to ``contact``."""
        return self.people(self.network.chain_to(str(contact.code)))

    def per_degree(self) -> list[tuple[int, tuple[Contact, ...]]]:
        """Each degree with its contacts, nearest first."""
        return [
            (degree, self.people(self.network.at_degree(degree))) for degree in self.network.reach()
        ]

    def longest_chains(self, limit: int = 5) -> list[tuple[Contact, ...]]:
        """The longest chains, longest first (see ``Network.longest_chains``)."""
        return [self.people(chain) for chain in self.network.longest_chains(limit)]

    def chat_yields(self, limit: int | None = None) -> list[ChatReferrals]:
        """Chats by how many people they led to, most first; chats that led to nobody last."""
        rows = [
            ChatReferrals(self.chats[item.chat], item.referrals) for item in self.yields.per_chat
        ]
        return rows[:limit] if limit is not None else rows


@dataclass(frozen=True)
class Standing:
    """Where one contact stands: their degree and the chain that reaches them."""

    contact: Contact
    degree: int
    chain: tuple[Contact, ...]
    referred_by: tuple[Contact, ...]  # everyone who referred them, merges resolved


def _people(owner, among: Collection[int] | None = None) -> dict[str, Contact]:
    rows = (
        Contact.objects.for_owner(owner)
        .defer("research_notes", "research_notes_html", "how_we_met")
        .order_by("created_at", "pk")
    )
    if among is not None:
        rows = rows.filter(pk__in=among)
    return {str(contact.code): contact for contact in rows}


def _graph(
    owner, among: Collection[int] | None = None
) -> tuple[Network, dict[str, Contact], tuple[Edge, ...]]:
    """The owner's network in two queries: contacts (merged ones too) and referrals.

    ``among`` narrows it to those contacts and the referrals into them: enough for anyone whose
    every ancestor is among them (see ``_ancestry``).
    """
    contacts = _people(owner, among)
    by_pk = {contact.pk: key for key, contact in contacts.items()}
    people = [
        Person(key, contact.name, by_pk.get(contact.merged_into_id))
        for key, contact in contacts.items()
    ]
    rows = Referral.objects.for_owner(owner).order_by("created_at", "pk")
    if among is not None:
        rows = rows.filter(to_contact__in=among)
    edges: list[Edge] = []
    direct: set[str] = set()
    for source, target, chat, actual_start, starts_at in rows.values_list(
        "from_contact_id",
        "to_contact_id",
        "chat__code",
        "chat__actual_start",
        "chat__starts_at",
    ):
        edges.append(Edge(by_pk[source], by_pk[target], str(chat) if chat else None))
        began = actual_start or starts_at
        # Someone already in your contacts before the chat where they were suggested was
        # reached directly: the referral must not push them further out (core notes).
        if began is not None and contacts[by_pk[target]].created_at < began:
            direct.add(by_pk[target])
    return build_network(people, edges, direct), contacts, tuple(edges)


# Everyone a contact's standing can depend on: whoever referred it or anyone it counts as
# (merged into it, or it into them), then the same for each of those, to the end. One query
# however large the network, each step through an index; its size is the contact's own
# ancestry, usually the contact alone. SQLite takes the three steps as recursive terms of their
# own; PostgreSQL allows one recursive term, so there they are a lateral union. The unary plus
# keeps SQLite from walking all the owner's referrals by the owner's index at every step.
_ANCESTRY_START = """
    WITH RECURSIVE ancestry(id) AS (
        SELECT c.id FROM coffeechat_contact c WHERE c.id = %s AND c.owner_id = %s
"""
_ANCESTRY_STEPS = (
    """SELECT c.merged_into_id FROM coffeechat_contact c
        WHERE c.id = ancestry.id AND c.owner_id = %s AND c.merged_into_id IS NOT NULL""",
    """SELECT c.id FROM coffeechat_contact c
        WHERE c.merged_into_id = ancestry.id AND c.owner_id = %s""",
    """SELECT r.from_contact_id FROM coffeechat_referral r
        WHERE r.to_contact_id = ancestry.id AND +r.owner_id = %s""",
)
_ANCESTRY = {
    "sqlite": _ANCESTRY_START
    + "".join(f"UNION {step.replace('FROM ', 'FROM ancestry, ', 1)} " for step in _ANCESTRY_STEPS)
    + ") SELECT id FROM ancestry",
    "postgresql": _ANCESTRY_START
    + "UNION SELECT next.id FROM ancestry CROSS JOIN LATERAL ("
    + " UNION ALL ".join(_ANCESTRY_STEPS)
    + ") next(id)) SELECT id FROM ancestry",
}


def _ancestry(owner, contact: Contact) -> set[int]:
    """The contact and everyone its degree and chain depend on (see ``_ANCESTRY_START``).

    A contact's degree depends only on the people with a chain of referrals to it: whether each
    of them counts as a first contact is decided by who referred them, and a loop's earliest
    member by the loop's own people. Merges join people into one, so they are followed both
    ways.
    """
    with connection.cursor() as cursor:
        cursor.execute(_ANCESTRY[connection.vendor], [contact.pk, *[owner.pk] * 4])
        return {row[0] for row in cursor.fetchall()}


def network_of(owner) -> NetworkView:
    """Everything the network page and ``coffeechat network`` show, in four queries."""
    network, contacts, edges = _graph(owner)
    chats = {
        str(chat.code): chat
        for chat in Chat.objects.for_owner(owner)
        .filter(Q(status=Chat.Status.HELD) | Q(referrals__isnull=False))
        .select_related("contact")
        .distinct()
        .order_by("-starts_at", "pk")
    }
    held = [key for key, chat in chats.items() if chat.status == Chat.Status.HELD]
    opportunities = list(Opportunity.objects.for_owner(owner).order_by("-arose_on", "pk"))
    by_pk = {contact.pk: key for key, contact in contacts.items()}
    credits = credit(network, [(str(item.code), by_pk[item.contact_id]) for item in opportunities])
    chains = {item.opportunity: item.chain for item in credits}
    return NetworkView(
        network=network,
        contacts=contacts,
        chats=chats,
        referrals=edges,
        yields=yield_of(network, edges, held),
        opportunities=tuple(
            CreditedOpportunity(item, tuple(contacts[key] for key in chains[str(item.code)]))
            for item in opportunities
        ),
    )


def degree_of(owner, contact: Contact) -> Standing:
    """Where ``contact`` stands in the owner's network, in three queries whatever its size."""
    ensure_owned(owner, contact)
    network, contacts, edges = _graph(owner, _ancestry(owner, contact))
    key = network.resolve(str(contact.code))
    referrers = dict.fromkeys(
        network.resolve(edge.source) for edge in edges if network.resolve(edge.target) == key
    )
    return Standing(
        contact=contacts[key],
        degree=network.degrees[key],
        chain=tuple(contacts[step] for step in network.chain_to(key)),
        referred_by=tuple(contacts[source] for source in referrers if source != key),
    )


def contacts_at_degree(owner, contacts: QuerySet[Contact], degree: int) -> QuerySet[Contact]:
    """Narrow ``contacts`` (the owner's) to those of one degree."""
    network, found, _ = _graph(owner)
    keys = network.at_degree(degree)
    return contacts.filter(pk__in=[found[key].pk for key in keys])
