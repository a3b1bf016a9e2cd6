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


def ready_with_database(*, migrate: bool = True) -> Config:
    """Load Django and bring the database schema up to date, or explain why it cannot be."""
    config = ready()
    use_database(migrate=migrate)
    return config
