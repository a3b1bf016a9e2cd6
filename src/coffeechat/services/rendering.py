"""The one way services turn a Markdown field into the HTML stored next to it."""

from __future__ import annotations

from coffeechat.core.markdown import render


def rendered(text: str | None) -> str:
    """Sanitised HTML for Markdown ``text``, ready for a ``*_html`` field (empty for no text)."""
    return render(text or "")
