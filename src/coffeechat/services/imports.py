"""Import contacts from LinkedIn, Google Contacts and vCard files; preview, apply and undo.

A file is read twice and never held whole: a first pass settles its encoding, the second streams
it through the parser. Records are matched and written in chunks of a few hundred: one query
finds the existing contacts for every key in the chunk, organisations are looked up and created
per chunk, and contacts, their matching keys and the raw rows go in with one ``executemany``
each. Rows written by an earlier chunk are found by a later one through the same queries, so
memory stays flat however long the file is. The whole import is one transaction; a dry run is
the very same work rolled back, so a preview's counts are exact.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import IO, Any
from uuid import UUID, uuid4

from django.db import transaction
from django.utils import timezone

from coffeechat.core.contact_keys import (
    EMAIL,
    LINKEDIN,
    NAME,
    contact_keys,
    email_key,
    keyed,
    linkedin_key,
    name_key,
    phone_key,
    website_key,
)
from coffeechat.core.parsers import ParsedContact, ParseError, Skip
from coffeechat.core.parsers.google import KIND as GOOGLE_KIND
from coffeechat.core.parsers.google import iter_google
from coffeechat.core.parsers.linkedin import KIND as LINKEDIN_KIND
from coffeechat.core.parsers.linkedin import iter_linkedin
from coffeechat.core.parsers.records import UTF16, detect_encoding
from coffeechat.core.parsers.sniff import HEAD, binary_kind, kind_hint
from coffeechat.core.parsers.vcard import KIND as VCARD_KIND
from coffeechat.core.parsers.vcard import iter_vcard, stream_lines
from coffeechat.core.sizes import too_large
from coffeechat.core.text import clean_line, distinct, fold, split_list
from coffeechat.services.errors import DomainError
from coffeechat.services.organisations import organisation_named
from coffeechat.services.rendering import rendered
from coffeechat.store.bulk import BulkInsert, BulkUpdate, organisations_named, pks_by_code
from coffeechat.store.models import (
    Chat,
    Contact,
    ContactKey,
    FollowUp,
    ImportBatch,
    ImportRow,
    NextStep,
    Note,
    Opportunity,
    Organisation,
    Outreach,
    Referral,
    sync_contact_keys,
)
from coffeechat.store.owners import Owner

MAX_IMPORT_BYTES = 64 * 1024 * 1024
# A LinkedIn archive holds a few dozen files; thousands of entries is not one.
MAX_ZIP_ENTRIES = 10_000
# CSV text compresses about ten to one; a thousand to one is a ZIP bomb.
MAX_ZIP_RATIO = 200
CHUNK = 500
KINDS = {"linkedin": LINKEDIN_KIND, "google": GOOGLE_KIND, "vcard": VCARD_KIND}
# The first paragraph of a note coffeechat's own vCard export writes (core.vcard_write).
HOW_WE_MET = "How we met: "
_BLOCK = 1 << 20
_UUID_URN = re.compile(r"^(?:urn:uuid:)?([0-9a-f]{8}-?(?:[0-9a-f]{4}-?){3}[0-9a-f]{12})$", re.I)


class ImportProblem(DomainError):
    """The file cannot be imported, or the batch is not in a state for what was asked."""


@dataclass(frozen=True)
class Change:
    """A matched contact whose organisation or title the file changes (``(before, after)``)."""

    name: str
    contact_code: UUID
    organisation: tuple[str, str] | None
    role: tuple[str, str] | None


@dataclass(frozen=True)
class LeftOut:
    """A value left out of a record that was imported: not one email address, a profile
    address that is not http(s), a day outside 1900-2200 (core.fields)."""

    line: int
    reason: str


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, for a dry run, would do): counts that add up to ``total``.

    ``left_out`` lists values the file held that were not imported, by line; their records
    were imported without them (and count among new, updated or unchanged).
    """

    source: str
    file_name: str
    total: int
    new: int
    updated: int
    unchanged: int
    skipped: tuple[Skip, ...]
    changes: tuple[Change, ...]
    batch_code: UUID | None
    dry_run: bool
    left_out: tuple[LeftOut, ...] = ()


@dataclass(frozen=True)
class UndoReport:
    """What undoing a batch did.

    ``kept`` names created contacts that gained history since; ``merged`` names the contacts
    that created ones were merged into since, which keep everything and stay as they are.
    """

    removed: int
    restored: int
    kept: tuple[str, ...]
    merged: tuple[str, ...] = ()


# Reading the file ---------------------------------------------------------------------------


class _Counted(io.RawIOBase):
    """A binary stream that counts what it hands out and refuses to hand out more than a cap.

    A ZIP entry's declared size may lie; the cap holds whatever the archive says.
    """

    def __init__(self, inner: IO[bytes], cap: int, label: str) -> None:
        self.inner = inner
        self.cap = cap
        self.label = label
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self.inner.read(len(buffer))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
            raise ImportProblem(
                f"{self.label} cannot be read: it is damaged or was cut short. Download or "
                "unzip it again."
            ) from None
        self.done += len(data)
        if self.done > self.cap:
            raise ImportProblem(too_big(self.label))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()


@dataclass
class _File:
    """One file to read, which can be opened again from its start."""

    name: str
    size: int
    opener: Callable[[], IO[bytes]]
    label: str = "The file"
    opened: list[_Counted] = field(default_factory=list)

    def open(self) -> _Counted:
        stream = _Counted(self.opener(), min(MAX_IMPORT_BYTES, max(self.size, 0)), self.label)
        self.opened.append(stream)
        return stream

    @property
    def done(self) -> int:
        return self.opened[-1].done if self.opened else 0


def too_big(label: str, size: int | None = None) -> str:
    """Why a file over the import limit is refused, and what to do instead.

    ``size`` is the file's size when it is known (not for a file stopped while it was read).
    """
    return (
        f"{too_large(label, MAX_IMPORT_BYTES, size)}. Nothing was imported. Export fewer contacts "
        "at a time, or split the file."
    )


@contextmanager
def _opened(source: str, file_name: str, data: Path | bytes) -> Iterator[_File]:
    """The file to read: the upload itself, or Connections.csv inside LinkedIn's ZIP archive."""
    if source not in KINDS:
        raise ImportProblem(f"Unknown source {source!r}; choose linkedin, google or vcard.")
    opener: Callable[[], IO[bytes]]
    if isinstance(data, Path):
        try:
            size = data.stat().st_size
            with data.open("rb") as start:
                magic = start.read(4)
        except OSError as error:
            raise ImportProblem(f"Cannot read {data} ({error.strerror}).") from None
        path = data

        def opener() -> IO[bytes]:
            return path.open("rb")
    else:
        size, magic = len(data), data[:4]
        opener = partial(io.BytesIO, data)

    if size > MAX_IMPORT_BYTES:
        raise ImportProblem(too_big("The file", size))
    if not magic.startswith(b"PK\x03\x04") and not magic.startswith(b"PK\x05\x06"):
        yield _File(file_name, size, opener)
        return
    if source != "linkedin":
        raise ImportProblem(
            f"This is a ZIP archive, not {'a vCard file' if source == 'vcard' else 'a CSV file'}. "
            "Unzip it first and import the file inside."
        )
    with opener() as handle:
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, OSError):
            raise ImportProblem(
                "This ZIP archive cannot be read: it is damaged or was cut short. Download it "
                "again from LinkedIn, or unzip it and import Connections.csv."
            ) from None
        with archive:
            yield _connections(archive, file_name)


def _connections(archive: zipfile.ZipFile, file_name: str) -> _File:
    """Connections.csv inside LinkedIn's archive, checked against the limits before reading."""
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise ImportProblem(
            f"This ZIP archive holds {len(entries):,} files, more than a LinkedIn archive "
            f"ever does (coffeechat reads archives of up to {MAX_ZIP_ENTRIES:,}). Unzip it and "
            "import Connections.csv itself."
        )
    found = sorted(
        (
            entry
            for entry in entries
            if not entry.is_dir()
            and entry.filename.rsplit("/", 1)[-1].casefold() == "connections.csv"
        ),
        key=lambda entry: (entry.filename.count("/"), entry.filename),
    )
    if not found:
        raise ImportProblem(
            "This ZIP archive has no Connections.csv. In LinkedIn, use Settings > Data privacy > "
            "Get a copy of your data, and pick Connections (or the whole archive)."
        )
    entry = found[0]
    label = f"Connections.csv in {file_name}"
    if entry.file_size > MAX_IMPORT_BYTES:
        raise ImportProblem(too_big(label, entry.file_size))
    if entry.file_size > MAX_ZIP_RATIO * max(entry.compress_size, 1) and entry.file_size > _BLOCK:
        raise ImportProblem(
            f"{label} would expand {entry.file_size // max(entry.compress_size, 1):,} times; "
            "a real Connections.csv does not compress that well, so this archive is refused "
            "unopened. Unzip it yourself if you trust it, and import Connections.csv."
        )
    if entry.flag_bits & 0x1:
        raise ImportProblem(f"{label} is encrypted; unzip it with its password first.")

    def opener() -> IO[bytes]:
        try:
            return archive.open(entry)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError):
            raise ImportProblem(
                f"{label} cannot be read: it is damaged or packed in a way coffeechat does not "
                "read. Unzip the archive yourself and import Connections.csv."
            ) from None

    return _File(f"{file_name} ({entry.filename})", entry.file_size, opener, label)


def _blocks(stream: IO[bytes] | _Counted) -> Iterator[bytes]:
    with stream:
        while block := stream.read(_BLOCK):
            yield block


def _records(source: str, file: _File) -> Iterator[ParsedContact | Skip]:
    """The file's records and skips, streamed; every problem becomes an ImportProblem."""
    kind = KINDS[source]
    with file.open() as stream:
        head = stream.read(HEAD)
    found = binary_kind(head)
    if found:
        raise ImportProblem(
            f"This is {found}, not {LINKEDIN_KIND if source == 'linkedin' else 'a ' + kind} "
            "file. Check that you picked the right file."
        )
    try:
        encoding = detect_encoding(_blocks(file.open()), kind)
    except ParseError as error:
        raise ImportProblem(str(error)) from None
    stream = file.open()
    buffered = io.BufferedReader(stream, _BLOCK)
    try:
        if source == "vcard":
            if encoding == UTF16:
                text = io.TextIOWrapper(buffered, encoding=UTF16)
                lines: Iterator[bytes] = (line.rstrip("\n").encode("utf-8") for line in text)
            else:
                lines = _without_bom(stream_lines(buffered))
            yield from iter_vcard(lines)
        else:
            text = io.TextIOWrapper(buffered, encoding=encoding, newline="")
            yield from (iter_linkedin if source == "linkedin" else iter_google)(text)
    except ParseError as error:
        hint = kind_hint(head, encoding, source)
        raise ImportProblem(f"{error} {hint}".strip()) from None
    except UnicodeDecodeError:
        raise ImportProblem("The file changed while it was being read; try again.") from None
    finally:
        buffered.close()


def _without_bom(lines: Iterator[bytes]) -> Iterator[bytes]:
    first = next(lines, None)
    if first is None:
        return
    yield first.removeprefix(codecs.BOM_UTF8)
    yield from lines


# Matching -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Incoming:
    """One parsed record, cleaned as a contact would be stored, with its keys by trust."""

    line: int
    name: str
    organisation: str
    role: str
    emails: list[str]
    phones: list[str]
    linkedin_url: str
    websites: list[str]
    tags: list[str]
    how_we_met: str
    notes: str
    note: str  # the file's whole note, to recognise coffeechat's own export
    code: UUID | None
    raw: dict
    profile: str  # "li:..." or ""
    addresses: list[str]  # "em:..." keys
    name_key: str
    org_fold: str


def _incoming(record: ParsedContact) -> _Incoming:
    name = clean_line(record.name)[:200]
    # The parsers give addresses as stored (core.fields.check_email): the local part as written.
    emails = distinct((email.strip() for email in record.emails), email_key)
    url = record.linkedin_url.strip()
    url = url if len(url) <= 500 else ""
    note = _lines(record.notes)
    how, notes = "", note
    if note.startswith(HOW_WE_MET):
        how, _, notes = note[len(HOW_WE_MET) :].partition("\n\n")
    if not how:
        how = _connected(record.connected_on) if record.connected_on else record.how_we_met
    profile = linkedin_key(url)
    organisation = clean_line(record.organisation)[:200]
    raw = record.raw if isinstance(record.raw, dict) else {"card": str(record.raw)}
    match = _UUID_URN.match(record.uid.strip()) if record.uid else None
    return _Incoming(
        line=record.line,
        name=name,
        organisation=organisation,
        role=clean_line(record.role)[:200],
        emails=emails,
        phones=distinct(clean_line(phone) for phone in record.phones),
        linkedin_url=url,
        websites=distinct((u for u in record.websites if len(u) <= 500), website_key),
        tags=split_list(",".join(record.tags)),
        how_we_met=how.strip(),
        notes=notes.strip(),
        note=note,
        code=UUID(match[1]) if match else None,
        raw=raw,
        profile=keyed(LINKEDIN, profile),
        addresses=[key for e in emails if (key := keyed(EMAIL, email_key(e)))],
        name_key=keyed(NAME, name_key(name)),
        org_fold=fold(organisation),
    )


def _connected(day: date) -> str:
    return f"Connected on LinkedIn on {day.day} {day:%b %Y}"


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _export_note(how_we_met: str, research_notes: str) -> str:
    """The NOTE coffeechat's vCard export writes for these two fields (core.vcard_write)."""
    parts = []
    if how_we_met:
        parts.append(HOW_WE_MET + how_we_met)
    if research_notes:
        parts.append(research_notes)
    return _lines("\n\n".join(parts))


CONTACT_FIELDS = (
    "pk",
    "code",
    "name",
    "role",
    "organisation_id",
    "organisation__name",
    "emails",
    "phones",
    "linkedin_url",
    "websites",
    "tags",
    "how_we_met",
    "research_notes",
)


@dataclass(slots=True, eq=False)
class _Person:
    """A contact as one chunk sees it: loaded from the database or created by the file."""

    pk: int | None
    code: UUID
    name: str
    role: str
    organisation_id: int | None
    organisation: str
    emails: list[str]
    phones: list[str]
    linkedin_url: str
    websites: list[str]
    tags: list[str]
    how_we_met: str
    research_notes: str
    keys: set[str]
    stored_keys: set[str]
    new: bool = False
    changed: bool = False
    organisation_changed: bool = False
    notes_changed: bool = False

    @classmethod
    def loaded(cls, row: tuple) -> _Person:
        pk, code, name, role, org_id, org_name, emails, phones, url, sites, tags, how, notes = row
        person = cls(
            pk=pk,
            code=code,
            name=name,
            role=role,
            organisation_id=org_id,
            organisation=org_name or "",
            emails=list(emails or []),
            phones=list(phones or []),
            linkedin_url=url,
            websites=list(sites or []),
            tags=list(tags or []),
            how_we_met=how,
            research_notes=notes,
            keys=set(),
            stored_keys=set(),
        )
        person.keys = person.current_keys()
        person.stored_keys = set(person.keys)
        return person

    def current_keys(self) -> set[str]:
        """The keys Contact.save would store."""
        return contact_keys(self.name, self.emails, self.linkedin_url)


class _Index:
    """Key -> contacts, for one chunk: the database's answer plus what the chunk has added."""

    def __init__(self) -> None:
        self.by_key: dict[str, list[_Person]] = {}
        self.by_code: dict[UUID, _Person] = {}
        self.by_pk: dict[int, _Person] = {}

    def add(self, person: _Person, keys) -> None:
        for key in keys:
            people = self.by_key.setdefault(key, [])
            if person not in people:
                people.append(person)

    def load(self, owner: Owner, keys: list[str], codes: list[UUID]) -> None:
        fields = [f"contact__{name}" for name in CONTACT_FIELDS]
        rows: list[tuple] = []
        for start in range(0, len(keys), 900):
            rows.extend(
                ContactKey.objects.filter(
                    owner=owner,
                    key__in=keys[start : start + 900],
                    contact__merged_into__isnull=True,
                )
                .order_by("contact_id")
                .values_list("key", *fields)
            )
        for row in rows:
            person = self.by_pk.get(row[1])
            if person is None:
                person = self.by_pk[row[1]] = _Person.loaded(row[1:])
                self.by_code[person.code] = person
            self.add(person, [row[0]])
        if codes:
            for row in (
                Contact.objects.for_owner(owner)
                .active()
                .filter(code__in=codes)
                .values_list(*CONTACT_FIELDS)
            ):
                if row[0] not in self.by_pk:
                    person = self.by_pk[row[0]] = _Person.loaded(row)
                    self.by_code[person.code] = person
                    self.add(person, person.keys)

    def match(self, record: _Incoming) -> _Person | None:
        """The contact ``record`` is, by code, LinkedIn profile, email, then name and org."""
        if record.code is not None and record.code in self.by_code:
            return self.by_code[record.code]
        if record.profile:
            for person in self.by_key.get(record.profile, ()):
                return person
        for address in record.addresses:
            for person in self.by_key.get(address, ()):
                if not _other_profile(person, record):
                    return person
        if record.name_key:
            for person in self.by_key.get(record.name_key, ()):
                if fold(person.organisation) == record.org_fold and not _other_profile(
                    person, record
                ):
                    return person
        return None


def _other_profile(person: _Person, record: _Incoming) -> bool:
    """Both have a LinkedIn profile and they differ: two people who share a name or an inbox."""
    if not record.profile or record.profile in person.keys:
        return False
    return any(key.startswith(LINKEDIN) for key in person.keys)


def _merge(person: _Person, record: _Incoming) -> tuple[dict, dict, Change | None]:
    """Apply ``record`` to a matched contact: fill, add, replace org and title; what changed."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    moved_from = retitled_from = None
    if record.organisation and record.org_fold != fold(person.organisation):
        before["organisation"], after["organisation"] = person.organisation, record.organisation
        if person.organisation:
            moved_from = (person.organisation, record.organisation)
        person.organisation = record.organisation
        person.organisation_id = None
        person.organisation_changed = True
    if record.role and fold(record.role) != fold(person.role):
        before["role"], after["role"] = person.role, record.role
        if person.role:
            retitled_from = (person.role, record.role)
        person.role = record.role
    known = {email_key(email) for email in person.emails}
    emails = [email for email in record.emails if email_key(email) not in known]
    if emails:
        before["emails"] = list(person.emails)
        person.emails = person.emails + emails
        after["emails"] = list(person.emails)
    known = {phone_key(phone) for phone in person.phones}
    phones = distinct(phone for phone in record.phones if phone_key(phone) not in known)
    if phones:
        before["phones"] = list(person.phones)
        person.phones = person.phones + phones
        after["phones"] = list(person.phones)
    known = {website_key(url) for url in person.websites}
    websites = distinct(url for url in record.websites if website_key(url) not in known)
    if websites:
        before["websites"] = list(person.websites)
        person.websites = person.websites + websites
        after["websites"] = list(person.websites)
    known = {tag.casefold() for tag in person.tags}
    tags = [tag for tag in record.tags if tag.casefold() not in known]
    if tags:
        before["tags"] = list(person.tags)
        person.tags = person.tags + tags
        after["tags"] = list(person.tags)
    if record.linkedin_url and not person.linkedin_url:
        before["linkedin_url"], after["linkedin_url"] = "", record.linkedin_url
        person.linkedin_url = record.linkedin_url
    own_export = record.note and record.note == _export_note(
        _lines(person.how_we_met), _lines(person.research_notes)
    )
    if record.how_we_met and not person.how_we_met and not own_export:
        before["how_we_met"], after["how_we_met"] = "", record.how_we_met
        person.how_we_met = record.how_we_met
    notes = _with_note(person.research_notes, record.notes) if not own_export else None
    if notes is not None:
        before["research_notes"], after["research_notes"] = person.research_notes, notes
        person.research_notes = notes
        person.notes_changed = True
    if before:
        person.changed = True
        person.keys |= person.current_keys()
    change = None
    if moved_from or retitled_from:
        change = Change(person.name, person.code, moved_from, retitled_from)
    return before, after, change


def _with_note(notes: str, note: str) -> str | None:
    """Research notes with the file's note added, or None when they hold it already."""
    if not note:
        return None
    current = _lines(notes)
    if " ".join(note.split()) in " ".join(current.split()):
        return None
    return f"{current}\n\n{note}" if current else note


def _new_person(record: _Incoming) -> _Person:
    person = _Person(
        pk=None,
        code=uuid4(),
        name=record.name,
        role=record.role,
        organisation_id=None,
        organisation=record.organisation,
        emails=record.emails,
        phones=record.phones,
        linkedin_url=record.linkedin_url,
        websites=record.websites,
        tags=record.tags,
        how_we_met=record.how_we_met,
        research_notes=record.notes,
        keys=set(),
        stored_keys=set(),
        new=True,
        organisation_changed=bool(record.organisation),
        notes_changed=bool(record.notes),
    )
    # The record's keys were made from these very values: the same as current_keys(), for free.
    person.keys = {key for key in (record.profile, record.name_key, *record.addresses) if key}
    return person


# Writing ------------------------------------------------------------------------------------


NEW_CONTACT = (
    "owner",
    "code",
    "created_at",
    "updated_at",
    "name",
    "role",
    "organisation",
    "emails",
    "phones",
    "linkedin_url",
    "websites",
    "tags",
    "how_we_met",
    "research_notes",
    "research_notes_html",
)
CHANGED_CONTACT = (
    "updated_at",
    "role",
    "organisation",
    "emails",
    "phones",
    "linkedin_url",
    "websites",
    "tags",
    "how_we_met",
)


class _Run:
    """One import into one batch: counts, skips and changes, and the statements it reuses."""

    def __init__(self, owner: Owner, batch: ImportBatch, now: datetime) -> None:
        self.owner = owner
        self.batch = batch
        self.now = now
        self.new = self.updated = self.unchanged = 0
        self.skipped: list[Skip] = []
        self.left_out: list[LeftOut] = []
        self.changes: list[Change] = []
        self.insert_contacts = BulkInsert(Contact, NEW_CONTACT)
        self.update_contacts = BulkUpdate(Contact, CHANGED_CONTACT)
        self.update_notes = BulkUpdate(
            Contact, (*CHANGED_CONTACT, "research_notes", "research_notes_html")
        )
        self.insert_keys = BulkInsert(ContactKey, ("owner", "contact", "key"), skip_conflicts=True)
        self.insert_rows = BulkInsert(
            ImportRow, ("owner", "batch", "line", "outcome", "contact", "raw", "before", "after")
        )
        self.insert_organisations = BulkInsert(
            Organisation, ("owner", "code", "created_at", "updated_at", "name"), skip_conflicts=True
        )

    def feed(self, items: Iterator[ParsedContact | Skip], progress: Callable[[], None]) -> None:
        chunk: list[ParsedContact] = []
        for item in items:
            if isinstance(item, Skip):
                self.skipped.append(item)
                continue
            self.left_out.extend(LeftOut(item.line, reason) for reason in item.warnings)
            chunk.append(item)
            if len(chunk) >= CHUNK:
                self.chunk(chunk)
                chunk = []
                progress()
        if chunk:
            self.chunk(chunk)
        progress()

    def chunk(self, records: list[ParsedContact]) -> None:
        incoming = [_incoming(record) for record in records]
        index = _Index()
        keys = {
            key
            for record in incoming
            for key in (record.profile, record.name_key, *record.addresses)
            if key
        }
        codes = [record.code for record in incoming if record.code is not None]
        index.load(self.owner, sorted(keys), codes)
        outcomes: list[tuple[_Incoming, Any, _Person, dict, dict]] = []
        touched: dict[int, _Person] = {}
        for record in incoming:
            person = index.match(record)
            if person is None:
                person = _new_person(record)
                index.add(person, person.keys)
                index.by_code[person.code] = person
                outcomes.append((record, ImportRow.Outcome.NEW, person, {}, {}))
                self.new += 1
                touched[id(person)] = person
                continue
            before, after, change = _merge(person, record)
            if change is not None:
                self.changes.append(change)
            if before:
                index.add(person, person.keys)
                touched[id(person)] = person
                self.updated += 1
                outcome = ImportRow.Outcome.UPDATED
            else:
                self.unchanged += 1
                outcome = ImportRow.Outcome.UNCHANGED
            outcomes.append((record, outcome, person, before, after))
        self.write(list(touched.values()), outcomes)

    def write(self, people: list[_Person], outcomes: list) -> None:
        self.resolve_organisations(
            [person for person in people if person.organisation_changed and person.organisation]
        )
        owner_id, now = self.owner.pk, self.now
        created = [person for person in people if person.new]
        self.insert_contacts.run(
            (
                owner_id,
                person.code,
                now,
                now,
                person.name,
                person.role,
                person.organisation_id,
                person.emails,
                person.phones,
                person.linkedin_url,
                person.websites,
                person.tags,
                person.how_we_met,
                person.research_notes,
                rendered(person.research_notes) if person.research_notes else "",
            )
            for person in created
        )
        if created:
            pks = pks_by_code(Contact, owner_id, [person.code for person in created])
            for person in created:
                person.pk = pks[person.code]
        changed = [person for person in people if not person.new and person.changed]
        for statement, group in (
            (self.update_contacts, [p for p in changed if not p.notes_changed]),
            (self.update_notes, [p for p in changed if p.notes_changed]),
        ):
            statement.run(
                (
                    now,
                    person.role,
                    person.organisation_id,
                    person.emails,
                    person.phones,
                    person.linkedin_url,
                    person.websites,
                    person.tags,
                    person.how_we_met,
                    *(
                        (person.research_notes, rendered(person.research_notes))
                        if person.notes_changed
                        else ()
                    ),
                    person.pk,
                )
                for person in group
            )
        self.insert_keys.run(
            (owner_id, person.pk, key)
            for person in people
            for key in sorted(person.keys - person.stored_keys)
        )
        for person in people:
            person.stored_keys = set(person.keys)
        batch_id = self.batch.pk
        self.insert_rows.run(
            (owner_id, batch_id, record.line, outcome, person.pk, record.raw, before, after)
            for record, outcome, person, before, after in outcomes
        )

    def resolve_organisations(self, people: list[_Person]) -> None:
        """Give each contact the id of its organisation, creating the ones the owner lacks."""
        if not people:
            return
        wanted: dict[str, str] = {}
        for person in people:
            wanted.setdefault(person.organisation.lower(), person.organisation)
        names = list(wanted.values())
        found = organisations_named(self.owner.pk, names)
        missing = [name for name in names if name not in found]
        if missing:
            # Created at the batch's moment: that is how undo knows which ones the import made.
            self.insert_organisations.run(
                (self.owner.pk, uuid4(), self.now, self.now, name) for name in missing
            )
            found.update(organisations_named(self.owner.pk, missing))
        for person in people:
            name = wanted[person.organisation.lower()]
            if name not in found:
                # The database's idea of "the same name" differs from Python's: ask the ORM.
                organisation = organisation_named(self.owner, name)
                assert organisation is not None
                found[name] = (organisation.pk, organisation.name)
            person.organisation_id = found[name][0]

    def report(self, source: str, file_name: str, dry_run: bool) -> ImportReport:
        skipped = tuple(sorted(self.skipped, key=lambda skip: skip.line))
        return ImportReport(
            source=source,
            file_name=file_name,
            total=self.new + self.updated + self.unchanged + len(skipped),
            new=self.new,
            updated=self.updated,
            unchanged=self.unchanged,
            skipped=skipped,
            changes=tuple(self.changes),
            batch_code=None if dry_run else self.batch.code,
            dry_run=dry_run,
            left_out=tuple(sorted(self.left_out, key=lambda item: item.line)),
        )


def _import(
    owner: Owner,
    batch: ImportBatch,
    file: _File,
    *,
    dry_run: bool,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Read ``file`` into ``batch``; the caller holds the transaction (and rolls back a dry run)."""
    now = timezone.now()
    run = _Run(owner, batch, now)

    def tick() -> None:
        if progress is not None:
            progress(min(file.done, file.size), file.size)

    run.feed(_records(batch.source, file), tick)
    report = run.report(batch.source, file.name, dry_run)
    batch.file_size = file.size
    _import_counts(batch, report)
    if not dry_run:
        batch.status = ImportBatch.Status.APPLIED
        batch.applied_at = now
        batch.staged_file = None
    batch.save()
    return report


def _change_json(change: Change) -> dict:
    fields = []
    if change.organisation:
        fields.append(["organisation", *change.organisation])
    if change.role:
        fields.append(["role", *change.role])
    return {"name": change.name, "contact": str(change.contact_code), "changes": fields}


# The use cases ------------------------------------------------------------------------------


def import_file(
    owner: Owner,
    source: str,
    path: Path,
    *,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import a .csv, .vcf or LinkedIn .zip file in one transaction (rolled back for a dry run)."""
    path = Path(path)
    with _opened(source, path.name, path) as file, transaction.atomic():
        batch = ImportBatch.objects.create(
            owner=owner, source=source, file_name=path.name[:300], file_size=file.size
        )
        report = _import(owner, batch, file, dry_run=dry_run, progress=progress)
        if dry_run:
            transaction.set_rollback(True)
    return report


def stage_upload(
    owner: Owner, source: str, file_name: str, data: bytes
) -> tuple[ImportBatch, ImportReport]:
    """Keep an uploaded file on a staged batch and return its preview (a dry run)."""
    with _opened(source, file_name, data) as file, transaction.atomic():
        batch = ImportBatch.objects.create(
            owner=owner,
            source=source,
            file_name=file_name[:300],
            file_size=len(data),
            staged_file=data,
        )
        report = _preview(owner, batch, file)
    return batch, report


def _preview(owner: Owner, batch: ImportBatch, file: _File) -> ImportReport:
    with transaction.atomic():
        report = _import(owner, batch, file, dry_run=True)
        transaction.set_rollback(True)
    # The counts stay on the staged batch (the savepoint took the import's own save back).
    _import_counts(batch, report)
    batch.save()
    return report


def _import_counts(batch: ImportBatch, report: ImportReport) -> None:
    batch.total = report.total
    batch.new_count, batch.updated_count = report.new, report.updated
    batch.unchanged_count, batch.skipped_count = report.unchanged, len(report.skipped)
    batch.skips = [{"line": skip.line, "reason": skip.reason} for skip in report.skipped]
    batch.changes = [_change_json(change) for change in report.changes]


def _batch(owner: Owner, code: UUID, *, lock: bool = False) -> ImportBatch:
    batches = ImportBatch.objects.for_owner(owner)
    if lock:
        batches = batches.select_for_update()
    return batches.get(code=code)


def _staged(owner: Owner, code: UUID, *, lock: bool = False) -> ImportBatch:
    batch = _batch(owner, code, lock=lock)
    if batch.status == ImportBatch.Status.APPLIED:
        raise ImportProblem("This import has been applied already.")
    if batch.status == ImportBatch.Status.UNDONE:
        raise ImportProblem("This import was applied and then undone; upload the file again.")
    if batch.staged_file is None:
        raise ImportProblem("This import has no file any more; upload it again.")
    return batch


def preview_staged(owner: Owner, code: UUID) -> tuple[ImportBatch, ImportReport]:
    """Work out the preview of a staged batch again, against the contacts as they are now."""
    with transaction.atomic():
        batch = _staged(owner, code, lock=True)
        # A staged batch keeps its file until it is applied or dropped (_staged).
        staged = bytes(batch.staged_file)  # type: ignore[arg-type]
        with _opened(batch.source, batch.file_name, staged) as file:
            report = _preview(owner, batch, file)
    return batch, report


def confirm_staged(owner: Owner, code: UUID) -> ImportReport:
    """Apply a staged batch in one transaction; the batch becomes applied and can be undone."""
    with transaction.atomic():
        batch = _staged(owner, code, lock=True)
        data = bytes(batch.staged_file)  # type: ignore[arg-type]  # staged: the file is kept
        with _opened(batch.source, batch.file_name, data) as file:
            return _import(owner, batch, file, dry_run=False)


def discard_staged(owner: Owner, code: UUID) -> None:
    """Forget a staged batch and its file; nothing was imported from it."""
    with transaction.atomic():
        batch = _batch(owner, code, lock=True)
        if batch.status != ImportBatch.Status.STAGED:
            raise ImportProblem("Only an import waiting for confirmation can be discarded.")
        batch.delete()


def recent_batches(owner: Owner, limit: int = 20) -> list[ImportBatch]:
    """The owner's latest imports, newest first, without their staged files."""
    return list(ImportBatch.objects.for_owner(owner).defer("staged_file")[:limit])


# Undo ---------------------------------------------------------------------------------------

# What a contact can gain after an import: any of it means the user has made the contact theirs.
HISTORY = (
    (Chat, "contact_id"),
    (Note, "contact_id"),
    (NextStep, "contact_id"),
    (FollowUp, "contact_id"),
    (Opportunity, "contact_id"),
    (Outreach, "contact_id"),
    (Referral, "from_contact_id"),
    (Referral, "to_contact_id"),
    (Contact, "merged_into_id"),
)
RESTORABLE = (
    "role",
    "emails",
    "phones",
    "linkedin_url",
    "websites",
    "tags",
    "how_we_met",
    "research_notes",
)


def undo_batch(owner: Owner, code: UUID) -> UndoReport:
    """Take an applied batch back in one transaction: its new contacts go, updates are reverted.

    A created contact that has since gained a chat, note, next step, referral, follow-up,
    opportunity or outreach is kept (and named); an updated field is put back only while it
    still holds what the import wrote.
    """
    with transaction.atomic():
        batch = _batch(owner, code, lock=True)
        if batch.status == ImportBatch.Status.UNDONE:
            raise ImportProblem("This import has been undone already.")
        if batch.status != ImportBatch.Status.APPLIED:
            raise ImportProblem("This import has not been applied, so there is nothing to undo.")
        restored = _restore_updates(owner, batch)
        removed, kept = _remove_created(owner, batch)
        merged = _merged_since(owner, batch)
        if batch.applied_at is not None:
            Organisation.objects.for_owner(owner).filter(
                created_at=batch.applied_at, updated_at=batch.applied_at, contacts__isnull=True
            ).delete()
        batch.status = ImportBatch.Status.UNDONE
        batch.undone_at = timezone.now()
        batch.save(update_fields=["status", "undone_at", "updated_at"])
    return UndoReport(
        removed=removed, restored=restored, kept=tuple(sorted(kept)), merged=tuple(merged)
    )


def _merged_since(owner: Owner, batch: ImportBatch) -> list[str]:
    """Contacts a merge moved this batch's new rows onto: older than the batch, so they stay."""
    return list(
        Contact.objects.for_owner(owner)
        .filter(
            import_rows__batch=batch,
            import_rows__outcome=ImportRow.Outcome.NEW,
        )
        .exclude(created_at=batch.applied_at)  # type: ignore[misc]  # an applied batch
        .order_by("name")
        .distinct()
        .values_list("name", flat=True)
    )


def _remove_created(owner: Owner, batch: ImportBatch) -> tuple[int, list[str]]:
    created = list(
        ImportRow.objects.filter(
            batch=batch,
            outcome=ImportRow.Outcome.NEW,
            contact__isnull=False,
            # A merge may have moved the row onto an older contact: that one stays.
            contact__created_at=batch.applied_at,  # type: ignore[misc]  # an applied batch
        ).values_list("contact_id", flat=True)
    )
    removed = 0
    kept: list[str] = []
    for start in range(0, len(created), CHUNK):
        part = created[start : start + CHUNK]
        busy: set[int] = set()
        for model, column in HISTORY:
            busy.update(
                model.objects.filter(**{f"{column}__in": part}).values_list(column, flat=True)
            )
        kept.extend(
            Contact.objects.for_owner(owner).filter(pk__in=busy).values_list("name", flat=True)
        )
        doomed = [pk for pk in part if pk not in busy]
        if doomed:
            _total, deleted = Contact.objects.for_owner(owner).filter(pk__in=doomed).delete()
            removed += deleted.get(Contact._meta.label, 0)
    return removed, kept


def _restore_updates(owner: Owner, batch: ImportBatch) -> int:
    """Put back, latest row first, every field still holding the value its row wrote."""
    rows = (
        ImportRow.objects.filter(
            batch=batch, outcome=ImportRow.Outcome.UPDATED, contact__isnull=False
        )
        .order_by("-line")
        .values_list("contact_id", "before", "after")
    )
    restored: set[int] = set()
    part: list[tuple[int, dict, dict]] = []
    for row in rows.iterator(chunk_size=CHUNK):
        part.append(row)
        if len(part) >= CHUNK:
            restored |= _restore_part(owner, part)
            part = []
    if part:
        restored |= _restore_part(owner, part)
    return len(restored)


# What an undo writes back to an updated contact, in one UPDATE a contact for the whole part.
RESTORED_CONTACT = ("updated_at", *RESTORABLE, "organisation", "research_notes_html")


def _restore_part(owner: Owner, part: list[tuple[int, dict, dict]]) -> set[int]:
    contacts = {
        contact.pk: contact
        for contact in Contact.objects.for_owner(owner)
        .filter(pk__in={pk for pk, _, _ in part})
        .select_related("organisation")
    }
    changed: dict[int, Contact] = {}
    notes_changed: set[int] = set()
    organisations: dict[str, Organisation | None] = {}
    for pk, before, after in part:
        contact = contacts.get(pk)
        if contact is None:
            continue
        for name in RESTORABLE:
            if name in after and getattr(contact, name) == after[name]:
                setattr(contact, name, before.get(name, ""))
                changed[pk] = contact
                if name == "research_notes":
                    notes_changed.add(pk)
        if "organisation" in after:
            current = contact.organisation.name if contact.organisation else ""
            if fold(current) == fold(after["organisation"]):
                # The import names a few organisations many times over: look each up once.
                name = before.get("organisation", "")
                if name not in organisations:
                    organisations[name] = organisation_named(owner, name)
                contact.organisation = organisations[name]
                changed[pk] = contact
    if not changed:
        return set()
    now = timezone.now()
    for pk in notes_changed:
        changed[pk].research_notes_html = rendered(changed[pk].research_notes)
    BulkUpdate(Contact, RESTORED_CONTACT).run(
        (
            now,
            *(getattr(contact, name) for name in RESTORABLE),
            contact.organisation_id,
            contact.research_notes_html,
            contact.pk,
        )
        for contact in changed.values()
    )
    # The bulk UPDATE skips Contact.save, which keeps the matching keys in step: do it here.
    sync_contact_keys(list(changed.values()))
    return set(changed)
