from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from coffeechat.services.chats import ChatPlan, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.errors import InvalidInput
from coffeechat.services.followups import (
    add_follow_up,
    add_next_step,
    complete_next_step,
    mark_sent,
)

NOW = datetime(2030, 1, 9, 12, 0, tzinfo=UTC)


@pytest.fixture
def ada(alice, time_machine):
    time_machine.move_to(NOW, tick=False)
    return add_contact(alice, ContactDetails(name="Ada"))


def test_a_follow_up_is_owed_until_sent(alice, ada):
    follow_up = add_follow_up(alice, ada, "add_value", NOW + timedelta(days=1), draft=" Hi ")
    assert follow_up.draft == "Hi"
    mark_sent(alice, follow_up)
    assert follow_up.sent_at == NOW
    with pytest.raises(InvalidInput, match="sent already"):
        mark_sent(alice, follow_up)


@pytest.mark.parametrize(
    ("kind", "due_at", "message"),
    [
        ("postcard", NOW, "Choose a kind"),
        ("thank_you", datetime(2030, 1, 9, 12, 0), "time zone"),
    ],
)
def test_it_refuses_a_follow_up_it_cannot_keep(alice, ada, kind, due_at, message):
    with pytest.raises(InvalidInput, match=message):
        add_follow_up(alice, ada, kind, due_at)


def test_a_follow_up_cannot_be_sent_in_the_future(alice, ada):
    follow_up = add_follow_up(alice, ada, "thank_you", NOW)
    with pytest.raises(InvalidInput, match="has passed"):
        mark_sent(alice, follow_up, sent_at=NOW + timedelta(minutes=1))


def test_a_follow_up_must_follow_a_chat_with_the_same_person(alice, ada):
    bea = add_contact(alice, ContactDetails(name="Bea"))
    chat = plan_chat(alice, ChatPlan(bea, NOW))
    with pytest.raises(InvalidInput, match="someone else"):
        add_follow_up(alice, ada, "thank_you", NOW, chat=chat)


def test_it_refuses_a_follow_up_for_someone_elses_contact(alice, bob, ada):
    with pytest.raises(InvalidInput, match="not yours"):
        add_follow_up(bob, ada, "thank_you", NOW)


def test_a_next_step_is_recorded_and_done_once(alice, ada):
    step = add_next_step(alice, ada, "  Send the   report ", side="them", due_on=date(2030, 1, 12))
    assert (step.text, step.side, step.due_on) == ("Send the report", "them", date(2030, 1, 12))
    complete_next_step(alice, step)
    assert step.done_at == NOW
    with pytest.raises(InvalidInput, match="done already"):
        complete_next_step(alice, step)


@pytest.mark.parametrize(
    ("text", "side", "message"),
    [("", "me", "Say what"), ("x" * 501, "me", "at most 500"), ("Call", "us", "whose step")],
)
def test_it_refuses_a_next_step_it_cannot_keep(alice, ada, text, side, message):
    with pytest.raises(InvalidInput, match=message):
        add_next_step(alice, ada, text, side=side)
