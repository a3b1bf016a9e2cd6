"""Reading CSV text row by row while knowing on which line each row started."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from coffeechat.core.parsers.records import ParseError


def numbered_rows(text: str | Iterable[str], kind: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (first line of the row, cells) for every row, blank rows included as [].

    ``text`` is the whole file, or a text stream opened with ``newline=""`` so that a large file
    is read a row at a time.
    """
    reader = csv.reader(io.StringIO(text, newline="") if isinstance(text, str) else text)
    previous_end = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ParseError(
                f"The {kind} file cannot be read as CSV near line {previous_end + 1}: "
                f"{_why(str(exc))} Open it in a spreadsheet and save it again as CSV (UTF-8)."
            ) from None
        yield previous_end + 1, row
        previous_end = reader.line_num


def _why(message: str) -> str:
    """The csv module's complaint in plain words; its own wording names its internals."""
    if "field larger than field limit" in message:
        return "one cell is far longer than any contact's details (over 128 KB)."
    if "new-line character" in message or "unquoted" in message:
        return "a line break sits inside a cell without quotes around it."
    if "NUL" in message or "null byte" in message.lower():
        return "it holds NUL bytes, so it is not text."
    if "EOF" in message or "quote" in message:
        return "a quoted cell is never closed (a quote mark is missing)."
    return "its quoting or line breaks are damaged."


def header_key(cell: str) -> str:
    """A header cell compared without case, BOM or surrounding spaces."""
    return " ".join(cell.replace("\ufeff", "").split()).casefold()


def row_mapping(header: list[str], row: list[str]) -> dict[str, str]:
    """The row as header -> cell; missing cells are empty, extra cells keep their position."""
    mapping = {name: (row[index] if index < len(row) else "") for index, name in enumerate(header)}
    for index in range(len(header), len(row)):
        mapping[f"column {index + 1}"] = row[index]
    return mapping


def is_blank(row: list[str]) -> bool:
    """Whether a row holds nothing but empty cells."""
    return not any(cell.strip() for cell in row)
