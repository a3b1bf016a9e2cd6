"""``coffeechat followups``: what is owed, soonest first, overdue marked."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.followups import add_follow_up, add_next_step, mark_sent
from coffeechat.services.network import add_referral
from coffeechat.services.owed import snooze

BERLIN = ZoneInfo("Europe/Berlin")
MORNING = datetime(2030, 1, 9, 8, 0, tzinfo=BERLIN)  # a Wednesday


@pytest.fixture
def morning(time_machine):
    time_machine.move_to(MORNING, tick=False)


def person(owner, name: str, **details):
    return add_contact(owner, ContactDetails(name=name, **details))


def test_nothing_owed_says_so_and_what_comes_next(owner, run, morning):
    result = run("followups")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "Follow-ups owed, soonest first (times in Europe/Berlin)",
        "Nothing owed: no thank-yous, promises or reminders. After your next chat, "
        "the thank-you shows here with its deadline.",
    ]


def test_messages_come_soonest_first_with_overdue_ones_marked(owner, run, morning):
    ada, bea = person(owner, "Ada Lovelace"), person(owner, "Bea")
    add_follow_up(owner, bea, "outreach_nudge", MORNING + timedelta(days=2))
    add_follow_up(owner, ada, "thank_you", MORNING + timedelta(hours=3))
    add_follow_up(owner, bea, "thank_you", MORNING - timedelta(days=2))
    result = run("followups")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    messages = lines[lines.index("Messages") + 1 :]
    assert messages == [
        "  !  Thank-you       Bea           2 days overdue  due Mon 7 Jan, 08:00",
        "     Thank-you       Ada Lovelace  3 h left        due Wed 9 Jan, 11:00",
        "     Outreach nudge  Bea           2 days left     due Fri 11 Jan, 08:00",
    ]


def test_next_steps_and_promised_intros_follow_the_messages(owner, run, morning):
    ada, bea = person(owner, "Ada"), person(owner, "Bea")
    add_next_step(owner, ada, "Send Ada the rubric", due_on=date(2030, 1, 8))
    add_next_step(owner, ada, "Read the report")
    add_next_step(owner, ada, "Ada will introduce me to Bea", side="them", due_on=date(2030, 1, 12))
    add_referral(owner, ada, bea, status="intro_asked")
    output = run("followups").output
    lines = output.splitlines()
    steps = lines[lines.index("My next steps") + 1 : lines.index("Intros promised to me") - 1]
    assert steps == [
        "  !  Send Ada the rubric  Ada  8 h overdue  due Tue 8 Jan",
        "     Read the report      Ada  no date",
    ]
    intros = lines[lines.index("Intros promised to me") + 1 :]
    assert intros == [
        "     Ada will introduce me to Bea (theirs)  Ada  3 days left  due Sat 12 Jan",
        "     Ada agreed to introduce you to Bea",
    ]


def test_it_shows_what_was_done_in_the_last_two_days(owner, run, morning):
    ada = person(owner, "Ada")
    thank_you = add_follow_up(owner, ada, "thank_you", MORNING)
    mark_sent(owner, thank_you, sent_at=MORNING - timedelta(hours=2))
    output = run("followups").output
    assert "Done in the last 2 days" in output
    assert "  ✓  Thank-you  Ada  sent Wed 9 Jan, 06:00" in output


def test_a_snoozed_follow_up_is_left_out(owner, run, morning):
    ada = person(owner, "Ada")
    snooze(owner, add_follow_up(owner, ada, "thank_you", MORNING), MORNING + timedelta(days=1))
    assert "Nothing owed" in run("followups").output


def test_a_keep_in_touch_reminder_shows_from_the_cadence(owner, run, morning, time_machine):
    person(owner, "Ada", keep_in_touch_days=30)
    time_machine.move_to(MORNING + timedelta(days=31), tick=False)
    output = run("followups").output
    assert "!  Keep in touch  Ada  1 day overdue" in output


def test_the_demo_owes_thank_yous_steps_and_intros(owner, run, morning):
    assert run("demo").exit_code == 0
    result = run("followups")
    assert result.exit_code == 0
    for heading in ("Messages", "My next steps", "Intros promised to me"):
        assert heading in result.output.splitlines()
    assert "  !  Thank-you" in result.output


def test_followups_is_in_the_command_reference(run):
    assert re.search(r"followups +List the follow-ups you owe", run("--help").output)


def test_requests_waiting_say_who_to_write_to_or_to_nudge_once(owner, run, morning):
    from coffeechat.services.outreach import log_outreach

    ada = person(owner, "Ada Lovelace", organisation="Acme")
    person(owner, "Bob Smith", organisation="Acme")
    cleo = person(owner, "Cleo", organisation="Initech")
    lee = person(owner, "Lee")
    # Friday 4 January, 07:00: three business days later is this morning at 07:00.
    log_outreach(owner, ada, "Hello?", sent_at=datetime(2030, 1, 4, 7, tzinfo=BERLIN))
    log_outreach(owner, lee, "Hello?", sent_at=datetime(2030, 1, 4, 7, tzinfo=BERLIN))
    # Monday 31 December, 07:00: seven business days later is this morning too.
    log_outreach(owner, cleo, "Hello?", sent_at=datetime(2029, 12, 31, 7, tzinfo=BERLIN))
    lines = run("followups").output.splitlines()
    assert lines[lines.index("Requests waiting") + 1 :] == [
        "  !  Nudge once; find someone else at Initech (7 business da…  Cleo          "
        "1 h overdue  due Wed 9 Jan, 07:00",
        "  !  Write to Bob Smith (3 business days, no reply)            Ada Lovelace  "
        "1 h overdue  due Wed 9 Jan, 07:00",
        "  !  Add where they work to find a second person (3 business…  Lee           "
        "1 h overdue  due Wed 9 Jan, 07:00",
    ]
