"""The complete, versioned JSON export: every row a user owns, references given by code.

Contacts also go out as spreadsheet-safe CSV and as vCard 4.0 (``write_csv``, ``write_vcard``).

Each entity is read with one query (plus one for the chats' chosen stories), whatever the size of
the data, and streamed out item by item so a large network does not have to fit in memory twice.
The whole read happens in one transaction, so references always point at an exported item.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TextIO, cast
from uuid import UUID

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from coffeechat.core.clock import zone
from coffeechat.core.csvsafe import write_rows
from coffeechat.core.fields import linkable
from coffeechat.core.vcard_write import Card, write_card
from coffeechat.store.meta import column
from coffeechat.store.models import (
    BusyBlock,
    CalendarSource,
    Chat,
    ChatEvent,
    ClockTrial,
    Contact,
    FollowUp,
    MessageTemplate,
    NextStep,
    Note,
    Opportunity,
    Organisation,
    Outreach,
    Owned,
    Pitch,
    Preferences,
    Question,
    Referral,
    ScriptTemplate,
    Story,
)
from coffeechat.store.owners import Owner

FORMAT = "coffeechat"
VERSION = 1
PREFERENCE_FIELDS = (
    "chat_minutes",
    "buffer_minutes",
    "wrapup_minutes",
    "time_zone",
    "locale",
    "clock_format",
    "words_per_minute",
    "holiday_country",
    "outreach_max_words",
    "outreach_job_words",
    "outreach_rules_off",
    "extend_minutes",
    "vibrate",
    "keep_screen_awake",
    "your_name",
    "your_email",
    "signature",
    "identity_asked_at",
    "email_digest",
    "email_due_soon",
    "digest_hour",
    "quiet_from",
    "quiet_until",
    "link_address",
    # Not push_url: anyone who knows a topic's address can read what is pushed to it.
    # Not calendar_token: an export may be shared, and the token opens the private feed.
)
_STAMPS = ("code", "created_at", "updated_at")
_CHUNK = 2000


@dataclass(frozen=True)
class Section:
    """One list in the document: a model, its exported fields, and how references are named."""

    key: str
    model: type[Owned]
    fields: tuple[str, ...]  # exported as they are
    references: tuple[str, ...] = ()  # foreign keys, exported as the code of the row they name

    def columns(self) -> list[tuple[str, str]]:
        """(name in the document, lookup in the database), ``code`` first."""
        refs = [(name, f"{name}__code") for name in self.references]
        return [(name, name) for name in (*_STAMPS, *self.fields)] + refs


# The order of the document: every entity after the entities it refers to.
SECTIONS: tuple[Section, ...] = (
    Section(
        "organisations",
        Organisation,
        (
            "name",
            "website",
            "notes",
            "is_target",
            "motivation",
            "has_advocate",
            "hiring_signal",
            "top_slot",
        ),
    ),
    Section(
        "contacts",
        Contact,
        (
            "name",
            "role",
            "emails",
            "phones",
            "linkedin_url",
            "websites",
            "location",
            "time_zone",
            "tags",
            "how_we_met",
            "research_notes",
            "keep_in_touch_days",
            "reminders_snoozed_until",
        ),
        ("organisation", "merged_into"),
    ),
    Section(
        "outreaches",
        Outreach,
        (
            "subject",
            "message",
            "connection",
            "status",
            "sent_at",
            "sent_via",
            "moved_on_at",
            "replied_at",
            "nudged_at",
            "snoozed_until",
            "closed_at",
        ),
        ("contact",),
    ),
    Section("stories", Story, ("title", "situation", "action", "result", "tags")),
    Section("questions", Question, ("theme", "text")),
    Section("pitches", Pitch, ("kind", "text")),
    Section(
        "chats",
        Chat,
        (
            "medium",
            "starts_at",
            "agreed_minutes",
            "buffer_minutes",
            "venue",
            "link",
            "time_zone",
            "status",
            "cancelled_reason",
            "actual_start",
            "actual_end",
            "check_in_at",
            "target_end_at",
            "extension",
            "extension_minutes",
            "felt_minutes",
            "research_notes",
            "hypothesis",
            "ask",
            "questions",
            "logistics",
            "talk_share",
            "time_confirmed",
            "ask_made",
            "capture_stuck",
            "capture_agreed",
            "capture_suggested",
        ),
        ("contact", "outreach"),
    ),
    Section("chat_events", ChatEvent, ("kind", "at", "minutes"), ("chat",)),
    Section("notes", Note, ("kind", "text", "taken_at"), ("contact", "chat")),
    Section(
        "next_steps",
        NextStep,
        ("side", "text", "due_on", "due_text", "from_capture", "done_at", "snoozed_until"),
        ("contact", "chat"),
    ),
    Section(
        "referrals",
        Referral,
        ("status", "may_use_name"),
        ("from_contact", "to_contact", "chat"),
    ),
    Section(
        "follow_ups",
        FollowUp,
        (
            "kind",
            "due_at",
            "subject",
            "draft",
            "sent_at",
            "sent_via",
            "snoozed_until",
            "dismissed_at",
        ),
        ("contact", "chat", "next_step", "outreach"),
    ),
    Section("opportunities", Opportunity, ("kind", "title", "notes", "arose_on"), ("contact",)),
    Section(
        "calendar_sources",
        CalendarSource,
        ("name", "kind", "url", "synced_at", "last_error", "all_day_busy"),
    ),
    Section(
        "busy_blocks",
        BusyBlock,
        ("title", "starts_at", "ends_at", "all_day", "source", "uid"),
        ("calendar",),
    ),
    Section("script_templates", ScriptTemplate, ("kind", "text")),
    Section("message_templates", MessageTemplate, ("kind", "subject", "body")),
    Section("clock_trials", ClockTrial, ("target_seconds", "started_at", "elapsed_seconds")),
)


def plain(value: Any) -> Any:
    """A database value as JSON: codes as strings, moments in UTC with ``Z``, days as ISO dates."""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _items(owner: Owner, section: Section, chat_stories: dict[int, list[str]]) -> Iterator[dict]:
    columns = section.columns()
    # Aliases keep a reference's document name ("contact") apart from the model field it shadows.
    aliases = {f"c{index}": F(lookup) for index, (_, lookup) in enumerate(columns)}
    rows = (
        section.model.objects.for_owner(owner)
        .order_by("created_at", "code")
        .values("pk", **aliases)
    )
    # The keys are made up above (c0, c1...), so each row is read as a plain mapping.
    for row in cast("Iterator[Mapping[str, Any]]", rows.iterator(chunk_size=_CHUNK)):
        item = {name: plain(row[f"c{index}"]) for index, (name, _) in enumerate(columns)}
        if section.model is Chat:
            item["stories"] = chat_stories.get(row["pk"], [])
        if section.model is Organisation:
            # Kept beside top_slot for readers of exports made before the top five had places.
            item["top_five"] = item["top_slot"] is not None
        yield item


def _chat_stories(owner: Owner) -> dict[int, list[str]]:
    links = (
        Chat.stories.through.objects.filter(chat__owner=owner)
        .order_by("chat_id", "story__created_at", "story__code")
        .values_list("chat_id", "story__code")
    )
    chosen: dict[int, list[str]] = defaultdict(list)
    for chat_id, story_code in links.iterator(chunk_size=_CHUNK):
        chosen[chat_id].append(str(story_code))
    return chosen


def _preferences(owner: Owner) -> dict:
    found = Preferences.objects.filter(owner=owner).values(*PREFERENCE_FIELDS).first()
    if found is None:
        # Not created yet: the defaults are what the user effectively has.
        found = {name: column(Preferences, name).get_default() for name in PREFERENCE_FIELDS}
    return {name: plain(found[name]) for name in PREFERENCE_FIELDS}


@contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent view of the data for the whole export."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # PostgreSQL's default isolation re-reads per statement; an export must not see a
            # chat whose contact it did not see.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _header(now: datetime | None) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": plain(now or timezone.now()),
    }


def document(owner: Owner, *, now: datetime | None = None) -> dict:
    """The whole export as one dictionary (for tests and small data; prefer write_json)."""
    with _snapshot():
        result = _header(now)
        result["preferences"] = _preferences(owner)
        chat_stories = _chat_stories(owner)
        for section in SECTIONS:
            result[section.key] = list(_items(owner, section, chat_stories))
    return result


def write_json(owner: Owner, out: TextIO, *, now: datetime | None = None) -> dict[str, int]:
    """Write the export to ``out`` as UTF-8 JSON, one item per line; return the count per list."""
    counts: dict[str, int] = {}

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    with _snapshot():
        out.write("{\n")
        for key, value in _header(now).items():
            out.write(f"  {dump(key)}: {dump(value)},\n")
        out.write(f'  "preferences": {dump(_preferences(owner))}')
        chat_stories = _chat_stories(owner)
        for section in SECTIONS:
            out.write(f",\n  {dump(section.key)}: [")
            count = 0
            for item in _items(owner, section, chat_stories):
                out.write(("\n    " if count == 0 else ",\n    ") + dump(item))
                count += 1
            out.write("\n  ]" if count else "]")
            counts[section.key] = count
        out.write("\n}\n")
    return counts


# Contacts for spreadsheets and address books. Merged-away contacts are left out: they are
# duplicates of the contact they were merged into, which carries their details.
CSV_COLUMNS = (
    "name",
    "role",
    "organisation",
    "emails",
    "phones",
    "LinkedIn URL",
    "websites",
    "location",
    "time zone",
    "tags",
    "how we met",
    "created",
)
# Several emails, phones or tags share one cell: "; " reads well and never occurs in an address.
CELL_JOIN = "; "


def _contact_rows(owner: Owner):
    return (
        Contact.objects.for_owner(owner)
        .active()
        .order_by("name", "created_at", "code")
        .values(
            "code",
            "name",
            "role",
            "emails",
            "phones",
            "linkedin_url",
            "websites",
            "location",
            "time_zone",
            "tags",
            "how_we_met",
            "research_notes",
            "created_at",
            organisation_name=F("organisation__name"),
        )
        .iterator(chunk_size=_CHUNK)
    )


def _owner_zone(owner: Owner):
    name = Preferences.objects.filter(owner=owner).values_list("time_zone", flat=True).first()
    return zone(name or "")


def write_csv(owner: Owner, out: TextIO) -> dict[str, int]:
    """Write the owner's contacts as spreadsheet-safe CSV, one row each; return the count."""
    local = _owner_zone(owner)

    def rows() -> Iterator[list[Any]]:
        for row in _contact_rows(owner):
            yield [
                row["name"],
                row["role"],
                row["organisation_name"] or "",
                CELL_JOIN.join(row["emails"] or ()),
                CELL_JOIN.join(row["phones"] or ()),
                row["linkedin_url"],
                CELL_JOIN.join(row["websites"] or ()),
                row["location"],
                row["time_zone"],
                CELL_JOIN.join(row["tags"] or ()),
                row["how_we_met"],
                # Local wall time without a zone suffix: a spreadsheet reads it as a date.
                row["created_at"].astimezone(local).strftime("%Y-%m-%d %H:%M"),
            ]

    return {"contacts": write_rows(out, CSV_COLUMNS, rows())}


def write_vcard(owner: Owner, out: TextIO) -> dict[str, int]:
    """Write the owner's contacts as vCard 4.0, one card each; return the count."""
    count = 0
    for row in _contact_rows(owner):
        card = Card(
            uid=str(row["code"]),
            name=row["name"],
            role=row["role"],
            organisation=row["organisation_name"] or "",
            emails=tuple(row["emails"] or ()),
            phones=tuple(row["phones"] or ()),
            # A phone shows the URL as a link: only http(s), whatever an older row holds.
            linkedin_url=linkable(row["linkedin_url"]),
            websites=tuple(url for url in map(linkable, row["websites"] or ()) if url),
            location=row["location"],
            time_zone=row["time_zone"],
            tags=tuple(row["tags"] or ()),
            how_we_met=row["how_we_met"],
            research_notes=row["research_notes"],
        )
        out.write(write_card(card))
        count += 1
    return {"contacts": count}
