"""docs/phone.md names only what exists: commands and their options, pages, variables, docs."""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import Resolver404, resolve

from coffeechat.cli.docs import helps

ROOT = Path(__file__).resolve().parent.parent
PHONE_MD = ROOT / "docs" / "phone.md"
COMMAND = re.compile(r"`(coffeechat [^`]+)`")
PAGE = re.compile(r"`(/[a-z/-]*)`")
VARIABLE = re.compile(r"`(COFFEECHAT_[A-Z_]+)`")
DOC_LINK = re.compile(r"\]\(([a-z-]+\.md)(?:#[a-z-]+)?\)")


def text() -> str:
    return PHONE_MD.read_text(encoding="utf-8")


def test_every_command_it_shows_exists_with_its_options():
    known = dict(helps())
    shown = COMMAND.findall(text())
    assert shown, "docs/phone.md shows no command"
    for command in shown:
        words = command.split()
        path = " ".join(word for word in words if not word.startswith("-") and "." not in word)
        assert path in known, f"`{command}`: no command `{path}`"
        for option in (word for word in words if word.startswith("--")):
            assert option in known[path], f"`{command}`: `{path}` has no {option}"


def test_every_page_it_names_is_a_page_of_the_app():
    for path in PAGE.findall(text()):
        try:
            resolve(path)
        except Resolver404:
            raise AssertionError(f"docs/phone.md names {path}, which is no page") from None


def test_every_variable_it_names_is_documented():
    configuration = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for name in VARIABLE.findall(text()):
        assert f"`{name}`" in configuration, name


def test_every_document_it_links_exists_and_the_indexes_link_it():
    for name in DOC_LINK.findall(text()):
        assert (ROOT / "docs" / name).is_file(), name
    assert "(docs/phone.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(phone.md)" in (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
