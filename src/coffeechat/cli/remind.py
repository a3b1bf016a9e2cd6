"""``coffeechat remind``: send the reminders that are due, each once, then exit."""

from __future__ import annotations

import click

from coffeechat.cli.bootstrap import ready, use_database_of
from coffeechat.cli.common import friendly_errors, owner_in


@click.command()
@click.option("--dry-run", is_flag=True, help="List what would go out; send nothing.")
@click.option(
    "--user",
    "user_email",
    metavar="EMAIL",
    help="Server mode: serve this account only, by its email address (default: everyone).",
)
def remind(dry_run: bool, user_email: str | None) -> None:
    """Send the reminders that are due now, each once, and exit.

    Reminders go on the channels you turned on in Preferences, Reminders: a digest by email
    each day at the hour you chose, an email a few hours before a thank-you is due, and a push
    to your ntfy topic when something comes due. Quiet hours hold back all but the digest.
    A reminder is sent once per channel however often this runs, and however many runs overlap,
    so it is safe to run every few minutes from cron, a systemd timer or launchd
    (docs/reminders.md shows each). `coffeechat serve` does the same every few minutes while
    it runs. A reminder that fails is tried again by later runs, waiting longer each time;
    Preferences, Reminders shows what was sent and what failed, and why.

    In server mode one run serves every user who turned a channel on; --user EMAIL serves
    that one account only.

    Exit status: 0 when everything due went out (or nothing was due), 1 when something failed.

    \b
    Examples:
      coffeechat remind --dry-run
      coffeechat remind --user sam@example.edu --dry-run    (server mode)
      */5 * * * * coffeechat remind     (a crontab line: every five minutes)
    """
    config = ready()
    use_database_of(config)
    from coffeechat.services.reminders import remind as run

    owner = None
    if config.is_local or user_email is not None:
        # The local owner, or the one account --user names (refused in local mode).
        owner = owner_in(config, user_email)
    with friendly_errors():
        report = run(dry_run=dry_run, owner=owner)
    shown = [outcome for outcome in report.outcomes if outcome.status != "skipped"]
    for outcome in shown:
        click.echo(outcome_line(outcome, several_users=not config.is_local))
    if not shown:
        if not report.users:
            click.echo(
                "No reminders are turned on. Choose how they reach you in Preferences, Reminders."
            )
        elif dry_run:
            click.echo("Nothing would go out now.")
        else:
            click.echo("Nothing to send now.")
    if report.busy:
        click.echo(f"Another run was serving {report.busy} of the users; it sends theirs.")
    if report.failed:
        raise SystemExit(1)


KIND = {"digest": "daily digest", "due_soon": "due soon", "due": "due"}


def outcome_line(outcome, *, several_users: bool = False) -> str:
    """One line per reminder: what happened, on which channel, and what it said."""
    status = {
        "sent": "Sent",
        "failed": "Failed",
        "would send": "Would send",
    }[outcome.status]
    what = f'{status} by {outcome.channel} ({KIND[outcome.kind]}): "{outcome.subject}"'
    if several_users:
        what = f"{outcome.who}: {what}"
    if outcome.status == "failed":
        what += f". {outcome.error}"
        if outcome.next_try_at is not None:
            what += f" Trying again after {outcome.next_try_at:%H:%M} UTC."
        else:
            what += " No more tries: it is in the next digest."
    return what
