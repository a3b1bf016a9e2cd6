"""What every coffeechat export must satisfy, shared by the service and CLI tests."""

from __future__ import annotations

import re

# Each list's references: member name -> the list whose codes it names.
REFERENCES: dict[str, dict[str, str]] = {
    "contacts": {"organisation": "organisations", "merged_into": "contacts"},
    "outreaches": {"contact": "contacts"},
    "chats": {"contact": "contacts", "outreach": "outreaches", "stories": "stories"},
    "notes": {"contact": "contacts", "chat": "chats"},
    "next_steps": {"contact": "contacts", "chat": "chats"},
    "referrals": {"from_contact": "contacts", "to_contact": "contacts", "chat": "chats"},
    "follow_ups": {
        "contact": "contacts",
        "chat": "chats",
        "next_step": "next_steps",
        "outreach": "outreaches",
    },
    "opportunities": {"contact": "contacts"},
    "chat_events": {"chat": "chats"},
    "busy_blocks": {"calendar": "calendar_sources"},
}
LISTS = (
    "organisations",
    "contacts",
    "outreaches",
    "stories",
    "questions",
    "pitches",
    "chats",
    "chat_events",
    "notes",
    "next_steps",
    "referrals",
    "follow_ups",
    "opportunities",
    "calendar_sources",
    "busy_blocks",
    "script_templates",
    "message_templates",
    "clock_trials",
)
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
MOMENT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$")


def problems(document: dict) -> list[str]:
    """Everything wrong with an export, as sentences; empty when it is sound."""
    found: list[str] = []
    if document.get("format") != "coffeechat" or document.get("version") != 1:
        found.append("format and version are missing")
    codes = {key: {item["code"] for item in document[key]} for key in LISTS}
    for key in LISTS:
        for item in document[key]:
            if not UUID.match(item["code"]):
                found.append(f"{key} item has a malformed code {item['code']!r}")
            for name, value in item.items():
                if name.endswith("_at") and value is not None and not MOMENT.match(value):
                    found.append(f"{key}.{name} is not a UTC moment: {value!r}")
            for name, target in REFERENCES.get(key, {}).items():
                value = item[name]
                for code in value if isinstance(value, list) else [value]:
                    if code is not None and code not in codes[target]:
                        found.append(f"{key}.{name} names {code}, which is not in {target}")
            extra = [
                name
                for name, value in item.items()
                if name != "code"
                and name not in REFERENCES.get(key, {})
                and isinstance(value, str)
                and UUID.match(value)
            ]
            if extra:
                found.append(f"{key} has references the checker does not know: {extra}")
    return found
