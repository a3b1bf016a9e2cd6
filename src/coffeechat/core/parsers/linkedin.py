"""LinkedIn's Connections.csv: a few lines of notes, then a header, then one row per person."""

from __future__ import annotations

import re
from datetime import date, datetime

from coffeechat.core.parsers.csvrows import header_key, is_blank, numbered_rows, row_mapping
from coffeechat.core.parsers.records import (
    ParsedContact,
    ParseError,
    ParseResult,
    Skip,
    decode_text,
    unique,
)

KIND = "LinkedIn Connections.csv"
# LinkedIn has written these over the years; day-first is what it uses outside the US too.
DATE_FORMATS = (
    "%d %b %Y",
    "%d %B %Y",
    "%Y-%m-%d",
    "%b %d, %Y",
    "%B %d, %Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
)
# Any of these next to the name columns tells a LinkedIn header from another CSV's.
LINKEDIN_COLUMNS = frozenset({"company", "position", "connected on"})


def parse_connected_on(value: str) -> date | None:
    """Read a 'Connected On' cell leniently; None when it is empty or unreadable."""
    cleaned = re.sub(r"\s+", " ", value).strip().rstrip(".")
    if not cleaned:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def _is_header(row: list[str]) -> bool:
    keys = {header_key(cell) for cell in row}
    return {"first name", "last name"} <= keys and bool(keys & LINKEDIN_COLUMNS)


def parse_linkedin(data: bytes) -> ParseResult:
    """Read LinkedIn's Connections.csv (current or older layout) into contacts and skips."""
    text = decode_text(data, KIND)
    header: list[str] | None = None
    keys: list[str] = []
    records: list[ParsedContact] = []
    skipped: list[Skip] = []
    for line, row in numbered_rows(text, KIND):
        if header is None:
            if _is_header(row):
                header = [cell.replace("\ufeff", "").strip() for cell in row]
                keys = [header_key(cell) for cell in header]
            continue
        if is_blank(row):
            continue
        raw = row_mapping(header, row)
        cells = {key: (row[i].strip() if i < len(row) else "") for i, key in enumerate(keys)}
        first, last = (
            " ".join(cells.get("first name", "").split()),
            " ".join(cells.get("last name", "").split()),
        )
        name = f"{first} {last}".strip()
        if not name:
            skipped.append(Skip(line, "no first or last name in this row"))
            continue
        email = cells.get("email address", "")
        records.append(
            ParsedContact(
                line=line,
                name=name,
                first_name=first,
                last_name=last,
                organisation=cells.get("company", ""),
                role=cells.get("position", ""),
                emails=unique([email]),
                linkedin_url=cells.get("url", ""),
                connected_on=parse_connected_on(cells.get("connected on", "")),
                raw=raw,
            )
        )
    if header is None:
        raise ParseError(
            "This is not LinkedIn's Connections.csv: no line with the columns "
            '"First Name", "Last Name" and "Company" was found. In LinkedIn, use '
            "Settings > Data privacy > Get a copy of your data > Connections."
        )
    return ParseResult(tuple(records), tuple(skipped))
