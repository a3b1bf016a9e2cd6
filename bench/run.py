"""Run every benchmark and print one results table (``make bench``).

    python bench/run.py                 # full scale: 10,000 contacts, 50,000 chats, 200,000 notes
    python bench/run.py --scale 0.02    # a quick check that everything works
    python bench/run.py --scales 0.1,0.3,1.0 --engines sqlite,postgres \
        --postgres-url postgres://postgres@127.0.0.1:55432/bench --home /tmp/cc-growth

The data is generated once into --home (default: a fresh temporary directory, removed at the
end) and reused when that home already holds it. Each benchmark runs in its own process, so
each loads Django (or not) exactly as a user's command would. Results are also saved as JSON
under bench/results/ (git-ignored).

With --scales (or --engines), it times only the pages (bench/pages.py), at each scale on each
engine, and prints how each page's time grows with the data and whether its query count stays
the same (issue 18, point 5). Each scale and engine gets its own home under --home
(``sqlite-0.1``, ``postgres-1.0``, ...) and, on PostgreSQL, its own database: the --postgres-url
database's name with the scale added (``bench_s0_1``), created when missing.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

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
        if row["median_ms"] is None:
            print(f"| {row['benchmark']:<30} | {'':>10} | {'':>8} | {'':>11} | {row['goal']}")
            continue
        queries = "" if row.get("queries") is None else str(row["queries"])
        print(
            f"| {row['benchmark']:<30} | {row['median_ms']:>10.2f} | {row['ratio']:>6.2f}x "
            f"| {queries:>11} | {row.get('goal', '')}"
        )


ENGINES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
# A page's time above the empty view growing by at most this much when the data grows by the
# full span of scales (10 times from 0.1 to 1.0) counts as flat: 10 ** 0.5, about 3.2 times,
# half-way between flat and growing with the whole data on a log scale.
FLAT_SLOPE = 0.5


def scale_label(scale: float) -> str:
    return f"{scale:g}" if scale < 1 else f"{scale:.1f}"


def postgres_database(url: str, scale: float) -> str:
    """The URL of the scale's own database next to ``url``'s, created when it does not exist."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'coffeechat_bench'}_s{scale_label(scale).replace('.', '_')}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if found.fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(parts._replace(path=f"/{name}"))


def growth_runs(args: argparse.Namespace, base: Path) -> dict[tuple[str, float], list[dict]]:
    """pages.py's rows for each engine and scale, each in its own home (and database)."""
    results = {}
    for scale in args.scales:
        for engine in args.engines:
            home = base / f"{engine}-{scale_label(scale)}"
            home.mkdir(parents=True, exist_ok=True)
            env = {**os.environ, "COFFEECHAT_HOME": str(home), "PYTHONUNBUFFERED": "1"}
            env.pop("DJANGO_SETTINGS_MODULE", None)
            env.pop("DATABASE_URL", None)
            if engine == "postgres":
                env["DATABASE_URL"] = postgres_database(args.postgres_url, scale)
            generate(home, scale, env)
            print(f"Timing the pages: {ENGINES[engine]}, scale {scale:g}.", file=sys.stderr)
            results[engine, scale] = run_json("pages.py", "--requests", str(args.requests), env=env)
    return results


def growth(small: dict, large: dict, data: float) -> tuple[float, str]:
    """How many times the page's ratio to the empty view grew, and whether it grows with the
    whole data.

    Each scale runs in its own process at its own time, on a machine that may be busier at one
    than the other: the ratio to the empty view of the same run cancels that out. Whether the page
    grows is judged on what it adds above the empty view (the ratio less one): the fixed cost of
    the stack would make every page look flat at a small scale."""
    grown = large["ratio"] / small["ratio"]
    above_small, above_large = small["ratio"] - 1, large["ratio"] - 1
    if above_small <= 0 or above_large <= 0:
        return grown, "flat"
    slope = math.log(above_large / above_small) / math.log(data)
    if slope <= FLAT_SLOPE:
        return grown, "with data shown"
    return grown, f"with the whole data (slope {slope:.2f})"


def growth_table(args: argparse.Namespace, results: dict) -> tuple[list[str], dict]:
    """A Markdown table, both engines side by side, and the pages that miss a goal."""
    smallest, largest = min(args.scales), max(args.scales)
    data = largest / smallest
    header = ["page"]
    for engine in args.engines:
        name = ENGINES[engine]
        header += [f"{name} {scale_label(s)} ms" for s in args.scales]
        header += [f"x empty at {scale_label(largest)}", f"growth ({data:g}x data)", "queries"]
        header += [f"{name} verdict"]
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("| --- | " + " | ".join("---:" for _ in header[1:]) + " |")
    findings: dict[str, list[str]] = {"errors": [], "missed": [], "growing": [], "queries": []}
    pages = [row["page"] for row in results[args.engines[0], largest]]
    for page in pages:
        cells = [page]
        for engine in args.engines:
            rows = {scale: _row(results[engine, scale], page) for scale in args.scales}
            cells += [_ms(rows[s]) for s in args.scales]
            small, large = rows[smallest], rows[largest]
            broken = [
                f"{scale_label(s)}: {rows[s]['goal']}"
                for s in args.scales
                if rows[s] and rows[s]["median_ms"] is None
            ]
            if broken:
                findings["errors"].append(f"{page} ({ENGINES[engine]}, {'; '.join(broken)})")
            if not (small and large) or small["median_ms"] is None or large["median_ms"] is None:
                cells += ["-", "-", "-", "**error**" if broken else "missing"]
                continue
            cells.append(f"{large['ratio']:.1f}x")
            if page.startswith("empty view"):
                cells += ["", str(large["queries"]), ""]
                continue
            grown, kind = growth(small, large, data)
            in_ms = large["median_ms"] / small["median_ms"]
            cells.append(f"{grown:.1f}x ({in_ms:.1f}x in ms), {kind}")
            if kind.startswith("with the whole"):
                findings["growing"].append(f"{page} ({ENGINES[engine]}: {grown:.1f}x)")
            counts = [
                rows[s]["queries"]
                for s in args.scales
                if rows[s] and rows[s]["queries"] is not None
            ]
            if len(set(counts)) == 1:
                cells.append(str(counts[0]))
            else:
                cells.append("CHANGES " + "/".join(str(n) for n in counts))
                findings["queries"].append(f"{page} ({ENGINES[engine]})")
            cells.append(large["goal"] if large["goal"] == "ok" else f"**{large['goal']}**")
            if large["goal"] != "ok":
                findings["missed"].append(f"{page} ({ENGINES[engine]}: {large['goal']})")
        lines.append("| " + " | ".join(cells) + " |")
    return lines, findings


def _ms(row: dict | None) -> str:
    if row is None:
        return "-"
    return "error" if row["median_ms"] is None else f"{row['median_ms']:,.1f}"


def _row(rows: list[dict], page: str) -> dict | None:
    return next((row for row in rows if row["page"] == page), None)


def run_growth(args: argparse.Namespace) -> None:
    if args.table:
        # A saved run printed again, with this code's table: no data, no timing.
        saved = json.loads(args.table.read_text(encoding="utf-8"))
        args.scales, args.engines = saved["scales"], saved["engines"]
        args.requests = saved.get("requests", args.requests)
        results = {
            (engine, scale): saved["rows"][f"{engine}-{scale_label(scale)}"]
            for engine in args.engines
            for scale in args.scales
        }
        print_growth(args, results)
        return
    temporary = args.home is None
    base = (args.home or Path(tempfile.mkdtemp(prefix="coffeechat-growth-"))).expanduser()
    base = base.resolve()
    try:
        results = growth_runs(args, base)
    finally:
        if temporary:
            shutil.rmtree(base, ignore_errors=True)
    print_growth(args, results)
    save_growth(args, results)


def print_growth(args: argparse.Namespace, results: dict) -> list[str]:
    largest = max(args.scales)
    lines, findings = growth_table(args, results)
    engines = " and ".join(ENGINES[engine] for engine in args.engines)
    print(
        f"\ncoffeechat pages at scales {', '.join(scale_label(s) for s in args.scales)} on "
        f"{engines}; Python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs; median of {args.requests} requests each."
    )
    print(
        f"Verdicts at scale {scale_label(largest)}: under 50 ms and within 10x the empty view "
        "(search: under 30 ms). Growth: the ratio to the empty view at the largest scale over "
        "the smallest; 'with the whole data' when the part above the empty view grows faster "
        f"than {10**FLAT_SLOPE:.1f}x for 10x the data (slope 1: as fast as the data).\n"
    )
    print("\n".join(lines))
    print()
    for key, title in (
        ("errors", "Pages that did not answer 200"),
        ("missed", f"Miss a goal at scale {scale_label(largest)}"),
        ("growing", "Grow with the whole data"),
        ("queries", "Query count changes with the scale"),
    ):
        print(f"{title}: " + ("; ".join(findings[key]) if findings[key] else "none") + ".")
    return lines


def save_growth(args: argparse.Namespace, results: dict) -> None:
    lines, _findings = growth_table(args, results)
    results_dir = args.results
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (results_dir / f"{stamp}-growth.json").write_text(
        json.dumps(
            {
                "scales": args.scales,
                "engines": args.engines,
                "requests": args.requests,
                "rows": {f"{e}-{scale_label(s)}": rows for (e, s), rows in results.items()},
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    (results_dir / f"{stamp}-growth.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full data size")
    parser.add_argument("--home", type=Path, help="home for the generated data (kept)")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per CLI command")
    parser.add_argument(
        "--scales",
        help="time only the pages, at each of these scales (comma-separated, e.g. 0.1,0.3,1.0)",
    )
    parser.add_argument(
        "--engines",
        help="with --scales: sqlite, postgres or sqlite,postgres (default: postgres when "
        "DATABASE_URL is set, sqlite otherwise)",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("DATABASE_URL"),
        help="PostgreSQL server and database name for --engines postgres (default: DATABASE_URL)",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=HERE / "results",
        help="with --scales: where the copy of the table goes (default: bench/results)",
    )
    parser.add_argument(
        "--table",
        type=Path,
        help="print the table of a saved --scales run again (its *-growth.json) and stop",
    )
    args = parser.parse_args(argv)
    if args.table:
        run_growth(args)
        return
    if args.scales or args.engines:
        try:
            args.scales = sorted(float(s) for s in (args.scales or "0.1,0.3,1.0").split(","))
        except ValueError:
            parser.error("--scales takes numbers separated by commas, such as 0.1,0.3,1.0")
        if len(args.scales) < 2 or not all(0 < s <= 10 for s in args.scales):
            parser.error("--scales needs at least two scales, each above 0 and at most 10")
        default = "postgres" if os.environ.get("DATABASE_URL") else "sqlite"
        args.engines = [e.strip() for e in (args.engines or default).split(",")]
        unknown = [e for e in args.engines if e not in ENGINES]
        if unknown:
            parser.error(f"unknown engine {unknown[0]}: use sqlite, postgres or both")
        if "postgres" in args.engines and not args.postgres_url:
            parser.error("--engines postgres needs --postgres-url (or DATABASE_URL)")
        run_growth(args)
        return

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
