"""The referral graph: who reached whom through whom, and what came of it (DESIGN §3.3).

Everything here works on plain values: contacts named by an id (the service uses their public
code), referral edges between those ids, and the ids of chats and opportunities.

The rules, decided once so the web page, the contact page and the CLI agree:

**Merges.** A contact merged into another counts as that other one: a referral to or from it is a
referral to or from the contact it was merged into. ``merged_into`` chains are followed to their
end; a chain that names an unknown contact stops at the last known one; a chain that loops
(A into B, B into A, which the app never writes but an import or a hand-edited database might)
settles on the loop's earliest contact in the order given. A referral that merging turns into a
self-referral is dropped; two referrals that merging makes the same are counted once.

**First contacts** are the people you reached directly, counted as 1st degree:

- everyone nobody referred you to;
- anyone the caller marks as known *before* the referral to them (``direct``): the service marks a
  contact added before the chat in which someone suggested them, so a referral to a person you
  already knew never pushes them further out. A person who was suggested first and whom you
  then contacted yourself stays on the referral's side: they came to you through it;
- for a loop of referrals that nobody outside the loop leads into (A referred B and B referred
  A, and nobody referred either), its earliest contact: someone in the loop must have come first.

**Degree** is one more than the length of the shortest referral chain from any first contact,
found breadth first, so cycles end the search rather than loop it, a contact referred by two
people takes the smaller degree, and every contact has a degree of at least 1.

**Credit** for an opportunity goes, one credit each, to every contact on the shortest chain from a
first contact to the contact it came through, that contact included: the point is to see whose
doors led somewhere, not to split a prize.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Person:
    """A contact: an id, a name for pictures and lists, and the id it was merged into."""

    id: str
    name: str = ""
    merged_into: str | None = None


@dataclass(frozen=True)
class Edge:
    """``source`` suggested or introduced ``target``, in the chat ``chat`` if known."""

    source: str
    target: str
    chat: str | None = None


@dataclass(frozen=True)
class Credit:
    """An opportunity and the chain it is credited along, first contact first."""

    opportunity: str
    contact: str
    chain: tuple[str, ...]


@dataclass(frozen=True)
class ChatYield:
    """How many distinct people one chat led to."""

    chat: str
    referrals: int


@dataclass(frozen=True)
class Yield:
    """Referrals per chat: each chat's count, and the average over the chats held."""

    per_chat: tuple[ChatYield, ...]
    held: int
    referrals: int  # from held chats

    @property
    def rate(self) -> float | None:
        """Referrals per held chat, or None before the first chat is held."""
        return self.referrals / self.held if self.held else None


@dataclass(frozen=True)
class Network:
    """Degrees and shortest chains over the contacts, merges already resolved."""

    nodes: tuple[str, ...]  # active contacts (merges resolved), in the order given
    names: Mapping[str, str]
    canonical: Mapping[str, str]  # every id given -> the contact it counts as
    degrees: Mapping[str, int]  # over ``nodes``
    parents: Mapping[str, str]  # the previous step on each contact's shortest chain
    first: frozenset[str]
    edges: tuple[tuple[str, str], ...]  # between nodes, no self-loops, no repeats
    _children: Mapping[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def resolve(self, contact: str) -> str:
        """The contact ``contact`` counts as (itself unless merged); KeyError when unknown."""
        return self.canonical[contact]

    def degree_of(self, contact: str) -> int:
        """The degree of ``contact``, following merges."""
        return self.degrees[self.resolve(contact)]

    def chain_to(self, contact: str) -> tuple[str, ...]:
        """The shortest chain from a first contact to ``contact``, both ends included."""
        chain = [self.resolve(contact)]
        while chain[-1] in self.parents:
            chain.append(self.parents[chain[-1]])
        return tuple(reversed(chain))

    def at_degree(self, degree: int) -> tuple[str, ...]:
        """The contacts of one degree, in the order given."""
        return tuple(node for node in self.nodes if self.degrees[node] == degree)

    def reach(self) -> dict[int, int]:
        """How many contacts there are at each degree, nearest first."""
        counts: dict[int, int] = {}
        for node in self.nodes:
            counts[self.degrees[node]] = counts.get(self.degrees[node], 0) + 1
        return dict(sorted(counts.items()))

    def longest_chains(self, limit: int = 5) -> tuple[tuple[str, ...], ...]:
        """Up to ``limit`` of the longest chains (two people or more), longest first.

        Only chains that end with someone who has not led further are listed, so a chain never
        appears again as the beginning of a longer one.
        """
        ends = [
            node for node in self.nodes if self.degrees[node] > 1 and not self._children.get(node)
        ]
        ends.sort(key=lambda node: -self.degrees[node])  # stable: ties keep the order given
        return tuple(self.chain_to(node) for node in ends[:limit])

    def children(self, contact: str) -> tuple[str, ...]:
        """Those whose shortest chain runs through ``contact`` one step on."""
        return self._children.get(self.resolve(contact), ())

    def outline(self, limit: int = 60) -> tuple[tuple[tuple[str, int], ...], int]:
        """Contacts in the referral graph as an indented outline, and how many were left out.

        Each row is (contact, degree), every contact right after the one who referred them
        (along its shortest chain). Only contacts with at least one referral, given or received,
        are rows; the count left out covers everyone else and anyone beyond ``limit``.
        """
        linked = {node for edge in self.edges for node in edge}
        rows: list[tuple[str, int]] = []
        for root in self.nodes:
            if root not in self.first or root not in linked:
                continue
            stack = [root]
            while stack:
                node = stack.pop()
                rows.append((node, self.degrees[node]))
                stack.extend(reversed(self._children.get(node, ())))
        shown = rows[:limit]
        return tuple(shown), len(self.nodes) - len(shown)


def resolve_merges(people: Sequence[Person]) -> dict[str, str]:
    """Each contact's id -> the id of the contact it counts as, after every merge."""
    order = {person.id: index for index, person in enumerate(people)}
    into = {person.id: person.merged_into for person in people}
    resolved: dict[str, str] = {}
    for person in people:
        path: list[str] = []
        on_path: dict[str, int] = {}
        current = person.id
        while True:
            if current in resolved:
                end = resolved[current]
                break
            on_path[current] = len(path)
            path.append(current)
            following = into.get(current)
            if following is None or following not in into:
                end = current
                break
            if following in on_path:
                loop = path[on_path[following] :]
                end = min(loop, key=order.__getitem__)
                break
            current = following
        for step in path:
            resolved[step] = end
    return resolved


def _reachable(start: Iterable[str], links: Mapping[str, list[str]], within: set[str]) -> set[str]:
    seen = {node for node in start if node in within}
    queue = deque(seen)
    while queue:
        for following in links.get(queue.popleft(), ()):
            if following in within and following not in seen:
                seen.add(following)
                queue.append(following)
    return seen


def build_network(
    people: Sequence[Person], referrals: Sequence[Edge], direct: Iterable[str] = ()
) -> Network:
    """Degrees, first contacts and shortest chains; see the module notes for every rule."""
    canonical = resolve_merges(people)
    order = {person.id: index for index, person in enumerate(people)}
    nodes = tuple(person.id for person in people if canonical[person.id] == person.id)
    names = {person.id: person.name for person in people}

    edges: list[tuple[str, str]] = []
    seen_edges: set[tuple[str, str]] = set()
    for edge in referrals:
        if edge.source not in canonical or edge.target not in canonical:
            continue  # an edge to someone not in the list (deleted, or another owner's) is ignored
        pair = (canonical[edge.source], canonical[edge.target])
        if pair[0] != pair[1] and pair not in seen_edges:
            seen_edges.add(pair)
            edges.append(pair)
    forward: dict[str, list[str]] = {}
    backward: dict[str, list[str]] = {}
    for source, target in edges:
        forward.setdefault(source, []).append(target)
        backward.setdefault(target, []).append(source)

    marked = {canonical[contact] for contact in direct if contact in canonical}
    first = {node for node in nodes if node not in backward or node in marked}
    # Loops nobody leads into: climb from the earliest contact left to a group no one outside
    # of it reaches (a source of the condensed graph), and take that group's earliest member.
    left = set(nodes) - _reachable(first, forward, set(nodes))
    while left:
        candidate = min(left, key=order.__getitem__)
        while True:
            ancestors = _reachable(backward.get(candidate, ()), backward, left)
            descendants = _reachable([candidate], forward, left)
            outside = ancestors - descendants
            if not outside:
                break
            candidate = min(outside, key=order.__getitem__)
        seed = min(ancestors | {candidate}, key=order.__getitem__)
        first.add(seed)
        left -= _reachable([seed], forward, left)

    degrees: dict[str, int] = {}
    parents: dict[str, str] = {}
    children: dict[str, list[str]] = {}
    queue: deque[str] = deque()
    for node in nodes:
        if node in first:
            degrees[node] = 1
            queue.append(node)
    while queue:
        node = queue.popleft()
        for following in forward.get(node, ()):
            if following not in degrees:
                degrees[following] = degrees[node] + 1
                parents[following] = node
                children.setdefault(node, []).append(following)
                queue.append(following)
    return Network(
        nodes=nodes,
        names=names,
        canonical=canonical,
        degrees=degrees,
        parents=parents,
        first=frozenset(first),
        edges=tuple(edges),
        _children={node: tuple(kids) for node, kids in children.items()},
    )


def referral_yield(
    network: Network, referrals: Sequence[Edge], held: Sequence[str], held_elsewhere: int = 0
) -> Yield:
    """Distinct people each chat led to, held chats first by count, and the rate per held chat.

    ``held_elsewhere`` counts held chats left out of ``held`` (the service leaves out those that
    led to nobody, which can be thousands): they count towards the rate but are not listed.
    """
    targets: dict[str, set[str]] = {}
    for edge in referrals:
        if edge.chat is None or edge.target not in network.canonical:
            continue
        targets.setdefault(edge.chat, set()).add(network.resolve(edge.target))
    held_set = set(held)
    chats = list(dict.fromkeys([*held, *targets]))
    per_chat = [ChatYield(chat, len(targets.get(chat, ()))) for chat in chats]
    per_chat.sort(key=lambda item: -item.referrals)
    from_held = sum(len(people) for chat, people in targets.items() if chat in held_set)
    return Yield(per_chat=tuple(per_chat), held=len(held_set) + held_elsewhere, referrals=from_held)


def credit(network: Network, opportunities: Sequence[tuple[str, str]]) -> tuple[Credit, ...]:
    """Each (opportunity, contact) with the chain it is credited along; unknown contacts skipped."""
    return tuple(
        Credit(opportunity, network.resolve(contact), network.chain_to(contact))
        for opportunity, contact in opportunities
        if contact in network.canonical
    )


def credits_by_contact(credits: Iterable[Credit]) -> dict[str, int]:
    """How many opportunities each contact helped bring, most first."""
    counts: dict[str, int] = {}
    for item in credits:
        for contact in item.chain:
            counts[contact] = counts.get(contact, 0) + 1
    return dict(sorted(counts.items(), key=lambda pair: -pair[1]))


def ordinal(degree: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th``, ``11th``, ``22nd``."""
    if 10 <= degree % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(degree % 10, "th")
    return f"{degree}{suffix}"
