"""Search the owner's contacts, organisations and notes: one ranked list, matches marked."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from coffeechat.core.search import clean_query, search_words
from coffeechat.services.errors import InvalidInput
from coffeechat.store import search as index
from coffeechat.store.owners import Owner

DEFAULT_LIMIT = 20
MOST_LIMIT = 200
KIND_LABELS = {"contact": "Contact", "organisation": "Organisation", "note": "Note"}


@dataclass(frozen=True)
class Hit:
    """One match. Texts carry core.search's markers around the matched words.

    ``code`` is the contact's code for a contact or a note, the organisation's for an
    organisation; ``chat_code`` is the chat a note was taken in, if any.
    """

    kind: str
    code: UUID
    chat_code: UUID | None
    title: str
    context: str
    snippet: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind.title())


@dataclass(frozen=True)
class SearchResults:
    """A page of hits, best first, and whether more follow it."""

    query: str
    words: tuple[str, ...]
    hits: tuple[Hit, ...]
    offset: int
    limit: int
    more: bool

    @property
    def next_offset(self) -> int:
        return self.offset + self.limit

    @property
    def names_only(self) -> bool:
        """Whether only names were searched: one letter alone (store.search says why)."""
        return index.names_only(self.words)


def search(
    owner: Owner, text: str, *, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> SearchResults:
    """The owner's contacts, organisations and notes matching every word of ``text``, best first.

    The last word matches as a prefix ("lov" finds Lovelace). Raises InvalidInput when ``text``
    has no word to look for.
    """
    text = clean_query(text)
    words = search_words(text)
    if not words:
        raise InvalidInput("Type a word to search for: a name, an organisation, a few letters.")
    limit = max(1, min(int(limit), MOST_LIMIT))
    offset = max(0, int(offset))
    # One row beyond the page says whether there is a next one, without counting every match.
    rows = index.find(owner.pk, words, text, limit=limit + 1, offset=offset)
    hits = tuple(
        Hit(
            kind=row.kind,
            code=row.code,
            chat_code=row.chat_code,
            title=row.title if row.kind != "note" else row.context,
            context=row.context if row.kind != "note" else "",
            snippet=row.snippet,
        )
        for row in rows[:limit]
    )
    return SearchResults(
        query=text,
        words=words,
        hits=hits,
        offset=offset,
        limit=limit,
        more=len(rows) > limit,
    )
