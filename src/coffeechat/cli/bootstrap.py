"""Load Django for a command, turning configuration and database problems into clear messages."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from coffeechat.config import Config

MADE_PRIVATE = (
    "Made your coffeechat home private (it was readable by other accounts on this computer)."
)


def ready() -> Config:
    """Configure Django from the environment; a bad setting becomes a one-line error.

    Every command that uses the home comes through here once, so this is where the user hears
    that loading the configuration made their home private.
    """
    from coffeechat.config import ConfigError

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coffeechat.settings")
    try:
        import django

        django.setup()
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    from django.conf import settings

    config: Config = settings.CONFIG
    if config.made_private:
        click.echo(MADE_PRIVATE, err=True)
    return config


def use_database(*, migrate: bool = True) -> None:
    """Bring the database schema up to date, or explain why it cannot be."""
    from coffeechat.services.setup import DatabaseUnusable, prepare_database

    try:
        prepare_database(migrate=migrate)
    except DatabaseUnusable as error:
        raise click.ClickException(str(error)) from None


def use_server_database() -> None:
    """A server's database as it stands. Its schema is brought up to date by its own step,
    ``coffeechat migrate``, so a command refuses a database that step has not caught up with
    instead of failing half way on a missing column."""
    from coffeechat.core.text import counted
    from coffeechat.services.setup import DatabaseUnusable, pending_migrations

    try:
        pending = pending_migrations()
    except DatabaseUnusable as error:
        raise click.ClickException(error.message) from None
    if pending:
        raise click.ClickException(
            f"The database lacks {counted(len(pending), 'migration')} of this version of "
            "coffeechat. Run `coffeechat migrate` once (from one server, with the same settings), "
            "then run this again."
        )


def use_database_of(config: Config) -> None:
    """A home's database brought up to date on the way; a server's checked (see above)."""
    if config.is_local:
        use_database()
    else:
        use_server_database()


def ready_with_database(*, migrate: bool = True) -> Config:
    """Load Django and bring the database schema up to date, or explain why it cannot be."""
    config = ready()
    use_database(migrate=migrate)
    return config
