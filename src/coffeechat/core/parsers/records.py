"""What every parser returns: contacts read from a file and the rows it had to leave out."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from coffeechat.core.contact_keys import website_key
from coffeechat.core.fields import FieldError, check_day, check_email, split_emails, web_address

UTF8 = "utf-8-sig"
UTF16 = "utf-16"
LATIN1 = "latin-1"
# Group names address books add to every contact; they say nothing about the person.
SYSTEM_LABELS = frozenset({"mycontacts", "my contacts", "starred", "friends_and_family"})
# Days as exporters and spreadsheets write them. Month-first before day-first for numbers:
# a spreadsheet in a US locale re-saves "14 May 2023" as "05/14/23", and a day-first date whose
# day is 13 or more ("14/05/2023") cannot be read month-first, so it falls through to day-first.
DAY_FORMATS = (
    "%d %b %Y",
    "%d %B %Y",
    "%Y-%m-%d",
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%d-%b-%y",
    "%d-%b-%Y",
    "%d %b %y",
    "%m/%d/%Y",
    "%m/%d/%y",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%Y/%m/%d",
    "%Y%m%d",
)


class ParseError(ValueError):
    """The bytes are not a file of the expected kind; the message says why, in the user's words."""


@dataclass(frozen=True)
class ParsedContact:
    """One person read from an import file, before any matching against existing contacts."""

    line: int  # the record's first line in the file, counted from 1
    name: str
    first_name: str = ""
    last_name: str = ""
    organisation: str = ""
    role: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    linkedin_url: str = ""
    notes: str = ""
    connected_on: date | None = None
    tags: tuple[str, ...] = ()
    websites: tuple[str, ...] = ()  # other web addresses, kept so nothing the user had is lost
    # Said by the file about how the user knows the person, such as a "Connected On" date that
    # could not be read as a day and is kept as written.
    how_we_met: str = ""
    uid: str = ""  # a vCard's UID; coffeechat writes "urn:uuid:<the contact's code>"
    # The row (header -> cell) or the card's text as it was in the file, kept for later repair.
    raw: Mapping[str, str] | str = field(default="", hash=False)
    # Values left out because coffeechat does not accept them (see kept_emails and friends).
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skip:
    """A row or card left out, with where it was and why."""

    line: int
    reason: str


@dataclass(frozen=True)
class ParseResult:
    """Everything read from one file: every data row is either a record or a skip."""

    records: tuple[ParsedContact, ...]
    skipped: tuple[Skip, ...] = ()

    @property
    def total(self) -> int:
        """How many data rows or cards the file held."""
        return len(self.records) + len(self.skipped)


def decode_text(data: bytes, kind: str) -> str:
    """Decode a whole import file by the rules of detect_encoding."""
    return data.decode(detect_encoding((data,), kind))


def detect_encoding(blocks: Iterable[bytes], kind: str) -> str:
    """The codec to read a file with, from one pass over its bytes; ParseError if unusable.

    UTF-16 with a byte-order mark, else UTF-8 (a BOM allowed), else latin-1, which reads any
    byte: older Windows exports are in a one-byte code page. An empty (or blank) file and a
    binary one (NUL bytes outside UTF-16) are refused with a message naming ``kind``.
    """
    utf8 = codecs.getincrementaldecoder(UTF8)()
    utf16 = None
    encoding = UTF8
    content = False
    offset = 0
    for block in blocks:
        if offset == 0 and block.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            utf16 = codecs.getincrementaldecoder(UTF16)()
            encoding = UTF16
        if utf16 is not None:
            try:
                text = utf16.decode(block)
            except UnicodeDecodeError as exc:
                raise _damaged_utf16(offset + exc.start, kind) from None
        else:
            if b"\x00" in block:
                raise ParseError(_binary(kind))
            text = ""
            if encoding == UTF8:
                try:
                    text = utf8.decode(block)
                except UnicodeDecodeError:
                    encoding = LATIN1
            if encoding == LATIN1 and not content:
                text = block.decode(LATIN1)
        if "\x00" in text:
            raise ParseError(_binary(kind))
        content = content or bool(text.strip())
        offset += len(block)
    try:
        if utf16 is not None:
            content = bool(utf16.decode(b"", final=True).strip()) or content
        elif encoding == UTF8:
            utf8.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        if utf16 is not None:
            raise _damaged_utf16(offset + exc.start, kind) from None
        encoding = LATIN1  # the file ends inside a UTF-8 sequence: not UTF-8 after all
    if not content:
        raise ParseError(f"The file is empty: there is no {kind} data in it.")
    return encoding


def _binary(kind: str) -> str:
    return (
        f"This looks like a binary file, not a {kind} file (it contains NUL bytes). "
        "Check that you picked the right file, or save it again as UTF-8 text."
    )


def _damaged_utf16(position: int, kind: str) -> ParseError:
    return ParseError(
        f"The file starts like UTF-16 text but its bytes are damaged near byte "
        f"{position}. Export the {kind} file again, as UTF-8 if you can."
    )


def drop_system_labels(labels: list[str]) -> tuple[str, ...]:
    """Clean group or category names, dropping the ones address books add on their own."""
    kept: list[str] = []
    seen: set[str] = set()
    for label in labels:
        clean = " ".join(label.split())
        key = clean.lstrip("* ").casefold()
        if not clean or clean.startswith("*") or key in SYSTEM_LABELS or key in seen:
            continue
        seen.add(key)
        kept.append(clean)
    return tuple(kept)


def kept_emails(values: Iterable[str], warnings: list[str]) -> tuple[str, ...]:
    """The addresses in ``values``, one per address (core.fields), without repeats.

    A cell that lists several (``a@x.com, b@y.com``, as a vCard's escaped comma gives) yields
    each; any piece that is not one address is left out, with a warning added to ``warnings``.
    """
    kept: list[str] = []
    for value in values:
        good, bad = split_emails(value)
        kept.extend(good)
        for piece in bad:
            try:
                check_email(piece)
            except FieldError as error:
                warnings.append(f'The email "{piece}" was left out: {error}')
    return unique(kept)


def kept_web_address(value: str, label: str, warnings: list[str]) -> str:
    """``value`` as a web address a link may open (https:// assumed when bare), else empty.

    A value that is not one (``javascript:...``) is left out with a warning naming ``label``.
    """
    if not value.strip():
        return ""
    try:
        return web_address(value)
    except FieldError as error:
        shown = " ".join(value.split())
        warnings.append(f'The {label} "{shown}" was left out: {error}')
        return ""


def kept_day(day: date | None, label: str, warnings: list[str]) -> date | None:
    """``day`` when it is from 1900 to 2200, else None with a warning naming ``label``."""
    if day is None:
        return None
    try:
        return check_day(day)
    except FieldError as error:
        warnings.append(f"The {label} day {day.isoformat()} was left out: {error}")
        return None


def kept_websites(values: Iterable[str], warnings: list[str]) -> tuple[str, ...]:
    """The web addresses in ``values`` (https:// assumed when bare), each website once.

    A value that is not a web address is left out with a warning; the raw record keeps it.
    Repeats are found by core.contact_keys.website_key (scheme, case, trailing slash aside).
    """
    kept: list[str] = []
    seen: set[str] = set()
    for value in values:
        url = kept_web_address(value, "website", warnings)
        key = website_key(url)
        if url and key not in seen:
            seen.add(key)
            kept.append(url)
    return tuple(kept)


NO_NAME = "no first or last name in this row, and no email address to import it under"


def name_or_address(name: str, emails: tuple[str, ...], warnings: list[str]) -> str:
    """The name to import a record under: its own, else its first email address; else "".

    Every importer follows this one rule, so a row that gives only an email address comes in
    the same way from a vCard, a Google CSV or LinkedIn: under the address, with a warning
    that asks for the name.
    """
    name = " ".join(name.split())
    if name or not emails:
        return name
    warnings.append(
        f"No name was given, so this contact was imported under its email address, "
        f"{emails[0]}. Add the name on the contact's page."
    )
    return emails[0]


@lru_cache(maxsize=4096)  # a file holds few distinct days, and strptime is slow
def read_day(value: str) -> date | None:
    """A day written the ways exporters and spreadsheets write one; None when unreadable.

    ``15 Mar 2024``, ``2024-03-15``, ``Mar 15, 2024``, ``15-Mar-24``, ``03/15/24``,
    ``15/03/2024`` and friends (see DAY_FORMATS). A time after the day (``2024-03-15 10:00``)
    is ignored.
    """
    cleaned = re.sub(r"\s+", " ", value).strip().rstrip(".")
    if not cleaned:
        return None
    candidates = [cleaned]
    head, _space, rest = cleaned.rpartition(" ")
    if head and ":" in rest:
        candidates.append(head)  # a spreadsheet's "5/14/2023 0:00"
    for candidate in candidates:
        for fmt in DAY_FORMATS:
            try:
                return datetime.strptime(candidate, fmt).date()
            except ValueError:
                continue
    return None


def unique(values: list[str]) -> tuple[str, ...]:
    """Trimmed, non-empty values without repeats (case-insensitive), first spelling kept."""
    kept: list[str] = []
    seen: set[str] = set()
    for value in values:
        clean = value.strip()
        key = clean.casefold()
        if clean and key not in seen:
            seen.add(key)
            kept.append(clean)
    return tuple(kept)


def is_linkedin(url: str) -> bool:
    """Whether a web address points at a LinkedIn profile."""
    lowered = url.strip().lower()
    for prefix in ("https://", "http://"):
        lowered = lowered.removeprefix(prefix)
    host = lowered.split("/", 1)[0]
    return host == "linkedin.com" or host.endswith(".linkedin.com")
