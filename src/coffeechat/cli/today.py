from __future__ import annotations

import click


@click.command()
def today() -> None:
    """Show today."""
    raise click.ClickException("not yet")
