"""What a file is, told from its bytes: its text encoding, and which kind of contact file it is.

An import reads a file twice rather than holding it: a quick first pass here settles the
encoding (with the same rules as records.decode_text), then the parser streams the text.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable

from coffeechat.core.parsers import google, linkedin
from coffeechat.core.parsers.csvrows import header_key
from coffeechat.core.parsers.records import ParseError

UTF8 = "utf-8-sig"
UTF16 = "utf-16"
LATIN1 = "latin-1"
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
    kind = text_kind(head.decode(encoding, errors="replace"))
    if kind is None or kind == chosen:
        return ""
    return f"It looks like {LABELS[kind]}: import it as {SOURCES[kind]} ({kind}) instead."
