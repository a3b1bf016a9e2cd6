"""Bring the database to the current schema, report a store that cannot be used, say whether it
is ready to serve, and collect the static files a server answers with hashed names."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection

from coffeechat.core.text import counted
from coffeechat.services.errors import DomainError

log = logging.getLogger(__name__)

# A PostgreSQL advisory lock key of coffeechat's own (the bytes of "cofm"): held while
# migrating, so two servers deploying at once take turns instead of racing on the same tables.
MIGRATION_LOCK = 0x636F666D


class DatabaseUnusable(DomainError):
    """The database cannot be opened or read; nothing has been changed."""


class StaticFilesUnavailable(DomainError):
    """The static files cannot be collected: no place is set for them, or it is not writable."""


@dataclass(frozen=True)
class MigrationReport:
    """What ``apply_migrations`` did: the database, and the migrations applied (oldest first)."""

    database: str
    applied: tuple[str, ...]


@dataclass(frozen=True)
class StaticReport:
    """What ``collect_static`` did: the directory it filled and how many files it holds."""

    directory: str
    files: int


def database_label() -> str:
    """Where the data lives, for messages: the SQLite file or the server's database name."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return str(db["NAME"])
    return f"{db.get('NAME')} on {db.get('HOST') or 'localhost'}"


def _unusable(error: DatabaseError) -> DatabaseUnusable:
    if connection.vendor == "sqlite":
        advice = "Restore a backup, or move the file away to start afresh."
    else:
        advice = "Check DATABASE_URL, and that the database server is running and lets you in."
    return DatabaseUnusable(
        f"The database at {database_label()} cannot be used ({error}). Nothing was changed. "
        + advice
    )


def _check_readable() -> None:
    with connection.cursor() as cursor:
        # Reading the schema catches a file that is not a database before anything writes.
        cursor.execute(
            "SELECT count(*) FROM sqlite_master" if connection.vendor == "sqlite" else "SELECT 1"
        )


def _migrate() -> None:
    # The store's post_migrate handler also repairs SQLite's search triggers here.
    call_command("migrate", interactive=False, verbosity=0, stdout=io.StringIO())


def prepare_database(*, migrate: bool = True) -> None:
    """Check that the database can be read, then apply pending migrations quietly."""
    try:
        _check_readable()
        if migrate:
            with _migration_lock():
                _migrate()
    except DatabaseError as error:
        raise _unusable(error) from None


def unapplied_migrations() -> list[str]:
    """The migrations this version brings that the database lacks, oldest first."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, backwards in plan]


def pending_migrations() -> list[str]:
    """``unapplied_migrations``, with a database that cannot be read reported as unusable."""
    try:
        _check_readable()
        return unapplied_migrations()
    except DatabaseError as error:
        raise _unusable(error) from None


def apply_migrations() -> MigrationReport:
    """Bring the schema up to date and say which migrations that took; running it again when
    nothing is pending changes nothing."""
    try:
        _check_readable()
        with _migration_lock():
            pending = unapplied_migrations()
            _migrate()
    except DatabaseError as error:
        raise _unusable(error) from None
    return MigrationReport(database=database_label(), applied=tuple(pending))


@contextmanager
def _migration_lock() -> Iterator[None]:
    """On PostgreSQL, one migration at a time across every server sharing the database: a second
    run waits for the first, then finds nothing left to apply. SQLite has one writer anyway."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK])


def database_problem() -> str | None:
    """Why the database cannot serve requests now (unreachable, or a migration not applied),
    in a few words for a monitor; None when it can. The details go to the log."""
    try:
        _check_readable()
        pending = unapplied_migrations()
    except DatabaseError as error:
        log.warning("Not ready: the database at %s cannot be read (%s)", database_label(), error)
        return "The database cannot be reached."
    if pending:
        return f"{counted(len(pending), 'migration')} not applied yet: run coffeechat migrate."
    return None


def collect_static() -> StaticReport:
    """Copy the static files to STATIC_ROOT under hashed names, compressed, with their manifest.

    Files of earlier versions stay: a page an older server (or a browser) still shows keeps
    finding the files it names while several servers are upgraded one after another.
    """
    root = settings.STATIC_ROOT
    if not root:
        raise StaticFilesUnavailable(
            "There is nothing to collect: coffeechat serves its static files straight from where "
            "it is installed unless COFFEECHAT_STATIC_ROOT names a directory for them (server "
            "mode; see docs/deploying.md)."
        )
    directory = Path(root)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        call_command("collectstatic", interactive=False, verbosity=0, stdout=io.StringIO())
    except OSError as error:
        raise StaticFilesUnavailable(
            f"Cannot write the static files to {directory} ({error.strerror}). Make it writable "
            "by the account that runs coffeechat collectstatic, or set COFFEECHAT_STATIC_ROOT "
            "to another directory."
        ) from None
    from django.contrib.staticfiles.storage import staticfiles_storage

    manifest = directory / getattr(staticfiles_storage, "manifest_name", "staticfiles.json")
    files = len(json.loads(manifest.read_text(encoding="utf-8")).get("paths", {}))
    return StaticReport(directory=str(directory), files=files)
