"""Stories ranked for a chat from the contact, the organisation and the chat's prep."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coffeechat.services.chats import ChatPlan, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.errors import InvalidInput
from coffeechat.services.library import StoryDetails, add_story
from coffeechat.services.ranking import ranked_stories
from coffeechat.store.models import Chat


@pytest.fixture
def chat(alice):
    ada = add_contact(
        alice,
        ContactDetails(
            name="Ada",
            role="Head of Learning Design",
            organisation="Analytical Engines",
            tags=("edtech",),
            research_notes="Moved from **teaching** into curriculum products.",
        ),
    )
    return plan_chat(alice, ChatPlan(ada, datetime(2030, 1, 7, 10, tzinfo=UTC)))


def story(owner, title, **parts):
    parts.setdefault("result", "It worked.")
    return add_story(owner, StoryDetails(title, **parts))


def test_the_story_that_fits_the_contact_comes_first(alice, chat):
    story(alice, "Ran a bake sale", situation="Funds were short")
    fit = story(alice, "Rebuilt the curriculum", tags=("learning design",))
    ranked = ranked_stories(alice, chat)
    assert ranked[0].story == fit
    assert set(ranked[0].matched_terms) == {"curriculum", "learning", "design"}
    assert ranked[1].score == 0


def test_the_chat_prep_counts_too(alice, chat):
    Chat.objects.filter(pk=chat.pk).update(ask="an introduction to the budget owner")
    budget = story(alice, "Cut the budget by a third")
    assert ranked_stories(alice, chat)[0].story == budget
    assert ranked_stories(alice, chat)[0].matched_terms == ("budget",)


def test_only_my_own_stories_are_ranked(alice, bob, chat):
    story(bob, "Curriculum work of someone else")
    assert ranked_stories(alice, chat) == []


def test_someone_elses_chat_is_refused(bob, chat):
    with pytest.raises(InvalidInput, match="not yours"):
        ranked_stories(bob, chat)


def test_ranking_takes_the_same_queries_for_two_stories_or_twenty(alice, chat):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            ranked_stories(alice, chat)
        return len(captured.captured_queries)

    for index in range(2):
        story(alice, f"Story {index}", tags=("edtech",))
    few = queries()
    for index in range(2, 20):
        story(alice, f"Story {index}", tags=("edtech",))
    assert queries() == few <= 2
