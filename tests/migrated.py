"""A SQLite database with every migration applied, made once a test process, for fresh homes.

Migrating a fresh home takes seconds (several times that on a busy machine), and every test
that starts a server or a command on a fresh home would pay it again. Such a test copies this
database into its home instead. Migrating a home that never was is tested where that is the
point (tests/cli/test_migrate.py, tests/cli/test_serve_link.py).
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from coffeechat.config import DATABASE_FILE

MIGRATE_SECONDS = 300


def without_test_settings() -> dict[str, str]:
    """This process's environment for a child coffeechat: nothing of the test run (its settings
    module, a PostgreSQL DATABASE_URL, any COFFEECHAT_ variable) reaches it."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("COFFEECHAT_")
        and name not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }


@functools.cache
def migrated_database() -> Path:
    """The migrated database, made on first use by `coffeechat migrate` on a home of its own."""
    folder = Path(tempfile.mkdtemp(prefix="coffeechat-migrated-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    environ = without_test_settings()
    environ["COFFEECHAT_HOME"] = str(folder)
    migrated = subprocess.run(
        [sys.executable, "-m", "coffeechat", "--home", str(folder), "migrate"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=MIGRATE_SECONDS,
        check=False,
    )
    if migrated.returncode != 0:
        raise RuntimeError(
            f"coffeechat migrate failed ({migrated.returncode}):\n{migrated.stdout}\n"
            f"{migrated.stderr}"
        )
    return folder / DATABASE_FILE


def start_migrated(home: Path) -> None:
    """Give ``home`` a copy of the migrated database, unless it has a database already."""
    target = home / DATABASE_FILE
    if target.exists():
        return
    home.mkdir(parents=True, exist_ok=True)
    # The online backup API, not a file copy: it carries whatever the journal still holds.
    with sqlite3.connect(migrated_database()) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()
    target.chmod(0o600)  # as private as the file coffeechat makes itself
