from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coffeechat.core.clock import ChatSpan
from coffeechat.services.chats import (
    MAX_BUFFER_MINUTES,
    MAX_CHAT_MINUTES,
    ChatPlan,
    add_note,
    cancel_chat,
    change_chat,
    collisions,
    plan_chat,
)
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.debrief import HeldChat, record_held
from coffeechat.services.errors import InvalidInput, SlotTaken
from coffeechat.services.live import start_chat
from coffeechat.store.managers import LONGEST_BUFFERED_CHAT
from coffeechat.store.models import Chat, Note
from tests.services.prefs import set_preferences

TEN = datetime(2030, 1, 7, 10, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def ada(alice):
    return add_contact(alice, ContactDetails(name="Ada Lovelace"))


@pytest.fixture
def bea(alice):
    return add_contact(alice, ContactDetails(name="Bea Byron"))


def test_a_chat_takes_its_length_and_buffer_from_the_preferences(alice, ada):
    set_preferences(alice, chat_minutes=30, buffer_minutes=10)
    chat = plan_chat(alice, ChatPlan(ada, TEN))
    assert (chat.agreed_minutes, chat.buffer_minutes) == (30, 10)
    assert chat.status == Chat.Status.PLANNED


def test_a_chat_can_set_its_own_length_and_buffer(alice, ada):
    chat = plan_chat(alice, ChatPlan(ada, TEN, agreed_minutes=45, buffer_minutes=0))
    assert (chat.agreed_minutes, chat.buffer_minutes) == (45, 0)


def test_a_chat_inside_anothers_buffer_is_refused_with_who_and_when(alice, ada, bea):
    set_preferences(alice, time_zone="Europe/Berlin")
    plan_chat(alice, ChatPlan(ada, TEN, agreed_minutes=20, buffer_minutes=15))
    # 10:20 is after Ada's chat ends but inside its buffer.
    with pytest.raises(SlotTaken) as refused:
        plan_chat(alice, ChatPlan(bea, TEN + timedelta(minutes=20)))
    assert "Ada Lovelace at 11:00" in refused.value.message  # 10:00 UTC is 11:00 in Berlin
    assert refused.value.field == "starts_at"
    assert Chat.objects.count() == 1


def test_a_chat_whose_own_buffer_reaches_the_next_one_is_refused(alice, ada, bea):
    plan_chat(alice, ChatPlan(ada, TEN, buffer_minutes=0))
    with pytest.raises(SlotTaken):
        plan_chat(alice, ChatPlan(bea, TEN - timedelta(minutes=30), buffer_minutes=15))


def test_a_chat_may_start_the_moment_the_buffer_runs_out(alice, ada, bea):
    plan_chat(alice, ChatPlan(ada, TEN, agreed_minutes=20, buffer_minutes=15))
    chat = plan_chat(alice, ChatPlan(bea, TEN + timedelta(minutes=35)))
    assert chat.pk


def test_a_collision_can_be_planned_anyway(alice, ada, bea):
    plan_chat(alice, ChatPlan(ada, TEN))
    plan_chat(alice, ChatPlan(bea, TEN), allow_overlap=True)
    assert Chat.objects.count() == 2


def test_cancelled_and_held_chats_leave_their_slot_free(alice, ada, bea, time_machine):
    time_machine.move_to(TEN + timedelta(hours=2), tick=False)
    cancelled = plan_chat(alice, ChatPlan(ada, TEN + timedelta(days=1)))
    cancel_chat(alice, cancelled)
    held = plan_chat(alice, ChatPlan(ada, TEN))
    record_held(alice, held, HeldChat(TEN, TEN + timedelta(minutes=20)))
    assert collisions(alice, ChatSpan(TEN, 20, 15)) == []
    assert plan_chat(alice, ChatPlan(bea, TEN)).pk
    assert plan_chat(alice, ChatPlan(bea, TEN + timedelta(days=1))).pk


def test_other_peoples_chats_do_not_collide_with_mine(alice, bob, ada):
    theirs = add_contact(bob, ContactDetails(name="Carl"))
    plan_chat(bob, ChatPlan(theirs, TEN))
    assert plan_chat(alice, ChatPlan(ada, TEN)).pk


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"agreed_minutes": 4}, "agreed_minutes", "between 5 and 240"),
        ({"agreed_minutes": 241}, "agreed_minutes", "between 5 and 240"),
        ({"buffer_minutes": -1}, "buffer_minutes", "between 0 and 240"),
        ({"medium": "carrier pigeon"}, "medium", "in person, video or phone"),
        ({"time_zone": "Europe/Atlantis"}, "time_zone", "not a time zone"),
        ({"starts_at": datetime(2030, 1, 7, 10, 0)}, "starts_at", "needs a time zone"),
    ],
)
def test_it_refuses_a_plan_it_cannot_keep(alice, ada, changes, field, message):
    plan = ChatPlan(**{"contact": ada, "starts_at": TEN, **changes})
    with pytest.raises(InvalidInput) as refused:
        plan_chat(alice, plan)
    assert refused.value.field == field
    assert message in refused.value.message


def test_it_refuses_a_chat_with_someone_elses_contact(alice, bob):
    theirs = add_contact(bob, ContactDetails(name="Carl"))
    with pytest.raises(InvalidInput, match="one of your contacts"):
        plan_chat(alice, ChatPlan(theirs, TEN))


def test_moving_a_chat_does_not_collide_with_itself(alice, ada):
    chat = plan_chat(alice, ChatPlan(ada, TEN))
    change_chat(alice, chat, ChatPlan(ada, TEN + timedelta(minutes=10), agreed_minutes=30))
    chat.refresh_from_db()
    assert chat.starts_at == TEN + timedelta(minutes=10)
    assert chat.agreed_minutes == 30


def test_a_held_chat_cannot_change(alice, ada, time_machine):
    time_machine.move_to(TEN + timedelta(hours=1), tick=False)
    chat = plan_chat(alice, ChatPlan(ada, TEN))
    record_held(alice, chat, HeldChat(TEN, TEN + timedelta(minutes=20)))
    with pytest.raises(InvalidInput, match="held"):
        change_chat(alice, chat, ChatPlan(ada, TEN + timedelta(days=1)))


def test_a_chat_under_way_cannot_change(alice, ada, time_machine):
    time_machine.move_to(TEN, tick=False)
    chat = plan_chat(alice, ChatPlan(ada, TEN))
    chat = start_chat(alice, chat)
    with pytest.raises(InvalidInput, match="under way; end it on its live page"):
        change_chat(alice, chat, ChatPlan(ada, TEN + timedelta(days=1)))
    chat.refresh_from_db()
    assert chat.starts_at == TEN


def test_cancelling_keeps_the_reason_tidy(alice, ada):
    chat = plan_chat(alice, ChatPlan(ada, TEN))
    cancel_chat(alice, chat, "  They are   ill  ")
    chat.refresh_from_db()
    assert chat.status == Chat.Status.CANCELLED
    assert chat.cancelled_reason == "They are ill"


def test_only_a_planned_chat_can_be_cancelled(alice, ada):
    chat = plan_chat(alice, ChatPlan(ada, TEN))
    cancel_chat(alice, chat)
    with pytest.raises(InvalidInput, match="Only a planned chat"):
        cancel_chat(alice, chat)


def test_it_refuses_to_cancel_someone_elses_chat(alice, bob):
    theirs = add_contact(bob, ContactDetails(name="Carl"))
    chat = plan_chat(bob, ChatPlan(theirs, TEN))
    with pytest.raises(InvalidInput):
        cancel_chat(alice, chat)
    chat.refresh_from_db()
    assert chat.status == Chat.Status.PLANNED


def test_a_note_is_stamped_with_now_unless_told(alice, ada, time_machine):
    time_machine.move_to(TEN, tick=False)
    chat = plan_chat(alice, ChatPlan(ada, TEN))
    note = add_note(alice, ada, "  Ask about the merger  ", kind="question", chat=chat)
    assert note.text == "Ask about the merger"
    assert note.taken_at == TEN
    earlier = add_note(alice, ada, "Met at a conference", taken_at=TEN - timedelta(days=3))
    assert earlier.taken_at == TEN - timedelta(days=3)
    assert earlier.kind == Note.Kind.INSIGHT


@pytest.mark.parametrize("kind", ["insight", "memorable", "next_step", "referral", "question"])
def test_every_kind_of_note_can_be_taken(alice, ada, kind):
    assert add_note(alice, ada, "Something", kind=kind).kind == kind


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("   ", "insight", "Write something"),
        ("x" * 10_001, "insight", "at most 10,000"),
        ("Fine", "gossip", "Choose a kind"),
    ],
)
def test_it_refuses_a_note_it_cannot_keep(alice, ada, text, kind, message):
    with pytest.raises(InvalidInput, match=message):
        add_note(alice, ada, text, kind=kind)


def test_a_note_must_belong_to_the_chats_contact(alice, ada, bea):
    chat = plan_chat(alice, ChatPlan(ada, TEN))
    with pytest.raises(InvalidInput, match="does not belong"):
        add_note(alice, bea, "Wrong person", chat=chat)


def test_collision_look_ups_reach_back_as_far_as_the_longest_chat_allowed():
    longest = timedelta(minutes=MAX_CHAT_MINUTES + MAX_BUFFER_MINUTES)
    assert longest <= LONGEST_BUFFERED_CHAT
