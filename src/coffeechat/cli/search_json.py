"""Search results as JSON, for ``coffeechat search --json``; docs/search.md describes the shape.

Texts come without the highlighting: scripts get the plain text, and the matched stretches as a
list of their own, so no marker (bold, brackets, private-use characters) ever leaks into them.
"""

from __future__ import annotations

from typing import Any

from coffeechat.core.search import marked_plain
from coffeechat.services.exports import plain

# Bumped when a key changes meaning or goes away; new keys may appear without a bump.
VERSION = 1


def _unmarked(text: str, matched: list[str]) -> str:
    """``text`` without markers; each highlighted stretch is added to ``matched`` on the way."""

    def keep(stretch: str) -> str:
        matched.append(stretch)
        return stretch

    return marked_plain(text, keep)


def hit_json(hit) -> dict[str, Any]:
    """One match: what it is, its codes, its texts and the stretches that matched."""
    matched: list[str] = []
    texts = {key: _unmarked(getattr(hit, key), matched) for key in ("title", "context", "snippet")}
    return {
        "kind": hit.kind,
        "code": plain(hit.code),
        "chat": None if hit.chat_code is None else plain(hit.chat_code),
        **texts,
        # Each stretch once, in the order it first appears, as written in the text.
        "matched": list(dict.fromkeys(matched)),
    }


def search_document(results) -> dict[str, Any]:
    """``coffeechat search --json``: the query as it was used and the matches, best first."""
    return {
        "version": VERSION,
        "query": results.query,
        "words": list(results.words),
        "limit": results.limit,
        "count": len(results.hits),
        "more": results.more,
        "hits": [hit_json(hit) for hit in results.hits],
    }
