"""vCard 2.1, 3.0 and 4.0 (RFC 2426, RFC 6350), read by hand.

A general-purpose vCard library would split text values at unescaped commas and lose part of a
note or a URL, so the few rules needed are written here: lines are unfolded as bytes (a fold may
fall inside a multi-byte character), each value is decoded with its own CHARSET and ENCODING, and
a value is only ever split where the property is structured (N, ORG, CATEGORIES).
"""

from __future__ import annotations

import codecs
import quopri
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from coffeechat.core.parsers.records import (
    ParsedContact,
    ParseError,
    ParseResult,
    Skip,
    decode_text,
    drop_system_labels,
    is_linkedin,
    kept_emails,
    kept_web_address,
    kept_websites,
    name_or_address,
    unique,
)

KIND = "vCard"
# Bare parameters of vCard 2.1 that name an encoding rather than a type.
ENCODINGS = frozenset({"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"})
ESCAPES = {"n": "\n", "N": "\n"}
_BEGIN = re.compile(rb"^\s*BEGIN\s*:\s*VCARD\s*$", re.IGNORECASE)
_END = re.compile(rb"^\s*END\s*:\s*VCARD\s*$", re.IGNORECASE)
_VERSION = re.compile(rb"^\s*VERSION\s*:\s*(\S+)", re.IGNORECASE)
_CALENDAR = re.compile(rb"^\s*BEGIN\s*:\s*V(?:CALENDAR|EVENT|TODO)\s*$", re.IGNORECASE)
# How many of a group card's members its skip note names.
GROUP_MEMBERS_SHOWN = 5


@dataclass
class Property:
    """One unfolded content line: group.NAME;PARAM=...:value."""

    name: str
    params: dict[str, list[str]]
    value: bytes
    group: str = ""

    def param(self, key: str) -> list[str]:
        """The values of one parameter, upper-cased key, as written."""
        return self.params.get(key, [])

    @property
    def types(self) -> set[str]:
        """The TYPE values, lower-cased."""
        return {value.lower() for value in self.param("TYPE")}


@dataclass
class _Card:
    line: int
    version: str = "3.0"
    lines: list[bytes] = field(default_factory=list)  # physical lines, for the raw text
    properties: list[Property] = field(default_factory=list)


def _physical_lines(data: bytes) -> list[bytes]:
    if b"\n" not in data and b"\r" in data:
        return data.split(b"\r")  # old Mac line ends
    # rstrip too, because some phones write "\r\r\n" at the end of every line.
    return [line.rstrip(b"\r") for line in data.replace(b"\r\n", b"\n").split(b"\n")]


def _split_outside_quotes(text: str, separator: str, limit: int = -1) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == separator and not quoted and limit != 0:
            parts.append("".join(current))
            current = []
            limit -= 1
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _head_of(line: bytes) -> bytes:
    """The part of a content line before its value (the first colon outside quotes)."""
    quoted = False
    for index, byte in enumerate(line):
        if byte == 0x22:
            quoted = not quoted
        elif byte == 0x3A and not quoted:
            return line[:index]
    return line


def _is_quoted_printable(line: bytes) -> bool:
    return b"QUOTED-PRINTABLE" in _head_of(line).upper()


def parse_property(line: bytes) -> Property | None:
    """Split one unfolded line into name, parameters and raw value; None if it has no colon."""
    head = _head_of(line)
    if len(head) == len(line):
        return None
    value = line[len(head) + 1 :]
    pieces = _split_outside_quotes(head.decode("latin-1"), ";")
    group, _dot, name = pieces[0].strip().rpartition(".")
    params: dict[str, list[str]] = {}
    for piece in pieces[1:]:
        key, equals, values = piece.partition("=")
        key = key.strip().upper()
        if not equals:
            # vCard 2.1 writes bare parameters: TEL;CELL;PREF, NOTE;QUOTED-PRINTABLE.
            params.setdefault("ENCODING" if key in ENCODINGS else "TYPE", []).append(key)
            continue
        for item in _split_outside_quotes(values, ","):
            params.setdefault(key, []).append(item.strip().strip('"'))
    return Property(name=name.upper(), params=params, value=value, group=group)


def _decode_bytes(raw: bytes, charset: str) -> str:
    try:
        codecs.lookup(charset)
    except LookupError:
        charset = "utf-8"
    try:
        return raw.decode(charset)
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def raw_text(prop: Property) -> str:
    """The value as text: quoted-printable undone and bytes decoded, escapes still in place."""
    value = prop.value
    encodings = {item.upper() for item in prop.param("ENCODING")}
    if "QUOTED-PRINTABLE" in encodings:
        value = quopri.decodestring(value)
    charsets = prop.param("CHARSET")
    return _decode_bytes(value, charsets[0] if charsets else "utf-8")


def unescape(value: str, version: str) -> str:
    """Undo backslash escaping; vCard 2.1 only ever escaped separators and backslashes."""
    if "\\" not in value:
        return value
    out: list[str] = []
    chars = iter(value)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        following = next(chars, "")
        if version == "2.1" and following not in {"\\", ";", ","}:
            out.append(char + following)
        else:
            # Unknown escapes such as Google's "http\://" keep the character itself.
            out.append(ESCAPES.get(following, following))
    return "".join(out)


def split_unescaped(value: str, separator: str) -> list[str]:
    """Split at separators that are not escaped by a backslash; escapes are kept."""
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for char in value:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            current.append(char)
            escaped = True
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _text(prop: Property, version: str) -> str:
    # Quoted-printable notes from Windows carry "=0D=0A"; one kind of line end is enough.
    value = unescape(raw_text(prop), version).replace("\r\n", "\n").replace("\r", "\n")
    return value.strip()


def _components(prop: Property, version: str) -> list[str]:
    return [unescape(part, version).strip() for part in split_unescaped(raw_text(prop), ";")]


def _phone(prop: Property, version: str) -> str:
    value = _text(prop, version)
    return value[4:] if value.lower().startswith("tel:") else value


def _group(texts: Callable[[str], list[str]]) -> str | None:
    """Why a group card is left out, naming the group and its members; None for a person."""
    kinds = {kind.casefold() for kind in texts("KIND") + texts("X-ADDRESSBOOKSERVER-KIND")}
    if "group" not in kinds:
        return None
    name = next(iter(texts("FN")), "") or "a group"
    members = [
        member.removeprefix("urn:uuid:")
        for member in texts("MEMBER") + texts("X-ADDRESSBOOKSERVER-MEMBER")
    ]
    listed = ""
    if members:
        shown = ", ".join(members[:GROUP_MEMBERS_SHOWN])
        more = len(members) - GROUP_MEMBERS_SHOWN
        listed = f" Its {len(members)} member{'s' if len(members) > 1 else ''}: {shown}"
        listed += f" and {more} more." if more > 0 else "."
    return (
        f'"{name}" is a contact group, not a person, so it was not imported; the people in it '
        f"come in from their own cards.{listed or ' It lists no members.'}"
    )


def _record(card: _Card, text: str) -> ParsedContact | Skip:
    version = card.version
    by_name: dict[str, list[Property]] = {}
    for prop in card.properties:
        by_name.setdefault(prop.name, []).append(prop)

    def texts(name: str) -> list[str]:
        return [value for value in (_text(p, version) for p in by_name.get(name, [])) if value]

    group = _group(texts)
    if group is not None:
        return Skip(card.line, group)

    family = given = ""
    for prop in by_name.get("N", []):
        parts = _components(prop, version) + ["", ""]
        family, given = parts[0], parts[1]
        if family or given:
            break
    organisations = [_components(p, version)[0] for p in by_name.get("ORG", [])]
    organisation = next((org for org in organisations if org), "")
    warnings: list[str] = []
    emails = kept_emails(texts("EMAIL"), warnings)
    phones = unique([_phone(p, version) for p in by_name.get("TEL", [])])
    urls = unique(texts("URL"))
    profiles = [_text(p, version) for p in by_name.get("X-SOCIALPROFILE", [])]
    social = [
        url
        for p, url in zip(by_name.get("X-SOCIALPROFILE", []), profiles, strict=True)
        if "linkedin" in p.types or is_linkedin(url)
    ]
    linkedin = next((url for url in social if url), "")
    linkedin = linkedin or next((url for url in urls if is_linkedin(url)), "")
    # Other profiles count as websites when they are addresses; Apple also writes bare user
    # names ("x-apple:ada"), which stay in the raw card only.
    others = [url for url in profiles if url.lower().startswith(("http://", "https://"))]
    websites = kept_websites((url for url in (*urls, *others) if url and url != linkedin), warnings)
    linkedin = kept_web_address(linkedin, "LinkedIn address", warnings)
    names = texts("FN")
    name = " ".join(names[0].split()) if names else " ".join(f"{given} {family}".split())
    # A card with only an organisation is a company's card (Apple's X-ABShowAs:COMPANY).
    name = name_or_address(name or organisation, emails, warnings) or (phones[0] if phones else "")
    if not name:
        return Skip(card.line, "card has no name, organisation, email or phone")
    categories: list[str] = []
    for prop in by_name.get("CATEGORIES", []):
        categories.extend(unescape(part, version) for part in split_unescaped(raw_text(prop), ","))
    return ParsedContact(
        line=card.line,
        name=name,
        first_name=" ".join(given.split()),
        last_name=" ".join(family.split()),
        organisation=organisation,
        role=next(iter(texts("TITLE") or texts("ROLE")), ""),
        emails=emails,
        phones=phones,
        linkedin_url=linkedin,
        notes="\n\n".join(texts("NOTE")),
        tags=drop_system_labels(categories),
        websites=websites,
        uid=next(iter(texts("UID")), ""),
        raw=text,
        warnings=tuple(warnings),
    )


def _unfold(card: _Card, physical: bytes, logical: list[bytes]) -> None:
    """Add one physical line to the card's logical lines, joining folds and soft breaks."""
    if logical and logical[-1].endswith(b"=") and _is_quoted_printable(logical[-1]):
        # A quoted-printable soft line break: "=" at the end joins the next line. Asked before
        # folding, so that the "=" never stays behind when that line starts with a space: in
        # 2.1 the space is text ("come=" + " to the aid"), in later versions it marks a fold.
        folded = card.version != "2.1" and physical[:1] in (b" ", b"\t")
        logical[-1] = logical[-1][:-1] + (physical[1:] if folded else physical)
    elif logical and physical[:1] in (b" ", b"\t"):
        # vCard 2.1 folded before existing white space, which therefore stays.
        logical[-1] += physical if card.version == "2.1" else physical[1:]
    elif physical.strip():
        logical.append(physical)


def _line_text(line: bytes) -> str:
    return _decode_bytes(line, "utf-8")


NOT_VCARD = (
    "This is not a vCard file: no BEGIN:VCARD line was found. Export your contacts "
    'as "vCard" (.vcf) and try again.'
)
A_CALENDAR = (
    "This looks like a calendar (vCalendar or iCalendar), not a vCard file of contacts: it "
    "holds calendar entries and no BEGIN:VCARD line. To block busy time with it, import it "
    "on the Calendar page instead."
)
_BLOCK = 1 << 16


def stream_lines(stream: BinaryIO) -> Iterator[bytes]:
    """The physical lines of a binary stream, line ends removed, read a block at a time.

    Like _physical_lines: a file with carriage returns but no line feed in its first block is an
    old Mac file, split at carriage returns.
    """
    block = stream.read(_BLOCK)
    # A carriage return at the very end of the block may be the first half of a CRLF.
    mac = b"\n" not in block and b"\r" in block.rstrip(b"\r")
    separator = b"\r" if mac else b"\n"
    rest = b""
    while block:
        pieces = (rest + block).split(separator)
        rest = pieces.pop()
        for piece in pieces:
            yield piece.rstrip(b"\r")
        block = stream.read(_BLOCK)
    if rest:
        yield rest.rstrip(b"\r")


def iter_vcard(lines: Iterable[bytes]) -> Iterator[ParsedContact | Skip]:
    """Read the cards from physical lines (bytes, line ends removed), one result per card.

    Yields in file order; raises ParseError at the end when there was no card at all.
    """
    card: _Card | None = None
    logical: list[bytes] = []
    seen_any = calendar = False
    for number, physical in enumerate(lines, start=1):
        if card is None and not seen_any and not calendar:
            calendar = bool(_CALENDAR.match(physical))
        if _BEGIN.match(physical):
            seen_any = True
            if card is not None:
                yield Skip(card.line, "card is cut short: END:VCARD is missing")
            card, logical = _Card(line=number), []
            card.lines.append(physical)
            continue
        if card is None:
            continue  # text between cards is not ours to read
        card.lines.append(physical)
        if _END.match(physical):
            card.properties = [p for p in map(parse_property, logical) if p is not None]
            yield _record(card, "\n".join(_line_text(line) for line in card.lines))
            card = None
            continue
        version = _VERSION.match(physical)
        if version:
            card.version = version[1].decode("latin-1")
        _unfold(card, physical, logical)
    if card is not None:
        yield Skip(card.line, "card is cut short: END:VCARD is missing")
    if not seen_any:
        raise ParseError(A_CALENDAR if calendar else NOT_VCARD)


def parse_vcard(data: bytes) -> ParseResult:
    """Read every card of a vCard file (2.1, 3.0 or 4.0) into contacts and skips."""
    text = decode_text(data, KIND)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        data = text.encode("utf-8")
    data = data.removeprefix(codecs.BOM_UTF8)
    records: list[ParsedContact] = []
    skipped: list[Skip] = []
    for outcome in iter_vcard(_physical_lines(data)):
        if isinstance(outcome, Skip):
            skipped.append(outcome)
        else:
            records.append(outcome)
    return ParseResult(tuple(records), tuple(skipped))
