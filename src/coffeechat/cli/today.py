"""``coffeechat today``: the chats on today and what is owed by tonight."""

from __future__ import annotations

import click

from coffeechat.cli.common import friendly_errors, local_owner


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object for scripts.")
def today(as_json: bool) -> None:
    """Show today's chats and everything owed by tonight, overdue first.

    "Today" is your own calendar day in the time zone from your preferences, and times use your
    12- or 24-hour clock. Follow-ups (thank-yous, nudges, keep-in-touch and add-value reminders)
    list the overdue ones first; next steps follow (yours, and promises made to you, "(theirs)"),
    then requests for a chat whose 3-and-7 business-day timers are due (write to someone else at
    the organisation, or nudge once). It lists the part of `coffeechat followups` (and of the
    home page) that is due by tonight: the same rule decides both, so a snoozed item, or a nudge
    for a request that was answered, shows in neither.

    With --json it prints one JSON object instead (docs/owed.md describes every key):
    "version", "now", "day", "time_zone", "chats" (code, starts_at, minutes, status, contact,
    organisation, time_zone) and "owed", the items due by tonight in the order above, each with
    section, kind, label, text, contact, due_at, urgency ("overdue", "soon", "later"),
    seconds_left and the codes of the follow-up, step, chat, request or referral behind it.
    Moments are in UTC.

    \b
    Example:
      coffeechat today
      coffeechat --home /tmp/coffeechat-demo today
      coffeechat today --json | jq '.owed[] | select(.urgency == "overdue") | .contact.name'
    """
    owner = local_owner()
    from coffeechat.cli.owed_lines import item_row, table
    from coffeechat.core.clock import format_clock, zone
    from coffeechat.services.accounts import ensure_preferences
    from coffeechat.services.agenda import today as agenda_for
    from coffeechat.services.owed import owed

    with friendly_errors():
        preferences = ensure_preferences(owner)
        agenda = agenda_for(owner)
        due = owed(owner, agenda.now).today
    tz = zone(agenda.time_zone)
    local = agenda.day_starts.astimezone(tz)
    if as_json:
        from coffeechat.cli.owed_json import dumps, today_document

        click.echo(dumps(today_document(agenda, due)))
        return
    messages = due.messages
    # Today's items all have a date (Owed.today keeps dated ones only).
    steps = sorted([*due.next_steps, *due.intros], key=lambda item: item.due_at)  # type: ignore[arg-type,return-value]
    click.echo(f"Today, {local:%A} {local.day} {local:%B %Y} ({agenda.time_zone})")
    if not agenda.chats and not due.open_items:
        click.echo(
            "Nothing on today: no chats and no follow-ups due. "
            "Plan your next chat with `coffeechat serve`."
        )
        return

    def clock(moment, where=tz) -> str:
        return format_clock(moment, where, preferences.clock_format)

    click.echo("")
    click.echo("Chats")
    if not agenda.chats:
        click.echo("  No chats today.")
    for chat in agenda.chats:
        contact = chat.contact
        parts = [contact.name]
        if contact.organisation is not None:
            parts.append(contact.organisation.name)
        parts.append(f"{chat.agreed_minutes} min")
        if chat.time_zone and chat.time_zone != agenda.time_zone:
            parts.append(f"their time {clock(chat.starts_at, zone(chat.time_zone))}")
        if chat.status != "planned":
            parts.append(chat.get_status_display().lower())
        click.echo(f"  {clock(chat.starts_at):>8}  " + " · ".join(parts))

    click.echo("")
    click.echo("Follow-ups")
    if not messages:
        click.echo("  Nothing due today.")
    # Messages need neither mark nor date: what, for whom, and the time left.
    rows = [item_row(item, due.now, tz, preferences.clock_format) for item in messages]
    for line in table([row[1:4] for row in rows]):
        click.echo(line)
    if steps:
        click.echo("")
        click.echo("Next steps")
        rows = [item_row(item, due.now, tz, preferences.clock_format) for item in steps]
        # Today's steps need no date: the mark, the step, the person and the time left.
        for line in table([row[:4] for row in rows]):
            click.echo(line)
    if due.requests:
        click.echo("")
        click.echo("Requests waiting")
        rows = [item_row(item, due.now, tz, preferences.clock_format) for item in due.requests]
        # What to do and for whom; the time left says how long it has been due.
        for line in table([row[:4] for row in rows]):
            click.echo(line)
