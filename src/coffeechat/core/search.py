"""Search text, pure: the words of a query, the query for SQLite FTS5, and highlighted output.

The database marks the matched words in what it returns with two private-use characters
(``START`` and ``END``). Nothing a user types can be passed on as query syntax: a query is only
ever built from words of letters and digits, each quoted, so quotes, ``NEAR``, ``*``, brackets
and ``AND``/``OR``/``NOT`` typed into the box are plain words or ignored.

Every search box (the search page, the contacts list, the merge picker, ``coffeechat search``)
first passes what was typed through ``clean_query``: no control or invisible characters (a NUL
is refused by PostgreSQL), single spaces, and at most ``LONGEST_QUERY`` characters (SQLite refuses
a LIKE pattern over 50,000 bytes, and a pasted essay is no search).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable

from coffeechat.core.text import distinct

# Private-use characters: no keyboard types them, so they cannot collide with real text (the
# index strips any that reach it anyway), and they survive the database's highlighting intact.
START = "\ue000"
END = "\ue001"

# Enough for any real search; a pasted essay must not become a thousand-term query.
MOST_WORDS = 12
LONGEST_WORD = 64
LONGEST_QUERY = 200
# Control characters (NUL, escape, line breaks), format characters (zero-width spaces, direction
# overrides), surrogates and private-use characters (the highlighting markers among them).
_INVISIBLE = frozenset(("Cc", "Cf", "Cs", "Co"))

_WORD = re.compile(r"[^\W_]+")


def _fold_table() -> tuple[str, str]:
    # Latin letters with accents, each to its base letter, plus the characters that make
    # PostgreSQL's parser read an email or web address as one word, or skip "<b>" and "&amp;"
    # as markup: one character for one, so a folded text lines up with its original.
    source, target = ["@./:<>&"], ["       "]
    for point in range(0xC0, 0x250):
        letter = chr(point)
        base = unicodedata.normalize("NFD", letter)[0]
        if base != letter and base.isascii() and base.isalpha():
            source.append(letter)
            target.append(base)
    source.append("øØłŁđĐ")
    target.append("oOlLdD")
    return "".join(source), "".join(target)


# PostgreSQL's 'simple' configuration keeps accents and reads ada@example.com as one word; the
# index and the query both pass through this table there, so it finds what SQLite finds.
FOLD_FROM, FOLD_TO = _fold_table()
_FOLD = str.maketrans(FOLD_FROM, FOLD_TO)
_MARKED = re.compile(f"{START}(.*?){END}", re.DOTALL)


def clean_query(text: str) -> str:
    """What was typed into a search box, as it is used and shown: visible, single-spaced, short.

    Control and invisible characters become spaces, runs of spaces one space, and the result is
    cut to ``LONGEST_QUERY`` characters.
    """
    # Only the start of a pasted megabyte can survive the cut; reading the rest is wasted work.
    head = text[: LONGEST_QUERY * 20]
    visible = "".join(
        " " if unicodedata.category(character) in _INVISIBLE else character for character in head
    )
    return " ".join(visible.split())[:LONGEST_QUERY].rstrip()


def query_terms(text: str) -> tuple[str, ...]:
    """The words of a query for a substring (LIKE) search: distinct, at most ``MOST_WORDS``."""
    return tuple(distinct(clean_query(text).split(" "), key=str.casefold)[:MOST_WORDS])


def search_words(text: str) -> tuple[str, ...]:
    """The words of a query, lower-cased: runs of letters and digits, at most ``MOST_WORDS``."""
    normal = unicodedata.normalize("NFC", clean_query(text))
    words = (word[:LONGEST_WORD].lower() for word in _WORD.findall(normal))
    return tuple(words)[:MOST_WORDS]


TEXT_COLUMNS = ("title", "context", "body")


def fts5_query(words: tuple[str, ...], columns: tuple[str, ...] = TEXT_COLUMNS) -> str:
    """An FTS5 MATCH expression: every word (the last as a prefix), in the text columns only.

    Only text columns, so typing an owner token (``u12``) finds nothing; ``columns`` narrows
    the search to some of them.
    """
    if not set(columns) <= set(TEXT_COLUMNS) or not columns:
        raise ValueError("a query looks in the text columns only")
    if not words:
        raise ValueError("a query needs at least one word")
    quoted = [f'"{word}"' for word in words]
    # The last word is still being typed: "lov" finds Lovelace.
    quoted[-1] += "*"
    return f"{{{' '.join(columns)}}} : ({' AND '.join(quoted)})"


def owner_token(owner_id: int) -> str:
    """The word that stands for one owner in the index."""
    return f"u{int(owner_id)}"


def unmarked(text: str) -> str:
    """The text without highlighting markers."""
    return text.replace(START, "").replace(END, "")


def marked_html(text: str) -> str:
    """Escaped HTML with each highlighted stretch in ``<mark>``; safe for any input text."""
    parts: list[str] = []
    position = 0
    for match in _MARKED.finditer(text):
        parts.append(html.escape(unmarked(text[position : match.start()])))
        parts.append(f"<mark>{html.escape(unmarked(match.group(1)))}</mark>")
        position = match.end()
    parts.append(html.escape(unmarked(text[position:])))
    return "".join(parts)


def marked_plain(text: str, mark: Callable[[str], str]) -> str:
    """Plain text with each highlighted stretch passed through ``mark`` (e.g. bold, brackets)."""
    parts: list[str] = []
    position = 0
    for match in _MARKED.finditer(text):
        parts.append(unmarked(text[position : match.start()]))
        parts.append(mark(unmarked(match.group(1))))
        position = match.end()
    parts.append(unmarked(text[position:]))
    return "".join(parts)


def folded(text: str) -> str:
    """``text`` with accents and address punctuation folded (see ``FOLD_FROM``), same length."""
    return text.translate(_FOLD)


def unfolded(original: str, marked: str, delimiter: str = "") -> str:
    """Highlighting found in the folded copy of ``original``, put back on the original text.

    ``marked`` is the folded text (or fragments of it, joined by ``delimiter``) with markers;
    a fragment that cannot be placed is returned as it is.
    """
    pieces = marked.split(delimiter) if delimiter else [marked]
    folded_original = folded(original)
    restored: list[str] = []
    for piece in pieces:
        start = folded_original.find(unmarked(piece))
        if start < 0:
            restored.append(piece)
            continue
        characters: list[str] = []
        position = start
        for character in piece:
            if character in (START, END):
                characters.append(character)
            else:
                characters.append(original[position])
                position += 1
        restored.append("".join(characters))
    return delimiter.join(restored)
