"""Print docs/cli.md from the commands' own ``--help``, so the reference cannot drift.

Run ``python -m coffeechat.cli.docs > docs/cli.md`` (or ``make docs``); a test fails when the
file differs from what this prints.
"""

from __future__ import annotations

from collections.abc import Iterator

import click

# Help is wrapped at a fixed width, whatever the terminal that runs this, so the file is stable.
WIDTH = 100


def helps() -> Iterator[tuple[str, str]]:
    """(command path, help text) for the group and every command under it, in name order."""
    from coffeechat.cli.main import cli

    root = cli.make_context("coffeechat", [], resilient_parsing=True, terminal_width=WIDTH)
    yield from _walk(cli, root)


def _walk(command: click.Command, ctx: click.Context) -> Iterator[tuple[str, str]]:
    yield ctx.command_path, command.get_help(ctx)
    if isinstance(command, click.Group):
        for name in sorted(command.list_commands(ctx)):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            sub_ctx = sub.make_context(name, [], parent=ctx, resilient_parsing=True)
            yield from _walk(sub, sub_ctx)


def top_help() -> str:
    """The group's own ``--help``, as ``coffeechat.cli.launch`` prints it without click."""
    from coffeechat.cli.main import cli

    return cli.get_help(cli.make_context("coffeechat", [], resilient_parsing=True)) + "\n"


def markdown() -> str:
    """The whole of docs/cli.md."""
    parts = [
        "# Command line\n",
        "<!-- Generated from the commands' --help by `make docs`; edit the docstrings, "
        "not this file. -->\n",
        "Every command takes the global options of `coffeechat` (such as `--home`) before its "
        "name, and `-h` or `--help` after it.\n",
    ]
    for path, text in helps():
        heading = "##" if path.count(" ") <= 1 else "###"
        parts.append(f"{heading} `{path}`\n\n```text\n{text.rstrip()}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    from coffeechat.cli.launch import TOP_HELP

    TOP_HELP.write_text(top_help(), encoding="utf-8")
    click.echo(markdown(), nl=False)
