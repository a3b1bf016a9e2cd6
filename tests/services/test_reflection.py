"""Reflection: one chat against its plan, recent chats together, and the buffer suggestion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coffeechat.services.chats import ChatPlan, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.debrief import HeldChat, record_held
from coffeechat.services.errors import InvalidInput
from coffeechat.services.reflection import buffer_suggestion, overview, reflection_for
from tests.services.prefs import set_preferences

NOW = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def held_chat(owner, days_ago: int, overrun: int, *, late: int = 0, **held):
    contact = add_contact(owner, ContactDetails(name=f"Person {days_ago}"))
    start = NOW - timedelta(days=days_ago)
    chat = plan_chat(owner, ChatPlan(contact, start, agreed_minutes=20), allow_overlap=True)
    actual_start = start + timedelta(minutes=late)
    record_held(
        owner,
        chat,
        HeldChat(
            actual_start=actual_start,
            actual_end=actual_start + timedelta(minutes=20 + overrun),
            **held,
        ),
    )
    return chat


def test_a_held_chat_is_measured_against_its_plan(alice):
    chat = held_chat(
        alice, 1, 7, late=2, extension="they_asked", extension_minutes=7, felt_minutes=22
    )
    reflection = reflection_for(alice, chat)
    assert reflection is not None
    assert (reflection.overrun_minutes, reflection.past_plan_minutes) == (7, 9)
    assert reflection.felt_error_minutes == -5
    assert reflection.extension == "they_asked"


def test_a_planned_chat_has_nothing_to_reflect_on(alice):
    contact = add_contact(alice, ContactDetails(name="Ada"))
    chat = plan_chat(alice, ChatPlan(contact, NOW + timedelta(days=1)))
    assert reflection_for(alice, chat) is None


def test_someone_elses_chat_is_refused(alice, bob):
    chat = held_chat(alice, 1, 3)
    with pytest.raises(InvalidInput):
        reflection_for(bob, chat)


def test_the_overview_reads_only_the_owners_recent_held_chats_oldest_first(alice, bob):
    for days_ago, overrun in ((30, 0), (20, 8), (10, 3), (5, 1)):
        held_chat(alice, days_ago, overrun, extension="none")
    held_chat(bob, 2, 50)
    result = overview(alice, last=3)
    assert [item.reflection.overrun_minutes for item in result.chats] == [8, 3, 1]
    assert result.summary.held == 3
    assert result.summary.ran_over == 2
    assert result.summary.median_overrun == 3


def test_the_overview_counts_who_asked_to_extend(alice):
    held_chat(alice, 3, 6, extension="they_asked", extension_minutes=6)
    held_chat(alice, 2, 5, extension="i_offered", extension_minutes=5)
    held_chat(alice, 1, 0)
    summary = overview(alice).summary
    assert (summary.extensions, summary.they_asked, summary.they_asked_share) == (2, 1, 0.5)


def test_the_overview_prompts_when_most_recent_chats_ran_well_over(alice):
    for days_ago in range(1, 7):
        held_chat(alice, days_ago, 9 if days_ago % 3 else 0)
    prompt = overview(alice).summary.prompt
    assert prompt is not None
    assert (prompt.over, prompt.of) == (4, 6)


def test_a_buffer_is_suggested_only_after_a_few_held_chats(alice):
    held_chat(alice, 3, 8)
    held_chat(alice, 2, 12)
    assert buffer_suggestion(alice) is None
    held_chat(alice, 1, 4, late=2)
    advice = buffer_suggestion(alice)
    assert advice is not None
    assert (advice.average_past_end, advice.suggested, advice.current) == (9, 15, 15)
    assert not advice.raise_it


def test_the_suggestion_compares_with_the_users_usual_buffer(alice):
    set_preferences(alice, buffer_minutes=5)
    for days_ago in (1, 2, 3):
        held_chat(alice, days_ago, 8)
    advice = buffer_suggestion(alice)
    assert advice is not None
    assert (advice.suggested, advice.current, advice.raise_it) == (10, 5, True)
