"""Named placeholders such as ``{name}`` in user-editable text: read and checked, never evaluated.

Live-page scripts and message templates both let a user write their own wording; this module is
the one place that parses the braces and refuses anything but the placeholders a caller allows.
"""

from __future__ import annotations

import string
from collections.abc import Iterable

Piece = tuple[str, str | None, str | None, str | None]


def pieces(text: str, *, error: type[ValueError], example: str) -> list[Piece]:
    """The literal text and placeholder of each piece; ``error`` when a brace is not closed."""
    try:
        return list(string.Formatter().parse(text))
    except ValueError:
        raise error(
            f"A brace is not closed. Write placeholders as {{{example}}}, and a literal brace as "
            "{{ or }}."
        ) from None


def refuse_unknown(
    text: str, allowed: Iterable[str], *, error: type[ValueError], example: str
) -> None:
    """Raise ``error`` for a placeholder outside ``allowed``, or one with a format or conversion."""
    allowed = tuple(allowed)
    listed = ", ".join("{" + name + "}" for name in allowed)
    for _, field, spec, conversion in pieces(text, error=error, example=example):
        if field is None:
            continue
        if field not in allowed or spec or conversion:
            shown = "{" + field + (f"!{conversion}" if conversion else "")
            shown += (f":{spec}" if spec else "") + "}"
            raise error(f"{shown} is not something we can fill in. Use only {listed}.")
