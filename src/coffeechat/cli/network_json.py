"""The network as JSON, for ``coffeechat network --json``; docs/network.md describes the shape.

The text output cuts lists short for a terminal; scripts get everything the text is made from:
every contact at each degree, every chat that counts towards the referral yield, the longest
chains and the opportunities credited along them. Codes are the ones the web addresses use,
moments are in UTC with a ``Z``, and every key is always present.
"""

from __future__ import annotations

from typing import Any

from coffeechat.services.exports import plain
from coffeechat.services.network import opportunities_of

# Bumped when a key changes meaning or goes away; new keys may appear without a bump.
VERSION = 1


def _person(contact) -> dict[str, Any]:
    return {"code": plain(contact.code), "name": contact.name}


def _people(contacts) -> list[dict[str, Any]]:
    return [_person(contact) for contact in contacts]


def network_document(view, most_chains: int) -> dict[str, Any]:
    """``coffeechat network --json``: reach per degree, referral yield, chains, opportunities."""
    levels = view.per_degree()
    yields = view.yields
    return {
        "version": VERSION,
        "total": view.total,
        "deepest": levels[-1][0] if levels else 0,
        "degrees": [
            {"degree": degree, "count": len(people), "contacts": _people(people)}
            for degree, people in levels
        ],
        "yield": {
            "held_chats": yields.held,
            "referrals": yields.referrals,
            # Rounded like the text; the two counts give the exact ratio to whoever needs it.
            "per_chat": None if yields.rate is None else round(yields.rate, 2),
        },
        "chats": [
            {
                "code": plain(row.chat.code),
                "starts_at": plain(row.chat.starts_at),
                "status": row.chat.status,
                "contact": _person(row.chat.contact),
                "referrals": row.referrals,
            }
            for row in view.chat_yields()
        ],
        "chains": [
            {"length": len(chain), "contacts": _people(chain)}
            for chain in view.longest_chains(most_chains)
        ],
        "opportunities": [
            {
                "code": plain(item.opportunity.code),
                "kind": item.opportunity.kind,
                "title": item.opportunity.title,
                "arose_on": plain(item.opportunity.arose_on),
                # The chain ends with the contact it came through (after any merge).
                "contact": _person(item.chain[-1]),
                "chain": _people(item.chain),
            }
            for item in view.credited(opportunities_of(view.owner))
        ],
    }
