"""Time the main pages against an empty Django view, in the same process and the same run.

    python bench/pages.py --home /tmp/cc-bench --requests 50

Requests go through django.test.Client (signed in with force_login): the whole Django stack
(middleware, sessions, authentication, views, templates, the database) without a socket, so the
numbers show what the app costs, not the network. The baseline is a view that returns an empty
response through the same middleware, so the ratio is "how many empty requests is one page".
Each round requests every page once, in turn, so any drift of the machine hits all of them alike.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from on_home import parser_for, report, use_home  # noqa: E402


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coffeechat.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = "bench_urls"


def pages_to_time() -> tuple[object, dict[str, str]]:
    """The owner and the paths to time, picked from the generated data."""
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
    return owner, {
        "empty view (baseline)": "/bench-empty/",
        "home (today)": reverse("web:home"),
        "contact list": reverse("web:contacts"),
        "contact detail": reverse("web:contact", args=[contact]),
        "chat detail": reverse("web:chat", args=[chat]),
        "targets board": reverse("web:targets"),
        "outreach list": reverse("web:outreach"),
        "funnel": reverse("web:funnel"),
    }


def measure(requests: int, warmup: int = 3) -> list[dict]:
    """Median time per page, its ratio to the empty view, and SQL queries per request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    owner, paths = pages_to_time()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(owner)
    for name, path in paths.items():
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{name} ({path}) answered {response.status_code}, not 200.")
    queries = {}
    for name, path in paths.items():
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        queries[name] = len(captured)
    timings: dict[str, list[float]] = {name: [] for name in paths}
    for round_number in range(warmup + requests):
        for name, path in paths.items():
            started = time.perf_counter()
            client.get(path)
            took = time.perf_counter() - started
            if round_number >= warmup:
                timings[name].append(took * 1000)
    baseline = statistics.median(timings["empty view (baseline)"])
    return [
        {
            "benchmark": f"GET {name}",
            "path": paths[name],
            "median_ms": round(statistics.median(times), 2),
            "ratio": round(statistics.median(times) / baseline, 2),
            "queries": queries[name],
        }
        for name, times in timings.items()
    ]


def print_table(rows: list[dict]) -> None:
    print(f"{'page':<28} {'median ms':>10} {'x empty':>8} {'queries':>8}")
    for row in rows:
        print(
            f"{row['benchmark']:<28} {row['median_ms']:>10.2f} {row['ratio']:>8.1f} "
            f"{row['queries']:>8}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = parser_for(__doc__)
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    args = parser.parse_args(argv)
    use_home(parser, args)
    setup_django()
    report(measure(args.requests), args.json, print_table)


if __name__ == "__main__":
    main()
