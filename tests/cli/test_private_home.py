"""The home holds sessions, the secret key and a whole network: only its owner may read it."""

from __future__ import annotations

import socket
import sqlite3
import stat
from pathlib import Path

from tests.cli.conftest import coffeechat

MADE_PRIVATE = (
    "Made your coffeechat home private (it was readable by other accounts on this computer)."
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_home_and_every_database_file_are_readable_by_their_owner_only(tmp_path):
    home = tmp_path / "home"
    result = coffeechat("--home", str(home), "today")
    assert result.returncode == 0, result.stderr
    assert MADE_PRIVATE not in result.stderr
    assert mode(home) == 0o700
    database = home / "coffeechat.sqlite3"
    assert mode(database) == 0o600
    # The -wal and -shm files exist while a connection is open; SQLite copies the file's mode.
    connection = sqlite3.connect(database)
    try:
        connection.execute("CREATE TABLE probe (n integer)")
        connection.commit()
        for tail in ("-wal", "-shm"):
            assert mode(home / f"coffeechat.sqlite3{tail}") == 0o600, tail
    finally:
        connection.close()


def test_an_existing_home_readable_by_others_is_made_private_and_said_once(used_home):
    home = used_home
    home.chmod(0o755)
    for path in home.iterdir():
        path.chmod(0o644)

    first = coffeechat("--home", str(home), "today")
    assert first.returncode == 0, first.stderr
    assert first.stderr.splitlines() == [MADE_PRIVATE]
    assert "Nothing on today" in first.stdout
    assert mode(home) == 0o700
    assert {path.name: mode(path) for path in home.iterdir()} == {
        "coffeechat.sqlite3": 0o600,
        "secret_key": 0o600,
    }

    again = coffeechat("--home", str(home), "today")
    assert again.returncode == 0, again.stderr
    assert MADE_PRIVATE not in again.stderr


def test_serve_says_so_too_before_anything_else(used_home):
    home = used_home
    home.chmod(0o755)
    # A port already taken stops serve right after start-up, so the test needs no server.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = coffeechat("--home", str(home), "serve", "--no-browser", "--port", str(port))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == MADE_PRIVATE
    assert "Cannot listen on" in result.stderr
    assert mode(home) == 0o700


def test_a_run_that_stops_on_an_error_leaves_the_telling_to_the_next(used_home):
    home = used_home
    home.chmod(0o755)
    stopped = coffeechat("--home", str(home), "today", COFFEECHAT_SMTP_PORT="25")
    assert stopped.returncode == 1
    assert MADE_PRIVATE not in stopped.stderr
    told = coffeechat("--home", str(home), "today")
    assert told.stderr.splitlines() == [MADE_PRIVATE]
