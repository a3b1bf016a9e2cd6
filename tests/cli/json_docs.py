"""Read the "For scripts: `--json`" section of a doc, so tests can hold the JSON to its tables."""

from __future__ import annotations

import re

from tests.cli.conftest import ROOT

HEADING = "## For scripts: `--json`"
_FIRST_CELL = re.compile(r"^\| ([^|]+) \|", re.MULTILINE)
_CODE = re.compile(r"`([^`]+)`")


def scripts_section(doc: str) -> str:
    """The section's text, up to the next heading of the same level."""
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    start = text.index(HEADING) + len(HEADING)
    end = text.find("\n## ", start)
    return text[start : end if end != -1 else len(text)]


def tables(section: str) -> list[list[str]]:
    """The keys in the first column of each table, table by table (the header row left out)."""
    found: list[list[str]] = []
    for block in re.split(r"\n\s*\n", section):
        rows = _FIRST_CELL.findall(block)
        if rows and rows[0].strip() == "key":
            keys = [key for row in rows[2:] for key in _CODE.findall(row)]
            found.append(keys)
    return found


def quoted(section: str) -> set[str]:
    """Everything the section writes as `code`: keys, values and examples alike."""
    return set(_CODE.findall(section))
