"""What a file is, told from its bytes: its text encoding, and which kind of contact file it is.

An import reads a file twice rather than holding it: a quick first pass settles the encoding
(records.detect_encoding, the rules decode_text uses too), then the parser streams the text.
"""

from __future__ import annotations

import csv
import io

from coffeechat.core.parsers import google, linkedin
from coffeechat.core.parsers.csvrows import header_key

# How much of a file's start is enough to tell its kind: LinkedIn's notes come first.
HEAD = 16 * 1024

# Kinds of file people pick by mistake, known by their first bytes.
MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"SQLite format 3\x00", "a SQLite database (perhaps a coffeechat backup)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document (perhaps an Excel workbook)"),
    (b"\x1f\x8b", "a gzip archive"),
)
LABELS = {
    "linkedin": "LinkedIn's Connections.csv",
    "google": "a Google Contacts CSV",
    "vcard": "a vCard file",
}
SOURCES = {"linkedin": "LinkedIn", "google": "Google Contacts", "vcard": "vCard"}


def binary_kind(head: bytes) -> str | None:
    """A description of a non-text file ("a PNG image") from its first bytes, else None."""
    for magic, label in MAGIC:
        if head.startswith(magic):
            return label
    return None


def text_kind(head: str) -> str | None:
    """Which importable kind ("linkedin", "google", "vcard") a file's first text suggests."""
    if "BEGIN:VCARD" in head.upper():
        return "vcard"
    # The last line may be cut; a half row cannot be a header anyway.
    lines = head.splitlines()[:40]
    try:
        rows = list(csv.reader(io.StringIO("\n".join(lines))))
    except csv.Error:
        return None
    for index, row in enumerate(rows):
        if linkedin.is_header(row):
            return "linkedin"
        if index == 0 and google.is_header([header_key(cell) for cell in row]):
            return "google"
    return None


def kind_hint(head: bytes, encoding: str, chosen: str) -> str:
    """A sentence naming what the file looks like, when that is not ``chosen``; else ""."""
    found = binary_kind(head)
    if found:
        return f"It looks like {found}."
    text = head.decode(encoding, errors="replace")
    kind = text_kind(text)
    if kind is None and chosen != "vcard" and "BEGIN:VCALENDAR" in text.upper():
        # The vCard reader says this itself, in its own words.
        return "It looks like a calendar: import it on the Calendar page instead."
    if kind is None or kind == chosen:
        return ""
    return f"It looks like {LABELS[kind]}: import it as {SOURCES[kind]} ({kind}) instead."
