"""bench/load.py from start to end at a tiny scale: generate, migrate, gunicorn, the load
generator in its own process, the report, and gunicorn stopped.

Benchmarks never fail a build on their numbers; this only checks that the load benchmark still
runs against the app as it is. It needs a PostgreSQL server (postgres_only) and makes a fresh
database there, dropped afterwards. The run is bounded by its number of requests: the bound on
seconds is far above what they take, so no number here depends on the machine's speed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.conftest import server_database

ROOT = Path(__file__).resolve().parent.parent
LOAD = ROOT / "bench" / "load.py"
PAGES = {"empty", "home", "contacts", "chat", "cohort"}
REQUESTS = 60


def run_load(database_url: str | None, *arguments: str) -> subprocess.CompletedProcess:
    environ = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    if database_url:
        environ["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, str(LOAD), *arguments],
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_refuses_to_run_without_postgresql():
    refused = run_load(None, "--students", "20")
    assert refused.returncode == 2
    assert "set DATABASE_URL to a PostgreSQL database" in refused.stderr


@pytest.mark.postgres_only
def test_it_serves_every_page_under_load_without_errors(tmp_path):
    with server_database() as database_url:
        assert database_url, "the PostgreSQL pass sets DATABASE_URL to a PostgreSQL server"
        done = run_load(
            database_url,
            *("--students", "20", "--clients", "4", "--sessions", "5"),
            *("--requests", str(REQUESTS), "--seconds", "3600"),
            *("--results", str(tmp_path), "--json"),
        )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["errors"] == 0, report["error_samples"]
    rows = {row["page"]: row for row in report["rows"]}
    assert set(rows) == PAGES
    assert sum(row["requests"] for row in rows.values()) == REQUESTS
    for row in rows.values():
        assert row["requests"] > 0, row
        assert row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"], row
    assert rows["empty"]["ratio"] == 1
    assert "coach's cohort (20 students)" in report["table"]
    # The copy of the report, and gunicorn's log, which says it stopped when asked to.
    (copy,) = tmp_path.glob("load-*[0-9].json")
    assert json.loads(copy.read_text(encoding="utf-8"))["rows"] == report["rows"]
    (log,) = tmp_path.glob("load-*-gunicorn.log")
    assert "Shutting down: Master" in log.read_text(encoding="utf-8")
