"""``coffeechat demo``: fill an empty home with an invented network to look around in."""

from __future__ import annotations

import click

from coffeechat.cli.common import friendly_errors, local_owner


@click.command()
def demo() -> None:
    """Fill the current home with a realistic demo network.

    Invents about 45 contacts across 10 organisations, with chats held in the past (with notes,
    next steps and thank-yous, some overdue), chats today and upcoming ones, referrals three
    degrees deep, opportunities, a pitch and a few stories. Times are placed around now, so the
    demo always looks current. The home must have no contacts yet: the demo never mixes with
    your own data, so try it in a home of its own.

    \b
    Example:
      coffeechat --home /tmp/coffeechat-demo demo
      coffeechat --home /tmp/coffeechat-demo serve
    """
    owner = local_owner()
    from coffeechat.config import load
    from coffeechat.services.demo import fill_demo

    with friendly_errors():
        summary = fill_demo(owner)
    click.echo(f"Filled the home at {load().home} with a demo network:")
    width = max(len(str(count)) for count in summary.counts.values())
    for label, count in summary.counts.items():
        extra = f" ({summary.chats_today} today)" if label == "chats" else ""
        click.echo(f"  {count:>{width}} {label}{extra}")
    click.echo("Run `coffeechat serve` to look around.")
