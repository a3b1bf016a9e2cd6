"""``coffeechat restore``: load a JSON export into an empty home."""

from __future__ import annotations

from pathlib import Path

import click

from coffeechat.cli.common import friendly_errors, local_owner
from coffeechat.cli.export import LABELS


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore(file: Path) -> None:
    """Restore FILE, a JSON export, into this home, which must be empty.

    FILE is what `coffeechat export json` writes (docs/export-format.md). The whole file is
    checked first (its format, its version, every reference); then every item is created in one
    go, keeping its code and its dates, so exporting again gives the same document. Nothing is
    written when anything is wrong, or when the home already holds data. A backup made by
    `coffeechat backup` is restored differently: see docs/backup.md.

    \b
    Example:
      coffeechat --home ~/cc-new restore ~/backups/coffeechat.json
    """
    owner = local_owner()
    from coffeechat.services.restore import restore_json

    with friendly_errors():
        counts = restore_json(owner, file)
    summary = ", ".join(f"{count} {LABELS.get(key, key)}" for key, count in counts.items() if count)
    click.echo(f"Restored {summary or 'an empty export'} from {file}.")
