"""Load on a server: gunicorn on PostgreSQL, many students, driven from a second process.

    DATABASE_URL=postgres://postgres@127.0.0.1:55432/loadbench python bench/load.py
    python bench/load.py --students 2000 --clients 20 --seconds 10     # a quicker look

What it measures: how the pages a career centre's students and coaches use most hold up when
many people use one server at once. It runs the server as docs/deploying.md does (server mode,
gunicorn with the package's configuration, `coffeechat migrate` first) on the PostgreSQL database
in DATABASE_URL, filled by bench/load_generate.py with 20,000 students (100 contacts and 20
chats each) and their coaches (a cohort of 200 each). A second process (bench/load_client.py)
then plays 50 clients on loopback for a bounded time and a bounded number of requests: the
student home page, the contact list, a chat page, a coach's cohort page, and an empty view.
For each page it reports the requests answered, the throughput, the 50th, 95th and 99th
percentile of latency, and the ratio of the median to the empty view's; and every error (any
answer but 200).

Why the empty view is the baseline: a latency under load is mostly the machine (its
processors, what else runs on it, the client sharing them) and the server's queue. The empty
view (bench/bench_urls.py) is served by the same gunicorn, through the same middleware and
session lookup, in the same run, interleaved with the pages, so it pays all of that too and
only the page's own work is missing; "3x empty" means the page costs three requests that do
nothing, on whatever machine ran it.

The data stays in the database, marked with its size (bench/load_generate.py), and the next run
at the same size reuses it; sessions are made afresh each run. The table is printed and a copy,
with gunicorn's log, goes to bench/results/ (git-ignored). It exits 0 however slow the pages are;
non-zero only when it could not run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
HOST = "coffeechat.load.test"
PROXY = "127.0.0.1"
# Bounds for a stuck step, not timings: a start that takes longer has failed.
START_SECONDS = 120
STOP_SECONDS = 60
LABELS = {
    "empty": "empty view (baseline)",
    "home": "student home",
    "contacts": "contact list",
    "chat": "chat page",
    "cohort": "coach's cohort",
}
PATHS = {
    "empty": "/bench-empty/",
    "home": "/",
    "contacts": "/contacts/",
    "chat": "/chats/<code>/",
    "cohort": "/students/",
}


class CouldNotRun(Exception):
    """A step of the benchmark failed; the message says which and why."""


# --- Reading the timings (pure) ---------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with ``share`` of them at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share / 100 * len(ordered)) - 1)]


def summarise(measured: dict, cohort: int) -> list[dict]:
    """One row per page from the load generator's output, the empty view first."""
    seconds = measured["seconds"]
    empty = measured["timings"]["empty"]
    baseline = percentile(empty, 50) if empty else math.nan
    alone_baseline = percentile(measured["alone"]["empty"], 50)
    rows = []
    for page, label in LABELS.items():
        times = measured["timings"].get(page, [])
        row = {
            "page": page,
            "benchmark": label if page != "cohort" else f"{label} ({cohort} students)",
            "path": PATHS[page],
            "requests": len(times),
            "per_second": round(len(times) / seconds, 1) if seconds > 0 else 0.0,
            "errors": measured["errors_by_page"].get(page, 0),
            "alone_p50_ms": round(percentile(measured["alone"][page], 50), 2),
            "alone_ratio": round(percentile(measured["alone"][page], 50) / alone_baseline, 2),
        }
        if times:
            p50, p95, p99 = (percentile(times, share) for share in (50, 95, 99))
            row |= {
                "p50_ms": round(p50, 2),
                "p95_ms": round(p95, 2),
                "p99_ms": round(p99, 2),
                "ratio": round(p50 / baseline, 2),
            }
        rows.append(row)
    return rows


def table(rows: list[dict], measured: dict, heading: str) -> str:
    """The rows as a Markdown table under ``heading``, with the totals."""
    lines = [
        heading,
        "",
        "| page | requests | req/s | p50 ms | p95 ms | p99 ms | p50 x empty | errors "
        "| alone p50 ms | alone x empty |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        if row["requests"]:
            timings = (
                f"{row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['p99_ms']:.1f} "
                f"| {row['ratio']:.1f}x"
            )
        else:
            timings = "- | - | - | -"
        lines.append(
            f"| {row['benchmark']} | {row['requests']:,} | {row['per_second']:,.1f} | {timings} "
            f"| {row['errors']} | {row['alone_p50_ms']:.1f} | {row['alone_ratio']:.1f}x |"
        )
    total = sum(row["requests"] for row in rows)
    lines += [
        "",
        f"{total:,} requests in {measured['seconds']:.1f} s ({total / measured['seconds']:,.1f} "
        f"req/s); errors (any answer but 200): {measured['errors']}.",
    ]
    for error in measured["error_samples"]:
        warm = " (warm-up)" if error["warm_up"] else ""
        lines.append(f"  {error['path']}: {error['error']}{warm}")
    return "\n".join(lines)


# --- Running the server ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((PROXY, 0))
        return probe.getsockname()[1]


def server_environment(database_url: str, port: int, workers: int | None) -> dict[str, str]:
    """Server mode as docs/deploying.md sets it up, on loopback, without the TLS proxy.

    The load generator plays the proxy: it connects from 127.0.0.1, the trusted proxy's
    address, and sends X-Forwarded-Proto: https, so Django takes its requests as https (as
    behind Caddy) and reads the Secure __Host- session cookie it sends. The redirect to https
    is off for the same reason an operator whose proxy redirects turns it off.
    """
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("COFFEECHAT_")
        and name not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "FORWARDED_ALLOW_IPS")
    }
    environ = {
        **inherited,
        "COFFEECHAT_MODE": "server",
        "DATABASE_URL": database_url,
        "COFFEECHAT_SECRET_KEY": secrets.token_urlsafe(50),
        "COFFEECHAT_ALLOWED_HOSTS": HOST,
        "COFFEECHAT_TRUSTED_PROXY": PROXY,
        "COFFEECHAT_HTTPS_REDIRECT": "false",
        "COFFEECHAT_BIND": f"{PROXY}:{port}",
        "PYTHONUNBUFFERED": "1",
    }
    if workers:
        environ["COFFEECHAT_WORKERS"] = str(workers)
    return environ


def with_bench_urls(environ: dict[str, str]) -> dict[str, str]:
    """The same environment with the benchmark's settings (the app's URLs plus the empty view)."""
    path = os.pathsep.join(filter(None, [str(HERE), environ.get("PYTHONPATH", "")]))
    return {**environ, "DJANGO_SETTINGS_MODULE": "load_settings", "PYTHONPATH": path}


def migrate(environ: dict[str, str]) -> None:
    """`coffeechat migrate`, the deployment's own step for the schema."""
    done = subprocess.run(
        [sys.executable, "-m", "coffeechat", "migrate"],
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise CouldNotRun(f"coffeechat migrate failed:\n{done.stdout}{done.stderr}")


@contextmanager
def gunicorn(environ: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """gunicorn with coffeechat's configuration, listening; stopped on the way out, always."""
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:coffeechat.gunicorn_conf"],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    copy = LogCopy(process, log)
    copier = threading.Thread(target=copy.run, daemon=True)
    copier.start()
    try:
        copy.changed.wait(START_SECONDS)
        if not copy.listening or process.poll() is not None:
            raise CouldNotRun(f"gunicorn did not start; its log is in {log}:\n{tail(log)}")
        yield process
    finally:
        stop(process)
        copier.join(STOP_SECONDS)


class LogCopy:
    """Copies gunicorn's lines into a file, and notes when it listens (or ends before it does)."""

    def __init__(self, process: subprocess.Popen, log: Path) -> None:
        self.process = process
        self.log = log
        self.listening = False
        self.changed = threading.Event()

    def run(self) -> None:
        assert self.process.stdout is not None
        with self.log.open("w", encoding="utf-8") as out:
            for line in self.process.stdout:
                out.write(line)
                if not self.listening and "Listening at" in line:
                    out.flush()
                    self.listening = True
                    self.changed.set()
        self.changed.set()


def tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8").splitlines()[-lines:])
    except OSError:
        return ""


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, as systemd stops the service; SIGKILL to the group if it does not end."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_SECONDS)


def check_pages(plan: dict) -> None:
    """Each page once, through the server as the clients will ask: all must answer 200."""
    import http.client

    student, coach = plan["students"][0], plan["coaches"][0]
    asks = [(path, student) for page, path in PATHS.items() if page not in ("chat", "cohort")]
    asks += [(student["chats"][0], student), (PATHS["cohort"], coach)]
    for path, visitor in asks:
        connection = http.client.HTTPConnection(PROXY, plan["port"], timeout=START_SECONDS)
        try:
            connection.request(
                "GET",
                path,
                headers={
                    "Host": plan["host"],
                    "X-Forwarded-Proto": "https",
                    "Cookie": f"{plan['cookie']}={visitor['session']}",
                },
            )
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as error:
            raise CouldNotRun(f"GET {path} failed: {error}") from None
        finally:
            connection.close()
        if response.status != 200:
            raise CouldNotRun(f"GET {path} answered {response.status}, not 200.")


def drive(plan: dict, folder: Path) -> dict:
    """Run the load generator in its own process; what it measured."""
    plan_file = folder / "plan.json"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    client = subprocess.Popen(
        [sys.executable, str(HERE / "load_client.py"), str(plan_file)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        output, _ = client.communicate()
    finally:
        if client.poll() is None:
            client.kill()
            client.wait()
    if client.returncode != 0:
        raise CouldNotRun(f"the load generator failed (exit {client.returncode}).")
    return json.loads(output)


# --- The whole run ------------------------------------------------------------------------------


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--students", type=int, default=20_000, help="generated students (default 20,000)")
    add("--clients", type=int, default=50, help="concurrent clients (default 50)")
    add("--seconds", type=float, default=30.0, help="most seconds of load (default 30)")
    add("--requests", type=int, default=100_000, help="most requests in all (default 100,000)")
    add("--sessions", type=int, default=1_000, help="students signed in (default 1,000)")
    add("--workers", type=int, help="gunicorn workers (default: COFFEECHAT_WORKERS's default)")
    add("--alone-rounds", type=int, default=10, help="rounds of one client alone (default 10)")
    add("--seed", type=int, default=20260302, help="seed of the clients' random choices")
    add("--regenerate", action="store_true", help="replace data generated at another size")
    add("--results", type=Path, default=HERE / "results", help="where the copy goes")
    add("--json", action="store_true", help="print the report as JSON instead of a table")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url.startswith(("postgres://", "postgresql://")):
        parser.error(
            "set DATABASE_URL to a PostgreSQL database of its own (postgres://...): the load "
            "benchmark runs the server as deployed, on PostgreSQL only"
        )
    for name in ("students", "clients", "requests", "sessions", "alone_rounds"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.seconds <= 0:
        parser.error("--seconds must be above 0")
    args.database_url = url
    return args


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> dict:
    """Generate (or reuse), sign in, serve, drive, stop; the report."""
    port = free_port()
    environ = server_environment(args.database_url, port, args.workers)
    say("Applying migrations (coffeechat migrate)...")
    migrate(environ)

    served = with_bench_urls(environ)
    os.environ.clear()
    os.environ.update(served)
    sys.path.insert(0, str(HERE))
    import django

    django.setup()
    from django.db import connections
    from load_generate import COHORT, NotABenchmarkDatabase, prepare, sign_in

    from coffeechat.server_config import THREADS_PER_WORKER, workers

    try:
        generated = prepare(args.students, regenerate=args.regenerate, say=say)
    except NotABenchmarkDatabase as error:
        raise CouldNotRun(str(error)) from None
    say(
        f"Reusing the {generated.students:,} students generated on "
        f"{generated.generated_at:%Y-%m-%d %H:%M} UTC (--regenerate for fresh dates)."
        if generated.reused
        else f"Generated in {generated.seconds} s."
    )
    plan = sign_in(args.sessions, args.seed)
    connections.close_all()
    plan |= {
        "port": port,
        "host": HOST,
        "clients": args.clients,
        "seconds": args.seconds,
        "requests": args.requests,
        "seed": args.seed,
        "alone_rounds": args.alone_rounds,
    }

    args.results.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    log = args.results / f"load-{stamp}-gunicorn.log"
    with tempfile.TemporaryDirectory(prefix="coffeechat-load-") as folder, gunicorn(served, log):
        say(f"gunicorn listens on {PROXY}:{port}; checking every page answers...")
        check_pages(plan)
        say(
            f"Driving it: {args.clients} clients, at most {args.seconds:g} s and "
            f"{args.requests:,} requests..."
        )
        measured = drive(plan, Path(folder))

    cohort = min(COHORT, generated.students)
    rows = summarise(measured, cohort)
    processes = workers(environ)
    heading = (
        f"Load on gunicorn + PostgreSQL: {generated.students:,} students, {generated.coaches:,} "
        f"coaches, {len(plan['students']):,} signed in; {args.clients} clients; gunicorn "
        f"{processes} workers x {THREADS_PER_WORKER} threads; Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs"
    )
    report = {
        "students": generated.students,
        "coaches": generated.coaches,
        "clients": args.clients,
        "workers": processes,
        "threads": THREADS_PER_WORKER,
        "seconds": round(measured["seconds"], 2),
        "errors": measured["errors"],
        "error_samples": measured["error_samples"],
        "resent": measured["resent"],
        "rows": rows,
        "table": table(rows, measured, heading),
    }
    (args.results / f"load-{stamp}.json").write_text(json.dumps(report, indent=2), "utf-8")
    (args.results / f"load-{stamp}.md").write_text(report["table"] + "\n", "utf-8")
    return report


def stop_on_sigterm(signum, frame) -> None:
    # Turned into an exception, so that the `finally` that stops gunicorn runs.
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    try:
        report = run(args)
    except CouldNotRun as error:
        say(f"bench/load.py could not run: {error}")
        return 1
    print(json.dumps(report) if args.json else report["table"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
