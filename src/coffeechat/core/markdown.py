"""Markdown for notes and preparation fields, turned into HTML that is safe to show as it is.

Two steps, each enough on its own for the common cases, together for the uncommon ones:
markdown-it-py (CommonMark, raw HTML switched off so ``<script>`` in a note is shown as text)
and then nh3, which keeps only the tags, attributes and URL schemes listed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

# What a note may contain once rendered. Nothing here can run code or load anything.
ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p",
        "br",
        "em",
        "strong",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "hr",
        "h3",
        "h4",
        "h5",
        "h6",
    }
)
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    # ``3. item`` starts a list at 3; a number cannot do harm.
    "ol": frozenset({"start"}),
}
ALLOWED_URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"

# Notes sit under the page's own h1 and h2 headings, so ``#`` becomes h3, ``##`` h4 and so on
# (never beyond h6): the note keeps its own outline without competing with the page's.
_HEADING_SHIFT = 2


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    # An image would load a remote URL when the page opens (a tracking pixel); ``![alt](url)``
    # therefore stays a plain link the user can choose to follow.
    parser.disable("image")
    return parser


_PARSER = _parser()


def _demote_headings(tokens: Sequence[Token]) -> None:
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + _HEADING_SHIFT, 6)
            token.tag = f"h{level}"


def _to_html(text: str) -> str:
    env: dict[str, Any] = {}
    tokens = _PARSER.parse(text, env)
    _demote_headings(tokens)
    html: str = _PARSER.renderer.render(tokens, _PARSER.options, env)
    return html


def sanitise(html: str) -> str:
    """Keep only the allowed tags, attributes and URL schemes of an HTML fragment."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render(text: str) -> str:
    """Markdown source to sanitised HTML; blank text gives an empty string."""
    if not text or not text.strip():
        return ""
    return sanitise(_to_html(text)).strip()
