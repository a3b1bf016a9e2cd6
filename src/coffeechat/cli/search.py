"""``coffeechat search TEXT``: contacts, organisations and notes, best match first."""

from __future__ import annotations

import sys
import textwrap

import click

from coffeechat.cli.common import friendly_errors, local_owner

WIDTH = 80
INDENT = "    "


def _marker(color: bool):
    # On a terminal the matched words are bold; in a pipe or a file, [bracketed].
    if color:
        return lambda word: click.style(word, bold=True, underline=True)
    return lambda word: f"[{word}]"


def _where(hit) -> str:
    if hit.kind == "organisation":
        return f"organisation {hit.code}"
    if hit.kind == "note" and hit.chat_code:
        return f"note in chat {hit.chat_code}"
    if hit.kind == "note":
        return f"note on contact {hit.code}"
    return f"contact {hit.code}"


@click.command()
@click.argument("text", nargs=-1, required=True)
@click.option(
    "--limit",
    type=click.IntRange(1, 200),
    default=20,
    show_default=True,
    help="How many matches to print, best first.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object for scripts.")
def search(text: tuple[str, ...], limit: int, as_json: bool) -> None:
    """Search contacts, organisations and notes for TEXT, best match first.

    Every word must match, in any order; the last one may be just its start ("lov" finds
    Lovelace). Case and accents do not matter ("jose" finds José). Matched words are bold on a
    terminal and [in brackets] when the output goes to a file or a pipe. Each match says what it
    is and its code (a chat's code works with `coffeechat brief`). Nothing found is not an
    error: it prints "No matches" and exits 0.

    With --json it prints one JSON object instead (docs/search.md describes every key):
    "version", "query" (as used, after cleaning), "words", "limit", "count", "more" (whether
    more matches follow) and "hits", best first, each with kind ("contact", "organisation",
    "note"), code (the contact's, or the organisation's), chat (a note's chat code, or null),
    title, context and snippet as plain text, and "matched" (the stretches that matched). No
    match gives an empty "hits" and exits 0.

    \b
    Example:
      coffeechat search ada
      coffeechat search data analyst --limit 5
      coffeechat search ada --json | jq -r '.hits[] | select(.kind == "contact") | .code'
    """
    owner = local_owner()
    from coffeechat.core.search import marked_plain
    from coffeechat.services.search import search as run_search

    with friendly_errors():
        results = run_search(owner, " ".join(text), limit=limit)
    if as_json:
        from coffeechat.cli.owed_json import dumps
        from coffeechat.cli.search_json import search_document

        click.echo(dumps(search_document(results)))
        return
    query = results.query  # cleaned: single spaces, no control characters
    if not results.hits:
        click.echo(f"No matches for “{query}”.")
        return
    mark = _marker(sys.stdout.isatty())
    for number, hit in enumerate(results.hits, start=1):
        title = marked_plain(hit.title, mark)
        click.echo(f"{number:>2}. {title}  ({_where(hit)})")
        if hit.context:
            click.echo(INDENT + marked_plain(hit.context, mark))
        if hit.snippet:
            # Wrapped before marking, so escape codes never count towards the width.
            for line in textwrap.wrap(" ".join(hit.snippet.split()), WIDTH - len(INDENT)):
                click.echo(INDENT + marked_plain(line, mark))
    if results.more:
        click.echo(f"More matches follow; show more with --limit {min(limit * 2, 200)}.")
