from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coffeechat.services.chats import ChatPlan, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.followups import add_follow_up, add_next_step
from coffeechat.services.nextsteps import add_step
from coffeechat.services.owed import snooze, snooze_reminders
from tests.services.prefs import set_preferences

BERLIN = ZoneInfo("Europe/Berlin")
MORNING = datetime(2030, 1, 9, 8, 0, tzinfo=BERLIN)  # a Wednesday


@pytest.fixture
def morning(time_machine):
    time_machine.move_to(MORNING, tick=False)


@pytest.fixture
def ada(owner):
    return add_contact(
        owner,
        ContactDetails(
            name="Ada Lovelace", organisation="Analytical", time_zone="America/New_York"
        ),
    )


def test_an_empty_day_gets_a_friendly_line(owner, run, morning):
    result = run("today")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "Today, Wednesday 9 January 2030 (Europe/Berlin)",
        "Nothing on today: no chats and no follow-ups due. "
        "Plan your next chat with `coffeechat serve`.",
    ]


def test_it_lists_chats_in_my_zone_and_follow_ups_overdue_first(owner, run, morning, ada):
    plan_chat(
        owner,
        ChatPlan(ada, datetime(2030, 1, 9, 15, 0, tzinfo=BERLIN), agreed_minutes=30),
    )
    bea = add_contact(owner, ContactDetails(name="Bea"))
    add_follow_up(owner, bea, "thank_you", MORNING + timedelta(hours=3))
    add_follow_up(owner, ada, "add_value", MORNING - timedelta(days=2, hours=1))
    result = run("today")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Today, Wednesday 9 January 2030 (Europe/Berlin)"
    assert "   15:00  Ada Lovelace · Analytical · 30 min" in result.output
    follow_ups = lines[lines.index("Follow-ups") + 1 :]
    assert follow_ups == [
        "  Add value  Ada Lovelace  2 days overdue",
        "  Thank-you  Bea           3 h left",
    ]


def test_a_remote_chat_shows_their_local_time_too(owner, run, morning, ada):
    chat = ChatPlan(ada, datetime(2030, 1, 9, 15, 0, tzinfo=BERLIN), time_zone="America/New_York")
    plan_chat(owner, chat)
    assert "their time 09:00" in run("today").output


def test_times_follow_my_clock_format(owner, run, morning, ada):
    set_preferences(owner, clock_format="12")
    plan_chat(owner, ChatPlan(ada, datetime(2030, 1, 9, 16, 30, tzinfo=BERLIN)))
    assert "4:30 pm  Ada Lovelace" in run("today").output


def test_a_day_without_chats_says_so_but_lists_follow_ups(owner, run, morning, ada):
    add_follow_up(owner, ada, "thank_you", MORNING + timedelta(hours=1))
    output = run("today").output
    assert "No chats today." in output
    assert "Thank-you  Ada Lovelace  1 h left" in output


def test_the_demo_day_shows_its_three_chats(owner, run, morning):
    assert run("demo").exit_code == 0
    output = run("today").output
    for clock in ("10:00", "14:00", "16:30"):
        assert f"   {clock}  " in output
    assert "overdue" in output
    assert "left" in output


def test_next_steps_mine_and_theirs_due_by_tonight_follow_the_follow_ups(owner, run, morning, ada):
    add_next_step(owner, ada, "Send Ada the rubric", due_on=date(2030, 1, 8))
    add_next_step(owner, ada, "Share my portfolio", due_on=date(2030, 1, 9))
    add_next_step(owner, ada, "Read the report", due_on=date(2030, 1, 10))
    add_next_step(owner, ada, "Ada will introduce me", side="them", due_on=date(2030, 1, 8))
    lines = run("today").output.splitlines()
    steps = lines[lines.index("Next steps") + 1 :]
    assert steps == [
        "  !  Send Ada the rubric             Ada Lovelace  8 h overdue",
        "  !  Ada will introduce me (theirs)  Ada Lovelace  8 h overdue",
        "     Share my portfolio              Ada Lovelace  16 h left",
    ]


def test_a_keep_in_touch_reminder_due_today_joins_the_follow_ups(owner, run, morning, time_machine):
    add_contact(owner, ContactDetails(name="Ada Lovelace", keep_in_touch_days=30))
    time_machine.move_to(MORNING + timedelta(days=30, hours=-1), tick=False)
    follow_ups = run("today").output.splitlines()
    assert follow_ups[follow_ups.index("Follow-ups") + 1 :] == [
        "  Keep in touch  Ada Lovelace  1 h left",
    ]


def test_a_snoozed_follow_up_is_not_due_today(owner, run, morning, ada):
    thank_you = add_follow_up(owner, ada, "thank_you", MORNING + timedelta(hours=1))
    snooze(owner, thank_you, MORNING + timedelta(days=2))
    assert "Nothing on today" in run("today").output


def test_today_lists_the_requests_whose_timers_are_due(owner, run, morning):
    from coffeechat.services.outreach import log_outreach

    cleo = add_contact(owner, ContactDetails(name="Cleo", organisation="Initech"))
    log_outreach(owner, cleo, "Hello?", sent_at=datetime(2029, 12, 31, 7, tzinfo=BERLIN))
    lines = run("today").output.splitlines()
    assert "Nothing on today" not in "\n".join(lines)
    assert lines[lines.index("Requests waiting") + 1 :] == [
        "  !  Nudge once; find someone else at Initech (7 business da…  Cleo  1 h overdue",
    ]


def test_reminders_of_someone_whose_reminders_are_snoozed_are_not_due_today(owner, run, morning):
    ada = add_contact(owner, ContactDetails(name="Ada Lovelace", keep_in_touch_days=30))
    add_follow_up(owner, ada, "add_value", MORNING - timedelta(hours=1))
    snooze_reminders(owner, ada, MORNING + timedelta(days=1))
    assert "Nothing on today" in run("today").output


def test_a_promise_of_theirs_due_by_tonight_is_listed_with_the_nudge_to_send(owner, run, morning):
    ada = add_contact(owner, ContactDetails(name="Ada Lovelace"))
    add_step(owner, ada, "Ada will introduce me", side="them", due_on=date(2030, 1, 4))
    lines = run("today").output.splitlines()
    assert lines[lines.index("Next steps") + 1 :] == [
        "  !  Ada will introduce me (theirs)  Ada Lovelace  23 h overdue: nudge them once",
    ]
    assert lines[lines.index("Follow-ups") + 1] == "  Nothing due today."
