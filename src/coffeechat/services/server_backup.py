"""A server's backup: the whole PostgreSQL database, every account in it, with pg_dump.

pg_dump reads one consistent snapshot while the app goes on writing. Its custom format is
compressed and restored with pg_restore (docs/deploying.md). As with the SQLite backup, the
file is written under a temporary name beside the target and appears only once complete, readable
by its owner alone: it holds every user's network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

from django.conf import settings

from coffeechat.services.backup import Backup, BackupFailed, part_file_beside

PG_DUMP = "pg_dump"


def default_name(now: datetime | None = None) -> str:
    """The file name a server backup gets when only a folder is given."""
    return f"coffeechat-backup-{(now or datetime.now()):%Y%m%d-%H%M%S}.dump"


def _connection_environment() -> dict[str, str]:
    """pg_dump's connection settings, from the app's own, as libpq environment variables.

    In the environment rather than on the command line, where other accounts on the machine
    could read the password in the process list.
    """
    database = settings.DATABASES["default"]
    if "postgresql" not in database["ENGINE"]:
        raise BackupFailed("A server backup needs PostgreSQL (DATABASE_URL=postgres://…).")
    values = {
        "PGDATABASE": database.get("NAME"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
    }
    return {name: str(value) for name, value in values.items() if value}


def dump_database(
    target: Path | str, *, now: datetime | None = None, pg_dump: str = PG_DUMP
) -> Backup:
    """Write the whole database to ``target`` (a file, or a folder for a dated name)."""
    program = shutil.which(pg_dump)
    if program is None:
        raise BackupFailed(
            "pg_dump is not installed here. Install PostgreSQL's client tools (on Debian: "
            "apt-get install postgresql-client), then run the backup again."
        )
    environment = {**os.environ, **_connection_environment()}
    target = Path(target).expanduser()
    if target.is_dir():
        target = target / default_name(now)
    target = target.absolute()
    part = part_file_beside(target)
    try:
        finished = subprocess.run(
            [program, "--format=custom", "--no-password", f"--file={part}"],
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        if finished.returncode != 0:
            reason = finished.stderr.strip().splitlines()[-1:] or ["no message"]
            raise BackupFailed(
                f"pg_dump failed ({reason[0]}); nothing was written. Check DATABASE_URL and that "
                "pg_dump is the same major version as the server or newer."
            )
        part.chmod(0o600)
        part.replace(target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return Backup(path=target, size=target.stat().st_size)
