"""Why notes are rendered when saved: rendering versus sanitising versus reading stored HTML.

    python bench/markdown.py                # 2,000 rounds over a mix of notes
    python bench/markdown.py --rounds 200 --json

For each of a few typical documents (a one-line note, a short list, a long research note with
headings, links and code) it times, per document:

- ``render``: Markdown to sanitised HTML (core.markdown.render), what a save costs;
- ``nh3.clean``: sanitising the already rendered HTML alone, the floor for any render-at-view;
- ``read stored``: fetching the stored HTML from an SQLite row, what a page view costs now.

Ratios are against ``read stored``, so they hold on a slow machine too. No Django is loaded.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from coffeechat.core.markdown import render, sanitise  # noqa: E402

LONG = "\n\n".join(
    [
        "# Background",
        "Moved from *secondary teaching* to **learning design** in 2019; now leads a team of "
        'four at an [edtech company](https://example.com/about "About").',
        "## What they posted",
        "\n".join(
            f"- A talk on assessment, part {n}, with `rubrics` and feedback" for n in range(8)
        ),
        "> The hardest part was learning to say no to good ideas.",
        "```\nquestions:\n  - what does a normal week look like?\n```",
        "Mutual contacts: <mailto:grace@example.com>, [Charles](https://example.com/charles).",
    ]
    * 3
)
DOCUMENTS = {
    "one-line note": "She suggested talking to *Charles* about the data team.",
    "short list": "Next steps:\n\n1. Send the article\n2. Ask Grace for an intro\n3. Follow up",
    f"research notes ({len(LONG):,} chars)": LONG,
}


def median_seconds(action: Callable[[], object], rounds: int) -> float:
    """Median wall time of ``action`` over ``rounds`` runs, after a short warm-up."""
    for _ in range(min(50, rounds)):
        action()
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def measure(rounds: int) -> list[dict]:
    """One row per document and way of getting its HTML, with the ratio to reading it back."""
    database = sqlite3.connect(":memory:")
    database.execute("create table note (id integer primary key, text text, text_html text)")
    rows = []
    for number, (name, text) in enumerate(DOCUMENTS.items(), start=1):
        html = render(text)
        database.execute("insert into note values (?, ?, ?)", (number, text, html))
        unsanitised = html  # the render's own output, as a render-at-view would sanitise it

        def read(number: int = number) -> object:
            return database.execute("select text_html from note where id = ?", (number,)).fetchone()

        timings = {
            "read stored": median_seconds(read, rounds),
            "nh3.clean": median_seconds(lambda html=unsanitised: sanitise(html), rounds),
            "render": median_seconds(lambda text=text: render(text), rounds),
        }
        base = timings["read stored"]
        for way, seconds in timings.items():
            rows.append(
                {
                    "document": name,
                    "way": way,
                    "microseconds": round(seconds * 1e6, 1),
                    "ratio": round(seconds / base, 1),
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    arguments = parser.parse_args()
    rows = measure(arguments.rounds)
    if arguments.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"{'document':<28} {'way':<12} {'µs':>9} {'× read':>8}")
    for row in rows:
        print(
            f"{row['document']:<28} {row['way']:<12} {row['microseconds']:>9.1f} "
            f"{row['ratio']:>8.1f}"
        )


if __name__ == "__main__":
    main()
