"""``coffeechat migrate``: bring the database to this version's schema, as a step of its own."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import click

from coffeechat.cli.bootstrap import ready
from coffeechat.core.text import counted


@click.command()
@click.option(
    "--check",
    is_flag=True,
    help="Only say whether migrations are waiting, and exit with 1 if any are; change nothing.",
)
def migrate(check: bool) -> None:
    """Apply the database migrations this version of coffeechat brings.

    On a server, run it once after installing a new version and before restarting the app
    servers: neither gunicorn nor `coffeechat serve` changes a server's database by itself, and
    until the migrations are applied the servers' /readyz answers 503 and `coffeechat serve`
    refuses to start. Running it again changes nothing; two runs started at once (two servers
    deploying) take turns. In local mode `coffeechat serve` migrates when it starts, so there
    you need this only to migrate without starting the app.

    \b
    Examples:
      coffeechat migrate
      coffeechat migrate --check     # in a deploy script: exit 1 while migrations wait
    """
    ready()
    from coffeechat.services.setup import (
        DatabaseUnusable,
        apply_migrations,
        database_label,
        pending_migrations,
    )

    try:
        if check:
            pending = pending_migrations()
        else:
            report = apply_migrations()
    except DatabaseUnusable as error:
        raise click.ClickException(error.message) from None
    if check:
        if pending:
            click.echo(
                f"{counted(len(pending), 'migration')} to apply to {database_label()}"
                f"{listed(pending)}. Run coffeechat migrate."
            )
            raise SystemExit(1)
        click.echo(f"The database at {database_label()} is up to date.")
    elif report.applied:
        click.echo(
            f"Applied {counted(len(report.applied), 'migration')} to {report.database}"
            f"{listed(report.applied)}."
        )
    else:
        click.echo(f"The database at {report.database} is up to date; nothing to apply.")


# Up to this many migrations are named one by one; more (a new database) are counted per app.
NAMED = 5


def listed(migrations: Sequence[str]) -> str:
    """``: app.0001_x, app.0002_y`` for a few migrations, `` (app 12, other 2)`` for many."""
    if len(migrations) <= NAMED:
        return ": " + ", ".join(migrations)
    per_app = Counter(name.partition(".")[0] for name in migrations)
    return " (" + ", ".join(f"{app} {count}" for app, count in sorted(per_app.items())) + ")"
