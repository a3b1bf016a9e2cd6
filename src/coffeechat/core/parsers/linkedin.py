"""LinkedIn's Connections.csv: a few lines of notes, then a header, then one row per person."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from coffeechat.core.parsers.csvrows import header_key, is_blank, numbered_rows, row_mapping
from coffeechat.core.parsers.records import (
    NO_NAME,
    ParsedContact,
    ParseError,
    ParseResult,
    Skip,
    decode_text,
    is_linkedin,
    kept_day,
    kept_emails,
    kept_web_address,
    name_or_address,
    read_day,
)

KIND = "LinkedIn Connections.csv"
# Any of these next to the name columns tells a LinkedIn header from another CSV's.
LINKEDIN_COLUMNS = frozenset({"company", "position", "connected on"})


def parse_connected_on(value: str) -> date | None:
    """Read a 'Connected On' cell leniently (records.read_day); None when empty or unreadable."""
    return read_day(value)


def is_header(row: list[str]) -> bool:
    """Whether a CSV row is the heading line of LinkedIn's Connections.csv."""
    keys = {header_key(cell) for cell in row}
    return {"first name", "last name"} <= keys and bool(keys & LINKEDIN_COLUMNS)


NOT_LINKEDIN = (
    "This is not LinkedIn's Connections.csv: no line with the columns "
    '"First Name", "Last Name" and "Company" was found. In LinkedIn, use '
    "Settings > Data privacy > Get a copy of your data > Connections."
)


def iter_linkedin(text: str | Iterable[str]) -> Iterator[ParsedContact | Skip]:
    """Read Connections.csv (the whole text, or a stream opened with ``newline=""``) row by row.

    Yields a contact or a skip per data row, in file order; raises ParseError at the end when no
    header line was found, so a caller writing as it reads must be inside a transaction.
    """
    header: list[str] | None = None
    columns: dict[str, int] = {}
    for line, row in numbered_rows(text, KIND):
        if header is None:
            if is_header(row):
                header = [cell.replace("\ufeff", "").strip() for cell in row]
                # Positions looked up once: the loop below runs for every one of 50,000 rows.
                # A repeated heading reads its last column, as a mapping of the row would.
                columns = {header_key(cell): index for index, cell in enumerate(header)}
            continue
        if is_blank(row):
            continue
        yield _record(line, header, columns, row)
    if header is None:
        raise ParseError(NOT_LINKEDIN)


def _record(
    line: int, header: list[str], columns: dict[str, int], row: list[str]
) -> ParsedContact | Skip:
    width = len(row)

    def cell(key: str) -> str:
        index = columns.get(key)
        return row[index].strip() if index is not None and index < width else ""

    first = " ".join(cell("first name").split())
    last = " ".join(cell("last name").split())
    warnings: list[str] = []
    emails = kept_emails([cell("email address")], warnings)
    name = name_or_address(f"{first} {last}", emails, warnings)
    if not name:
        return Skip(line, NO_NAME)
    url = kept_web_address(cell("url"), "LinkedIn address", warnings)
    websites: tuple[str, ...] = ()
    if url and not is_linkedin(url):
        # The column holds the member's profile; another address there is a website of theirs.
        websites, url = (url,), ""
    written = " ".join(cell("connected on").split())
    connected_on = kept_day(parse_connected_on(written), '"Connected On"', warnings)
    how_we_met = ""
    if written and parse_connected_on(written) is None:
        how_we_met = f"Connected on LinkedIn: {written}"
        warnings.append(
            f'The "Connected On" date "{written}" could not be read as a day, so it is kept as '
            'written in "How we met".'
        )
    return ParsedContact(
        line=line,
        name=name,
        first_name=first,
        last_name=last,
        organisation=cell("company"),
        role=cell("position"),
        emails=emails,
        linkedin_url=url,
        connected_on=connected_on,
        websites=websites,
        how_we_met=how_we_met,
        raw=row_mapping(header, row),
        warnings=tuple(warnings),
    )


def parse_linkedin(data: bytes) -> ParseResult:
    """Read LinkedIn's Connections.csv (current or older layout) into contacts and skips."""
    records: list[ParsedContact] = []
    skipped: list[Skip] = []
    for outcome in iter_linkedin(decode_text(data, KIND)):
        if isinstance(outcome, Skip):
            skipped.append(outcome)
        else:
            records.append(outcome)
    return ParseResult(tuple(records), tuple(skipped))
