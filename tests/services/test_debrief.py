from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from coffeechat.services.chats import ChatPlan, cancel_chat, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.debrief import HeldChat, record_held, record_no_show
from coffeechat.services.errors import InvalidInput
from coffeechat.store.models import Chat, FollowUp

START = datetime(2030, 1, 7, 10, 0, tzinfo=UTC)
HELD = HeldChat(
    actual_start=START + timedelta(minutes=2),
    actual_end=START + timedelta(minutes=29),
    extension="they_asked",
    extension_minutes=7,
    felt_minutes=22,
    talk_share=35,
    time_confirmed=True,
    ask_made=True,
)


@pytest.fixture
def chat(alice, time_machine):
    time_machine.move_to(START + timedelta(hours=3), tick=False)
    ada = add_contact(alice, ContactDetails(name="Ada"))
    return plan_chat(alice, ChatPlan(ada, START))


def test_a_held_chat_keeps_its_real_clock_and_owes_a_thank_you_a_day_later(alice, chat):
    record_held(alice, chat, HELD)
    chat.refresh_from_db()
    assert chat.status == Chat.Status.HELD
    assert (chat.actual_start, chat.actual_end) == (HELD.actual_start, HELD.actual_end)
    assert (chat.extension, chat.extension_minutes, chat.talk_share) == ("they_asked", 7, 35)
    thank_you = FollowUp.objects.get(chat=chat)
    assert thank_you.kind == FollowUp.Kind.THANK_YOU
    assert thank_you.due_at == HELD.actual_end + timedelta(hours=24)
    assert thank_you.contact == chat.contact


def test_a_chat_is_held_only_once(alice, chat):
    record_held(alice, chat, HELD)
    with pytest.raises(InvalidInput, match="only a planned or live chat"):
        record_held(alice, chat, HELD)
    assert FollowUp.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"actual_end": START}, "end after it started"),
        ({"actual_end": START + timedelta(hours=9)}, "at most 8 hours"),
        ({"actual_end": START + timedelta(hours=4)}, "in the future"),
        ({"extension": "both"}, "who asked"),
        ({"extension": "none", "extension_minutes": 5}, "need someone who asked"),
        ({"talk_share": 101}, "0 to 100"),
        ({"felt_minutes": 0}, "1 to 600"),
        ({"actual_start": datetime(2030, 1, 7, 10, 0)}, "time zone"),
    ],
)
def test_it_refuses_a_clock_that_cannot_be(alice, chat, changes, message):
    with pytest.raises(InvalidInput, match=message):
        record_held(alice, chat, replace(HELD, **changes))
    chat.refresh_from_db()
    assert chat.status == Chat.Status.PLANNED


def test_a_cancelled_chat_cannot_be_held(alice, chat):
    cancel_chat(alice, chat)
    with pytest.raises(InvalidInput, match="cancelled"):
        record_held(alice, chat, HELD)


def test_someone_elses_chat_cannot_be_held(bob, chat):
    with pytest.raises(InvalidInput, match="not yours"):
        record_held(bob, chat, HELD)


def test_a_chat_that_has_started_can_be_a_no_show(alice, chat):
    record_no_show(alice, chat)
    chat.refresh_from_db()
    assert chat.status == Chat.Status.NO_SHOW


def test_a_chat_still_to_come_cannot_be_a_no_show(alice, chat):
    with pytest.raises(InvalidInput, match="not started yet"):
        record_no_show(alice, chat, now=START - timedelta(minutes=1))
