"""Load Django for a command, turning configuration and database problems into clear messages."""

from __future__ import annotations

import os

import click


def ready() -> None:
    """Configure Django from the environment; a bad setting becomes a one-line error."""
    from coffeechat.config import ConfigError

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coffeechat.settings")
    try:
        import django

        django.setup()
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


def ready_with_database(*, migrate: bool = True) -> None:
    """Load Django and bring the database schema up to date, or explain why it cannot be."""
    ready()
    from coffeechat.services.setup import DatabaseUnusable, prepare_database

    try:
        prepare_database(migrate=migrate)
    except DatabaseUnusable as error:
        raise click.ClickException(str(error)) from None
