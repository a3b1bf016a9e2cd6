"""Run the suite a second time on PostgreSQL (called by ``make test`` after the SQLite run).

The server comes from COFFEECHAT_TEST_DATABASE_URL; this run sets DATABASE_URL to it and
pytest-django creates (and drops) its own test database there, so the role needs CREATEDB.
Tests marked ``sqlite_only`` are left out. Without a server the run is skipped with a visible
message, unless COFFEECHAT_STRICT=1 (as in CI), where that is a failure.

Usage: python tests/run_postgres.py [extra pytest arguments]
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from coffeechat.config import ConfigError, env_bool

HINT = (
    "set COFFEECHAT_TEST_DATABASE_URL=postgres://USER@HOST:PORT/postgres "
    "(a role with CREATEDB) to run the suite on PostgreSQL too"
)
NO_TESTS_RAN = 5  # pytest's exit code when nothing was collected


def banner(text: str) -> None:
    line = "=" * 78
    print(f"\n{line}\n{text}\n{line}", flush=True)


def give_up(reason: str, strict: bool) -> int:
    if strict:
        banner(
            f"FAILED: PostgreSQL run: {reason}.\nCOFFEECHAT_STRICT=1 makes this a failure; {HINT}."
        )
        return 1
    banner(f"SKIPPED: PostgreSQL run: {reason}.\nTo include it, {HINT}.")
    return 0


def server_problem(url: str) -> str | None:
    """Why the server at ``url`` cannot host the test run, or None when it can."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as connection:
            row = connection.execute(
                "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
            ).fetchone()
    except psycopg.Error as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        return f"cannot connect to COFFEECHAT_TEST_DATABASE_URL ({first_line})"
    if not row or not row[0]:
        return "the role in COFFEECHAT_TEST_DATABASE_URL lacks CREATEDB (ALTER ROLE ... CREATEDB)"
    return None


def main(arguments: list[str]) -> int:
    try:
        strict = env_bool("COFFEECHAT_STRICT", False)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    url = os.environ.get("COFFEECHAT_TEST_DATABASE_URL", "").strip()
    if not url:
        return give_up("COFFEECHAT_TEST_DATABASE_URL is not set", strict)
    problem = server_problem(url)
    if problem:
        return give_up(problem, strict)

    banner("PostgreSQL run: the suite again, without the sqlite_only tests")
    environ = {**os.environ, "DATABASE_URL": url}
    started = time.monotonic()
    command = [sys.executable, "-m", "pytest", "-m", "not sqlite_only", *arguments]
    code = subprocess.run(command, env=environ, check=False).returncode
    took = time.monotonic() - started
    if code == NO_TESTS_RAN:
        banner("FAILED: PostgreSQL run collected no tests.")
        return 1
    banner(f"PostgreSQL run {'passed' if code == 0 else 'FAILED'} in {took:.0f} s")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
