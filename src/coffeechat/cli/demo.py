from __future__ import annotations

import click


@click.command()
def demo() -> None:
    """Fill the current home with a realistic demo network."""
    raise click.ClickException("not yet")
