"""``coffeechat outreach``: requests for a chat. ``lint`` checks one against the outreach rules.

The linter is pure (coffeechat.core.outreach_lint): it needs no home and no database, so it
runs anywhere, such as a pre-commit hook over a folder of drafts.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import click

from coffeechat.core.outreach_lint import (
    DEFAULT_JOB_WORDS,
    DEFAULT_MAX_WORDS,
    RULE_IDS,
    Options,
    Report,
    Verdict,
    lint,
)
from coffeechat.core.sizes import too_large

WIDTH = 80
LABEL = 14  # "cannot judge" and two spaces
LABELS = {
    Verdict.PASS: "pass",
    Verdict.FAIL: "FAIL",
    Verdict.CANNOT_JUDGE: "cannot judge",
    Verdict.OFF: "off",
}
MOST_BYTES = 1024 * 1024  # a request is a few hundred words; anything far larger is a wrong file


@click.group()
def outreach() -> None:
    """Requests for a chat: check a draft against the outreach rules.

    \b
    Example:
      coffeechat outreach lint draft.txt
    """


@outreach.command(name="lint")
@click.argument("source", metavar="FILE")
@click.option(
    "--max-words",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_WORDS,
    show_default=True,
    help="The word limit (greeting and sign-off not counted).",
)
@click.option(
    "--job-words",
    metavar="LIST",
    help="Comma-separated words and phrases that count as asking for a job, replacing the "
    "built-in list.",
)
@click.option(
    "--connection",
    metavar="NAME",
    default="",
    help="The person (or group) you share; the first sentence passes when it names them.",
)
@click.option(
    "--skip",
    multiple=True,
    type=click.Choice(RULE_IDS),
    metavar="RULE",
    help=f"Switch a rule off; repeat for more. Rules: {', '.join(RULE_IDS)}.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only the rules that fail.")
def lint_command(
    source: str,
    max_words: int,
    job_words: str | None,
    connection: str,
    skip: tuple[str, ...],
    quiet: bool,
) -> None:
    """Check a request for a chat against the outreach rules.

    FILE is a plain-text (UTF-8) draft, or - to read standard input. Each rule prints pass,
    FAIL (with what was found and why the rule helps) or cannot judge (with the reason): a
    request that does not read as English is held to the word limit only. The greeting and
    the sign-off are set aside. No database is needed.

    Exit status: 0 when no rule fails, 1 when one fails or the request is empty or cannot be
    read, 2 for a mistake in the options.

    \b
    Example:
      coffeechat outreach lint draft.txt
      pbpaste | coffeechat outreach lint - --connection "Ana Silva"
      coffeechat outreach lint draft.txt --max-words 120 --skip about-them
      coffeechat outreach lint draft.txt --job-words "job,vacancy,CV"
    """
    text = _read(source)
    words = DEFAULT_JOB_WORDS
    if job_words is not None:
        words = tuple(word.strip() for word in job_words.split(",") if word.strip())
    options = Options(
        max_words=max_words, job_words=words, connection=connection, skip=frozenset(skip)
    )
    report = lint(text, options)
    if report.empty:
        raise click.ClickException(report.results[0].detail)
    _print(report, quiet)
    if not report.ok:
        sys.exit(1)


def _read(source: str) -> str:
    """The request's text; a clear error for a missing, unreadable, binary or non-UTF-8 file."""
    name = "standard input" if source == "-" else source
    try:
        if source == "-":
            data = sys.stdin.buffer.read(MOST_BYTES + 1)
        else:
            with Path(source).open("rb") as handle:
                data = handle.read(MOST_BYTES + 1)
    except FileNotFoundError:
        raise click.ClickException(f"{name}: no such file.") from None
    except IsADirectoryError:
        raise click.ClickException(
            f"{name} is a directory; give the file of one request."
        ) from None
    except OSError as error:
        raise click.ClickException(f"{name} cannot be read: {error.strerror}.") from None
    if len(data) > MOST_BYTES:
        raise click.ClickException(
            f"{too_large(name, MOST_BYTES)}; a request is a few hundred words."
        )
    if b"\0" in data:
        raise click.ClickException(f"{name} looks like a binary file, not a plain-text request.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise click.ClickException(
            f"{name} is not UTF-8 text (byte {data[error.start]:#04x} at position "
            f"{error.start}); save it as UTF-8 plain text and try again."
        ) from None


def _print(report: Report, quiet: bool) -> None:
    indent = " " * LABEL
    for result in report.results:
        if quiet and result.verdict is not Verdict.FAIL:
            continue
        head = f"{LABELS[result.verdict]:<{LABEL}}"
        click.echo(_wrap(f"{result.rule.name}: {result.detail}", head, indent))
        if result.verdict is Verdict.FAIL:
            click.echo(_wrap(f"Why: {result.rule.why}", indent, indent))
    failed = len(report.failed)
    judged = [r for r in report.results if r.verdict in (Verdict.PASS, Verdict.FAIL)]
    unsure = sum(r.verdict is Verdict.CANNOT_JUDGE for r in report.results)
    if failed:
        summary = f"{failed} of {len(judged)} rules failed"
    else:
        summary = f"All {len(judged)} rules judged pass" if judged else "No rule could judge it"
    if unsure:
        summary += f"; {unsure} could not judge"
    click.echo(("" if quiet and not failed else "\n") + summary + ".")


def _wrap(text: str, first: str, rest: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=first, subsequent_indent=rest)
