"""Google Contacts CSV, in today's layout and the older 'Google CSV' one.

Repeated fields come as numbered column families ("E-mail 1 - Value", "E-mail 2 - Value", ...)
and a single cell may hold several values joined by " ::: ".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator

from coffeechat.core.parsers.csvrows import header_key, is_blank, numbered_rows, row_mapping
from coffeechat.core.parsers.records import (
    NO_NAME,
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

KIND = "Google Contacts CSV"
MULTI = " ::: "
# "E-mail 2 - Value" -> family "e-mail", number 2, part "value".
FAMILY = re.compile(r"^(?P<family>[a-z-]+(?: [a-z-]+)*) (?P<number>\d+) - (?P<part>.+)$")
# Columns only Google writes; one of them next to a name column marks a Google header.
GOOGLE_MARKS = frozenset(
    {"labels", "group membership", "organization name", "file as", "given name", "name prefix"}
)
NAME_COLUMNS = frozenset({"first name", "given name", "name"})


def is_header(keys: list[str]) -> bool:
    """Whether header keys (see csvrows.header_key) are those of a Google Contacts CSV."""
    present = set(keys)
    numbered = any(FAMILY.match(key) for key in keys)
    return bool(present & NAME_COLUMNS) and (bool(present & GOOGLE_MARKS) or numbered)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(MULTI.strip())] if value.strip() else []


class _Row:
    """One data row with its cells reachable by header key and by numbered family."""

    def __init__(self, keys: list[str], row: list[str]) -> None:
        self.cells: dict[str, str] = {}
        self.families: dict[str, dict[int, dict[str, str]]] = defaultdict(dict)
        for index, key in enumerate(keys):
            cell = row[index].strip() if index < len(row) else ""
            self.cells.setdefault(key, cell)
            match = FAMILY.match(key)
            if match:
                number = int(match["number"])
                parts = self.families[match["family"]].setdefault(number, {})
                parts[match["part"]] = cell

    def get(self, *keys: str) -> str:
        """The first non-empty cell among the given columns."""
        for key in keys:
            value = " ".join(self.cells.get(key, "").split())
            if value:
                return value
        return ""

    def family(self, name: str, part: str) -> list[str]:
        """Every value of one part of a numbered family, in number order, ':::' split."""
        values: list[str] = []
        for _number, parts in sorted(self.families.get(name, {}).items()):
            values.extend(_split(parts.get(part, "")))
        return values


def _record(line: int, row: _Row, raw: dict[str, str]) -> ParsedContact | Skip:
    first = row.get("first name", "given name")
    middle = row.get("middle name", "additional name")
    last = row.get("last name", "family name")
    name = row.get("name") or " ".join(part for part in (first, middle, last) if part)
    name = name or row.get("nickname", "file as")
    organisations = [row.get("organization name")] + row.family("organization", "name")
    titles = [row.get("organization title")] + row.family("organization", "title")
    warnings: list[str] = []
    emails = kept_emails(row.family("e-mail", "value"), warnings)
    name = name_or_address(name, emails, warnings)
    if not name:
        return Skip(line, NO_NAME)
    urls = unique(row.family("website", "value"))
    linkedin = next((url for url in urls if is_linkedin(url)), "")
    websites = kept_websites((url for url in urls if url != linkedin), warnings)
    linkedin = kept_web_address(linkedin, "LinkedIn address", warnings)
    labels = _split(row.cells.get("labels", "")) + _split(row.cells.get("group membership", ""))
    return ParsedContact(
        line=line,
        name=name,
        first_name=first,
        last_name=last,
        organisation=next((org for org in organisations if org), ""),
        role=next((title for title in titles if title), ""),
        emails=emails,
        phones=unique(row.family("phone", "value")),
        linkedin_url=linkedin,
        notes=row.cells.get("notes", ""),
        tags=drop_system_labels(labels),
        websites=websites,
        raw=raw,
        warnings=tuple(warnings),
    )


NOT_GOOGLE = (
    "This is not a Google Contacts CSV: its first line has no Google column "
    'headings such as "First Name" and "E-mail 1 - Value". In Google Contacts, '
    'use Export > "Google CSV".'
)


def iter_google(text: str | Iterable[str]) -> Iterator[ParsedContact | Skip]:
    """Read a Google Contacts CSV (the whole text, or a stream opened with ``newline=""``).

    Yields a contact or a skip per data row, in file order; a file whose first line is not a
    Google header raises ParseError before anything is yielded.
    """
    header: list[str] | None = None
    keys: list[str] = []
    for line, row in numbered_rows(text, KIND):
        if header is None:
            if is_blank(row):
                continue
            keys = [header_key(cell) for cell in row]
            if not is_header(keys):
                raise ParseError(NOT_GOOGLE)
            header = [cell.replace("\ufeff", "").strip() for cell in row]
            continue
        if is_blank(row):
            continue
        yield _record(line, _Row(keys, row), row_mapping(header, row))
    if header is None:
        raise ParseError("The Google Contacts CSV has no header line.")


def parse_google(data: bytes) -> ParseResult:
    """Read a Google Contacts CSV export (current or legacy headers) into contacts and skips."""
    records: list[ParsedContact] = []
    skipped: list[Skip] = []
    for outcome in iter_google(decode_text(data, KIND)):
        if isinstance(outcome, Skip):
            skipped.append(outcome)
        else:
            records.append(outcome)
    return ParseResult(tuple(records), tuple(skipped))
