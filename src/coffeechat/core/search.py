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
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate

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


# --- Highlights and snippets as SQLite's FTS5 draws them --------------------------------------
#
# FTS5's highlight() and snippet() need the query's cursor on the row, and on SQLite 3.40 a
# query whose last word is a prefix ("onboarding"*, "l"*) first reads every matching word's
# list of rows in full: a pass for the page's rows alone cost as much as the whole ranking
# (issue 18). These draw the same marks and the same window from the row's stored text, the
# way FTS5's unicode61 tokenizer (remove_diacritics 2) reads it.

# Split keeping the tokens: separator, token, separator, token, ..., separator.
_TOKENS = re.compile(r"([^\W_]+)")
_SPACE = " \t\n\r"


def _folded_token(token: str) -> str:
    lowered = token.lower()
    if lowered.isascii():
        return lowered
    # Accents go, as with remove_diacritics; letters that are not a base letter plus an accent
    # (ø, ł) stay, as FTS5 keeps them.
    return "".join(
        ch for ch in unicodedata.normalize("NFD", lowered) if not unicodedata.combining(ch)
    )


@dataclass(frozen=True)
class _Tokens:
    """A text cut into tokens: ``parts`` alternate separator and token, ``offsets`` where each
    part starts; ``instances`` are (token number, word number) of the matches, in order."""

    parts: list[str]
    offsets: list[int]
    instances: list[tuple[int, int]]

    @property
    def count(self) -> int:
        return len(self.parts) // 2

    def span(self, token: int) -> tuple[int, int]:
        return self.offsets[2 * token + 1], self.offsets[2 * token + 2]


def _tokens(text: str, words: tuple[str, ...]) -> _Tokens:
    # Splitting and measuring run in C; only matched tokens cost Python work (a contact's
    # research notes run to hundreds of words).
    folded_words = [_folded_token(word) for word in words]
    *whole, last = folded_words or [""]
    lowered = text.lower()
    # Lower-cased in one go when that keeps every character's place (it nearly always does).
    source = lowered if len(lowered) == len(text) else text
    parts = _TOKENS.split(source)
    tokens = parts[1::2]
    if source is text:
        tokens = [_folded_token(token) for token in tokens]
    elif not source.isascii():
        tokens = [token if token.isascii() else _folded_token(token) for token in tokens]
    exact = set(whole)
    instances = []
    for number in [
        n for n, token in enumerate(tokens) if token in exact or (last and token.startswith(last))
    ]:
        token = tokens[number]
        instances += [(number, n) for n, word in enumerate(whole) if token == word]
        if last and token.startswith(last):
            instances.append((number, len(whole)))
    return _Tokens(parts, list(accumulate(map(len, parts), initial=0)), instances)


def _marked(text: str, cut: _Tokens, first: int, last: int) -> tuple[list[str], int]:
    """Tokens ``first`` to ``last`` of ``text``, matches marked, and where the output stopped."""
    parts: list[str] = []
    position = 0 if first == 0 else cut.span(first)[0]
    matched = sorted({token for token, _ in cut.instances if first <= token <= last})
    for token in matched:
        start, stop = cut.span(token)
        parts += [text[position:start], START, text[start:stop], END]
        position = stop
    return parts, position


def fts5_highlight(text: str, words: tuple[str, ...]) -> str:
    """``text`` with every word of the query marked, as FTS5's ``highlight()`` marks it."""
    if not words or not text:
        return text
    cut = _tokens(text, words)
    parts, position = _marked(text, cut, 0, cut.count)
    return "".join([*parts, text[position:]])


def _window_score(instances: list[tuple[int, int]], start: int, size: int) -> tuple[int, int, int]:
    # FTS5's fts5SnippetScore: 1,000 for each word first seen in the window, 1 for each repeat;
    # with the first and last matched positions, to centre the window on them.
    seen: set[int] = set()
    score, first, last = 0, -1, 0
    for position, word in instances[bisect_left(instances, (start, -1)) :]:
        if position >= start + size:
            break
        score += 1 if word in seen else 1000
        seen.add(word)
        if first < 0:
            first = position
        last = position + 1
    return score, first, last


def _sentence_starts(cut: _Tokens) -> list[int]:
    # A token starts a sentence when it is the first, or follows a full stop or colon and spaces.
    separators = cut.parts[0:-1:2]
    return [0] + [
        n
        for n, before in enumerate(separators)
        if n and before[-1:] in _SPACE and before and before.rstrip(_SPACE)[-1:] in (".", ":")
    ]


def fts5_snippet(text: str, words: tuple[str, ...], size: int, ellipsis: str) -> str:
    """The ``size`` words of ``text`` FTS5's ``snippet()`` would show, matched words marked."""
    if not text:
        return text
    cut = _tokens(text, words)
    count, instances = cut.count, cut.instances
    sentences = _sentence_starts(cut) if count > size and instances else []
    best_score, best_start = 0, 0
    for position, _ in instances:
        score, first, last = _window_score(instances, position, size)
        adjusted = first - (size - (last - first)) // 2
        adjusted = max(0, min(adjusted, count - size))
        if score > best_score:
            best_score, best_start = score, adjusted
        if sentences:
            sentence = sentences[bisect_right(sentences, position) - 1]
            if sentence < position:
                score = _window_score(instances, sentence, size)[0]
                score += 120 if sentence == 0 else 100
                if score > best_score:
                    best_score, best_start = score, sentence
    end = best_start + size - 1
    parts, position = _marked(text, cut, best_start, end)
    if best_start > 0:
        parts.insert(0, ellipsis)
    if end >= count - 1:
        parts.append(text[position:])
    else:
        parts += [text[position : cut.span(end)[1]], ellipsis]
    return "".join(parts)
