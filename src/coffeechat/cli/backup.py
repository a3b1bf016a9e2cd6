"""``coffeechat backup``: a consistent, checked copy of the SQLite store, even while serving; on
a server, the whole PostgreSQL database with pg_dump."""

from __future__ import annotations

from pathlib import Path

import click

from coffeechat.cli.bootstrap import ready, use_database
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
@click.option(
    "--user",
    "user_email",
    metavar="EMAIL",
    help="Not taken: a server's backup holds every account. For one person's data use "
    "coffeechat export json --user EMAIL.",
)
def backup(output: Path | None, user_email: str | None) -> None:
    """Back up the home's database to a single file only you can read.

    The copy is made with SQLite's online backup API, so it is consistent even while
    `coffeechat serve` is writing; it is checked with SQLite's integrity check and appears under
    its name only once complete. Without -o it is written to the current folder as
    coffeechat-backup-YYYYMMDD-HHMMSS.sqlite3. To restore it, copy it into an empty home as
    coffeechat.sqlite3 (docs/backup.md).

    In server mode (PostgreSQL) it runs pg_dump for the whole database, every account in it,
    not one user's data: a file coffeechat-backup-YYYYMMDD-HHMMSS.dump in PostgreSQL's custom
    format, restored with pg_restore (docs/deploying.md). One person's data is
    `coffeechat export json --user EMAIL`.

    \b
    Example:
      coffeechat backup
      coffeechat backup -o ~/backups/
      coffeechat --home ~/cc backup -o ~/backups/coffeechat.sqlite3
    """
    config = ready()
    target = output if output is not None else Path.cwd()
    if not config.is_local:
        if user_email is not None:
            raise click.ClickException(
                "A server's backup is the whole database, every account in it, so it takes no "
                "--user. For one person's data: coffeechat export json --user EMAIL."
            )
        use_database(migrate=False)
        from coffeechat.services.server_backup import dump_database

        with friendly_errors():
            made = dump_database(target)
        click.echo(
            f"Backed up the whole database, every account, to {made.path} ({size_text(made.size)})."
        )
        return
    if user_email is not None:
        raise click.ClickException(
            "--user is for a coffeechat server (COFFEECHAT_MODE=server). This home has one "
            "user, you: leave --user out."
        )
    use_database()
    from coffeechat.services.backup import backup_to

    with friendly_errors():
        made = backup_to(target)
    click.echo(f"Backed up to {made.path} ({size_text(made.size)}).")
