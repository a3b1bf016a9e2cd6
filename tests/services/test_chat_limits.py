"""The chat length limits live once, in core/chat_limits.py: every form box and every service
that checks a length takes its bound from there, and refuses exactly past it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coffeechat.core import chat_limits as limits
from coffeechat.services.chats import ChatPlan, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.debrief import HeldChat, record_held
from coffeechat.services.errors import InvalidInput
from coffeechat.services.live import end_chat, extend, record_felt, start_chat
from coffeechat.store.managers import LONGEST_BUFFERED_CHAT
from coffeechat.store.models import Chat
from coffeechat.web.forms import ChatForm, ExtendForm, FeltForm, PreferencesForm

TEN = datetime(2030, 1, 7, 10, 0, tzinfo=UTC)  # a Monday


def bounds(form_class, name: str) -> tuple[int, int]:
    """The min and max a form gives the browser for the box ``name``."""
    attrs = form_class.base_fields[name].widget.attrs
    return int(attrs["min"]), int(attrs["max"])


@pytest.mark.parametrize(
    ("form_class", "name", "low", "high"),
    [
        (ChatForm, "agreed_minutes", limits.SHORTEST_CHAT, limits.LONGEST_CHAT),
        (ChatForm, "buffer_minutes", 0, limits.LONGEST_BUFFER),
        (PreferencesForm, "chat_minutes", limits.SHORTEST_CHAT, limits.LONGEST_CHAT),
        (PreferencesForm, "buffer_minutes", 0, limits.LONGEST_BUFFER),
        (PreferencesForm, "wrapup_minutes", 1, limits.LONGEST_WRAPUP),
        (PreferencesForm, "extend_minutes", 1, limits.LONGEST_EXTENSION),
        (ExtendForm, "minutes", 1, limits.LONGEST_EXTENSION),
        (FeltForm, "minutes", 1, limits.LONGEST_FELT),
    ],
)
def test_every_length_box_takes_its_bounds_from_core(form_class, name, low, high):
    assert bounds(form_class, name) == (low, high)


def test_the_look_up_for_overlapping_chats_reaches_back_over_the_longest_buffered_chat():
    longest = timedelta(minutes=limits.LONGEST_CHAT + limits.LONGEST_BUFFER)
    assert LONGEST_BUFFERED_CHAT == limits.LONGEST_BUFFERED_CHAT == longest


@pytest.fixture
def ada(alice):
    return add_contact(alice, ContactDetails(name="Ada Lovelace"))


@pytest.mark.django_db
def test_planning_refuses_exactly_past_the_shortest_and_longest_chat(alice, ada):
    with pytest.raises(InvalidInput, match=f"between {limits.SHORTEST_CHAT} and"):
        plan_chat(alice, ChatPlan(ada, TEN, agreed_minutes=limits.SHORTEST_CHAT - 1))
    with pytest.raises(InvalidInput, match=f"and {limits.LONGEST_CHAT} minutes"):
        plan_chat(alice, ChatPlan(ada, TEN, agreed_minutes=limits.LONGEST_CHAT + 1))
    shortest = plan_chat(alice, ChatPlan(ada, TEN, agreed_minutes=limits.SHORTEST_CHAT))
    longest = plan_chat(
        alice, ChatPlan(ada, TEN + timedelta(days=1), agreed_minutes=limits.LONGEST_CHAT)
    )
    assert (shortest.agreed_minutes, longest.agreed_minutes) == (
        limits.SHORTEST_CHAT,
        limits.LONGEST_CHAT,
    )


@pytest.mark.django_db
def test_a_live_chat_refuses_exactly_past_the_longest_extension_and_felt_length(alice, ada):
    chat = start_chat(alice, plan_chat(alice, ChatPlan(ada, TEN)), now=TEN)
    with pytest.raises(InvalidInput, match=f"1 to {limits.LONGEST_EXTENSION} minutes"):
        extend(alice, chat, "they", limits.LONGEST_EXTENSION + 1, now=TEN)
    for _ in range(limits.LONGEST_OVERRUN // limits.LONGEST_EXTENSION):
        chat = extend(alice, chat, "they", limits.LONGEST_EXTENSION, now=TEN)
    with pytest.raises(InvalidInput, match=f"at most {limits.LONGEST_OVERRUN} minutes over"):
        extend(alice, chat, "they", 1, now=TEN)
    held = end_chat(alice, chat, now=TEN + timedelta(minutes=30))
    with pytest.raises(InvalidInput, match=f"from 1 to {limits.LONGEST_FELT}"):
        record_felt(alice, held, limits.LONGEST_FELT + 1, now=TEN + timedelta(hours=1))
    assert record_felt(alice, held, limits.LONGEST_FELT, now=TEN + timedelta(hours=1))


@pytest.mark.django_db
def test_a_held_chat_refuses_exactly_past_the_longest_overrun(alice, ada):
    chat = plan_chat(alice, ChatPlan(ada, TEN))
    held = HeldChat(
        actual_start=TEN,
        actual_end=TEN + timedelta(minutes=30),
        extension=Chat.Extension.THEY_ASKED,
        extension_minutes=limits.LONGEST_OVERRUN + 1,
    )
    with pytest.raises(InvalidInput, match=f"0 to {limits.LONGEST_OVERRUN} minutes"):
        record_held(alice, chat, held, now=TEN + timedelta(hours=1))
    too_long = HeldChat(
        actual_start=TEN, actual_end=TEN + limits.LONGEST_HELD + timedelta(minutes=1)
    )
    with pytest.raises(InvalidInput, match="at most 8 hours"):
        record_held(alice, chat, too_long, now=TEN + timedelta(days=1))
