"""A home the commands cannot use gets one clear line and a non-zero exit, and stays as it was."""

from __future__ import annotations

import socket
from collections.abc import Iterator

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
    home.mkdir(mode=0o700)
    database = home / "coffeechat.sqlite3"
    database.write_bytes(GARBAGE)
    database.chmod(0o600)  # private already, so the only line is the error
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
    """A folder the command cannot write to: its owner may only read it, and the command runs
    bound by file modes even when the suite runs as root (as in CI)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    yield folder
    folder.chmod(0o700)


def test_a_home_under_a_read_only_folder_is_refused(read_only):
    folder = read_only
    result = coffeechat("--home", str(folder / "home"), "today", powerless=True)
    assert_one_clear_line(result, "Cannot create the coffeechat home", "--home")
    assert list(folder.iterdir()) == []


def test_a_read_only_home_is_refused(read_only):
    folder = read_only
    result = coffeechat("--home", str(folder), "demo", powerless=True)
    assert_one_clear_line(result, "not writable", "--home")
    assert list(folder.iterdir()) == []


def test_a_missing_home_is_created_and_used(tmp_path):
    home = tmp_path / "not" / "there" / "yet"
    result = coffeechat("--home", str(home), "today")
    assert result.returncode == 0, result.stderr
    assert "Nothing on today" in result.stdout
    assert (home / "coffeechat.sqlite3").is_file()
    assert (home / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.fixture
def out_of_reach(tmp_path):
    """A folder the command may not even look into (run bound by file modes, as ``read_only``)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o000)
    yield folder
    folder.chmod(0o700)


def test_a_home_under_a_folder_you_cannot_open_is_refused(out_of_reach):
    home = str(out_of_reach / "home")
    by_option = coffeechat("--home", home, "today", powerless=True)
    assert_one_clear_line(by_option, "Cannot create the coffeechat home", home, "--home")
    by_environment = coffeechat("demo", powerless=True, COFFEECHAT_HOME=home)
    assert_one_clear_line(by_environment, "Cannot create the coffeechat home", home)


@pytest.fixture
def read_only_database(used_home):
    """A home its user may write to, holding a database file they may only read (the command
    runs bound by file modes, as ``read_only``)."""
    home = used_home
    database = home / "coffeechat.sqlite3"
    database.chmod(0o400)
    return home, database


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port something else listens on: a serve that got past its checks stops there at once."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


@pytest.mark.parametrize("command", [["serve", "--no-browser"], ["today"], ["demo"], ["backup"]])
def test_a_read_only_database_file_is_reported_with_the_fix(
    read_only_database, taken_port, command
):
    home, database = read_only_database
    before = database.read_bytes()
    if command[0] == "serve":
        command = [*command, "--port", str(taken_port)]
    result = coffeechat("--home", str(home), *command, powerless=True)
    assert_one_clear_line(result, f"The database file {database} is read-only", "chmod u+w")
    assert result.stdout == ""
    assert database.read_bytes() == before
    assert sorted(path.name for path in home.iterdir()) == ["coffeechat.sqlite3", "secret_key"]


@pytest.mark.parametrize("url", ["notaurl", "mongo://x/y"])
@pytest.mark.parametrize("command", [["today"], ["serve", "--no-browser"]])
def test_a_database_url_coffeechat_cannot_use_is_one_clear_line(tmp_path, taken_port, url, command):
    if command[0] == "serve":
        command = [*command, "--port", str(taken_port)]
    result = coffeechat("--home", str(tmp_path), *command, DATABASE_URL=url)
    assert_one_clear_line(result, "DATABASE_URL", "postgres://", "SQLite")
