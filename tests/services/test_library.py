from __future__ import annotations

from datetime import UTC, datetime

import pytest

from coffeechat.services.chats import ChatPlan, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.errors import InvalidInput
from coffeechat.services.library import StoryDetails, add_story, choose_stories, save_pitch
from coffeechat.store.models import Pitch


def test_there_is_one_pitch_of_each_kind(alice):
    save_pitch(alice, "elevator", "First try")
    save_pitch(alice, "elevator", " Second try ")
    save_pitch(alice, "career_change", "Why I moved")
    assert Pitch.objects.for_owner(alice).get(kind="elevator").text == "Second try"
    assert Pitch.objects.for_owner(alice).count() == 2


def test_a_pitch_needs_a_known_kind(alice):
    with pytest.raises(InvalidInput, match="elevator pitch"):
        save_pitch(alice, "haiku", "Short")


def test_a_story_keeps_its_parts_and_tidy_tags(alice):
    story = add_story(alice, StoryDetails(" Saved a launch ", "S", "A", "R", ("ops", "Ops", "x")))
    assert (story.title, story.situation, story.action, story.result) == (
        "Saved a launch",
        "S",
        "A",
        "R",
    )
    assert story.tags == ["ops", "x"]


def test_a_story_needs_a_title(alice):
    with pytest.raises(InvalidInput, match="title"):
        add_story(alice, StoryDetails("  "))


def test_stories_are_chosen_for_a_chat_from_my_own_library(alice, bob):
    ada = add_contact(alice, ContactDetails(name="Ada"))
    chat = plan_chat(alice, ChatPlan(ada, datetime(2030, 1, 7, 10, tzinfo=UTC)))
    mine = add_story(alice, StoryDetails("Mine"))
    choose_stories(alice, chat, [mine])
    assert list(chat.stories.all()) == [mine]
    theirs = add_story(bob, StoryDetails("Theirs"))
    with pytest.raises(InvalidInput, match="not yours"):
        choose_stories(alice, chat, [mine, theirs])
    assert list(chat.stories.all()) == [mine]
