"""Bring the database to the current schema, and report a store that cannot be used."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection

from coffeechat.services.errors import DomainError


class DatabaseUnusable(DomainError):
    """The database cannot be opened or read; nothing has been changed."""


def database_label() -> str:
    """Where the data lives, for messages: the SQLite file or the server's database name."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return str(db["NAME"])
    return f"{db.get('NAME')} on {db.get('HOST') or 'localhost'}"


def prepare_database(*, migrate: bool = True) -> None:
    """Check that the database can be read, then apply pending migrations quietly."""
    try:
        with connection.cursor() as cursor:
            # Reading the schema catches a file that is not a database before anything writes.
            cursor.execute(
                "SELECT count(*) FROM sqlite_master"
                if connection.vendor == "sqlite"
                else "SELECT 1"
            )
        if migrate:
            call_command("migrate", interactive=False, verbosity=0, stdout=io.StringIO())
    except DatabaseError as error:
        raise DatabaseUnusable(
            f"The database at {database_label()} cannot be used ({error}). Nothing was changed. "
            "Restore a backup, or move the file away to start afresh."
        ) from None
