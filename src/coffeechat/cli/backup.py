"""``coffeechat backup``: a consistent, checked copy of the SQLite store, even while serving."""

from __future__ import annotations

from pathlib import Path

import click

from coffeechat.cli.bootstrap import ready_with_database
from coffeechat.cli.common import friendly_errors
from coffeechat.core.sizes import size_text


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write the backup to this file, or into this folder under a dated name (default: a "
    "dated name in the current folder).",
)
def backup(output: Path | None) -> None:
    """Back up the home's database to a single file only you can read.

    The copy is made with SQLite's online backup API, so it is consistent even while
    `coffeechat serve` is writing; it is checked with SQLite's integrity check and appears under
    its name only once complete. Without -o it is written to the current folder as
    coffeechat-backup-YYYYMMDD-HHMMSS.sqlite3. To restore it, copy it into an empty home as
    coffeechat.sqlite3 (docs/backup.md). On PostgreSQL, use pg_dump instead.

    \b
    Example:
      coffeechat backup
      coffeechat backup -o ~/backups/
      coffeechat --home ~/cc backup -o ~/backups/coffeechat.sqlite3
    """
    ready_with_database()
    from coffeechat.services.backup import backup_to

    with friendly_errors():
        made = backup_to(output if output is not None else Path.cwd())
    click.echo(f"Backed up to {made.path} ({size_text(made.size)}).")
