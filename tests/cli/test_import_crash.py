"""An import killed at any moment leaves an intact database, with the import wholly there or absent.

Each trial copies a home that already holds an import, starts a real import of a larger file in
its own process and kills it (SIGKILL: no clean-up code runs) at a random point: before the work
starts, after a random number of the chunks it reports as done, or a random moment after the
last chunk, while it finishes and commits. The database is then opened as the next run would
open it and checked.
"""

from __future__ import annotations

import contextlib
import random
import signal
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from coffeechat.config import DATABASE_FILE
from tests.cli.conftest import ROOT, clean_environment, coffeechat

TRIALS = 50
BASE_ROWS = 20
ROWS = 2_400

DRIVER = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coffeechat.settings")
import django
django.setup()
from coffeechat.services.accounts import ensure_owner
from coffeechat.services.imports import import_file
owner = ensure_owner()
print("start", flush=True)
import_file(owner, "linkedin", sys.argv[1], progress=lambda done, size: print("chunk", flush=True))
print("done", flush=True)
"""


def connections(path: Path, rows: int, first: int = 0) -> Path:
    lines = ["Notes:", '"Some email addresses may be missing."', ""]
    lines.append("First Name,Last Name,URL,Email Address,Company,Position,Connected On")
    for n in range(first, first + rows):
        lines.append(
            f'Person,Number {n},https://www.linkedin.com/in/person-{n},,"Company {n % 40}, Ltd",'
            f"Engineer,15 Mar 2024"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def counts(database: Path) -> dict[str, object]:
    connection = sqlite3.connect(database)
    try:
        found: dict[str, object] = {
            "integrity": connection.execute("PRAGMA integrity_check").fetchone()[0]
        }
        for table in ("contact", "contactkey", "importbatch", "importrow", "organisation"):
            found[table] = connection.execute(
                f"SELECT COUNT(*) FROM coffeechat_{table}"
            ).fetchone()[0]
        return found
    finally:
        connection.close()


def copy_database(source: Path, target: Path) -> None:
    """Copy with the online backup API: a file copy could miss what sits in the WAL."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()


def trial(base: Path, home: Path, big: Path, chance: random.Random) -> tuple[str, int]:
    """Run one import, kill it at a random point; return where it was killed and how far."""
    copy_database(base, home / DATABASE_FILE)
    chunks = ROWS // 500 + 1
    # 0: as soon as it starts; 1..chunks: after that many chunks; beyond: after the last one.
    stop_after = chance.randrange(chunks + 3)
    grace = chance.uniform(0, 0.2)
    process = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(big)],
        cwd=ROOT,
        env=clean_environment(COFFEECHAT_HOME=str(home)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    seen = 0
    try:
        line = process.stdout.readline()
        assert line.strip() == "start", process.stderr.read() if process.stderr else ""
        while seen < stop_after:
            line = process.stdout.readline()
            if line.strip() != "chunk":
                break
            seen += 1
        if seen >= chunks:
            # Past the last chunk the import saves its batch and commits: a random moment there.
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=grace)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
    return ("killed" if process.returncode == -signal.SIGKILL else "finished"), seen


@pytest.mark.sqlite_only
def test_an_import_killed_at_random_moments_is_all_or_nothing(tmp_path):
    home = tmp_path / "base"
    first = coffeechat(
        "--home", str(home), "import", "linkedin", str(connections(tmp_path / "a.csv", BASE_ROWS))
    )
    assert first.returncode == 0, first.stderr
    base = counts(home / DATABASE_FILE)
    assert base["contact"] == BASE_ROWS
    big = connections(tmp_path / "big.csv", ROWS, first=BASE_ROWS)

    chance = random.Random(20261125)
    seeds = [chance.randrange(1 << 30) for _ in range(TRIALS)]

    def one(index: int) -> tuple[str, int, dict[str, object]]:
        trial_home = tmp_path / f"trial-{index}"
        how, seen = trial(home / DATABASE_FILE, trial_home, big, random.Random(seeds[index]))
        return how, seen, counts(trial_home / DATABASE_FILE)

    # Two at a time: the machine has two cores, and the trials do not share a home.
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(one, range(TRIALS)))

    whole = {
        "contact": BASE_ROWS + ROWS,
        "contactkey": base["contactkey"] + 2 * ROWS,  # a LinkedIn profile and a name each
        "importbatch": 2,
        "importrow": base["importrow"] + ROWS,
    }
    absent = {table: base[table] for table in whole}
    tally = {"absent": 0, "whole": 0}
    for how, seen, found in outcomes:
        assert found["integrity"] == "ok", (how, seen, found)
        state = {table: found[table] for table in whole}
        assert state in (absent, whole), f"partial import after {seen} chunks ({how}): {found}"
        tally["absent" if state == absent else "whole"] += 1
    print(f"{TRIALS} imports killed at random points: {tally}")
    # Both ends were reached, so the kills did land before and after the commit.
    assert tally["absent"] and tally["whole"], tally
