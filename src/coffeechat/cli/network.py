"""``coffeechat network``: contacts per degree, referral yield per chat, the longest chains."""

from __future__ import annotations

import textwrap

import click

from coffeechat.cli.common import friendly_errors, local_owner
from coffeechat.core.text import counted

WIDTH = 80


def _names(names: list[str], count: int) -> str:
    shown = ", ".join(names)
    left = count - len(names)
    return f"{shown} and {left} more" if left > 0 and names else shown


def _wrapped(text: str, indent: int) -> str:
    return textwrap.fill(
        text, WIDTH, initial_indent=" " * indent, subsequent_indent=" " * indent
    ).lstrip()


@click.command()
@click.option(
    "--names",
    "most_names",
    type=click.IntRange(0, 1000),
    default=8,
    show_default=True,
    help="How many names to list for each degree before 'and N more'.",
)
@click.option(
    "--chains",
    "most_chains",
    type=click.IntRange(0, 100),
    default=5,
    show_default=True,
    help="How many of the longest chains to print.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object for scripts.")
def network(most_names: int, most_chains: int, as_json: bool) -> None:
    """Show your network: contacts per degree, referrals per chat and the longest chains.

    People you reached yourself are 1st degree; someone they referred you to is 2nd, and so
    on, along the shortest chain. Merged contacts count once, as the contact they were merged
    into. The web app's Network page shows the same with a picture.

    With --json it prints one JSON object instead (docs/network.md describes every key):
    "version", "total" (contacts), "deepest" (degree), "degrees" (degree, count and every
    contact at it, with code and name: --names shortens the text only), "yield" (held_chats,
    referrals, per_chat), "chats" (every held chat or chat that led to a referral, most
    referrals first: code, starts_at, status, contact, referrals), "chains" (the --chains
    longest: length, contacts) and "opportunities" (code, kind, title, arose_on, contact and
    the chain it is credited along). Moments are in UTC.

    \b
    Example:
      coffeechat network
      coffeechat network --names 20 --chains 10
      coffeechat network --json | jq '.degrees | map({degree, count})'
    """
    owner = local_owner()
    from coffeechat.core.clock import zone
    from coffeechat.core.network import ordinal
    from coffeechat.services.accounts import ensure_preferences
    from coffeechat.services.network import network_of

    with friendly_errors():
        preferences = ensure_preferences(owner)
        view = network_of(owner)
    if as_json:
        from coffeechat.cli.network_json import network_document
        from coffeechat.cli.owed_json import dumps

        click.echo(dumps(network_document(view, most_chains)))
        return
    tz = zone(preferences.time_zone)
    total = view.total
    if not total:
        click.echo(
            "No contacts yet, so no network. Add people with `coffeechat serve` "
            "or `coffeechat demo` to try it out."
        )
        return
    counts = view.reach()
    levels = view.per_degree(most_names)
    deepest = levels[-1][0]
    click.echo(f"Your network: {counted(total, 'contact')}, {counted(deepest, 'degree')} deep")

    click.echo("")
    click.echo("Contacts per degree")
    count_width = len(str(max(counts.values())))
    for degree, people in levels:
        head = f"  {ordinal(degree):>4}  {counts[degree]:>{count_width}}  "
        names = _names([contact.name for contact in people], counts[degree])
        click.echo(head + _wrapped(names, len(head)) if names else head.rstrip())

    click.echo("")
    click.echo("Referral yield")
    yields = view.yields
    if yields.held:
        click.echo(
            f"  {counted(yields.referrals, 'referral')} from "
            f"{counted(yields.held, 'held chat')}: "
            f"{yields.rate:.2f} per chat"
        )
    else:
        click.echo("  No chats held yet.")
    for item in view.chat_yields(5, led_nowhere=False):
        local = item.chat.starts_at.astimezone(tz)
        click.echo(
            f"  {item.referrals:>3}  {item.chat.contact.name}, {local:%a} {local.day} {local:%b %Y}"
        )

    click.echo("")
    click.echo("Longest chains")
    chains = view.longest_chains(most_chains)
    if not chains:
        click.echo("  None yet: nobody has referred you on. Ask for a name or two in each chat.")
    for chain in chains:
        head = f"  {len(chain):>3}  "
        click.echo(head + _wrapped(" → ".join(contact.name for contact in chain), len(head)))
