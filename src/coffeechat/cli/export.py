from __future__ import annotations

import click


@click.command()
def export() -> None:
    """Export."""
    raise click.ClickException("not yet")
