"""Time every page against an empty Django view, in the same process and the same run.

    python bench/pages.py --home /tmp/cc-bench --requests 50

Requests go through django.test.Client (signed in with force_login): the whole Django stack
(middleware, sessions, authentication, views, templates, the database) without a socket, so the
numbers show what the app costs, not the network. The baseline is a view that returns an empty
response through the same middleware, so the ratio is "how many empty requests is one page".
Each round requests every page once, in turn, so any drift of the machine hits all of them alike.

Each page gets a verdict against issue 18's goals: a median under 50 ms and at most 10 times the
empty view; the search page also under 30 ms. Every page must answer 200, first and on every
timed request, or the run stops and says which page answered what.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from on_home import parser_for, report, use_home  # noqa: E402

BASELINE = "empty view (baseline)"
# Issue 18, point 1: every page under 50 ms median and within 10 times the empty view; point 4:
# search under 30 ms.
GOAL_MS = 50.0
GOAL_RATIO = 10.0
SEARCH_GOAL_MS = 30.0
# What the search box sees (words from bench/generate.py): a word in a third of the notes, a
# surname (about 250 contacts and the notes about them), and a name typed up to the first
# letter of the surname, the search-as-you-type case.
SEARCHES = ("onboarding", "okafor", "ada l")


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coffeechat.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = "bench_urls"
    from coffeechat.services import rate_limits
    from coffeechat.services.setup import prepare_database

    # Data generated earlier is reused: bring its schema up to the code being measured.
    prepare_database(migrate=True)
    # The search page allows 120 searches a minute per user; a benchmark makes more than that,
    # and a refused search answers fast. The check itself still runs on every request.
    limit = rate_limits.LIMITS[rate_limits.SEARCH]
    rate_limits.LIMITS[rate_limits.SEARCH] = rate_limits.Limit(
        10**9, limit.window, limit.done, limit.what, limit.per
    )


def pages_to_time() -> tuple[object, dict[str, str]]:
    """The owner and the paths to time, picked from the generated data."""
    from urllib.parse import urlencode

    from django.db.models import Count
    from django.urls import reverse

    from coffeechat.services.accounts import ensure_owner
    from coffeechat.store.models import Chat, Contact

    owner = ensure_owner()
    contacts = Contact.objects.for_owner(owner)
    if not contacts.exists():
        raise SystemExit("No data in this home; run bench/generate.py first.")
    # A typical contact and a typical held chat: the median by number of chats / notes.
    contact_codes = list(
        contacts.annotate(n=Count("chats")).order_by("n", "pk").values_list("code", flat=True)
    )
    contact = contact_codes[len(contact_codes) // 2]
    chat_codes = list(
        Chat.objects.for_owner(owner)
        .filter(status=Chat.Status.HELD)
        .annotate(n=Count("notes"))
        .order_by("n", "pk")
        .values_list("code", flat=True)
    ) or list(Chat.objects.for_owner(owner).values_list("code", flat=True))
    chat = chat_codes[len(chat_codes) // 2]
    # The brief and the live page are read before a chat: a typical planned one, the median by
    # the number of chats with its contact (the history both pages show).
    planned_codes = list(
        Chat.objects.for_owner(owner)
        .filter(status=Chat.Status.PLANNED)
        .annotate(n=Count("contact__chats"))
        .order_by("n", "pk")
        .values_list("code", flat=True)
    ) or [chat]
    planned = planned_codes[len(planned_codes) // 2]
    search = reverse("web:search")
    return owner, {
        BASELINE: "/bench-empty/",
        "home (today)": reverse("web:home"),
        "contact list": reverse("web:contacts"),
        "contact detail": reverse("web:contact", args=[contact]),
        "chat detail": reverse("web:chat", args=[chat]),
        "targets board": reverse("web:targets"),
        "outreach list": reverse("web:outreach"),
        "funnel": reverse("web:funnel"),
        "network": reverse("web:network"),
        "calendar": reverse("web:calendar"),
        "chat brief": reverse("web:brief", args=[planned]),
        "live page": reverse("web:live", args=[planned]),
        **{f"search “{text}”": f"{search}?{urlencode({'q': text})}" for text in SEARCHES},
    }


def verdict(name: str, median_ms: float, ratio: float) -> str:
    """ "ok", or the goals of issue 18 the page misses."""
    if name == BASELINE:
        return ""
    misses = []
    if median_ms >= GOAL_MS:
        misses.append(f"over {GOAL_MS:g} ms")
    if ratio > GOAL_RATIO:
        misses.append(f"over {GOAL_RATIO:g}x empty")
    if name.startswith("search") and median_ms >= SEARCH_GOAL_MS:
        misses.append(f"search over {SEARCH_GOAL_MS:g} ms")
    return "; ".join(misses) or "ok"


def measure(requests: int, warmup: int = 3) -> list[dict]:
    """Median time per page, its ratio to the empty view, and SQL queries per request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    owner, every_path = pages_to_time()
    # An error answers 500 here rather than raising, so one broken page is reported in the
    # table and the others are still timed.
    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    client.force_login(owner)
    failed = {}
    for name, path in every_path.items():
        status = client.get(path).status_code
        if status != 200:
            failed[name] = status
            print(f"{name} ({path}) answered {status}, not 200.", file=sys.stderr)
    if BASELINE in failed:
        raise SystemExit("The empty view did not answer 200; nothing can be compared with it.")
    paths = {name: path for name, path in every_path.items() if name not in failed}
    queries = {}
    for name, path in paths.items():
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        queries[name] = len(captured)
    timings: dict[str, list[float]] = {name: [] for name in paths}
    for round_number in range(warmup + requests):
        for name, path in paths.items():
            started = time.perf_counter()
            response = client.get(path)
            took = time.perf_counter() - started
            # A page that starts failing (a refusal, an error) would time as fast: stop.
            if response.status_code != 200:
                raise SystemExit(f"{name} ({path}) answered {response.status_code}, not 200.")
            if round_number >= warmup:
                timings[name].append(took * 1000)
    baseline = statistics.median(timings[BASELINE])
    rows = []
    for name, times in timings.items():
        median = statistics.median(times)
        rows.append(
            {
                "benchmark": f"GET {name}",
                "page": name,
                "path": paths[name],
                "median_ms": round(median, 2),
                "ratio": round(median / baseline, 2),
                "queries": queries[name],
                "goal": verdict(name, median, median / baseline),
                "database": connection.vendor,
            }
        )
    for name, status in failed.items():
        rows.append(
            {
                "benchmark": f"GET {name}",
                "page": name,
                "path": every_path[name],
                "median_ms": None,
                "ratio": None,
                "queries": None,
                "goal": f"answered {status}, not 200",
                "database": connection.vendor,
            }
        )
    return rows


def print_table(rows: list[dict]) -> None:
    print(
        f"On {rows[0]['database']}; goals: under {GOAL_MS:g} ms and within {GOAL_RATIO:g}x the "
        f"empty view (search: under {SEARCH_GOAL_MS:g} ms)"
    )
    print(f"{'page':<28} {'median ms':>10} {'x empty':>8} {'queries':>8}  verdict")
    for row in rows:
        if row["median_ms"] is None:
            print(f"{row['benchmark']:<28} {'':>10} {'':>8} {'':>8}  {row['goal']}")
            continue
        print(
            f"{row['benchmark']:<28} {row['median_ms']:>10.2f} {row['ratio']:>8.1f} "
            f"{row['queries']:>8}  {row['goal']}"
        )
    missed = [row["page"] for row in rows if row["goal"] not in ("", "ok")]
    listed = ": " + ", ".join(missed) if missed else "."
    print(f"{len(missed)} of {len(rows) - 1} pages miss" + listed)


def main(argv: list[str] | None = None) -> None:
    parser = parser_for(__doc__)
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    args = parser.parse_args(argv)
    use_home(parser, args)
    setup_django()
    report(measure(args.requests), args.json, print_table)


if __name__ == "__main__":
    main()
