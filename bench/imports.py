"""Import a generated LinkedIn file against plain ``sqlite3`` ``executemany`` of the same rows.

    python bench/imports.py                  # 50,000 rows; memory measured at 10,000 and 50,000
    python bench/imports.py --rows 5000 --json

Each measurement gets a fresh home (migrated, one owner, no contacts), so nothing is matched
against earlier rows. Two things are compared in the same run:

- ``import``: ``services.imports.import_file`` on the file, everything a user's import does:
  reading and decoding the file, parsing, matching each row against existing contacts,
  creating organisations, writing contacts, their matching keys and the raw rows, one commit;
- ``executemany``: the baseline, the same organisations and people as ready-made tuples
  written with ``sqlite3`` ``executemany`` (one for each table) into an identical fresh
  database (same schema, indexes and triggers, same pragmas), one commit. Nothing parsed,
  nothing matched, no matching keys or raw rows kept.

The goal is an import within 3 times the baseline. Memory is the peak traced by ``tracemalloc``
during the import, at two file sizes: flat means the bigger file does not need more.
SQLite only: the baseline is ``sqlite3`` by definition.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

GOAL = 3.0
FIRST = ["Ada", "Grace", "Alan", "Katherine", "José", "Zoë", "Wei", "Amara", "Olu", "Ingrid"]
LAST = ["Lovelace", "Hopper", "Turing", "Johnson", "Núñez", "Okafor", "Chen", "Berg", "Silva"]
TITLES = ["Engineer", "Product Manager", "Designer", "Data Analyst", "Head of People", "CTO"]


def write_connections(path: Path, rows: int, seed: int = 6, *, promoted: bool = False) -> None:
    """A Connections.csv as LinkedIn writes it: notes, a blank line, the header, the people.

    ``promoted``: the same people a year later, each with a new title, so that importing it
    after the first updates every contact.
    """
    chance = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("Notes:\n")
        out.write(
            '"When exporting your connection data, you may notice that some of the email '
            'addresses are missing."\n\n'
        )
        writer = csv.writer(out)
        writer.writerow(
            [
                "First Name",
                "Last Name",
                "URL",
                "Email Address",
                "Company",
                "Position",
                "Connected On",
            ]
        )
        for n in range(rows):
            first, last = chance.choice(FIRST), chance.choice(LAST)
            email = f"{first.lower()}.{n}@example.com" if chance.random() < 0.1 else ""
            writer.writerow(
                [
                    first,
                    f"{last} {n}",
                    f"https://www.linkedin.com/in/{first.lower()}-{n}",
                    email,
                    f"Company {chance.randrange(2000)}, Ltd",
                    f"Senior {chance.choice(TITLES)}" if promoted else chance.choice(TITLES),
                    f"{chance.randrange(1, 28)} Mar 20{chance.randrange(10, 25)}",
                ]
            )


def setup(home: Path) -> None:
    """Point coffeechat at ``home`` and load Django (once per process)."""
    os.environ["COFFEECHAT_HOME"] = str(home)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coffeechat.settings")
    import django

    django.setup()


def fresh_database(path: Path):
    """Create an empty, migrated database at ``path`` and return its owner."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from coffeechat.services.accounts import ensure_owner

    connection.close()
    settings.DATABASES["default"]["NAME"] = str(path)
    call_command("migrate", verbosity=0)
    return ensure_owner()


def baseline_rows(path: Path, owner_id: int) -> tuple[list[tuple], list[tuple]]:
    """The file's organisations and people as table rows, built before the clock starts.

    The same rows the import writes to those two tables: each contact carries its
    organisation's id, as the search index's trigger then looks the organisation's name up.
    """
    now = "2026-11-25 12:00:00"
    organisations: dict[str, int] = {}
    people = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) != 7 or row[0] == "First Name":
                continue
            first, last, url, email, company, position, connected = row
            organisation = organisations.setdefault(company, len(organisations) + 1)
            people.append(
                (
                    owner_id,
                    uuid.uuid4().hex,
                    now,
                    now,
                    f"{first} {last}",
                    position,
                    organisation,
                    json.dumps([email] if email else []),
                    "[]",
                    url,
                    "[]",
                    "",
                    "",
                    "[]",
                    f"Connected on LinkedIn on {connected}",
                    "",
                    "",
                )
            )
    rows = [
        (number, owner_id, uuid.uuid4().hex, now, now, name, "", "", False, "unknown")
        for name, number in organisations.items()
    ]
    return rows, people


def time_baseline(database: Path, rows: tuple[list[tuple], list[tuple]]) -> float:
    organisations, people = rows
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    organisation_sql = (
        "INSERT INTO coffeechat_organisation (id, owner_id, code, created_at, updated_at, name, "
        "website, notes, is_target, hiring_signal) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    contact_sql = (
        "INSERT INTO coffeechat_contact (owner_id, code, created_at, updated_at, name, role, "
        "organisation_id, emails, phones, linkedin_url, websites, location, time_zone, tags, "
        "how_we_met, research_notes, research_notes_html) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    started = time.perf_counter()
    with connection:
        connection.executemany(organisation_sql, organisations)
        connection.executemany(contact_sql, people)
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def time_import(owner, path: Path, *, trace: bool = False) -> tuple[float, int, int]:
    """Seconds, contacts created, and the traced peak in bytes (0 unless ``trace``)."""
    from coffeechat.services.imports import import_file

    gc.collect()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    report = import_file(owner, "linkedin", path)
    elapsed = time.perf_counter() - started
    peak = 0
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return elapsed, report.new, peak


def time_reimport_and_undo(owner, first: Path, again: Path) -> tuple[float, float]:
    """Seconds to import ``again`` over ``first`` (every row an update), and to undo that."""
    from coffeechat.services.imports import import_file, undo_batch

    import_file(owner, "linkedin", first)
    gc.collect()
    started = time.perf_counter()
    report = import_file(owner, "linkedin", again)
    imported = time.perf_counter() - started
    if report.updated != report.total:
        raise SystemExit(f"The re-import updated {report.updated} of {report.total} rows.")
    gc.collect()
    started = time.perf_counter()
    undone = undo_batch(owner, report.batch_code)
    took = time.perf_counter() - started
    if undone.restored != report.updated:
        raise SystemExit(f"The undo restored {undone.restored} of {report.updated} contacts.")
    return imported, took


def measure(rows: int, rounds: int) -> list[dict]:
    work = Path(tempfile.mkdtemp(prefix="coffeechat-bench-import-"))
    try:
        return _measure_in(work, rows, rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _measure_in(work: Path, rows: int, rounds: int) -> list[dict]:
    setup(work)
    from django.db import connection

    results = []
    timings: dict[str, list[float]] = {"import": [], "executemany": []}
    source = work / f"connections-{rows}.csv"
    write_connections(source, rows)
    for attempt in range(rounds):
        # The baseline database: an identical fresh schema, made by the same migrations.
        owner = fresh_database(work / f"baseline-{attempt}.sqlite3")
        prepared = baseline_rows(source, owner.pk)
        connection.close()
        timings["executemany"].append(time_baseline(work / f"baseline-{attempt}.sqlite3", prepared))
        owner = fresh_database(work / f"import-{attempt}.sqlite3")
        elapsed, created, _ = time_import(owner, source)
        if created != rows:
            raise SystemExit(f"The import created {created} contacts, not {rows}.")
        timings["import"].append(elapsed)
    base = min(timings["executemany"])
    for name in ("executemany", "import"):
        best = min(timings[name])
        results.append(
            {
                "benchmark": f"{name} ({rows:,} rows)",
                "median_ms": best * 1000,
                "ratio": best / base,
                "queries": None,
                "goal": "baseline" if name == "executemany" else f"goal: within {GOAL:g}x",
            }
        )
    # Undo against the import it takes back: a re-import that updates every contact.
    promoted = work / f"promoted-{rows}.csv"
    write_connections(promoted, rows, promoted=True)
    pairs = []
    for attempt in range(rounds):
        owner = fresh_database(work / f"undo-{attempt}.sqlite3")
        pairs.append(time_reimport_and_undo(owner, source, promoted))
    reimport = min(imported for imported, _ in pairs)
    undo = min(took for _, took in pairs)
    results.append(
        {
            "benchmark": f"re-import, all updated ({rows:,} rows)",
            "median_ms": reimport * 1000,
            "ratio": 1.0,
            "queries": None,
            "goal": "baseline for the undo",
        }
    )
    results.append(
        {
            "benchmark": f"undo of that re-import ({rows:,} rows)",
            "median_ms": undo * 1000,
            "ratio": undo / reimport,
            "queries": None,
            "goal": f"goal: within {GOAL:g}x the re-import",
        }
    )
    # Memory at a fifth of the file and at the whole of it, each into a fresh database. The
    # "ms" column holds megabytes here; the ratio is to the smaller file's peak.
    peaks = {}
    for size in (max(1, rows // 5), rows):
        path = work / f"memory-{size}.csv"
        write_connections(path, size)
        owner = fresh_database(work / f"memory-{size}.sqlite3")
        peaks[size] = time_import(owner, path, trace=True)[2]
    smallest = min(peaks.values()) or 1
    for size, peak in peaks.items():
        results.append(
            {
                "benchmark": f"import peak MB ({size:,} rows)",
                "median_ms": peak / 1e6,
                "ratio": peak / smallest,
                "queries": None,
                "goal": "memory: flat as the file grows (traced peak, MB in the ms column)",
            }
        )
    connection.close()
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000, help="people in the generated file")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (the best is kept)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    results = measure(args.rows, args.rounds)
    if args.json:
        print(json.dumps(results))
        return
    for row in results:
        print(
            f"{row['benchmark']:<36} {row['median_ms']:>10.1f} {row['ratio']:>6.2f}x  {row['goal']}"
        )


if __name__ == "__main__":
    main()
