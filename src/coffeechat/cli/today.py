"""``coffeechat today``: the chats on today and the follow-ups owed by tonight."""

from __future__ import annotations

import click

from coffeechat.cli.common import friendly_errors, local_owner


@click.command()
def today() -> None:
    """Show today's chats, the follow-ups due or overdue, and your next steps due.

    "Today" is your own calendar day in the time zone from your preferences, and times use your
    12- or 24-hour clock. Follow-ups (thank-yous, nudges, keep-in-touch reminders) list the
    overdue ones first; next steps you promised follow, when they are due by tonight, then
    requests for a chat whose 3-and-7 business-day timers are due (write to someone else at
    the organisation, or nudge once). For everything owed later, run `coffeechat followups`.

    \b
    Example:
      coffeechat today
      coffeechat --home /tmp/coffeechat-demo today
    """
    owner = local_owner()
    from coffeechat.cli.owed_lines import item_row, table
    from coffeechat.core.clock import day_bounds, format_clock, zone
    from coffeechat.core.followups import describe_left
    from coffeechat.services.accounts import ensure_preferences
    from coffeechat.services.agenda import today as agenda_for
    from coffeechat.services.owed import owed

    with friendly_errors():
        preferences = ensure_preferences(owner)
        agenda = agenda_for(owner)
        owing = owed(owner, agenda.now)
    tz = zone(agenda.time_zone)
    local = agenda.day_starts.astimezone(tz)
    _, tonight = day_bounds(local.date(), tz)
    # Rows of the follow-ups list: (kind, name, due); reminders from a contact's cadence have no
    # row of their own in the database, so they join the follow-ups here.
    follow_ups = [
        (item.get_kind_display(), item.contact.name, item.due_at) for item in agenda.follow_ups
    ]
    follow_ups += [
        (item.label, item.contact.name, item.due_at)
        for item in owing.reminders
        if item.kind == "cadence" and item.due_at is not None and item.due_at < tonight
    ]
    follow_ups.sort(key=lambda row: row[2])
    steps = [
        item
        for item in owing.next_steps
        if item.kind == "step" and item.due_at is not None and item.due_at <= tonight
    ]
    # Due 3-and-7 timers: each is something to do now (write to someone else, or nudge once).
    requests = [item for item in owing.nudges if item.kind == "outreach"]
    click.echo(f"Today, {local:%A} {local.day} {local:%B %Y} ({agenda.time_zone})")
    if not agenda.chats and not follow_ups and not steps and not requests:
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
    if not follow_ups:
        click.echo("  Nothing due today.")
    for line in table(
        [
            (kind, name, describe_left(int((due_at - agenda.now).total_seconds())))
            for kind, name, due_at in follow_ups
        ]
    ):
        click.echo(line)
    if steps:
        click.echo("")
        click.echo("Next steps")
        rows = [item_row(item, agenda.now, tz, preferences.clock_format) for item in steps]
        # Today's steps need no date: the mark, the step, the person and the time left.
        for line in table([row[:4] for row in rows]):
            click.echo(line)
    if requests:
        click.echo("")
        click.echo("Requests waiting")
        rows = [item_row(item, agenda.now, tz, preferences.clock_format) for item in requests]
        # What to do and for whom; the time left says how long it has been due.
        for line in table([row[:4] for row in rows]):
            click.echo(line)
