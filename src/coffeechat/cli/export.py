"""``coffeechat export``: everything in the home, in a documented format."""

from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import click

from coffeechat.cli.common import friendly_errors, owner_for, user_option

FORMATS = ["json", "csv", "vcard", "ics"]
LABELS = {
    "next_steps": "next steps",
    "follow_ups": "follow-ups",
    "busy_blocks": "busy blocks",
    "clock_trials": "clock trials",
    # Chats an older coffeechat let through in a year such as 9999 (services.calendars).
    "skipped": "skipped (dated outside 1900 to 2200)",
}


@click.command()
@click.argument("fmt", metavar="FORMAT", type=click.Choice(FORMATS))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output. The file appears complete or not at "
    "all, and only you can read it.",
)
@user_option
def export(fmt: str, output: Path | None, user_email: str | None) -> None:
    """Export the home as FORMAT: json (everything), csv or vcard (contacts), ics (chats).

    json writes a complete, versioned document of every contact, organisation, chat, note,
    referral, follow-up and more, with references between them by code; docs/export-format.md
    describes it field by field.

    csv writes one row per contact for a spreadsheet (emails, phones and tags joined by "; ").
    A cell that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a
    carriage return) gets a leading apostrophe, so it opens as plain text.

    vcard writes one vCard 4.0 card per contact, for a phone or an address book.

    ics writes every chat as iCalendar for a calendar app: the agreed time, the buffer after it
    as a busy event, a reminder the day before, a wrap-up alarm before the agreed end, and the
    thank-you deadline a day later.

    \b
    Example:
      coffeechat export json > coffeechat.json
      coffeechat export json -o ~/backups/coffeechat.json
      coffeechat export csv -o contacts.csv
      coffeechat export vcard -o contacts.vcf
      coffeechat export ics -o chats.ics
      coffeechat export json --user sam@example.edu -o sam.json    (server mode)
    """
    owner = owner_for(user_email)
    write: Callable[[Any, TextIO], dict[str, int]]
    if fmt == "ics":
        from coffeechat.services.calendars import write_ics as write
    elif fmt == "csv":
        from coffeechat.services.exports import write_csv as write
    elif fmt == "vcard":
        from coffeechat.services.exports import write_vcard as write
    else:
        from coffeechat.services.exports import write_json as write

    if output is None:
        _write_stdout(lambda handle: write(owner, handle))
        return
    with friendly_errors():
        counts = _write_whole(output, lambda handle: write(owner, handle))
    summary = ", ".join(f"{count} {LABELS.get(key, key)}" for key, count in counts.items() if count)
    click.echo(f"Exported {summary or 'an empty home'} to {output}.", err=True)


def _write_stdout(write) -> None:
    """Write UTF-8 to standard output whatever the terminal's encoding (JSON is UTF-8)."""
    sys.stdout.flush()
    stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
    try:
        with friendly_errors():
            write(stream)
            stream.flush()
    except BrokenPipeError:
        # The reader stopped early (`| head`): end quietly instead of a traceback on a closed pipe.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(1) from None
    finally:
        # Hand the buffer back so closing our wrapper never closes standard output itself.
        stream.detach()


def _write_whole(path: Path, write):
    """Write through a temporary file beside ``path``, then move it into place in one step."""
    directory = path.absolute().parent
    if not directory.is_dir():
        raise click.ClickException(
            f"The folder {directory} does not exist; create it or choose another file."
        )
    try:
        descriptor, temporary = tempfile.mkstemp(
            dir=directory, prefix=f".{path.name}.", suffix=".part"
        )
    except OSError as error:
        raise click.ClickException(
            f"Cannot write in {directory} ({error.strerror}); choose another file."
        ) from None
    part = Path(temporary)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            result = write(handle)
            handle.flush()
            # On disk before the rename, so a crash cannot leave a complete name on empty data.
            os.fsync(handle.fileno())
        part.replace(path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return result
