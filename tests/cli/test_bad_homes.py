"""A home the commands cannot use gets one clear line and a non-zero exit, and stays as it was."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.cli.conftest import coffeechat

GARBAGE = b"This is not a database, just some bytes.\x00\x01\x02" * 200


def assert_one_clear_line(result, *phrases: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    for phrase in phrases:
        assert phrase in lines[0]


@pytest.mark.parametrize("command", [["today"], ["demo"], ["export", "json"]])
def test_a_corrupt_database_is_reported_and_left_byte_for_byte(tmp_path, command):
    home = tmp_path / "home"
    home.mkdir()
    database = home / "coffeechat.sqlite3"
    database.write_bytes(GARBAGE)
    result = coffeechat("--home", str(home), *command)
    assert_one_clear_line(result, "cannot be used", str(database), "Nothing was changed")
    assert database.read_bytes() == GARBAGE
    assert result.stdout == ""


def test_a_home_that_is_a_file_is_refused(tmp_path):
    home = tmp_path / "not-a-folder"
    home.write_text("hello", encoding="utf-8")
    result = coffeechat("--home", str(home), "today")
    # click checks --home itself, so this comes as a usage error: usage, hint, then the reason.
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].endswith("is a file.")
    assert home.read_text(encoding="utf-8") == "hello"


def test_a_home_set_by_the_environment_that_is_a_file_is_refused(tmp_path):
    home = tmp_path / "not-a-folder"
    home.write_text("hello", encoding="utf-8")
    result = coffeechat("today", COFFEECHAT_HOME=str(home))
    assert_one_clear_line(result, "is a file, not a directory")


def test_a_home_inside_a_file_cannot_be_created(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("hello", encoding="utf-8")
    result = coffeechat("--home", str(blocker / "home"), "demo")
    assert_one_clear_line(result, "Cannot create the coffeechat home", "--home")


@pytest.fixture
def read_only(tmp_path):
    """A folder the command cannot write to, and how to run the command so that holds.

    Root writes anywhere, so when the suite runs as root (as in CI) the command runs as the
    unprivileged ``nobody`` through setpriv, against a root-owned folder in /tmp it can only read.
    """
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o500)
        yield folder, []
        folder.chmod(0o700)
        return
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: no way to make a folder read-only")
    folder = Path(tempfile.mkdtemp(prefix="coffeechat-read-only-"))
    folder.chmod(0o755)
    yield folder, ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    shutil.rmtree(folder)


def test_a_home_under_a_read_only_folder_is_refused(read_only):
    folder, prefix = read_only
    result = coffeechat("--home", str(folder / "home"), "today", prefix=prefix)
    assert_one_clear_line(result, "Cannot create the coffeechat home", "--home")
    assert list(folder.iterdir()) == []


def test_a_read_only_home_is_refused(read_only):
    folder, prefix = read_only
    result = coffeechat("--home", str(folder), "demo", prefix=prefix)
    assert_one_clear_line(result, "not writable", "--home")
    assert list(folder.iterdir()) == []


def test_a_missing_home_is_created_and_used(tmp_path):
    home = tmp_path / "not" / "there" / "yet"
    result = coffeechat("--home", str(home), "today")
    assert result.returncode == 0, result.stderr
    assert "Nothing on today" in result.stdout
    assert (home / "coffeechat.sqlite3").is_file()
    assert (home / "secret_key").stat().st_mode & 0o777 == 0o600
