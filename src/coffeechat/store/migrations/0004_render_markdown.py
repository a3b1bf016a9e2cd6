"""Fill the *_html fields of rows written before notes and prep were rendered on save."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import nh3
from django.db import migrations
from markdown_it import MarkdownIt
from markdown_it.token import Token

# core.markdown.render as it was when this migration was written, copied rather than imported:
# a later change to how notes are rendered must not change what this old migration stores.
# New rules reach old rows through a migration of their own.

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

BATCH = 500

# Model name -> (Markdown source field, stored HTML field) pairs.
FIELDS = {
    "Note": (("text", "text_html"),),
    "Contact": (("research_notes", "research_notes_html"),),
    "Chat": (
        ("research_notes", "research_notes_html"),
        ("hypothesis", "hypothesis_html"),
        ("ask", "ask_html"),
    ),
}


def render_model(model, pairs) -> int:
    """Render every row of ``model`` in primary-key batches; return how many rows changed."""
    sources = [source for source, _ in pairs]
    targets = [target for _, target in pairs]
    changed = 0
    last_pk = 0
    while True:
        # Keyset paging: fixed memory however many rows, and no OFFSET rescans.
        rows = list(
            model.objects.filter(pk__gt=last_pk).order_by("pk").only("pk", *sources, *targets)[
                :BATCH
            ]
        )
        if not rows:
            return changed
        dirty = []
        for row in rows:
            fresh = {target: render(getattr(row, source) or "") for source, target in pairs}
            if any(getattr(row, target) != html for target, html in fresh.items()):
                for target, html in fresh.items():
                    setattr(row, target, html)
                dirty.append(row)
        if dirty:
            # bulk_update leaves updated_at alone: rendering is not an edit by the user.
            model.objects.bulk_update(dirty, targets)
            changed += len(dirty)
        last_pk = rows[-1].pk


def render_existing(apps, schema_editor) -> None:
    for name, pairs in FIELDS.items():
        render_model(apps.get_model("coffeechat", name), pairs)


class Migration(migrations.Migration):
    dependencies = [
        ("coffeechat", "0003_prep_and_markdown"),
    ]

    operations = [
        # Going back keeps the HTML: the fields still exist after 0003 and stay valid.
        migrations.RunPython(render_existing, migrations.RunPython.noop, elidable=True),
    ]
