from __future__ import annotations

from datetime import UTC, datetime

import pytest

from coffeechat.services.chats import ChatPlan, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.errors import InvalidInput
from coffeechat.services.library import (
    StoryDetails,
    add_story,
    change_story,
    choose_stories,
    remove_story,
    save_pitch,
)
from coffeechat.store.models import Pitch, Story


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
    mine = add_story(alice, StoryDetails("Mine", result="Shipped"))
    choose_stories(alice, chat, [mine])
    assert list(chat.stories.all()) == [mine]
    theirs = add_story(bob, StoryDetails("Theirs", result="Shipped"))
    with pytest.raises(InvalidInput, match="not yours"):
        choose_stories(alice, chat, [mine, theirs])
    assert list(chat.stories.all()) == [mine]


@pytest.mark.parametrize("text", ["", "   \n  ", "— … —"])
def test_an_empty_pitch_is_refused_and_the_saved_one_kept(alice, text):
    save_pitch(alice, "elevator", "I design learning.")
    with pytest.raises(InvalidInput, match="the pitch is empty") as refused:
        save_pitch(alice, "elevator", text)
    assert refused.value.field == "text"
    assert Pitch.objects.for_owner(alice).get(kind="elevator").text == "I design learning."


def test_an_enormous_pitch_is_refused_with_the_limit(alice):
    with pytest.raises(InvalidInput, match="at most 2,000") as refused:
        save_pitch(alice, "elevator", "word " * 2_001)
    assert "2,001 words" in refused.value.message
    assert not Pitch.objects.for_owner(alice).exists()


def test_a_pitch_of_many_long_words_is_held_to_the_character_limit(alice):
    with pytest.raises(InvalidInput, match="10,000 characters"):
        save_pitch(alice, "elevator", "x" * 10_001)


def test_a_story_with_no_text_is_refused(alice):
    with pytest.raises(InvalidInput, match="write at least the situation") as refused:
        add_story(alice, StoryDetails("Saved a launch", " ", "\n", "", ("ops",)))
    assert refused.value.field == "situation"
    assert not Story.objects.for_owner(alice).exists()


def test_one_part_is_enough_for_a_story(alice):
    assert add_story(alice, StoryDetails("Saved a launch", action="Rebuilt the plan")).pk


def test_a_story_can_be_rewritten(alice):
    story = add_story(alice, StoryDetails("Draft", "S", "A", "R", ("a",)))
    change_story(alice, story, StoryDetails(" Final ", "S2", "", "R2", ("b", "B")))
    story.refresh_from_db()
    assert (story.title, story.situation, story.action, story.result, story.tags) == (
        "Final",
        "S2",
        "",
        "R2",
        ["b"],
    )


def test_a_rewrite_with_problems_changes_nothing(alice):
    story = add_story(alice, StoryDetails("Draft", "S"))
    with pytest.raises(InvalidInput, match="title"):
        change_story(alice, story, StoryDetails("", "New"))
    with pytest.raises(InvalidInput, match="write at least"):
        change_story(alice, story, StoryDetails("New title"))
    story.refresh_from_db()
    assert (story.title, story.situation) == ("Draft", "S")


def test_only_the_owner_can_change_or_remove_a_story(alice, bob):
    story = add_story(alice, StoryDetails("Mine", "S"))
    with pytest.raises(InvalidInput, match="not yours"):
        change_story(bob, story, StoryDetails("Taken", "S"))
    with pytest.raises(InvalidInput, match="not yours"):
        remove_story(bob, story)
    assert Story.objects.get(pk=story.pk).title == "Mine"


def test_removing_a_story_unpins_it_from_chats(alice):
    ada = add_contact(alice, ContactDetails(name="Ada"))
    chat = plan_chat(alice, ChatPlan(ada, datetime(2030, 1, 7, 10, tzinfo=UTC)))
    story = add_story(alice, StoryDetails("Mine", "S"))
    choose_stories(alice, chat, [story])
    remove_story(alice, story)
    assert not Story.objects.for_owner(alice).exists()
    assert list(chat.stories.all()) == []
