"""Who do I owe: the sections, their order, snoozing, and a query count that does not grow."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coffeechat.services.chats import ChatPlan, add_note, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.debrief import HeldChat, record_held
from coffeechat.services.errors import InvalidInput
from coffeechat.services.followups import (
    add_follow_up,
    add_next_step,
    complete_next_step,
    mark_sent,
)
from coffeechat.services.network import add_referral
from coffeechat.services.nextsteps import add_step
from coffeechat.services.owed import owed, snooze, snooze_reminders
from coffeechat.store.models import Contact, FollowUp
from tests.services.prefs import set_preferences

# A Monday at 10:00 in Berlin.
NOW = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def me(alice, clock):
    set_preferences(alice, time_zone="Europe/Berlin")
    return alice


def person(owner, name: str = "Ada Lovelace", **details) -> Contact:
    return add_contact(owner, ContactDetails(name=name, **details))


def held_chat(owner, contact, ended_at: datetime):
    chat = plan_chat(owner, ChatPlan(contact, ended_at - timedelta(minutes=30)), allow_overlap=True)
    return record_held(owner, chat, HeldChat(ended_at - timedelta(minutes=30), ended_at), now=NOW)


def names(items) -> list[str]:
    return [item.contact.name for item in items]


def test_thank_yous_come_overdue_first_with_their_deadlines(me):
    ada, bea = person(me), person(me, "Bea Smith")
    held_chat(me, ada, NOW - timedelta(hours=2))  # due in 22 hours
    held_chat(me, bea, NOW - timedelta(days=2))  # a day overdue
    result = owed(me)
    assert names(result.thank_yous) == ["Bea Smith", "Ada Lovelace"]
    assert result.thank_yous[0].is_overdue(NOW)
    assert result.thank_yous[1].due_at == NOW + timedelta(hours=22)
    assert names(result.overdue) == ["Bea Smith"]
    assert names(result.due_within_a_day) == ["Ada Lovelace"]


def test_my_next_steps_come_by_due_date_with_undated_ones_last(me):
    ada = person(me)
    add_next_step(me, ada, "Send the rubric", due_on=date(2030, 1, 10))
    add_next_step(me, ada, "Read the report")
    add_next_step(me, ada, "Share my portfolio", due_on=date(2030, 1, 6))
    done = add_next_step(me, ada, "Already done", due_on=date(2030, 1, 1))
    complete_next_step(me, done)
    add_next_step(me, ada, "They will introduce me", side="them")
    steps = owed(me).next_steps
    assert [item.text for item in steps] == [
        "Share my portfolio",
        "Send the rubric",
        "Read the report",
    ]
    # A date is kept until the end of that day in Berlin (23:00 UTC).
    assert steps[0].due_at == datetime(2030, 1, 6, 23, 0, tzinfo=UTC)
    assert steps[0].is_overdue(NOW)
    assert steps[2].due_at is None


def test_intros_promised_to_me_include_their_steps_and_asked_introductions(me):
    ada, bea, carl, dan = (person(me, name) for name in ("Ada", "Bea", "Carl", "Dan"))
    add_next_step(me, ada, "Ada will introduce me to Bea", side="them", due_on=date(2030, 1, 3))
    add_referral(me, ada, bea, status="intro_asked")
    add_referral(me, ada, carl, status="suggested", may_use_name=True)
    add_referral(me, ada, dan, status="met")
    intros = owed(me).intros
    texts = [item.text for item in intros]
    assert texts[0] == "Ada will introduce me to Bea"
    assert intros[0].is_overdue(NOW)
    assert "Ada agreed to introduce you to Bea" in texts
    assert "Ada suggested Carl: reach out, and you may mention them" in texts
    assert not any("Dan" in text for text in texts)


def test_a_suggested_name_leaves_the_list_once_a_chat_with_them_is_planned(me):
    ada, bea = person(me, "Ada"), person(me, "Bea")
    add_referral(me, ada, bea)
    assert len(owed(me).intros) == 1
    plan_chat(me, ChatPlan(bea, NOW + timedelta(days=3)))
    assert owed(me).intros == []


def test_a_nudge_about_their_promise_is_shown_with_the_promise(me):
    ada = person(me)
    step = add_next_step(me, ada, "Ada will introduce me", side="them", due_on=date(2030, 1, 3))
    nudge = add_follow_up(me, ada, "next_step", NOW + timedelta(hours=5))
    FollowUp.objects.filter(pk=nudge.pk).update(next_step=step)
    result = owed(me)
    assert result.next_steps == []
    assert [item.nudge for item in result.intros] == [FollowUp.objects.get(pk=nudge.pk)]


def test_outreach_nudges_and_messages_beyond_a_week_wait(me):
    ada = person(me)
    add_follow_up(me, ada, "outreach_nudge", NOW + timedelta(days=2))
    add_follow_up(me, ada, "outreach_nudge", NOW + timedelta(days=8))
    add_follow_up(me, ada, "add_value", NOW - timedelta(days=1))
    result = owed(me)
    assert [item.due_at for item in result.nudges] == [NOW + timedelta(days=2)]
    assert [item.kind for item in result.reminders] == ["add_value"]


def test_a_cadence_reminder_falls_due_after_the_last_interaction(me, clock):
    ada = person(me, keep_in_touch_days=30)
    held_chat(me, ada, NOW - timedelta(days=40))
    add_note(me, ada, "Met at a meetup", taken_at=NOW - timedelta(days=35))
    reminders = owed(me).reminders
    assert [item.kind for item in reminders] == ["cadence"]
    assert reminders[0].due_at == NOW - timedelta(days=5)
    assert reminders[0].is_overdue(NOW)


def test_any_logged_interaction_resets_the_cadence(me):
    ada = person(me, keep_in_touch_days=30)
    held_chat(me, ada, NOW - timedelta(days=40))
    add_next_step(me, ada, "Send the article")
    assert owed(me).reminders == []


def test_a_cadence_reminder_waits_for_the_yearly_cap(me):
    ada = person(me, keep_in_touch_days=20)
    for days in (200, 150, 100, 60):
        sent = add_follow_up(me, ada, "keep_in_touch", NOW - timedelta(days=days + 1))
        mark_sent(me, sent, sent_at=NOW - timedelta(days=days))
    assert owed(me).reminders == []
    # Within a week of the oldest message leaving the year, the held-back reminder shows.
    later = owed(me, now=NOW + timedelta(days=160))
    assert [item.capped for item in later.reminders] == [True]
    assert later.reminders[0].due_at == NOW - timedelta(days=200) + timedelta(days=365)


def test_contacts_without_a_cadence_get_no_reminders(me):
    ada = person(me)
    held_chat(me, ada, NOW - timedelta(days=400))
    assert owed(me).reminders == []


def test_an_open_reminder_row_stands_in_for_the_cadence(me):
    ada = person(me, keep_in_touch_days=30)
    held_chat(me, ada, NOW - timedelta(days=40))
    add_follow_up(me, ada, "keep_in_touch", NOW + timedelta(days=1))
    assert [item.kind for item in owed(me).reminders] == ["keep_in_touch"]


def test_snoozing_a_follow_up_hides_it_until_the_snooze_ends(me, clock):
    ada = person(me)
    chat = held_chat(me, ada, NOW - timedelta(hours=2))
    thank_you = FollowUp.objects.get(chat=chat)
    snooze(me, thank_you, NOW + timedelta(hours=3))
    assert owed(me).thank_yous == []
    clock.move_to(NOW + timedelta(hours=3, seconds=1), tick=False)
    assert names(owed(me).thank_yous) == ["Ada Lovelace"]


def test_snoozing_reminders_moves_the_cadence_and_hides_reminder_rows(me):
    ada = person(me, keep_in_touch_days=30)
    bea = person(me, "Bea", keep_in_touch_days=30)
    held_chat(me, ada, NOW - timedelta(days=40))
    add_follow_up(me, bea, "add_value", NOW - timedelta(days=1))
    snooze_reminders(me, ada, NOW + timedelta(days=30))
    snooze_reminders(me, bea, NOW + timedelta(days=30))
    assert owed(me).reminders == []
    later = owed(me, now=NOW + timedelta(days=30, seconds=1))
    assert sorted(item.kind for item in later.reminders) == ["add_value", "cadence"]


def test_a_snooze_must_end_in_the_future_and_within_a_year(me):
    ada = person(me)
    follow_up = add_follow_up(me, ada, "thank_you", NOW + timedelta(hours=3))
    with pytest.raises(InvalidInput, match="still to come"):
        snooze(me, follow_up, NOW - timedelta(minutes=1))
    with pytest.raises(InvalidInput, match="a year at most"):
        snooze(me, follow_up, NOW + timedelta(days=400))
    with pytest.raises(InvalidInput, match="time zone"):
        snooze(me, follow_up, datetime(2030, 2, 1))  # noqa: DTZ001 - the naive time is the point


def test_a_sent_follow_up_cannot_be_snoozed(me):
    ada = person(me)
    follow_up = add_follow_up(me, ada, "thank_you", NOW + timedelta(hours=3))
    mark_sent(me, follow_up)
    with pytest.raises(InvalidInput, match="sent already"):
        snooze(me, follow_up, NOW + timedelta(days=1))


def test_nobody_snoozes_someone_elses_follow_up(me, bob):
    carl = person(bob, "Carl")
    follow_up = add_follow_up(bob, carl, "thank_you", NOW + timedelta(hours=3))
    with pytest.raises(InvalidInput):
        snooze(me, follow_up, NOW + timedelta(days=1))
    with pytest.raises(InvalidInput):
        snooze_reminders(me, carl, NOW + timedelta(days=1))


def test_done_recently_shows_sent_messages_and_kept_steps_of_the_last_two_days(me):
    ada = person(me)
    fresh = add_follow_up(me, ada, "thank_you", NOW)
    mark_sent(me, fresh, sent_at=NOW - timedelta(hours=3))
    old = add_follow_up(me, ada, "add_value", NOW - timedelta(days=5))
    mark_sent(me, old, sent_at=NOW - timedelta(days=3))
    step = add_next_step(me, ada, "Send the rubric")
    complete_next_step(me, step, done_at=NOW - timedelta(hours=1))
    done = owed(me).done
    assert [(item.kind, item.done_at) for item in done] == [
        ("step", NOW - timedelta(hours=1)),
        ("thank_you", NOW - timedelta(hours=3)),
    ]
    assert owed(me).thank_yous == []


def test_it_shows_nothing_of_other_people(me, bob):
    carl = person(bob, "Carl", keep_in_touch_days=10)
    held_chat(bob, carl, NOW - timedelta(days=30))
    add_next_step(bob, carl, "Call Carl")
    add_follow_up(bob, carl, "outreach_nudge", NOW)
    assert owed(me).is_empty
    assert not owed(bob).is_empty


def test_it_runs_as_many_queries_for_many_items_as_for_a_few(me):
    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            contact = person(me, f"Person {number}", keep_in_touch_days=30)
            other = person(me, f"Name {number}")
            held_chat(me, contact, NOW - timedelta(days=40, hours=number))
            add_note(me, contact, "Worth citing", taken_at=NOW - timedelta(days=39))
            add_next_step(me, contact, "Send the article", due_on=date(2030, 1, 8))
            add_next_step(me, contact, "They will introduce me", side="them")
            add_referral(me, contact, other, status="intro_asked")
            add_follow_up(me, contact, "outreach_nudge", NOW + timedelta(days=1))
            sent = add_follow_up(me, contact, "add_value", NOW - timedelta(days=2))
            mark_sent(me, sent, sent_at=NOW - timedelta(hours=5))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            owed(me)
        return len(captured.captured_queries)

    add(2, 0)
    few = queries()
    add(15, 2)
    assert queries() == few


def test_a_cadence_reminder_stays_out_of_sight_while_the_persons_reminders_are_snoozed(me):
    ada = person(me, keep_in_touch_days=30)
    held_chat(me, ada, NOW - timedelta(days=40))
    snooze_reminders(me, ada, NOW + timedelta(days=1))
    assert owed(me).reminders == []
    later = owed(me, now=NOW + timedelta(days=1, seconds=1))
    assert [item.due_at for item in later.reminders] == [NOW + timedelta(days=1)]


def test_a_promise_of_theirs_waits_while_its_nudge_is_snoozed(me):
    ada = person(me)
    step = add_step(me, ada, "Ada will introduce me", side="them", due_on=date(2030, 1, 2))
    nudge = FollowUp.objects.get(next_step=step)
    assert [item.nudge for item in owed(me).intros] == [nudge]
    snooze(me, nudge, NOW + timedelta(days=1))
    assert owed(me).intros == []
    later = owed(me, now=NOW + timedelta(days=1, seconds=1))
    assert [item.step for item in later.intros] == [step]


def test_my_step_stays_when_a_message_about_it_is_snoozed(me):
    ada = person(me)
    step = add_next_step(me, ada, "Send the rubric", due_on=date(2030, 1, 8))
    message = add_follow_up(me, ada, "next_step", NOW + timedelta(hours=5))
    FollowUp.objects.filter(pk=message.pk).update(next_step=step)
    snooze(me, FollowUp.objects.get(pk=message.pk), NOW + timedelta(days=1))
    assert [item.step for item in owed(me).next_steps] == [step]


def test_today_keeps_what_is_due_by_the_end_of_the_local_day_overdue_first(me):
    # 10:00 in Berlin: the day ends at 23:00 UTC, 14 hours from now.
    ada = person(me)
    tonight = add_follow_up(me, ada, "thank_you", NOW + timedelta(hours=13))
    overdue = add_follow_up(me, ada, "add_value", NOW - timedelta(days=3))
    add_follow_up(me, ada, "keep_in_touch", NOW + timedelta(hours=14, minutes=1))  # tomorrow
    step = add_next_step(me, ada, "Send the rubric", due_on=date(2030, 1, 7))
    add_next_step(me, ada, "Read the report", due_on=date(2030, 1, 8))
    add_next_step(me, ada, "Undated")
    add_referral(me, ada, person(me, "Bea"))
    sent = add_follow_up(me, ada, "thank_you", NOW - timedelta(hours=1))
    mark_sent(me, sent)
    result = owed(me)
    assert result.tonight == datetime(2030, 1, 7, 23, 0, tzinfo=UTC)
    today = result.today
    assert [item.follow_up for item in today.messages] == [overdue, tonight]
    assert [item.step for item in today.next_steps] == [step]
    assert today.intros == [] and today.done == []
    assert [item.follow_up for item in today.overdue] == [overdue]
    assert len(result.open_items) == 7
