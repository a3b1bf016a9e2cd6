"""The network: degrees, chains, reach, referral yield, credited opportunities and a picture."""

from __future__ import annotations

from collections.abc import Sequence

from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from coffeechat.core.network import ordinal
from coffeechat.core.svg import Link, Node, network_picture
from coffeechat.services.network import (
    NetworkView,
    Standing,
    degree_of,
    network_of,
    opportunities_of,
)
from coffeechat.store.models import Contact
from coffeechat.web.shortcuts import allow, page_of

# The picture stays readable on a phone: beyond this many people it says how many it left out.
PICTURE_LIMIT = 60
# How many names each degree lists on the page before "and N more".
NAMES_PER_DEGREE = 12
TOP_CHATS = 10
# The latest opportunities on the network page; all of them are a page of their own.
OPPORTUNITIES_SHOWN = 10


def _node(contact: Contact, degree: int) -> Node:
    role = f", {contact.role}" if contact.role else ""
    return Node(
        key=str(contact.code),
        label=contact.name,
        degree=degree,
        href=reverse("web:contact", args=[contact.code]),
        hint=f"{contact.name}{role}: {ordinal(degree)} degree",
    )


def network_svg(view: NetworkView) -> SafeString:
    """The referral graph as an outline picture, capped at PICTURE_LIMIT people."""
    network = view.network
    rows, left_out = network.outline(PICTURE_LIMIT)
    if not rows:
        return mark_safe("")
    people = dict(zip((key for key, _ in rows), view.people([key for key, _ in rows]), strict=True))
    nodes = [_node(people[key], degree) for key, degree in rows]
    # The picture names people by their public code, as every link on the page does.
    code = {key: str(contact.code) for key, contact in people.items()}
    names = network.names
    links = [
        Link(
            code[source],
            code[target],
            main=network.parents.get(target) == source,
            hint=f"{names[source]} referred you to {names[target]}",
        )
        for source, target in network.edges
        if source in code and target in code
    ]
    deepest = max(degree for _, degree in rows)
    description = (
        f"{len(rows)} people linked by referrals, one a row, stepping right by degree from the "
        f"people you reached directly (1st) to the {ordinal(deepest)} degree. Each arrow runs "
        "from the person who made a referral to the person they suggested; dashed arrows are "
        "second referrals to someone already reached another way."
    )
    left_out += view.alone
    note = f"… and {left_out} more not drawn" if left_out else ""
    # Built with ElementTree, which escapes every text: safe to place as markup.
    return mark_safe(
        network_picture(
            nodes,
            links,
            title="Your network by degree",
            description=description,
            id_prefix="network-picture",
            note=note,
        )
    )


def chain_svg(chain: Sequence[Contact]) -> SafeString:
    """One contact's chain from a first contact, as a small picture; empty for a 1st degree."""
    if len(chain) < 2:
        return mark_safe("")
    nodes = [_node(contact, index + 1) for index, contact in enumerate(chain)]
    links = [
        Link(str(a.code), str(b.code), hint=f"{a.name} referred you to {b.name}")
        for a, b in zip(chain, chain[1:], strict=False)
    ]
    names = " → ".join(contact.name for contact in chain)
    return mark_safe(
        network_picture(
            nodes,
            links,
            title=f"How you reached {chain[-1].name}",
            description=f"The shortest chain of referrals: {names}.",
            id_prefix=f"chain-{chain[-1].code}",
        )
    )


def standing_of(request, contact: Contact) -> dict:
    """What the contact page's degree include needs: the standing and its chain picture."""
    standing: Standing = degree_of(request.user, contact)
    return {
        "standing": standing,
        "ordinal": ordinal(standing.degree),
        "through": standing.chain[:-1],
        # Referrers besides the one on the shortest chain (or anyone, for someone known before).
        "also": [other for other in standing.referred_by if other not in standing.chain],
        "picture": chain_svg(standing.chain),
    }


@allow("GET")
def network(request):
    view = network_of(request.user)
    latest = opportunities_of(request.user)
    counts = view.reach()
    reach = [
        {
            "degree": degree,
            "ordinal": ordinal(degree),
            "count": counts[degree],
            "names": people,
            "more": counts[degree] - len(people),
        }
        for degree, people in view.per_degree(NAMES_PER_DEGREE)
    ]
    rate = view.yields.rate
    context = {
        "reach": reach,
        "total": view.total,
        "chains": view.longest_chains(5),
        "chat_yields": view.chat_yields(TOP_CHATS, led_nowhere=False),
        "held": view.yields.held,
        "from_held": view.yields.referrals,
        "rate": f"{rate:.1f}" if rate is not None else None,
        "opportunities": view.credited(latest[:OPPORTUNITIES_SHOWN]),
        "opportunity_count": latest.count(),
        "picture": network_svg(view),
    }
    return render(request, "coffeechat/network/page.html", context)


@allow("GET")
def opportunities(request):
    """Every opportunity, the latest first, a page at a time, each with its credited chain."""
    page = page_of(request, opportunities_of(request.user))
    context = {"page": page, "opportunities": network_of(request.user).credited(page)}
    return render(request, "coffeechat/network/opportunities.html", context)
