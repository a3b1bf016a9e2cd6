"""Configuration: strict parsing, server-mode requirements, the local home and SQLite settings."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from coffeechat import config
from coffeechat.config import LOOPBACK_HOSTS, ConfigError
from tests.powerless import as_another_account

COFFEECHAT = str(Path(sys.executable).with_name("coffeechat"))
GOOD_SECRET = "s" * 40
SERVER_NEEDS = ("DATABASE_URL", "COFFEECHAT_SECRET_KEY", "COFFEECHAT_ALLOWED_HOSTS")


def local_env(home: Path, **extra: str) -> dict[str, str]:
    return {"COFFEECHAT_HOME": str(home), **extra}


def server_env(**overrides: str) -> dict[str, str]:
    environ = {
        "COFFEECHAT_MODE": "server",
        "DATABASE_URL": "postgres://coffeechat@db.example/coffeechat",
        "COFFEECHAT_SECRET_KEY": GOOD_SECRET,
        "COFFEECHAT_ALLOWED_HOSTS": "coffeechat.example.edu",
    }
    environ.update(overrides)
    return {name: value for name, value in environ.items() if value}


def clean_subprocess_env(**extra: str) -> dict[str, str]:
    """The test's environment without any coffeechat or database setting leaking in."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("COFFEECHAT_")
        and name not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    environ.update(extra)
    return environ


# Strict parsing ---------------------------------------------------------------------------------


def test_local_mode_is_the_default(tmp_path):
    loaded = config.load(environ=local_env(tmp_path))
    assert loaded.mode == "local"
    assert loaded.is_local
    assert loaded.debug is False
    assert loaded.home == tmp_path
    assert loaded.sqlite_path == tmp_path / config.DATABASE_FILE


@pytest.mark.parametrize("spelling", ["true", "TRUE", "1", "yes", "on", " true "])
def test_debug_accepts_the_usual_spellings_of_yes(tmp_path, spelling):
    assert config.load(environ=local_env(tmp_path, COFFEECHAT_DEBUG=spelling)).debug is True


@pytest.mark.parametrize("spelling", ["false", "0", "no", "off", ""])
def test_debug_accepts_the_usual_spellings_of_no(tmp_path, spelling):
    assert config.load(environ=local_env(tmp_path, COFFEECHAT_DEBUG=spelling)).debug is False


def test_a_misspelt_boolean_is_an_error_naming_the_variable(tmp_path):
    with pytest.raises(ConfigError, match="COFFEECHAT_DEBUG='ture'"):
        config.load(environ=local_env(tmp_path, COFFEECHAT_DEBUG="ture"))


@pytest.mark.parametrize("value", ["ten", "10.5", "1e3", "0x10"])
def test_a_number_that_is_not_whole_is_an_error_naming_the_variable(tmp_path, value):
    with pytest.raises(ConfigError, match="COFFEECHAT_LOGIN_LINK_MINUTES.*not a whole number"):
        config.load(environ=local_env(tmp_path, COFFEECHAT_LOGIN_LINK_MINUTES=value))


@pytest.mark.parametrize("value", ["0", "-5", "100000"])
def test_a_number_out_of_range_is_an_error_giving_the_range(tmp_path, value):
    with pytest.raises(ConfigError, match="COFFEECHAT_LOGIN_LINK_MINUTES.*out of range"):
        config.load(environ=local_env(tmp_path, COFFEECHAT_LOGIN_LINK_MINUTES=value))


def test_a_number_in_range_is_used(tmp_path):
    loaded = config.load(environ=local_env(tmp_path, COFFEECHAT_LOGIN_LINK_MINUTES="3"))
    assert loaded.login_link_minutes == 3


def test_an_unknown_mode_is_an_error_listing_the_modes(tmp_path):
    with pytest.raises(ConfigError, match=r"COFFEECHAT_MODE='cloud'.*local, server"):
        config.load(environ=local_env(tmp_path, COFFEECHAT_MODE="cloud"))


def test_a_stray_comma_in_a_list_is_an_error():
    with pytest.raises(ConfigError, match="COFFEECHAT_ALLOWED_HOSTS.*empty item"):
        config.load(environ=server_env(COFFEECHAT_ALLOWED_HOSTS="a.example,,b.example"))


# Server mode ------------------------------------------------------------------------------------


def test_server_mode_with_everything_set_uses_the_given_values():
    loaded = config.load(environ=server_env(COFFEECHAT_ALLOWED_HOSTS="a.example, b.example"))
    assert loaded.mode == "server"
    assert loaded.home is None
    assert loaded.sqlite_path is None
    assert loaded.secret_key == GOOD_SECRET
    assert loaded.allowed_hosts == ["a.example", "b.example"]


@pytest.mark.parametrize("missing", SERVER_NEEDS)
def test_server_mode_refuses_to_start_naming_a_missing_variable(missing):
    with pytest.raises(ConfigError, match=missing) as caught:
        config.load(environ=server_env(**{missing: ""}))
    others = [name for name in SERVER_NEEDS if name != missing]
    assert not any(f"needs {name}" in str(caught.value) for name in others)


def test_server_mode_names_every_missing_variable_at_once():
    with pytest.raises(ConfigError) as caught:
        config.load(environ={"COFFEECHAT_MODE": "server"})
    for name in SERVER_NEEDS:
        assert name in str(caught.value)
    assert "docs/configuration.md" in str(caught.value)


def test_server_mode_refuses_a_short_secret_key():
    with pytest.raises(ConfigError, match="COFFEECHAT_SECRET_KEY is too short"):
        config.load(environ=server_env(COFFEECHAT_SECRET_KEY="short"))


def test_server_mode_believes_proxy_headers_only_from_the_named_proxy():
    assert config.load(environ=server_env()).trusted_proxy is None
    loaded = config.load(environ=server_env(COFFEECHAT_TRUSTED_PROXY="127.0.0.1"))
    assert loaded.trusted_proxy == "127.0.0.1"


def test_a_trusted_proxy_that_is_not_an_ip_address_is_an_error():
    with pytest.raises(ConfigError, match="COFFEECHAT_TRUSTED_PROXY='proxy.local' is not an IP"):
        config.load(environ=server_env(COFFEECHAT_TRUSTED_PROXY="proxy.local"))


def test_a_trusted_proxy_in_local_mode_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="server mode only"):
        config.load(environ=local_env(tmp_path, COFFEECHAT_TRUSTED_PROXY="127.0.0.1"))


@pytest.mark.parametrize(
    "hosts", ["*", "coffeechat.example.edu, *", "*.example.edu", "a*b", ".", ".edu"]
)
def test_server_mode_refuses_allowed_hosts_that_would_let_any_host_through(hosts):
    with pytest.raises(ConfigError, match="^COFFEECHAT_ALLOWED_HOSTS") as refused:
        config.load(environ=server_env(COFFEECHAT_ALLOWED_HOSTS=hosts))
    assert "\n" not in str(refused.value)


def test_a_star_before_a_domain_is_answered_with_the_leading_dot_that_means_it():
    with pytest.raises(ConfigError, match="write '.example.edu' to answer to example.edu"):
        config.load(environ=server_env(COFFEECHAT_ALLOWED_HOSTS="*.example.edu"))


def test_server_mode_accepts_a_domain_and_everything_under_it():
    hosts = ".example.edu, coffeechat.example.edu, 127.0.0.1, [::1]"
    loaded = config.load(environ=server_env(COFFEECHAT_ALLOWED_HOSTS=hosts))
    assert loaded.allowed_hosts == [".example.edu", "coffeechat.example.edu", "127.0.0.1", "[::1]"]


def test_hsts_covers_subdomains_only_when_the_operator_opts_in(tmp_path):
    assert config.load(environ=server_env()).hsts_include_subdomains is False
    opted_in = server_env(COFFEECHAT_HSTS_INCLUDE_SUBDOMAINS="true")
    assert config.load(environ=opted_in).hsts_include_subdomains is True
    with pytest.raises(ConfigError, match="server mode only"):
        config.load(environ=local_env(tmp_path, COFFEECHAT_HSTS_INCLUDE_SUBDOMAINS="true"))


def test_serve_with_any_host_allowed_stops_with_one_line_not_a_traceback(tmp_path):
    result = subprocess.run(
        [COFFEECHAT, "serve", "--no-browser"],
        env=clean_subprocess_env(**server_env(COFFEECHAT_ALLOWED_HOSTS="*")),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "COFFEECHAT_ALLOWED_HOSTS='*' would answer to any host name" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr + result.stdout


def test_serve_in_server_mode_without_settings_exits_with_a_message_not_a_traceback(tmp_path):
    result = subprocess.run(
        [COFFEECHAT, "serve", "--no-browser"],
        env=clean_subprocess_env(COFFEECHAT_MODE="server", COFFEECHAT_HOME=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    for name in SERVER_NEEDS:
        assert name in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_a_misspelt_setting_stops_the_cli_with_a_message_not_a_traceback(tmp_path):
    result = subprocess.run(
        [COFFEECHAT, "serve", "--no-browser"],
        env=clean_subprocess_env(COFFEECHAT_DEBUG="ture", COFFEECHAT_HOME=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "COFFEECHAT_DEBUG" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


# The local home ---------------------------------------------------------------------------------


def test_the_home_is_created_when_missing(tmp_path):
    home = tmp_path / "deep" / "home"
    assert config.load(environ=local_env(home)).home == home
    assert home.is_dir()


def test_the_secret_key_is_generated_once_readable_by_the_owner_only(tmp_path):
    first = config.load(environ=local_env(tmp_path)).secret_key
    key_file = tmp_path / config.SECRET_KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) >= 50
    assert config.load(environ=local_env(tmp_path)).secret_key == first


def test_separate_homes_get_separate_secret_keys(tmp_path):
    one = config.load(environ=local_env(tmp_path / "one")).secret_key
    two = config.load(environ=local_env(tmp_path / "two")).secret_key
    assert one != two


def test_an_empty_secret_key_file_is_a_clear_error_not_an_empty_key(tmp_path):
    (tmp_path / config.SECRET_KEY_FILE).write_text("", encoding="ascii")
    with pytest.raises(ConfigError, match="secret key file .* is empty or damaged. Delete it"):
        config.load(environ=local_env(tmp_path))


def test_a_damaged_secret_key_file_is_a_clear_error(tmp_path):
    (tmp_path / config.SECRET_KEY_FILE).write_bytes(b"\xff\xfe not a key")
    with pytest.raises(ConfigError, match="empty or damaged"):
        config.load(environ=local_env(tmp_path))


def test_a_secret_key_given_in_the_environment_wins_over_the_file(tmp_path):
    loaded = config.load(environ=local_env(tmp_path, COFFEECHAT_SECRET_KEY=GOOD_SECRET))
    assert loaded.secret_key == GOOD_SECRET
    assert not (tmp_path / config.SECRET_KEY_FILE).exists()


def test_a_home_that_is_a_file_is_a_clear_error(tmp_path):
    home = tmp_path / "not-a-directory"
    home.write_text("oops", encoding="utf-8")
    with pytest.raises(ConfigError, match="is a file, not a directory"):
        config.load(environ=local_env(home))


def test_a_home_that_cannot_be_created_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("oops", encoding="utf-8")
    with pytest.raises(ConfigError, match="Cannot create the coffeechat home.*--home"):
        config.load(environ=local_env(blocker / "home"))


def test_a_home_that_is_not_writable_is_a_clear_error(tmp_path):
    home = tmp_path / "locked"
    home.mkdir()
    home.chmod(0o555)  # anyone may look in, and its owner may not write

    def refused() -> None:
        with pytest.raises(ConfigError, match="is not writable"):
            config.load(environ=local_env(home))

    try:
        as_another_account(refused)
    finally:
        home.chmod(0o700)


def test_a_new_home_and_its_database_file_are_private_to_their_owner(tmp_path):
    home = tmp_path / "new-home"
    config.load(environ=local_env(home))
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    # Made before SQLite opens it: SQLite gives its -wal and -shm files the same mode.
    database = home / config.DATABASE_FILE
    assert stat.S_IMODE(database.stat().st_mode) == 0o600


def test_a_home_on_postgresql_gets_no_sqlite_file(tmp_path):
    config.load(environ=local_env(tmp_path, DATABASE_URL="postgres://me@127.0.0.1/coffeechat"))
    assert not (tmp_path / config.DATABASE_FILE).exists()


def loose_home(home: Path) -> list[Path]:
    """A home as older versions left it: everything readable by other accounts."""
    home.mkdir(mode=0o755)
    home.chmod(0o755)
    database = home / config.DATABASE_FILE
    files = [
        home / config.SECRET_KEY_FILE,
        database,
        home / f"{config.DATABASE_FILE}-wal",
        home / f"{config.DATABASE_FILE}-shm",
        home / "coffeechat-backup-20300109-130507.sqlite3",
    ]
    for path in files:
        path.write_bytes(b"k" * 64 if path.name == config.SECRET_KEY_FILE else b"")
        path.chmod(0o644)
    return files


def test_an_existing_home_readable_by_others_is_made_private_once(tmp_path):
    home = tmp_path / "old-home"
    files = loose_home(home)
    assert config.load(environ=local_env(home)).made_private
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert not config.load(environ=local_env(home)).made_private


def test_a_new_home_is_not_reported_as_made_private(tmp_path):
    assert not config.load(environ=local_env(tmp_path / "new-home")).made_private


def test_only_the_home_and_coffeechats_own_files_are_made_private(tmp_path):
    home = tmp_path / "old-home"
    loose_home(home)
    notes = home / "my-notes.txt"
    notes.write_text("mine", encoding="utf-8")
    notes.chmod(0o644)
    elsewhere = tmp_path / "elsewhere.sqlite3"
    elsewhere.write_bytes(b"")
    elsewhere.chmod(0o644)
    journal = home / f"{config.DATABASE_FILE}-journal"
    journal.symlink_to(elsewhere)
    config.load(environ=local_env(home))
    assert stat.S_IMODE(notes.stat().st_mode) == 0o644
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o644


def test_a_shared_folder_used_as_the_home_stays_open_to_others(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    config.load(environ=local_env(shared))
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777


@pytest.mark.parametrize("refusal", [PermissionError(1, "Operation not permitted"), None])
def test_a_filesystem_that_keeps_no_modes_still_runs_and_claims_nothing(
    tmp_path, monkeypatch, refusal
):
    home = tmp_path / "old-home"
    loose_home(home)

    def chmod(self, mode, **kwargs):
        if refusal is not None:
            raise refusal

    monkeypatch.setattr(Path, "chmod", chmod)
    loaded = config.load(environ=local_env(home))
    assert loaded.home == home
    assert not loaded.made_private


def test_the_home_comes_from_coffeechat_home_with_a_tilde_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert config.resolve_home({"COFFEECHAT_HOME": "~/cc"}) == tmp_path / "cc"


def test_without_coffeechat_home_the_platform_data_directory_is_used():
    assert config.resolve_home({}) == config.default_home()
    assert config.default_home().name == "coffeechat"


# The database URL -----------------------------------------------------------------------------


def test_a_postgresql_url_becomes_the_database_settings(tmp_path):
    url = "postgres://coffeechat:secret@db.example:6543/coffeechat"
    database = config.load(environ=local_env(tmp_path, DATABASE_URL=url)).database
    assert database is not None
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.example",
        6543,
        "coffeechat",
    )


def test_postgresql_runs_without_jit_unless_the_url_says_otherwise(tmp_path):
    url = "postgres://coffeechat:secret@db.example:6543/coffeechat"
    database = config.load(environ=local_env(tmp_path, DATABASE_URL=url)).database
    assert database is not None
    assert database["OPTIONS"]["options"] == "-c jit=off"
    url += "?options=-c%20jit%3Don%20-c%20statement_timeout%3D5000"
    database = config.load(environ=local_env(tmp_path, DATABASE_URL=url)).database
    assert database is not None
    # The URL's own options come last, so PostgreSQL takes them over the default.
    assert database["OPTIONS"]["options"] == "-c jit=off -c jit=on -c statement_timeout=5000"


@pytest.mark.postgres_only
def test_the_app_connects_to_postgresql_with_jit_off(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_a_postgresql_url_without_the_driver_says_how_to_install_it(tmp_path, monkeypatch):
    # The driver is the optional `postgres` extra; None in sys.modules reads as not installed.
    monkeypatch.setitem(sys.modules, "psycopg", None)
    monkeypatch.setitem(sys.modules, "psycopg2", None)
    url = "postgres://coffeechat:secret@db.example:6543/coffeechat"
    with pytest.raises(ConfigError) as caught:
        config.load(environ=local_env(tmp_path, DATABASE_URL=url))
    message = str(caught.value)
    assert "PostgreSQL driver is not installed" in message
    assert "pip install 'coffeechat[postgres]'" in message
    assert "secret" not in message


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("notaurl", "DATABASE_URL is not a database URL"),
        ("mongo://x/y", "DATABASE_URL names a mongo:// database"),
        ("sqlite:///tmp/x.sqlite3", "DATABASE_URL names a sqlite:// database"),
        ("postgres://db.example", "DATABASE_URL names no database"),
        ("postgres://me@db.example:port/coffeechat", "DATABASE_URL cannot be read"),
    ],
)
def test_a_database_url_coffeechat_cannot_use_is_an_error_naming_it(tmp_path, url, message):
    with pytest.raises(ConfigError, match=message) as caught:
        config.load(environ=local_env(tmp_path, DATABASE_URL=url))
    assert "postgres://" in str(caught.value)


def test_an_unsupported_database_url_says_sqlite_is_the_default(tmp_path):
    with pytest.raises(ConfigError, match="SQLite in its home when DATABASE_URL is unset"):
        config.load(environ=local_env(tmp_path, DATABASE_URL="mongo://x/y"))


@pytest.mark.parametrize("url", ["mongo://me:hunter2@db/x", "postgres://me:hunter2@db:port/x"])
def test_a_refused_database_url_never_shows_its_password(tmp_path, url):
    with pytest.raises(ConfigError) as caught:
        config.load(environ=local_env(tmp_path, DATABASE_URL=url))
    assert "hunter2" not in str(caught.value)


def test_server_mode_refuses_a_database_that_is_not_postgresql():
    with pytest.raises(ConfigError, match="DATABASE_URL names a mysql:// database"):
        config.load(environ=server_env(DATABASE_URL="mysql://me@db/coffeechat"))


# Hosts ------------------------------------------------------------------------------------------


def test_local_mode_answers_to_loopback_names_only(tmp_path):
    loaded = config.load(environ=local_env(tmp_path))
    assert sorted(loaded.allowed_hosts) == sorted(LOOPBACK_HOSTS)
    assert "*" not in settings.ALLOWED_HOSTS


def test_local_mode_ignores_allowed_hosts_from_the_environment(tmp_path):
    loaded = config.load(environ=local_env(tmp_path, COFFEECHAT_ALLOWED_HOSTS="evil.example"))
    assert "evil.example" not in loaded.allowed_hosts


def test_a_request_for_a_foreign_host_name_is_refused(db):
    response = Client(HTTP_HOST="evil.example").get("/")
    assert response.status_code == 400


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8123"])
def test_a_request_for_a_loopback_host_name_is_served(db, host):
    response = Client(HTTP_HOST=host).get("/")
    assert response.status_code != 400


# SQLite -----------------------------------------------------------------------------------------

# Runs in a fresh process against the real settings module (not the test settings, whose
# database is an in-memory copy) so it sees exactly what `coffeechat serve` would open.
SQLITE_PROBE = textwrap.dedent(
    """
    import json, sqlite3
    import django
    django.setup()
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        journal_mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        synchronous = cursor.execute("PRAGMA synchronous").fetchone()[0]
        busy_timeout = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
        cursor.execute("CREATE TABLE IF NOT EXISTS probe (n integer)")

    # A transaction that has only read must already hold the write lock (BEGIN IMMEDIATE):
    # then a second writer waits at BEGIN instead of failing later in the middle.
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
    with transaction.atomic():
        connection.cursor().execute("SELECT count(*) FROM probe")
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            write_lock_held = False
        except sqlite3.OperationalError:
            write_lock_held = True
    print(json.dumps({
        "journal_mode": journal_mode,
        "synchronous": synchronous,
        "busy_timeout": busy_timeout,
        "write_lock_held": write_lock_held,
    }))
    """
)


@pytest.fixture(scope="module")
def sqlite_probe(tmp_path_factory) -> dict:
    home = tmp_path_factory.mktemp("sqlite-home")
    result = subprocess.run(
        [sys.executable, "-c", SQLITE_PROBE],
        env=clean_subprocess_env(
            COFFEECHAT_HOME=str(home), DJANGO_SETTINGS_MODULE="coffeechat.settings"
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.sqlite_only
def test_sqlite_uses_write_ahead_logging(sqlite_probe):
    assert sqlite_probe["journal_mode"] == "wal"


@pytest.mark.sqlite_only
def test_sqlite_makes_every_commit_durable(sqlite_probe):
    assert sqlite_probe["synchronous"] == 2  # FULL


@pytest.mark.sqlite_only
def test_sqlite_waits_for_a_busy_database_instead_of_failing_at_once(sqlite_probe):
    assert sqlite_probe["busy_timeout"] >= 5000


@pytest.mark.sqlite_only
def test_sqlite_transactions_take_the_write_lock_when_they_begin(sqlite_probe):
    assert sqlite_probe["write_lock_held"]


def test_argon2_comes_first_among_password_hashers_outside_tests():
    from coffeechat import settings as real_settings

    assert real_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
