"""``coffeechat today``: the chats on today and the follow-ups owed by tonight."""

from __future__ import annotations

import click

from coffeechat.cli.common import friendly_errors, local_owner


@click.command()
def today() -> None:
    """Show today's chats and the follow-ups due or overdue.

    "Today" is your own calendar day in the time zone from your preferences, and times use your
    12- or 24-hour clock. Follow-ups list the overdue ones first.

    \b
    Example:
      coffeechat today
      coffeechat --home /tmp/coffeechat-demo today
    """
    owner = local_owner()
    from coffeechat.core.clock import format_clock, zone
    from coffeechat.core.followups import describe_left
    from coffeechat.services.accounts import ensure_preferences
    from coffeechat.services.agenda import today as agenda_for

    with friendly_errors():
        preferences = ensure_preferences(owner)
        agenda = agenda_for(owner)
    tz = zone(agenda.time_zone)
    local = agenda.day_starts.astimezone(tz)
    click.echo(f"Today, {local:%A} {local.day} {local:%B %Y} ({agenda.time_zone})")
    if not agenda.chats and not agenda.follow_ups:
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
    if not agenda.follow_ups:
        click.echo("  Nothing due today.")
    kind_width = max((len(item.get_kind_display()) for item in agenda.follow_ups), default=0)
    name_width = max((len(item.contact.name) for item in agenda.follow_ups), default=0)
    for item in agenda.follow_ups:
        left = describe_left(int((item.due_at - agenda.now).total_seconds()))
        click.echo(
            f"  {item.get_kind_display():<{kind_width}}  {item.contact.name:<{name_width}}  {left}"
        )
