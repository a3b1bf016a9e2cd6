"""What every parser returns: contacts read from a file and the rows it had to leave out."""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from coffeechat.core.fields import FieldError, check_day, check_email, split_emails, web_address

UTF8 = "utf-8-sig"
UTF16 = "utf-16"
LATIN1 = "latin-1"
# Group names address books add to every contact; they say nothing about the person.
SYSTEM_LABELS = frozenset({"mycontacts", "my contacts", "starred", "friends_and_family"})


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
