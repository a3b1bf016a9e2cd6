"""Time `coffeechat --help` and `--version` against `python -c pass`, the floor for any command.

    python bench/cli_startup.py --runs 20

Goal (issue 2): within 3 times the bare interpreter, which holds as long as the CLI does not load
Django (about 0.25 s) before a command needs it. Runs alternate between the three commands so
a busy machine slows all of them alike; the median of each is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

GOAL = 3.0


def commands() -> dict[str, list[str]]:
    coffeechat = str(Path(sys.executable).with_name("coffeechat"))
    return {
        "python -c pass (baseline)": [sys.executable, "-c", "pass"],
        # For reference: what the CLI library alone costs before coffeechat does anything.
        "python -c 'import click'": [sys.executable, "-c", "import click"],
        "coffeechat --help": [coffeechat, "--help"],
        "coffeechat --version": [coffeechat, "--version"],
    }


def environment() -> dict[str, str]:
    # An installed package has its bytecode cached; let the warm-up runs write it here too, even
    # when the caller's shell disables that, so the source is not compiled on every run.
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure(runs: int) -> list[dict]:
    """Median wall time of each command, and its ratio to the bare interpreter."""
    timings: dict[str, list[float]] = {name: [] for name in commands()}
    env = environment()
    for command in commands().values():
        subprocess.run(command, check=True, capture_output=True, env=env)  # warm the caches
    for _ in range(runs):
        for name, command in commands().items():
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, env=env)
            timings[name].append((time.perf_counter() - started) * 1000)
    baseline = statistics.median(timings["python -c pass (baseline)"])
    rows = []
    for name, times in timings.items():
        ratio = statistics.median(times) / baseline
        rows.append(
            {
                "benchmark": name,
                "median_ms": round(statistics.median(times), 1),
                "ratio": round(ratio, 2),
                "goal": (
                    f"<= {GOAL:g}x: {'met' if ratio <= GOAL else 'MISSED'}"
                    if name.startswith("coffeechat")
                    else ""
                ),
            }
        )
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of each command")
    parser.add_argument("--json", action="store_true", help="print JSON rows instead of a table")
    args = parser.parse_args(argv)
    rows = measure(args.runs)
    if args.json:
        print(json.dumps(rows))
        return
    print(f"{'command':<28} {'median ms':>10} {'x python':>9}  goal")
    for row in rows:
        print(
            f"{row['benchmark']:<28} {row['median_ms']:>10.1f} {row['ratio']:>9.2f}  {row['goal']}"
        )


if __name__ == "__main__":
    main()
