"""What is owed as JSON, for ``coffeechat today --json`` and ``coffeechat followups --json``.

One shape for an owed item, shared by both commands and described in docs/owed.md: scripts and
status bars read it instead of the columns. Moments are in UTC with a ``Z``, codes are the ones
the web addresses use, and every key is always present (``null`` when it does not apply).
"""

from __future__ import annotations

import json
from typing import Any

from coffeechat.cli.owed_lines import request_what
from coffeechat.core.clock import zone
from coffeechat.services.exports import plain

# Bumped when a key changes meaning or goes away; new keys may appear without a bump.
VERSION = 1


def _code(row) -> str | None:
    return None if row is None else plain(row.code)


def item_json(item, section: str, now) -> dict[str, Any]:
    """One owed item: what, for whom, when and how urgent, and the rows behind it."""
    text = request_what(item.request) if item.request is not None else item.text
    return {
        "section": section,
        "kind": item.kind,
        "label": item.label,
        "text": text,
        "contact": {"code": plain(item.contact.code), "name": item.contact.name},
        "due_at": plain(item.due_at),
        "urgency": item.urgency(now),
        "seconds_left": None if item.due_at is None else int((item.due_at - now).total_seconds()),
        "follow_up": _code(item.follow_up),
        "step": _code(item.step),
        "chat": _code(item.chat),
        "request": _code(item.request.outreach if item.request is not None else None),
        "referral": _code(item.referral),
    }


def owed_items(owing) -> list[dict[str, Any]]:
    """The open items, section by section in the order the text output uses, soonest first."""
    sections = (
        ("messages", owing.messages),
        ("next_steps", owing.next_steps),
        ("intros", owing.intros),
        ("requests", owing.requests),
    )
    return [item_json(item, name, owing.now) for name, items in sections for item in items]


def done_items(owing) -> list[dict[str, Any]]:
    """What was sent or done lately, newest first."""
    return [
        {
            "kind": item.kind,
            "label": item.label,
            "text": item.text,
            "contact": {"code": plain(item.contact.code), "name": item.contact.name},
            "done_at": plain(item.done_at),
            "follow_up": _code(item.follow_up),
            "step": _code(item.step),
        }
        for item in owing.done
    ]


def chat_json(chat) -> dict[str, Any]:
    """One of today's chats: when, how long, with whom."""
    contact = chat.contact
    organisation = contact.organisation
    return {
        "code": plain(chat.code),
        "starts_at": plain(chat.starts_at),
        "minutes": chat.agreed_minutes,
        "status": chat.status,
        "contact": {"code": plain(contact.code), "name": contact.name},
        "organisation": None if organisation is None else organisation.name,
        "time_zone": chat.time_zone or None,
    }


def today_document(agenda, due) -> dict[str, Any]:
    """``coffeechat today --json``: today's chats and what is due by tonight (``owed().today``)."""
    return {
        "version": VERSION,
        "now": plain(due.now),
        "day": agenda.day_starts.astimezone(zone(agenda.time_zone)).date().isoformat(),
        "time_zone": agenda.time_zone,
        "chats": [chat_json(chat) for chat in agenda.chats],
        "owed": owed_items(due),
    }


def followups_document(owing) -> dict[str, Any]:
    """``coffeechat followups --json``: everything owed, and what was done lately."""
    return {
        "version": VERSION,
        "now": plain(owing.now),
        "time_zone": owing.time_zone,
        "owed": owed_items(owing),
        "done": done_items(owing),
    }


def dumps(document: dict[str, Any]) -> str:
    """The document as the commands print it: indented, non-ASCII letters kept."""
    return json.dumps(document, ensure_ascii=False, indent=2)
