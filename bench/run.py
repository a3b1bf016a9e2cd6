"""Run every benchmark and print one results table (``make bench``).

    python bench/run.py                 # full scale: 10,000 contacts, 50,000 chats, 200,000 notes
    python bench/run.py --scale 0.02    # a quick check that everything works

The data is generated once into --home (default: a fresh temporary directory, removed at the
end) and reused when that home already holds it. Each benchmark runs in its own process, so
each loads Django (or not) exactly as a user's command would. Results are also saved as JSON
under bench/results/ (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
READY_MARK = "bench-generated.json"


def run_json(script: str, *arguments: str, env: dict[str, str]) -> list[dict]:
    result = subprocess.run(
        [sys.executable, str(HERE / script), *arguments, "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"{script} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout)


def generate(home: Path, scale: float, env: dict[str, str]) -> dict:
    mark = home / READY_MARK
    if mark.exists():
        made = json.loads(mark.read_text(encoding="utf-8"))
        if made.get("scale") == scale:
            print(f"Reusing the data generated in {home} at scale {scale}.", file=sys.stderr)
            return made
        sys.exit(f"{home} holds data generated at scale {made.get('scale')}; use another --home.")
    started = time.monotonic()
    subprocess.run(
        [sys.executable, str(HERE / "generate.py"), "--home", str(home), "--scale", str(scale)],
        env=env,
        check=True,
    )
    made = {"scale": scale, "seconds": round(time.monotonic() - started, 1)}
    mark.write_text(json.dumps(made), encoding="utf-8")
    return made


def print_table(rows: list[dict]) -> None:
    print()
    print(f"| {'benchmark':<30} | {'median ms':>10} | {'ratio':>7} | {'SQL queries':>11} | note")
    print(f"|{'-' * 32}|{'-' * 12}|{'-' * 9}|{'-' * 13}|------")
    for row in rows:
        queries = "" if row.get("queries") is None else str(row["queries"])
        print(
            f"| {row['benchmark']:<30} | {row['median_ms']:>10.2f} | {row['ratio']:>6.2f}x "
            f"| {queries:>11} | {row.get('goal', '')}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full data size")
    parser.add_argument("--home", type=Path, help="home for the generated data (kept)")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per CLI command")
    args = parser.parse_args(argv)

    temporary = args.home is None
    home = (args.home or Path(tempfile.mkdtemp(prefix="coffeechat-bench-"))).expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "COFFEECHAT_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    database = "PostgreSQL (DATABASE_URL)" if env.get("DATABASE_URL") else "SQLite (WAL)"
    try:
        made = generate(home, args.scale, env)
        pages = run_json("pages.py", "--requests", str(args.requests), env=env)
        cli = run_json("cli_startup.py", "--runs", str(args.runs), env=env)
        search = run_json("search.py", "--rounds", str(args.requests), env=env)
        # The import's baseline is plain sqlite3 by definition; on PostgreSQL it is left out.
        imports = []
        if not env.get("DATABASE_URL"):
            rows = str(max(1000, int(50_000 * args.scale)))
            imports = run_json("imports.py", "--rows", rows, env=env)
    finally:
        if temporary:
            shutil.rmtree(home, ignore_errors=True)

    print(
        f"\ncoffeechat benchmarks: scale {args.scale} on {database}; "
        f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs"
    )
    if "seconds" in made:
        print(f"Data generated in {made['seconds']} s.")
    print(f"Pages: median of {args.requests} requests each, ratio to the empty view.")
    print(f"CLI: median of {args.runs} runs each, ratio to `python -c pass` (goal: within 3x).")
    print(
        f"Search: median of {args.requests} rounds each, ratio to a bare full-text query on the "
        "same index (goals: under 30 ms, within 3x)."
    )
    print(
        "Import: the best of 3 imports of a generated LinkedIn file against sqlite3 executemany "
        "of the same rows (goal: within 3x); peak memory at a fifth of the file and all of it."
    )
    print_table(pages + cli + search + imports)

    results = HERE / "results"
    results.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (results / f"{stamp}-scale-{args.scale}.json").write_text(
        json.dumps(
            {"scale": args.scale, "database": database, "rows": pages + cli + search + imports},
            indent=2,
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
