"""``coffeechat migrate`` as its own step; a server does not migrate as it starts."""

from __future__ import annotations

import re

import pytest

from coffeechat.cli import serve as serve_module
from coffeechat.cli.migrate import listed
from coffeechat.config import Config
from tests.cli.conftest import coffeechat

APPLIED = re.compile(r"^Applied (\d+) migrations to (\S+) \(auth \d+, coffeechat \d+, ")


def test_migrate_applies_what_a_new_home_lacks_then_nothing(tmp_path):
    first = coffeechat("--home", str(tmp_path), "migrate")
    assert first.returncode == 0, first.stderr
    found = APPLIED.match(first.stdout)
    assert found, first.stdout
    assert found[2] == str(tmp_path / "coffeechat.sqlite3")
    again = coffeechat("--home", str(tmp_path), "migrate")
    assert again.returncode == 0, again.stderr
    assert again.stdout == (
        f"The database at {tmp_path / 'coffeechat.sqlite3'} is up to date; nothing to apply.\n"
    )


def test_migrate_check_exits_1_while_migrations_wait_and_changes_nothing(tmp_path):
    waiting = coffeechat("--home", str(tmp_path), "migrate", "--check")
    assert waiting.returncode == 1, waiting.stderr
    assert "migrations to apply to" in waiting.stdout
    assert waiting.stdout.rstrip().endswith("Run coffeechat migrate.")
    assert coffeechat("--home", str(tmp_path), "migrate", "--check").returncode == 1
    assert coffeechat("--home", str(tmp_path), "migrate").returncode == 0
    done = coffeechat("--home", str(tmp_path), "migrate", "--check")
    assert done.returncode == 0
    assert done.stdout.endswith("is up to date.\n")


def test_a_file_that_is_not_a_database_is_reported_and_left_alone(tmp_path):
    database = tmp_path / "coffeechat.sqlite3"
    database.write_bytes(b"not a database, just some words" * 100)
    result = coffeechat("--home", str(tmp_path), "migrate")
    assert result.returncode == 1
    assert "cannot be used" in result.stderr
    assert "Restore a backup" in result.stderr
    assert database.read_bytes() == b"not a database, just some words" * 100


def test_a_few_migrations_are_named_and_many_are_counted_per_app():
    assert listed(["coffeechat.0015_invites"]) == ": coffeechat.0015_invites"
    many = [f"auth.{n:04}" for n in range(4)] + [f"coffeechat.{n:04}" for n in range(3)]
    assert listed(many) == " (auth 4, coffeechat 3)"


SERVER = Config(
    mode="server",
    debug=False,
    home=None,
    secret_key="x" * 40,
    allowed_hosts=["cc.example.edu"],
    database_url="postgres://cc@db/cc",
    login_link_minutes=10,
)


@pytest.fixture
def server_mode(monkeypatch):
    """Every command believing it runs in server mode; records whether anything migrated."""
    from coffeechat.cli import bootstrap, common, invite, remind

    asked: dict[str, object] = {}
    for module in (serve_module, common, remind, invite):
        monkeypatch.setattr(module, "ready", lambda: SERVER)
    monkeypatch.setattr(
        bootstrap, "use_database", lambda migrate=True: asked.setdefault("migrate", migrate)
    )
    return asked


@pytest.mark.parametrize(
    "command",
    [
        ["serve", "--no-browser", "--port", "8765"],
        ["export", "json", "--user", "sam@example.edu"],
        ["remind", "--dry-run"],
        ["invite", "sam@example.edu", "--no-email", "--site", "https://cc.example.edu"],
    ],
)
def test_on_a_server_no_command_migrates_and_each_names_the_step(
    server_mode, monkeypatch, run, command
):
    from coffeechat.services import setup

    monkeypatch.setattr(setup, "pending_migrations", lambda: ["coffeechat.0099_next"])
    result = run(*command)
    assert server_mode == {}
    assert result.exit_code == 1
    assert "lacks 1 migration of this version of coffeechat" in result.output
    assert "Run `coffeechat migrate` once" in result.output
