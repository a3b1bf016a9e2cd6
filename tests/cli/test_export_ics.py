from __future__ import annotations

import stat
from datetime import UTC, datetime

import icalendar
import vobject

from coffeechat.services import calendars
from coffeechat.services.chats import ChatPlan, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact

START = datetime(2030, 5, 6, 12, 0, tzinfo=UTC)


def plan(owner, name: str = "Ada Lovelace", starts_at: datetime = START):
    contact = add_contact(owner, ContactDetails(name=name))
    return plan_chat(owner, ChatPlan(contact, starts_at), allow_overlap=True)


def test_export_ics_writes_every_chat_to_stdout(owner, run):
    chat = plan(owner)
    plan(owner, "Bea Byron", datetime(2030, 5, 7, 9, 0, tzinfo=UTC))
    result = run("export", "ics")
    assert result.exit_code == 0, result.output
    calendar = vobject.readOne(result.stdout)
    summaries = sorted(event.summary.value for event in calendar.vevent_list)
    assert "Coffee chat with Ada Lovelace" in summaries
    assert "Coffee chat with Bea Byron" in summaries
    assert f"UID:{chat.code}@coffeechat" in result.stdout


def test_export_ics_to_a_file_is_whole_private_and_summarised(owner, run, tmp_path):
    plan(owner)
    target = tmp_path / "chats.ics"
    result = run("export", "ics", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"Exported 1 chats to {target}." in result.stderr
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    assert len(calendar.walk("VEVENT")) == 3  # the chat, its buffer and the thank-you
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["chats.ics"]


def test_an_empty_home_exports_an_empty_calendar(owner, run):
    result = run("export", "ics")
    assert result.exit_code == 0
    assert result.stdout.startswith("BEGIN:VCALENDAR")
    assert "BEGIN:VEVENT" not in result.stdout


def test_a_failed_ics_export_leaves_the_old_file_untouched(owner, run, tmp_path, monkeypatch):
    target = tmp_path / "chats.ics"
    target.write_text("the previous export\n", encoding="utf-8")

    def fails(owner, out, **kwargs):
        out.write("BEGIN:VCALENDAR\r\n")
        raise calendars.InvalidInput("Something went wrong half way.")

    monkeypatch.setattr(calendars, "write_ics", fails)
    result = run("export", "ics", "-o", str(target))
    assert result.exit_code == 1
    assert "Something went wrong half way." in result.output
    assert target.read_text(encoding="utf-8") == "the previous export\n"


def test_the_help_shows_an_ics_example(run):
    result = run("export", "--help")
    assert "coffeechat export ics -o chats.ics" in result.output


def test_a_chat_at_the_end_of_time_is_left_out_and_counted(owner, run, tmp_path):
    plan(owner)
    odd = plan(owner, "Bea Byron", datetime(2030, 5, 7, 9, 0, tzinfo=UTC))
    type(odd).objects.filter(pk=odd.pk).update(starts_at=datetime(9999, 12, 31, 23, tzinfo=UTC))
    result = run("export", "ics")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "OverflowError" not in result.output
    assert "Coffee chat with Ada Lovelace" in result.stdout
    assert "Bea Byron" not in result.stdout
    target = tmp_path / "chats.ics"
    result = run("export", "ics", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert f"Exported 1 chats, 1 skipped (dated outside 1900 to 2200) to {target}." in result.stderr
