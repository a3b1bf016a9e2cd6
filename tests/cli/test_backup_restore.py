from __future__ import annotations

import json
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from coffeechat.store.models import Contact
from tests.cli.conftest import ROOT, clean_environment, coffeechat


def export(home: Path) -> dict:
    result = coffeechat("--home", str(home), "export", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    document.pop("exported_at")
    return document


def test_restore_of_an_export_into_an_empty_home_exports_the_same(demo_home, tmp_path):
    exported = tmp_path / "export.json"
    assert (
        coffeechat("--home", str(demo_home), "export", "json", "-o", str(exported)).returncode == 0
    )
    fresh = tmp_path / "fresh"
    result = coffeechat("--home", str(fresh), "restore", str(exported))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Restored 11 organisations, ")
    assert f"from {exported}." in result.stdout
    assert export(fresh) == export(demo_home)


def test_restore_into_a_home_with_data_is_refused_with_exit_status_1(demo_home, tmp_path):
    exported = tmp_path / "export.json"
    assert (
        coffeechat("--home", str(demo_home), "export", "json", "-o", str(exported)).returncode == 0
    )
    before = export(demo_home)
    result = coffeechat("--home", str(demo_home), "restore", str(exported))
    assert result.returncode == 1
    assert "Error: This home already has" in result.stderr
    assert "Traceback" not in result.stderr
    assert export(demo_home) == before


def test_restore_explains_a_file_that_is_not_an_export(owner, run, tmp_path):
    wrong = tmp_path / "contacts.csv"
    wrong.write_text("Name,Email\nAda,ada@example.org\n", encoding="utf-8")
    result = run("restore", str(wrong))
    assert result.exit_code == 1
    assert "not valid JSON" in result.output
    assert Contact.objects.for_owner(owner).count() == 0


def test_restore_of_a_missing_file_says_so(run, tmp_path):
    result = run("restore", str(tmp_path / "nowhere.json"))
    assert result.exit_code == 2
    assert "does not exist" in result.output


@pytest.mark.sqlite_only
def test_backup_writes_a_dated_private_file_in_the_current_folder(demo_home, tmp_path):
    folder = tmp_path / "here"
    folder.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "coffeechat", "--home", str(demo_home), "backup"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=folder,
        env=clean_environment(PYTHONPATH=str(ROOT / "src")),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    [made] = list(folder.iterdir())
    assert made.name.startswith("coffeechat-backup-") and made.suffix == ".sqlite3"
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert f"Backed up to {made} (" in result.stdout
    # The size in whole units a person reads (a demo home is near 1 MB since the search index
    # keeps prefixes).
    assert re.search(r" \(\d+ [KM]B\)\.$", result.stdout.strip())
    connection = sqlite3.connect(made)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()


@pytest.mark.sqlite_only
def test_a_backup_restored_by_copying_it_into_a_home_reads_the_same(demo_home, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    assert coffeechat("--home", str(demo_home), "backup", "-o", str(copy)).returncode == 0
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    copy.rename(fresh / "coffeechat.sqlite3")
    assert export(fresh) == export(demo_home)


@pytest.mark.sqlite_only
def test_a_backup_target_that_cannot_be_written_is_refused(demo_home, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = coffeechat("--home", str(demo_home), "backup", "-o", str(blocker / "b.sqlite3"))
    assert result.returncode == 1
    assert f"Error: The folder {blocker} does not exist" in result.stderr
    assert "Traceback" not in result.stderr
    assert blocker.read_text() == "not a folder"


def test_restore_tells_a_backup_file_from_an_export(owner, run, tmp_path):
    backup = tmp_path / "coffeechat-backup.sqlite3"
    backup.write_bytes(b"SQLite format 3\x00" + bytes(100))
    result = run("restore", str(backup))
    assert result.exit_code == 1
    assert "This is a backup (a SQLite database), not a JSON export" in result.output


@pytest.fixture
def small_cap(monkeypatch) -> int:
    """A restore limit of 1 KB, so a file over the limit is small enough to make in a test."""
    monkeypatch.setattr("coffeechat.services.restore.MAX_RESTORE_BYTES", 1024)
    return 1024


def test_restore_of_an_endless_file_stops_at_the_limit_with_a_message(owner, run, small_cap):
    result = run("restore", "/dev/zero")
    assert result.exit_code == 1
    assert "larger than" in result.output
    assert "Traceback" not in result.output
    assert Contact.objects.for_owner(owner).count() == 0


def test_restore_refuses_a_file_over_the_limit(owner, run, tmp_path, small_cap):
    huge = tmp_path / "huge.json"
    huge.write_text('{"format": "coffeechat", "pad": "' + "x" * small_cap + '"}', encoding="utf-8")
    result = run("restore", str(huge))
    assert result.exit_code == 1
    assert "larger than" in result.output
    assert "export" in result.output
