"""An import killed at any moment leaves an intact database, with the import wholly there or absent.

Each trial copies a home that already holds an import, starts a real import of a larger file in
its own process and kills it (SIGKILL: no clean-up code runs) at a random point: before the work
starts, after a random number of the chunks it reports as done, or a random moment after the
last chunk, while it finishes and commits. The database is then opened as the next run would
open it and checked.

Each import runs in a process forked from one that set Django up once (the ZYGOTE), so a trial
costs the import, not a Python and Django start (two seconds on a busy machine, fifty times).
The forked process opens its trial's database itself, after the fork, as a fresh process would.
"""

from __future__ import annotations

import contextlib
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from coffeechat.config import DATABASE_FILE
from tests.cli.conftest import ROOT, clean_environment, coffeechat
from tests.migrated import start_migrated

TRIALS = 30
BASE_ROWS = 20
ROWS = 2_400

# Reads one trial a line (database, report FIFO, file: tab-separated), forks a process that
# imports the file into the database and reports on the FIFO, and answers with its pid. The
# zygote itself never opens a database: every trial's process opens its own.
ZYGOTE = """
import os, signal, sys, traceback
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coffeechat.settings")
import django
django.setup()
from django.db import connections
from coffeechat.services.accounts import ensure_owner
from coffeechat.services.imports import import_file

# The system reaps the trials' processes; the test sees each one end as its FIFO closes.
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
for request in sys.stdin:
    database, report, big = request.rstrip("\\n").split("\\t")
    pid = os.fork()
    if pid:
        print(pid, flush=True)
        continue
    code = 1
    try:
        with open(report, "w", buffering=1) as out:
            connections["default"].settings_dict["NAME"] = database
            owner = ensure_owner()
            print("start", file=out)
            import_file(owner, "linkedin", big, progress=lambda *_: print("chunk", file=out))
            print("done", file=out)
        code = 0
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(code)
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


class Zygote:
    """The ZYGOTE process: ``start`` forks an import from it and answers with its pid."""

    def __init__(self, home: Path, errors: Path) -> None:
        self.errors = errors.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE],
            cwd=ROOT,
            env=clean_environment(COFFEECHAT_HOME=str(home)),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            text=True,
        )
        self.lock = threading.Lock()

    def start(self, database: Path, report: Path, big: Path) -> int:
        assert self.process.stdin is not None and self.process.stdout is not None
        with self.lock:
            self.process.stdin.write(f"{database}\t{report}\t{big}\n")
            self.process.stdin.flush()
            answer = self.process.stdout.readline()
        assert answer.strip().isdigit(), f"the zygote did not fork: {self.stderr()}"
        return int(answer)

    def stderr(self) -> str:
        self.errors.flush()
        return Path(self.errors.name).read_text(encoding="utf-8")

    def close(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)
        self.process.stdout.close()
        self.errors.close()


def trial(zygote: Zygote, base: Path, home: Path, big: Path, chance: random.Random) -> str:
    """Run one import, kill it at a random point; return how it ended and how far it got."""
    copy_database(base, home / DATABASE_FILE)
    report = home / "report"
    os.mkfifo(report)
    chunks = ROWS // 500 + 1
    # 0: as soon as it starts; 1..chunks: after that many chunks; beyond: after the last one.
    stop_after = chance.randrange(chunks + 3)
    grace = chance.uniform(0, 0.2)
    pid = zygote.start(home / DATABASE_FILE, report, big)
    # Opening blocks until the forked process opens its end: it does so first thing.
    with report.open(encoding="utf-8") as lines:
        seen = 0
        line = lines.readline()
        assert line.strip() == "start", zygote.stderr()
        while seen < stop_after:
            line = lines.readline()
            if line.strip() != "chunk":
                break
            seen += 1
        if seen >= chunks:
            # Past the last chunk the import saves its batch and commits: a random moment there
            # (sooner when it reports done, or ends).
            select.select([lines], [], [], grace)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        # The FIFO closes when the process has ended, however it ended.
        rest = lines.read()
    finished = line.strip() == "done" or "done" in rest.split()
    return f"{'finished' if finished else 'killed'} after {seen} chunks"


@pytest.mark.sqlite_only
def test_an_import_killed_at_random_moments_is_all_or_nothing(tmp_path):
    home = tmp_path / "base"
    start_migrated(home)
    first = coffeechat(
        "--home", str(home), "import", "linkedin", str(connections(tmp_path / "a.csv", BASE_ROWS))
    )
    assert first.returncode == 0, first.stderr
    base = counts(home / DATABASE_FILE)
    assert base["contact"] == BASE_ROWS
    big = connections(tmp_path / "big.csv", ROWS, first=BASE_ROWS)

    chance = random.Random(20261125)
    seeds = [chance.randrange(1 << 30) for _ in range(TRIALS)]

    zygote = Zygote(tmp_path / "zygote-home", tmp_path / "zygote-errors.txt")

    def one(index: int) -> tuple[str, dict[str, object]]:
        trial_home = tmp_path / f"trial-{index}"
        trial_home.mkdir()
        how = trial(zygote, home / DATABASE_FILE, trial_home, big, random.Random(seeds[index]))
        return how, counts(trial_home / DATABASE_FILE)

    # Two at a time: the machine has two cores, and the trials do not share a home.
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = list(pool.map(one, range(TRIALS)))
    finally:
        zygote.close()

    whole = {
        "contact": BASE_ROWS + ROWS,
        "contactkey": base["contactkey"] + 2 * ROWS,  # a LinkedIn profile and a name each
        "importbatch": 2,
        "importrow": base["importrow"] + ROWS,
    }
    absent = {table: base[table] for table in whole}
    tally = {"absent": 0, "whole": 0}
    for how, found in outcomes:
        assert found["integrity"] == "ok", (how, found)
        state = {table: found[table] for table in whole}
        assert state in (absent, whole), f"partial import, {how}: {found}"
        tally["absent" if state == absent else "whole"] += 1
    print(f"{TRIALS} imports killed at random points: {tally}")
    # Both ends were reached, so the kills did land before and after the commit.
    assert tally["absent"] and tally["whole"], tally
