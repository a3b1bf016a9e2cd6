"""``coffeechat import``: contacts from LinkedIn, Google Contacts or vCard files, and undo."""

from __future__ import annotations

import sys
from pathlib import Path
from uuid import UUID

import click

from coffeechat.cli.common import friendly_errors, owner_for, user_option
from coffeechat.core.text import counted

# Skips and changes listed one per line; a longer list ends with "and N more".
SHOWN = 20
# Below this size an import takes about a second: no progress bar.
PROGRESS_BYTES = 2 * 1024 * 1024
UNDO_PAGE = "/import/"


@click.group(name="import")
def import_group() -> None:
    """Import contacts from a file, or undo an import.

    Each row or card is matched against your contacts by LinkedIn profile, then email, then name
    and organisation: a match is updated (empty fields filled, new emails, phones and tags
    added, organisation and title replaced by the file's), anything else becomes a new contact.
    The whole file is imported in one go or not at all. docs/import.md tells how to get each
    file and what is matched and changed.

    \b
    Example:
      coffeechat import linkedin ~/Downloads/Basic_LinkedInDataExport.zip --dry-run
      coffeechat import google contacts.csv
      coffeechat import vcard phone.vcf
      coffeechat import vcard phone.vcf --user sam@example.edu    (server mode)
    """


def _source_command(source: str, what: str, example: str) -> click.Command:
    @click.command(
        name=source,
        help=f"""Import FILE, {what}.

        Prints how many contacts are new, updated, unchanged and skipped (with the line of each
        skip and why), who changed organisation or title, and the code to undo the import with.
        With --dry-run nothing is written: the counts are exactly what an import would do.

        \b
        Example:
          {example}
        """,
    )
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Show what would happen; change nothing.")
    @user_option
    def command(file: Path, dry_run: bool, user_email: str | None) -> None:
        _run(source, file, dry_run, user_email)

    return command


def _run(source: str, file: Path, dry_run: bool, user_email: str | None) -> None:
    owner = owner_for(user_email)
    from coffeechat.services.imports import import_file

    size = file.stat().st_size
    with friendly_errors():
        if size >= PROGRESS_BYTES and sys.stderr.isatty():
            with click.progressbar(
                length=size, label="Importing", file=sys.stderr, show_eta=True
            ) as bar:
                state = {"done": 0}

                def progress(done: int, total: int) -> None:
                    # The total is the CSV inside a ZIP archive, not the archive's own size.
                    bar.length = max(total, 1)
                    bar.update(done - state["done"])
                    state["done"] = done

                report = import_file(owner, source, file, dry_run=dry_run, progress=progress)
        else:
            report = import_file(owner, source, file, dry_run=dry_run)
    _print(report)


def _print(report) -> None:
    verb = "Would import" if report.dry_run else "Imported"
    noun = "record" if report.total == 1 else "records"
    click.echo(f"{verb} {report.file_name}: {report.total:,} {noun}.")
    click.echo(
        f"  {report.new} new, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.skipped)} skipped (= {report.total})."
    )
    _by_line("Skipped:", report.skipped)
    # Not an email address, not an http(s) profile, a day outside 1900-2200 (core.fields).
    _by_line("Imported, with a note (each record came in, as its line says):", report.left_out)
    if report.changes:
        click.echo("Changed organisation or title:" if not report.dry_run else "Would change:")
        for change in report.changes[:SHOWN]:
            parts = []
            if change.organisation:
                parts.append(f"{change.organisation[0]} -> {change.organisation[1]}")
            if change.role:
                parts.append(f"{change.role[0]} -> {change.role[1]}")
            click.echo(f"  {change.name}: {'; '.join(parts)}")
        if len(report.changes) > SHOWN:
            click.echo(f"  and {len(report.changes) - SHOWN} more")
    if report.dry_run:
        click.echo("Dry run: nothing was written.")
    else:
        click.echo(f"Import {report.batch_code}.")
        click.echo(
            f"To undo it: coffeechat import undo {report.batch_code}, or the web app's "
            f"{UNDO_PAGE} page."
        )


@click.command()
@click.argument("code")
@user_option
def undo(code: str, user_email: str | None) -> None:
    """Undo the import CODE: remove the contacts it created, put back what it changed.

    A created contact that has gained a chat, note, next step, referral, follow-up,
    opportunity or outreach since is kept, and named. A field is put back only while it still
    holds what the import wrote. CODE is printed by the import and listed at /import/.

    \b
    Example:
      coffeechat import undo 1b4e28ba-2fa1-11d2-883f-0016d3cca427
    """
    try:
        batch_code = UUID(code)
    except ValueError:
        raise click.ClickException(f"{code!r} is not an import code.") from None
    owner = owner_for(user_email)
    from django.core.exceptions import ObjectDoesNotExist

    from coffeechat.services.imports import undo_batch

    with friendly_errors():
        try:
            report = undo_batch(owner, batch_code)
        except ObjectDoesNotExist:
            raise click.ClickException(f"There is no import {code}.") from None
    click.echo(
        f"Undone: {counted(report.removed, 'contact')} removed, "
        f"{counted(report.restored, 'contact')} put back as they were."
    )
    if report.kept:
        click.echo(
            f"Kept because they have chats, notes or follow-ups since: {_names(report.kept)}."
        )
    if report.merged:
        click.echo(
            f"Left as they are, as contacts it added were merged into them: "
            f"{_names(report.merged)}."
        )


def _names(names: tuple[str, ...]) -> str:
    more = len(names) - SHOWN
    return ", ".join(names[:SHOWN]) + (f" and {more} more" if more > 0 else "")


import_group.add_command(
    _source_command(
        "linkedin",
        "LinkedIn's Connections.csv or the ZIP archive LinkedIn sends",
        "coffeechat import linkedin ~/Downloads/Basic_LinkedInDataExport.zip",
    )
)
import_group.add_command(
    _source_command(
        "google",
        'a Google Contacts export ("Google CSV")',
        "coffeechat import google contacts.csv --dry-run",
    )
)
import_group.add_command(
    _source_command(
        "vcard",
        "a vCard file (.vcf) from a phone or an address book",
        "coffeechat import vcard contacts.vcf",
    )
)
import_group.add_command(undo)


def _by_line(heading: str, items) -> None:
    """Up to SHOWN items that each have a line and a reason, under ``heading``; none, nothing."""
    if not items:
        return
    click.echo(heading)
    for item in items[:SHOWN]:
        click.echo(f"  line {item.line}: {item.reason}")
    if len(items) > SHOWN:
        click.echo(f"  and {len(items) - SHOWN} more")
