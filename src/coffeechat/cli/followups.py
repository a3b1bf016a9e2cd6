"""``coffeechat followups``: who the user owes what, soonest first."""

from __future__ import annotations

import click

from coffeechat.cli.common import friendly_errors, local_owner


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object for scripts.")
def followups(as_json: bool) -> None:
    """List the follow-ups you owe, soonest first, with overdue ones marked "!".

    Messages (thank-yous, keep-in-touch and add-value notes, outreach nudges) come first, then
    the next steps you promised and the introductions promised to you, then requests for a chat
    whose 3-and-7 business-day timers are due, then what you finished in the last two days.
    Messages show a week ahead; a thank-you shows as soon as it is owed. Times are in the time
    zone from your preferences.

    With --json it prints one JSON object instead (docs/owed.md describes every key):
    "version", "now", "time_zone", "owed" (every open item in the order above, each with
    section, kind, label, text, contact, due_at, urgency ("overdue", "soon", "later",
    "undated"), seconds_left and the codes of the follow-up, step, chat, request or referral
    behind it) and "done" (kind, label, text, contact, done_at, follow_up, step). Moments are
    in UTC.

    \b
    Example:
      coffeechat followups
      coffeechat --home /tmp/coffeechat-demo followups
      coffeechat followups --json | jq '[.owed[] | select(.urgency == "overdue")] | length'
    """
    owner = local_owner()
    from coffeechat.cli.owed_lines import owed_lines
    from coffeechat.services.accounts import ensure_preferences
    from coffeechat.services.owed import owed

    with friendly_errors():
        preferences = ensure_preferences(owner)
        owing = owed(owner)
    if as_json:
        from coffeechat.cli.owed_json import dumps, followups_document

        click.echo(dumps(followups_document(owing)))
        return
    click.echo(f"Follow-ups owed, soonest first (times in {owing.time_zone})")
    if owing.is_empty:
        click.echo(
            "Nothing owed: no thank-yous, promises or reminders. After your next chat, "
            "the thank-you shows here with its deadline."
        )
        return
    for line in owed_lines(owing, preferences.clock_format):
        click.echo(line)
