"""bench/run.py --scales: every page timed at more than one scale, and how each grows.

Benchmarks never fail a build on their numbers; this checks that the growth run still works
against the app as it is (every page answers 200 at each scale, the table and its lists are
printed) and that a page is called flat or growing by the rule bench/README.md states. It times
one request a page, and no assertion depends on a time.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from tests.migrated import start_migrated

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "bench" / "run.py"
PAGES = (
    "home (today)",
    "contact list",
    "contact detail",
    "chat detail",
    "targets board",
    "outreach list",
    "funnel",
    "network",
    "calendar",
    "chat brief",
    "live page",
    "search “onboarding”",
    "search “okafor”",
    "search “ada l”",
)


def bench_run():
    spec = importlib.util.spec_from_file_location("bench_run", RUN)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def row(median_ms: float, ratio: float) -> dict:
    return {"median_ms": median_ms, "ratio": ratio}


def test_a_page_whose_cost_stays_put_grows_with_the_data_shown():
    # Twice the empty view at both scales, though the machine was busier for the second run.
    grown, kind = bench_run().growth(row(2.0, 2.0), row(6.0, 2.2), data=10)
    assert round(grown, 2) == 1.1
    assert kind == "with data shown"


def test_a_page_whose_cost_follows_the_data_grows_with_the_whole_data():
    # What the page adds above the empty view: 1x at a tenth, 10x at full scale.
    grown, kind = bench_run().growth(row(2.0, 2.0), row(11.0, 11.0), data=10)
    assert round(grown, 2) == 5.5
    assert kind == "with the whole data (slope 1.00)"


def test_it_times_every_page_at_each_scale_on_sqlite(tmp_path):
    environ = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DATABASE_URL", "COFFEECHAT_HOME", "DJANGO_SETTINGS_MODULE")
    }
    # Each home starts from the suite's migrated database: the run then has nothing to migrate,
    # which is most of a tiny scale's time (generating and timing are what is checked here).
    for scale in (0.002, 0.004):
        start_migrated(tmp_path / "homes" / f"sqlite-{bench_run().scale_label(scale)}")
    done = subprocess.run(
        [sys.executable, str(RUN), "--scales", "0.002,0.004", "--engines", "sqlite"]
        + ["--home", str(tmp_path / "homes"), "--requests", "1", "--results", str(tmp_path)],
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    table = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    assert table[0].startswith("| page | SQLite 0.002 ms | SQLite 0.004 ms |")
    assert {line.split(" | ")[0].removeprefix("| ") for line in table[2:]} == {
        "empty view (baseline)",
        *PAGES,
    }
    assert "Miss a goal at scale 0.004: " in done.stdout
    # At this tiny scale some sections of the home page are empty, which can skip a query: the
    # line is checked, not its pages.
    assert "Query count changes with the scale: " in done.stdout
    assert (tmp_path / "homes" / "sqlite-0.002" / "bench-generated.json").exists()
    assert (tmp_path / "homes" / "sqlite-0.004" / "bench-generated.json").exists()
    assert len(list(tmp_path.glob("*-growth.md"))) == 1


def page(name: str, median_ms: float | None, ratio: float | None, queries: int | None, goal: str):
    return {"page": name, "median_ms": median_ms, "ratio": ratio, "queries": queries, "goal": goal}


def test_the_table_names_pages_that_fail_miss_or_change_their_query_count():
    run = bench_run()
    args = argparse.Namespace(scales=[0.1, 1.0], engines=["sqlite"])
    empty = page("empty view (baseline)", 1.0, 1.0, 2, "")
    results = {
        ("sqlite", 0.1): [
            empty,
            page("home (today)", 3.0, 3.0, 20, "ok"),
            page("network", 11.0, 11.0, 6, "over 10x empty"),
            page("calendar", 5.0, 5.0, 7, "ok"),
        ],
        ("sqlite", 1.0): [
            empty,
            page("home (today)", 3.1, 3.1, 21, "ok"),
            page("network", 101.0, 101.0, 6, "over 50 ms; over 10x empty"),
            page("calendar", None, None, None, "answered 500, not 200"),
        ],
    }
    lines, findings = run.growth_table(args, results)
    rows = {line.split(" | ")[0].removeprefix("| "): line for line in lines[2:]}
    assert rows["home (today)"].split(" | ")[1:] == [
        *("3.0", "3.1", "3.1x", "1.0x (1.0x in ms), with data shown", "CHANGES 20/21", "ok |"),
    ]
    assert "9.2x (9.2x in ms), with the whole data (slope 1.00)" in rows["network"]
    assert rows["calendar"] == "| calendar | 5.0 | error | - | - | - | **error** |"
    assert findings == {
        "errors": ["calendar (SQLite, 1.0: answered 500, not 200)"],
        "missed": ["network (SQLite: over 50 ms; over 10x empty)"],
        "growing": ["network (SQLite: 9.2x)"],
        "queries": ["home (today) (SQLite)"],
    }
