"""docs/cli.md is the commands' own --help, and every command's help shows an example."""

from __future__ import annotations

from pathlib import Path

import pytest

from coffeechat.cli.docs import helps, markdown, top_help
from coffeechat.cli.launch import TOP_HELP

CLI_MD = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_docs_cli_md_matches_the_commands_help():
    assert CLI_MD.read_text(encoding="utf-8") == markdown(), (
        "docs/cli.md is out of date with the commands' --help; run `make docs` and commit it."
    )


def test_the_fast_top_level_help_matches_the_live_one():
    assert TOP_HELP.read_text(encoding="utf-8") == top_help(), (
        "src/coffeechat/cli/top_help.txt is out of date; run `make docs` and commit it."
    )


@pytest.mark.parametrize(("path", "text"), list(helps()), ids=lambda value: value)
def test_every_command_shows_an_example(path, text):
    assert "Example" in text, f"`{path} --help` has no Example: block; add one to its docstring."


def test_every_command_has_a_heading_of_its_own():
    document = markdown()
    for path, _ in helps():
        assert f"`{path}`\n" in document


def test_the_generator_walks_the_group_and_its_commands_in_order():
    paths = [path for path, _ in helps()]
    assert paths[0] == "coffeechat"
    assert {"coffeechat demo", "coffeechat export", "coffeechat serve", "coffeechat today"} <= set(
        paths
    )
    assert paths[1:] == sorted(paths[1:])
