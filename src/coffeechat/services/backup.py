"""A consistent copy of the SQLite store, made with SQLite's online backup API while in use.

Copying the database file is not a backup: in WAL mode the latest commits live in the ``-wal``
file until a checkpoint, so a copied main file silently misses them. SQLite's backup API instead
reads one consistent snapshot through a connection, whatever other processes are writing. The
copy goes to a temporary name beside the target, is checked, flushed to disk and only then
renamed into place, so the target is either the previous file or a complete, checked backup.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings

from coffeechat.services.errors import DomainError
from coffeechat.store.models import Chat, Contact, Preferences

# A backup must hold these, or it is not a coffeechat database worth keeping.
REQUIRED_TABLES = (
    "django_migrations",
    Preferences._meta.db_table,
    Contact._meta.db_table,
    Chat._meta.db_table,
)
BUSY_TIMEOUT_SECONDS = 30


class BackupFailed(DomainError):
    """No backup was written; the message says why and what to do."""


@dataclass(frozen=True)
class Backup:
    """A backup that was written: where, and how many bytes."""

    path: Path
    size: int


def default_name(now: datetime | None = None) -> str:
    """The file name a backup gets when only a folder is given."""
    return f"coffeechat-backup-{(now or datetime.now()):%Y%m%d-%H%M%S}.sqlite3"


def live_database() -> Path:
    """The SQLite file the app uses; PostgreSQL is refused with a pointer to pg_dump."""
    database = settings.DATABASES["default"]
    if not database["ENGINE"].endswith("sqlite3"):
        raise BackupFailed(
            "coffeechat backup copies the embedded SQLite store; this home runs on PostgreSQL. "
            "Back it up with PostgreSQL's own tool, for example: "
            "pg_dump --format=custom --file coffeechat.dump DATABASE_URL"
        )
    return Path(database["NAME"])


def backup_to(target: Path | str, *, source: Path | None = None, now: datetime | None = None):
    """Write a checked, consistent copy of the live SQLite database to ``target``."""
    source = Path(source) if source is not None else live_database()
    if not source.is_file():
        raise BackupFailed(f"There is no database at {source} to back up.")
    target = Path(target).expanduser()
    if target.is_dir():
        target = target / default_name(now)
    target = target.absolute()
    if _same_file(target, source):
        raise BackupFailed(
            f"{target} is the live database itself; choose another file for the backup."
        )
    part = part_file_beside(target)
    try:
        _copy(source, part)
        _check(part)
        _flush(part)
        # mkstemp already made it 0600; say so anyway, as the backup holds a whole network.
        part.chmod(0o600)
        part.replace(target)
        _flush_folder(target.parent)
    except BaseException as error:
        for leftover in (part, *(Path(f"{part}{tail}") for tail in ("-journal", "-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
        if isinstance(error, BackupFailed):
            raise
        if isinstance(error, OSError | sqlite3.Error):
            raise BackupFailed(
                f"The backup to {target} failed ({error}); nothing was written. "
                "Check the free space and the folder, then try again."
            ) from None
        raise
    return Backup(path=target, size=target.stat().st_size)


def _same_file(target: Path, source: Path) -> bool:
    if target.resolve() == source.resolve():
        return True
    with contextlib.suppress(OSError):
        return target.exists() and target.samefile(source)
    return False


def _copy(source: Path, part: Path) -> None:
    # A fresh connection sees only committed data. One backup step copies every page under a
    # single read transaction, so the copy is one snapshot even while other processes write.
    reader = sqlite3.connect(source, timeout=BUSY_TIMEOUT_SECONDS)
    writer = sqlite3.connect(part)
    try:
        reader.backup(writer)
        # The copied header keeps the live file's WAL mode; a backup is better a single file.
        writer.execute("PRAGMA journal_mode=DELETE")
    finally:
        writer.close()
        reader.close()


def _check(part: Path) -> None:
    connection = sqlite3.connect(part)
    try:
        verdict = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        names = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    finally:
        connection.close()
    if verdict != ["ok"]:
        raise BackupFailed(
            "The copy failed SQLite's integrity check, so it was not kept "
            f"({'; '.join(verdict[:3])}). Run `coffeechat backup` again."
        )
    missing = [name for name in REQUIRED_TABLES if name not in names]
    if missing:
        raise BackupFailed(
            "The database has no coffeechat tables "
            f"({', '.join(missing)} missing), so the copy was not kept. "
            "Run `coffeechat today` once to set the home up, then back it up."
        )


def _flush(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _flush_folder(directory: Path) -> None:
    # The rename is durable only once the folder itself is on disk; not every system allows it.
    with contextlib.suppress(OSError):
        _flush(directory)


def part_file_beside(target: Path) -> Path:
    """An empty file next to ``target`` to write the backup into, renamed over it once complete,
    so a backup cut short never stands where a good one is expected."""
    directory = target.parent
    if not directory.is_dir():
        raise BackupFailed(
            f"The folder {directory} does not exist; create it or choose another file."
        )
    try:
        descriptor, name = tempfile.mkstemp(
            dir=directory, prefix=f".{target.name}.", suffix=".part"
        )
    except OSError as error:
        raise BackupFailed(
            f"Cannot write in {directory} ({error.strerror}); choose another folder."
        ) from None
    os.close(descriptor)
    return Path(name)
