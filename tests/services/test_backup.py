"""Backups of the SQLite store: consistent under writes, checked, private, never half written.

The test database is in memory, so these tests back up real files: a small SQLite file made
here, or a temporary home filled by ``coffeechat demo`` in a subprocess.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
import subprocess
import sys
from datetime import datetime
from fnmatch import fnmatch
from pathlib import Path

import pytest
from django.conf import settings

from coffeechat import config
from coffeechat.services import backup as backups
from coffeechat.services.backup import REQUIRED_TABLES, BackupFailed, backup_to
from coffeechat.store.models import Contact
from tests.cli.conftest import ROOT, clean_environment, coffeechat

DATABASE = "coffeechat.sqlite3"
CONTACTS = Contact._meta.db_table


def small_store(path: Path, contacts: int = 3) -> Path:
    """A SQLite file with the tables a backup looks for, in WAL mode like the real one."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    for name in REQUIRED_TABLES:
        connection.execute(f'CREATE TABLE "{name}" (id INTEGER PRIMARY KEY, name TEXT)')
    connection.executemany(
        f'INSERT INTO "{CONTACTS}" (name) VALUES (?)', [(f"P{i}",) for i in range(contacts)]
    )
    connection.commit()
    connection.close()
    return path


def rows(path: Path, table: str = CONTACTS) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    finally:
        connection.close()


def integrity(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def test_a_backup_is_a_checked_private_single_file(tmp_path):
    source = small_store(tmp_path / "live.sqlite3")
    made = backup_to(tmp_path / "copy.sqlite3", source=source)
    assert made.path == tmp_path / "copy.sqlite3"
    assert made.size == made.path.stat().st_size > 0
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
    assert integrity(made.path) == "ok"
    assert rows(made.path) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.sqlite3", "live.sqlite3"]


def test_a_backup_sees_commits_still_in_the_write_ahead_log(tmp_path):
    source = small_store(tmp_path / "live.sqlite3")
    writer = sqlite3.connect(source)
    writer.execute("PRAGMA wal_autocheckpoint=0")  # keep the new rows in the -wal file only
    writer.executemany(f'INSERT INTO "{CONTACTS}" (name) VALUES (?)', [("late",)] * 5)
    writer.commit()
    try:
        made = backup_to(tmp_path / "copy.sqlite3", source=source)
    finally:
        writer.close()
    assert rows(made.path) == 8


def test_a_folder_as_target_gets_a_dated_name(tmp_path):
    source = small_store(tmp_path / "live.sqlite3")
    folder = tmp_path / "backups"
    folder.mkdir()
    made = backup_to(folder, source=source, now=datetime(2030, 1, 9, 13, 5, 7))
    assert made.path == folder / "coffeechat-backup-20300109-130507.sqlite3"


def test_a_dated_backup_in_the_home_is_among_the_files_made_private():
    name = backups.default_name(datetime(2030, 1, 9, 13, 5, 7))
    assert fnmatch(name, config.BACKUP_PATTERN)


def test_it_refuses_to_overwrite_the_live_database(tmp_path):
    source = small_store(tmp_path / "live.sqlite3")
    with pytest.raises(BackupFailed, match="is the live database itself"):
        backup_to(tmp_path / "." / "live.sqlite3", source=source)
    assert rows(source) == 3


def test_a_target_that_cannot_be_written_leaves_nothing_behind(tmp_path):
    source = small_store(tmp_path / "live.sqlite3")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(BackupFailed, match="does not exist"):
        backup_to(blocker / "copy.sqlite3", source=source)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "live.sqlite3"]


def test_a_failure_half_way_keeps_the_old_backup_and_no_temporary_file(tmp_path, monkeypatch):
    source = small_store(tmp_path / "live.sqlite3")
    target = tmp_path / "copy.sqlite3"
    target.write_bytes(b"yesterday's backup")

    def broken_disk(part: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backups, "_flush", broken_disk)
    with pytest.raises(BackupFailed, match="No space left on device.*nothing was written"):
        backup_to(target, source=source)
    assert target.read_bytes() == b"yesterday's backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.sqlite3", "live.sqlite3"]


def test_a_database_without_coffeechat_tables_is_not_kept(tmp_path):
    source = tmp_path / "other.sqlite3"
    sqlite3.connect(source).close()
    with pytest.raises(BackupFailed, match="no coffeechat tables"):
        backup_to(tmp_path / "copy.sqlite3", source=source)
    assert [p.name for p in tmp_path.iterdir()] == ["other.sqlite3"]


def test_postgresql_is_pointed_to_pg_dump(monkeypatch, tmp_path):
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.postgresql")
    with pytest.raises(BackupFailed, match="pg_dump"):
        backup_to(tmp_path)
    assert list(tmp_path.iterdir()) == []


def export(home: Path) -> dict:
    result = coffeechat("--home", str(home), "export", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    document.pop("exported_at")
    return document


@pytest.mark.sqlite_only
def test_a_backup_of_a_demo_home_opens_as_a_home_of_its_own(tmp_path):
    home = tmp_path / "home"
    assert coffeechat("--home", str(home), "demo").returncode == 0
    copy = tmp_path / "backup.sqlite3"
    result = coffeechat("--home", str(home), "backup", "-o", str(copy))
    assert result.returncode == 0, result.stderr
    assert integrity(copy) == "ok"
    assert rows(copy) >= 40

    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copyfile(copy, restored / DATABASE)
    today = coffeechat("--home", str(restored), "today")
    assert today.returncode == 0, today.stderr
    assert export(restored) == export(home)


WRITER = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "coffeechat.settings"
import django
django.setup()
from coffeechat.services.accounts import ensure_owner
from coffeechat.services.contacts import ContactDetails, add_contact
owner = ensure_owner()
for index in range(int(sys.argv[1])):
    add_contact(owner, ContactDetails(name=f"Writer {index}", emails=(f"w{index}@example.org",)))
    if index == 0:
        print("writing", flush=True)
"""


@pytest.mark.sqlite_only
def test_a_backup_taken_while_another_process_writes_is_consistent(tmp_path):
    home = tmp_path / "home"
    assert coffeechat("--home", str(home), "demo").returncode == 0
    live = home / DATABASE
    before = rows(live)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, "400"],
        cwd=ROOT,
        env=clean_environment(COFFEECHAT_HOME=str(home)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    counts: list[int] = []
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "writing"
        for index in range(5):
            made = backup_to(tmp_path / f"during-{index}.sqlite3", source=live)
            assert integrity(made.path) == "ok"
            counts.append(rows(made.path))
    finally:
        _, errors = writer.communicate(timeout=120)
    assert writer.returncode == 0, errors
    # Each copy is one snapshot: some of the writer's contacts, never fewer than a copy before.
    assert counts == sorted(counts)
    assert all(before < count <= before + 400 for count in counts)
    assert counts[0] < before + 400, "the first copy was taken while the writer was busy"
    assert rows(live) == before + 400
