"""The ``coffeechat`` command: a thin click group over the services.

Nothing here imports Django at module level: ``coffeechat --help`` and ``--version`` must answer
without paying for ``django.setup()``. Each command loads Django through ``bootstrap.ready()``.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from coffeechat import __version__
from coffeechat.cli.backup import backup
from coffeechat.cli.brief import brief
from coffeechat.cli.demo import demo
from coffeechat.cli.export import export
from coffeechat.cli.followups import followups
from coffeechat.cli.imports import import_group
from coffeechat.cli.invite import invite
from coffeechat.cli.migrate import migrate
from coffeechat.cli.network import network
from coffeechat.cli.outreach import outreach
from coffeechat.cli.remind import remind
from coffeechat.cli.restore import restore
from coffeechat.cli.search import search
from coffeechat.cli.serve import serve
from coffeechat.cli.static import collectstatic
from coffeechat.cli.today import today


# Help is always laid out for 80 columns, whatever the terminal, so the copy that
# coffeechat.cli.launch prints without importing click reads exactly like click's own.
@click.group(context_settings={"help_option_names": ["-h", "--help"], "terminal_width": 80})
@click.version_option(__version__, "--version", prog_name="coffeechat")
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory that holds your data (default: COFFEECHAT_HOME, else your platform's "
    "data directory).",
)
def cli(home: Path | None) -> None:
    """Plan, run and follow up informational interviews.

    \b
    Example:
      coffeechat serve            # open the web app in your browser
      coffeechat --home ~/cc today
    """
    if home is not None:
        # Settings read the environment when Django loads, which happens after this point.
        os.environ["COFFEECHAT_HOME"] = str(home.expanduser().resolve())


cli.add_command(serve)
cli.add_command(demo)
cli.add_command(today)
cli.add_command(export)
cli.add_command(brief)
cli.add_command(followups)
cli.add_command(network)
cli.add_command(outreach)
cli.add_command(backup)
cli.add_command(restore)
cli.add_command(import_group)
cli.add_command(search)
cli.add_command(remind)
cli.add_command(invite)
cli.add_command(migrate)
cli.add_command(collectstatic)


def main() -> None:
    cli(prog_name="coffeechat")
