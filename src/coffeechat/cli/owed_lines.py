"""Lines of text for what the user owes, shared by ``coffeechat followups`` and ``today``.

Each item is one line: a mark ("!" when overdue), what is owed, for whom, the time left and the
due time in the user's zone. Columns line up within a section.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from coffeechat.core.clock import format_clock, format_day, zone
from coffeechat.core.followups import describe_left
from coffeechat.core.text import counted

# Long step texts are cut so a line stays readable in an 100-column terminal.
TEXT_WIDTH = 56


def _short(text: str) -> str:
    return text if len(text) <= TEXT_WIDTH else text[: TEXT_WIDTH - 1].rstrip() + "…"


def _when(moment: datetime, tz: ZoneInfo, clock_format: str) -> str:
    local = moment.astimezone(tz)
    return f"due {format_day(local)}, {format_clock(moment, tz, clock_format)}"


def item_row(item, now: datetime, tz: ZoneInfo, clock_format: str) -> tuple[str, ...]:
    """(mark, what, who, time left, due) for one owed item."""
    if item.kind in ("step", "promise"):
        what = _short(item.text) + (" (theirs)" if item.kind == "promise" else "")
    elif item.kind == "referral":
        what = item.text  # the last column: nothing to line up after it
    elif item.kind == "cadence":
        what = "Keep in touch"
    elif item.kind == "next_step" and item.text:
        what = _short(item.text)
    elif item.kind == "outreach":
        what = _short(request_what(item.request))
    else:
        what = item.label
    who = "" if item.kind == "referral" else item.contact.name
    if item.due_at is None:
        left = "" if item.kind == "referral" else "no date"
        due = ""
    else:
        left = describe_left(int((item.due_at - now).total_seconds()))
        due = _when(item.due_at, tz, clock_format)
        if item.step is not None and item.follow_up is None and item.step.due_on is not None:
            # A step is due on a day, not at the midnight that ends it.
            day = item.step.due_on
            due = f"due {format_day(day)}"
    if item.kind == "promise" and item.nudge is not None and item.is_overdue(now):
        left += ": nudge them once"
    mark = "!" if item.is_overdue(now) else " "
    return (mark, what, who, left, due)


def request_what(due) -> str:
    """What a due 3-and-7 timer asks, most pressing first: the one nudge, then a second person."""
    to_do = []
    if due.nudge_due:
        to_do.append("finish the nudge" if due.nudge is not None else "nudge once")
    if due.second_contact_due:
        if due.suggestions:
            to_do.append("write to " + " or ".join(person.name for person in due.suggestions))
        elif due.organisation is not None:
            to_do.append(f"find someone else at {due.organisation.name}")
        else:
            to_do.append("add where they work to find a second person")
    days = due.timers.waited
    text = "; ".join(to_do)
    return f"{text[:1].upper()}{text[1:]} ({counted(days, 'business day')}, no reply)"


def table(rows: Sequence[tuple[str, ...]]) -> list[str]:
    """Rows as lines, each column as wide as its widest cell, indented by two spaces."""
    if not rows:
        return []
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True) if width]
        lines.append(("  " + "  ".join(cells)).rstrip())
    return lines


def owed_lines(owing, clock_format: str) -> list[str]:
    """The sections of ``coffeechat followups``, each after a blank line and its title."""
    tz = zone(owing.time_zone)
    now = owing.now
    sections = [
        ("Messages", owing.messages),
        ("My next steps", owing.next_steps),
        ("Intros promised to me", owing.intros),
        ("Requests waiting", owing.requests),
    ]
    lines: list[str] = []
    for title, items in sections:
        if items:
            dated = [item_row(item, now, tz, clock_format) for item in items if not item.referral]
            # Names given to me carry one long sentence; they go below, out of the columns.
            names = [f"     {item.text}" for item in items if item.referral]
            lines += ["", title, *table(dated), *names]
    if owing.done:
        rows = []
        for item in owing.done:
            what = _short(item.text) if item.step is not None else item.label
            verb = "sent" if item.follow_up is not None else "done"
            local = item.done_at.astimezone(tz)
            at = f"{format_day(local)}, {format_clock(item.done_at, tz, clock_format)}"
            rows.append(("✓", what, item.contact.name, f"{verb} {at}"))
        from coffeechat.services.owed import DONE_WITHIN

        lines += ["", f"Done in the last {DONE_WITHIN.days} days", *table(rows)]
    return lines
