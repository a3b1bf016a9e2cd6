"""The network beyond first contacts: referrals between people, and what came out of them."""

from __future__ import annotations

import heapq
import itertools
import threading
from collections import OrderedDict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from coffeechat.core.network import Edge, Network, Person, Yield, build_network, credit
from coffeechat.core.network import referral_yield as yield_of
from coffeechat.core.text import clean_line
from coffeechat.services.errors import InvalidInput
from coffeechat.services.ownership import ensure_owned
from coffeechat.store.models import Chat, Contact, Opportunity, Referral
from coffeechat.store.owners import Owner
from coffeechat.store.stamps import network_token


@transaction.atomic
def add_referral(
    owner: Owner,
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
    owner: Owner, contact: Contact, kind: str, title: str, *, arose_on: date, notes: str = ""
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
#
# Most people in a large network were reached directly and never referred anyone: nobody
# referred them, they referred nobody, no merge joins them to anyone. By the core's rules each of
# them is simply 1st degree on their own, so the page does not read them one by one: it builds
# the graph over the people some referral, merge or opportunity touches (the linked part), and
# counts the rest in SQL. The linked part is closed (every referral into it comes from inside
# it), so its degrees and chains are those of the whole network; a property test in
# tests/services/test_network.py compares the two.


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
class _Graph:
    """The core's graph over contact keys (their primary keys as text), with what ordering,
    the yield and loading the rows behind them need."""

    network: Network
    edges: tuple[Edge, ...]
    held_chats: tuple[str, ...]  # held chats with a referral, latest first, by key
    size: int  # people in it, merged ones included


# What the pages and the CLI show of a person in the network: reading only these keeps a
# contact's JSON fields and notes out of a read of hundreds of people.
_SHOWN = ("code", "name", "role", "created_at", "merged_into")


def _by_key(rows: QuerySet, keys: Collection[int]) -> QuerySet:
    """``rows`` with those primary keys, in no order: with the models' default order SQLite
    walks the owner's whole ordering index (every chat by start) instead of looking up ten keys."""
    return rows.filter(pk__in=keys).order_by()


def _key(pk: int) -> str:
    return str(pk)


# The linked part: everyone merged into someone or merged into, on either end of a referral, or
# credited with an opportunity. One list of keys that the contacts query looks up by primary
# key, so its cost follows the linked part's size, not the network's. The few merged contacts
# are found through the index on merged_into: SQLite takes an index for a range ("> 0", keys
# are positive) but not for IS NOT NULL, and the unary plus stops it preferring the owner's.
_LINKED = """
    SELECT id FROM coffeechat_contact WHERE merged_into_id > 0 AND +owner_id = %s
    UNION SELECT merged_into_id FROM coffeechat_contact
        WHERE merged_into_id > 0 AND +owner_id = %s
    UNION SELECT from_contact_id FROM coffeechat_referral WHERE owner_id = %s
    UNION SELECT to_contact_id FROM coffeechat_referral WHERE owner_id = %s
    UNION SELECT contact_id FROM coffeechat_opportunity WHERE owner_id = %s
"""


def _linked(owner: Owner) -> Q:
    """The linked part of the network (see the notes above)."""
    return Q(pk__in=RawSQL(_LINKED, [owner.pk] * 5))


def _alone(owner: Owner) -> Q:
    """Contacts outside the linked part: each one 1st degree, on their own."""
    return ~_linked(owner)


def _graph(owner: Owner, among: Collection[int] | None = None) -> _Graph:
    """The linked part of the owner's network in two queries: its people and the referrals.

    ``among`` narrows it to those contacts and the referrals into them: enough for anyone whose
    every ancestor is among them (see ``_ancestry``).
    """
    rows = Contact.objects.for_owner(owner).order_by("created_at", "pk")
    rows = rows.filter(pk__in=among) if among is not None else rows.filter(_linked(owner))
    # The order of the rows is the network's order; no moment is read (parsing them is most of
    # the cost of a large read), the one comparison the rules need is made in SQL below.
    people = [
        Person(_key(pk), name, _key(merged_into) if merged_into else None)
        for pk, name, merged_into in rows.values_list("pk", "name", "merged_into_id")
    ]
    referrals = (
        Referral.objects.for_owner(owner)
        .order_by("created_at", "pk")
        .annotate(
            # Someone already in your contacts before the chat where they were suggested was
            # reached directly: the referral must not push them further out (core notes).
            known_before=ExpressionWrapper(
                Q(to_contact__created_at__lt=Coalesce("chat__actual_start", "chat__starts_at")),
                output_field=BooleanField(),
            )
        )
    )
    if among is not None:
        referrals = referrals.filter(to_contact__in=among)
    edges: list[Edge] = []
    direct: set[str] = set()
    held: dict[str, tuple[datetime, int]] = {}
    for source, target, chat, status, starts_at, known_before in referrals.values_list(
        "from_contact_id",
        "to_contact_id",
        "chat_id",
        "chat__status",
        "chat__starts_at",
        "known_before",
    ):
        edges.append(Edge(_key(source), _key(target), _key(chat) if chat else None))
        if status == Chat.Status.HELD:
            held[_key(chat)] = (starts_at, chat)
        if known_before:
            direct.add(_key(target))
    # Latest first, as the page lists chats; the key breaks ties as the chat list does.
    latest_first = sorted(held, key=lambda chat: (-held[chat][0].timestamp(), held[chat][1]))
    network = build_network(people, edges, direct)
    return _Graph(network, tuple(edges), tuple(latest_first), len(people))


class NetworkView:
    """One owner's network: the core's graph over the linked part, the count of everyone else,
    and the rows behind what a page shows, read when asked for (a few queries whatever the
    network's size)."""

    def __init__(self, owner: Owner, built: _Built, alone: int) -> None:
        self.owner = owner
        self.network = built.graph.network
        self.alone = alone  # 1st-degree contacts outside the linked part
        self._loaded: dict[str, Contact] = {}
        self.yields = built.yields

    @property
    def total(self) -> int:
        """Everyone in the network, merged contacts counted once."""
        return len(self.network.nodes) + self.alone

    def _load(self, keys: Iterable[str]) -> None:
        missing = {int(key) for key in keys if key not in self._loaded}
        if missing:
            rows = _by_key(Contact.objects.for_owner(self.owner), missing).only(*_SHOWN)
            self._loaded.update((_key(contact.pk), contact) for contact in rows)

    def people(self, keys: Sequence[str]) -> tuple[Contact, ...]:
        """The contacts behind ``keys``, read in one query for those not read yet."""
        self._load(keys)
        return tuple(self._loaded[key] for key in keys)

    def _key_of(self, contact: Contact) -> str | None:
        key = _key(contact.pk)
        return self.network.resolve(key) if key in self.network.canonical else None

    def degree_of(self, contact: Contact) -> int:
        """The degree of ``contact`` (of the one it was merged into, if it was)."""
        key = self._key_of(contact)
        return self.network.degrees[key] if key is not None else 1

    def chain_of(self, contact: Contact) -> tuple[Contact, ...]:
        """The shortest chain from a first contact to ``contact``."""
        key = self._key_of(contact)
        return self.people(self.network.chain_to(key)) if key is not None else (contact,)

    def reach(self) -> dict[int, int]:
        """How many contacts there are at each degree, nearest first."""
        counts = self.network.reach()
        if self.alone:
            counts[1] = counts.get(1, 0) + self.alone
        return dict(sorted(counts.items()))

    def per_degree(self, names: int | None = None) -> list[tuple[int, tuple[Contact, ...]]]:
        """Each degree with its contacts (the first ``names`` of them), nearest first, in the
        order they were added; two queries however many degrees there are."""
        reach = self.reach()
        inside = {degree: self.network.at_degree(degree)[:names] for degree in reach}
        self._load(key for keys in inside.values() for key in keys)
        levels = [(degree, self.people(keys)) for degree, keys in inside.items()]
        if not self.alone:
            return levels
        alone = (
            Contact.objects.for_owner(self.owner)
            .filter(_alone(self.owner))
            .only(*_SHOWN)
            .order_by("created_at", "pk")
        )
        first = inside[1]
        # Both in the network's order (when each was added): merged, the first ones kept.
        merged = heapq.merge(
            (self._loaded[key] for key in first),
            alone[:names],
            key=lambda contact: (contact.created_at, contact.pk),
        )
        levels[0] = (1, tuple(itertools.islice(merged, names)))
        return levels

    def longest_chains(self, limit: int = 5) -> list[tuple[Contact, ...]]:
        """The longest chains, longest first (see ``Network.longest_chains``)."""
        chains = self.network.longest_chains(limit)
        self._load(key for chain in chains for key in chain)
        return [self.people(chain) for chain in chains]

    def chat_yields(
        self, limit: int | None = None, *, led_nowhere: bool = True
    ) -> list[ChatReferrals]:
        """Chats by how many people they led to, most first; then, unless ``led_nowhere`` is
        false, the held chats that led to nobody, latest first."""
        listed = self.yields.per_chat[:limit]
        chats = (
            Chat.objects.for_owner(self.owner)
            .select_related("contact")
            .only("code", "status", "starts_at", *(f"contact__{name}" for name in _SHOWN))
        )
        found = {chat.pk: chat for chat in _by_key(chats, [int(item.chat) for item in listed])}
        rows = [ChatReferrals(found[int(item.chat)], item.referrals) for item in listed]
        room = None if limit is None else limit - len(rows)
        if led_nowhere and room != 0:
            nowhere = (
                chats.filter(status=Chat.Status.HELD)
                .exclude(pk__in=[int(item.chat) for item in self.yields.per_chat])
                .order_by("-starts_at", "pk")
            )
            rows.extend(ChatReferrals(chat, 0) for chat in nowhere[:room])
        return rows

    def credited(self, opportunities: Iterable[Opportunity]) -> list[CreditedOpportunity]:
        """Each opportunity with the chain it is credited along, first contact first."""
        opportunities = list(opportunities)
        credits = credit(
            self.network, [(str(item.pk), _key(item.contact_id)) for item in opportunities]
        )
        chains = {item.opportunity: item.chain for item in credits}
        self._load(key for chain in chains.values() for key in chain)
        return [
            CreditedOpportunity(
                item, self.people(chains.get(str(item.pk), (_key(item.contact_id),)))
            )
            for item in opportunities
        ]


def opportunities_of(owner: Owner) -> QuerySet[Opportunity]:
    """The owner's opportunities, the latest first."""
    return Opportunity.objects.for_owner(owner).order_by("-arose_on", "pk")


@dataclass(frozen=True)
class Standing:
    """Where one contact stands: their degree and the chain that reaches them."""

    contact: Contact
    degree: int
    chain: tuple[Contact, ...]
    referred_by: tuple[Contact, ...]  # everyone who referred them, merges resolved


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


def _ancestry(owner: Owner, contact: Contact) -> set[int]:
    """The contact and everyone its degree and chain depend on (see ``_ANCESTRY_START``).

    A contact's degree depends only on the people with a chain of referrals to it: whether each
    of them counts as a first contact is decided by who referred them, and a loop's earliest
    member by the loop's own people. Merges join people into one, so they are followed both
    ways.
    """
    with connection.cursor() as cursor:
        cursor.execute(_ANCESTRY[connection.vendor], [contact.pk, *[owner.pk] * 4])
        return {row[0] for row in cursor.fetchall()}


@dataclass(frozen=True)
class _Built:
    """The owner's whole graph and the yield of their chats, as kept between visits."""

    graph: _Graph
    yields: Yield


# The graph each process built last for each of the most recent owners, with the network stamp
# it was built under (store.stamps): building it is most of the network page, and it changes
# far less often than it is looked at. A thread of the server may build while another reads.
_KEPT_OWNERS = 32
_kept: OrderedDict[tuple[str, str, int], tuple[int, _Built]] = OrderedDict()
_kept_lock = threading.Lock()


def _build(owner: Owner) -> _Built:
    graph = _graph(owner)
    held = Chat.objects.for_owner(owner).filter(status=Chat.Status.HELD).count()
    yields = yield_of(graph.network, graph.edges, graph.held_chats, held - len(graph.held_chats))
    return _Built(graph, yields)


def _built(owner: Owner) -> _Built:
    """The owner's graph: the one kept while their stamp has not moved, else built again.

    The stamp is read before the rows: a change committed in between moves it, so a graph newer
    than its stamp is only built once more, never kept past a change.
    """
    token = network_token(owner)
    key = (connection.alias, str(connection.settings_dict["NAME"]), owner.pk)
    with _kept_lock:
        kept = _kept.get(key)
        if kept is not None and kept[0] == token:
            _kept.move_to_end(key)
            return kept[1]
    built = _build(owner)
    if token is not None:
        with _kept_lock:
            _kept[key] = (token, built)
            _kept.move_to_end(key)
            while len(_kept) > _KEPT_OWNERS:
                _kept.popitem(last=False)
    return built


def network_of(owner: Owner) -> NetworkView:
    """What the network page and ``coffeechat network`` show: the linked part's graph (kept
    between visits while nothing in it changed) and the count of everyone else, in two queries
    then; the rows a page lists are read when it asks for them."""
    built = _built(owner)
    # Every contact is in the linked part (merged ones are) or alone.
    alone = Contact.objects.for_owner(owner).count() - built.graph.size
    return NetworkView(owner, built, alone)


def degree_of(owner: Owner, contact: Contact) -> Standing:
    """Where ``contact`` stands in the owner's network, in four queries whatever its size."""
    ensure_owned(owner, contact)
    graph = _graph(owner, _ancestry(owner, contact))
    network = graph.network
    key = network.resolve(_key(contact.pk))
    referrers = dict.fromkeys(
        network.resolve(edge.source) for edge in graph.edges if network.resolve(edge.target) == key
    )
    chain = network.chain_to(key)
    others = [source for source in referrers if source != key]
    found = {
        _key(person.pk): person
        for person in Contact.objects.for_owner(owner)
        .filter(pk__in=[int(step) for step in {key, *chain, *others}])
        .order_by()
        .defer("research_notes", "research_notes_html", "how_we_met")
    }
    return Standing(
        contact=found[key],
        degree=network.degrees[key],
        chain=tuple(found[step] for step in chain),
        referred_by=tuple(found[source] for source in others),
    )


def contacts_at_degree(owner: Owner, contacts: QuerySet[Contact], degree: int) -> QuerySet[Contact]:
    """Narrow ``contacts`` (the owner's) to those of one degree."""
    network = _built(owner).graph.network
    keys = [int(key) for key in network.at_degree(degree)]
    if degree != 1:
        return contacts.filter(pk__in=keys)
    return contacts.filter(Q(pk__in=keys) | _alone(owner))
