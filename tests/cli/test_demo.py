from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from coffeechat.services.agenda import today
from coffeechat.services.owed import owed
from coffeechat.store.models import Contact
from tests.cli.conftest import coffeechat

MORNING = datetime(2030, 1, 9, 8, 0, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.fixture
def morning(time_machine):
    time_machine.move_to(MORNING, tick=False)


def test_demo_fills_the_home_and_says_what_it_made(owner, run, morning):
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert "Run `coffeechat serve` to look around." in result.output
    counts = {
        line.split(maxsplit=1)[1].split(" (")[0]: int(line.split()[0])
        for line in result.output.splitlines()
        if line.startswith("  ")
    }
    assert counts["contacts"] >= 40
    assert counts["organisations"] >= 8
    assert counts["chats"] >= 25
    assert counts["referrals"] >= 3
    assert counts["follow-ups"] >= 3
    assert "(3 today)" in result.output
    assert Contact.objects.for_owner(owner).count() == counts["contacts"]
    agenda = today(owner)
    assert len(agenda.chats) == 3
    due = owed(owner).today
    assert due.overdue and due.due_within_a_day


def test_demo_twice_refuses_clearly_and_changes_nothing(owner, run, morning):
    assert run("demo").exit_code == 0
    before = Contact.objects.count()
    again = run("demo")
    assert again.exit_code == 1
    assert "already has contacts" in again.output
    assert "Traceback" not in again.output
    assert Contact.objects.count() == before


def test_demo_runs_as_a_real_command_in_a_fresh_home(tmp_path):
    home = tmp_path / "home"
    made = coffeechat("--home", str(home), "demo", TZ="Europe/Berlin")
    assert made.returncode == 0, made.stderr
    assert "Run `coffeechat serve` to look around." in made.stdout
    assert (home / "coffeechat.sqlite3").is_file()
    shown = coffeechat("--home", str(home), "today", TZ="Europe/Berlin")
    assert shown.returncode == 0, shown.stderr
    assert "Chats" in shown.stdout and "Follow-ups" in shown.stdout
    assert "overdue" in shown.stdout
    again = coffeechat("--home", str(home), "demo")
    assert again.returncode == 1
    assert again.stderr.strip().startswith("Error: This home already has contacts")
    assert "Traceback" not in again.stderr
