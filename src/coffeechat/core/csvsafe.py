"""CSV cells that a spreadsheet shows as text and never runs as a formula.

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula. Some
first strip leading spaces, tabs and line breaks and then read what follows, and some (with an
East Asian input method) take the full-width ``＝`` for ``=``: a cell that starts with any
whitespace or control character, or with any form of the four that Unicode folds to them, is
treated the same way. A contact named
``=HYPERLINK("https://evil.example", "Click")`` must open as that text, not as a live link or a
command. Following OWASP's advice, such a cell gets a leading apostrophe: spreadsheets take it as
"this is text" (Excel hides it), people recognise it, and an importer can strip it again. The
price is a visible apostrophe before a phone number such as ``'+44 20 7946 0000`` in a text
editor, which is better than guessing which values are "really" numbers.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TextIO

# The characters a formula starts with, in their plain (NFKC) form.
FORMULA_STARTS = ("=", "+", "-", "@")
# Spreadsheets open UTF-8 CSV as a legacy code page unless the file says otherwise; this mark
# keeps "José" from arriving as "JosÃ©". Python's "utf-8-sig" and most importers skip it.
BOM = "\ufeff"


def is_formula_like(value: str) -> bool:
    """Whether a spreadsheet might read the cell as a formula, from its first character."""
    if not value:
        return False
    first = value[0]
    # NFKC folds the full-width and small forms (＝, ﹦, ＋, －, ＠) to the plain characters.
    plain = unicodedata.normalize("NFKC", first)
    return (
        plain.startswith(FORMULA_STARTS) or first.isspace() or unicodedata.category(first) == "Cc"
    )


def neutralise(value: str) -> str:
    """The cell text, with a leading apostrophe when a spreadsheet might read it as a formula."""
    return "'" + value if is_formula_like(value) else value


def safe_row(values: Iterable[object]) -> list[str]:
    """A row of plain values as neutralised text cells (``None`` becomes an empty cell)."""
    return [neutralise("" if value is None else str(value)) for value in values]


def write_rows(
    out: TextIO, header: Sequence[str], rows: Iterable[Iterable[object]], *, bom: bool = True
) -> int:
    """Write a header and rows as RFC 4180 CSV (CRLF, every cell quoted); return the row count."""
    if bom:
        out.write(BOM)
    # Quoting every cell keeps embedded separators and line breaks inside their cell, whatever
    # the reader's locale thinks the separator is.
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(safe_row(header))
    count = 0
    for row in rows:
        writer.writerow(safe_row(row))
        count += 1
    return count
