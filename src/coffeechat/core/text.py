"""Small text helpers shared by forms, imports and search."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

_SPACES = re.compile(r"\s+")


def clean_line(value: str) -> str:
    """Trim and collapse inner whitespace, as names and titles should be stored."""
    return _SPACES.sub(" ", value).strip()


def shorten(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters, cut at the end with "…" when longer."""
    line = clean_line(text)
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def fold(value: str) -> str:
    """A comparison key: case, accents and spacing ignored (``José  Núñez`` ~ ``jose nunez``)."""
    if value.isascii():
        # Most names and organisations: nothing to decompose (imports fold every row twice).
        return clean_line(value).casefold()
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return clean_line(stripped).casefold()


def split_list(value: str) -> list[str]:
    """Split a comma or newline separated field into clean, distinct items, order kept."""
    items: list[str] = []
    seen: set[str] = set()
    for raw in re.split(r"[,\n;]", value):
        item = clean_line(raw)
        key = item.casefold()
        if item and key not in seen:
            seen.add(key)
            items.append(item)
    return items


def distinct(values: Iterable[str], key: Callable[[str], str] | None = None) -> list[str]:
    """Non-empty values in their order, each once; ``key`` says when two are the same."""
    kept: list[str] = []
    seen: set[str] = set()
    for value in values:
        if not value:
            continue
        marker = key(value) if key is not None else value
        if marker not in seen:
            seen.add(marker)
            kept.append(value)
    return kept


def first_name(name: str) -> str:
    """The name to greet someone by, in a script or a message: the first word of their name."""
    parts = name.split()
    return parts[0] if parts else name


def counted(count: float, noun: str, plural: str = "") -> str:
    """A count with its noun in the right number: ``1 minute``, ``2 minutes``, ``0 people``.

    ``plural`` is for nouns that do not just take an ``s`` (``counted(2, "person", "people")``).
    """
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
