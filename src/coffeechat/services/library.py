"""The user's reusable material: the pitch, the career-change story and success stories."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from coffeechat.core.pitch import pitch_problem
from coffeechat.core.text import clean_line, split_list
from coffeechat.services.errors import InvalidInput
from coffeechat.services.ownership import ensure_owned
from coffeechat.store.models import Chat, Pitch, Story
from coffeechat.store.owners import Owner

MAX_TEXT = 10_000
MAX_TITLE = 200


@dataclass(frozen=True)
class StoryDetails:
    """A success story: what the situation was, what I did, what came of it."""

    title: str
    situation: str = ""
    action: str = ""
    result: str = ""
    tags: tuple[str, ...] = ()


@transaction.atomic
def save_pitch(owner: Owner, kind: str, text: str) -> Pitch:
    """Write the owner's elevator pitch or career-change story (one of each)."""
    if kind not in Pitch.Kind.values:
        raise InvalidInput("Choose the elevator pitch or the career-change story.", field="kind")
    text = text.strip()
    problem = pitch_problem(text)
    if problem:
        raise InvalidInput(problem, field="text")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"Keep it under {MAX_TEXT:,} characters.", field="text")
    pitch, _ = Pitch.objects.update_or_create(owner=owner, kind=kind, defaults={"text": text})
    return pitch


def _story_values(details: StoryDetails) -> dict:
    """The story's fields as they are stored, or InvalidInput naming what to fix."""
    title = clean_line(details.title)
    if not title:
        raise InvalidInput("Give the story a title.", field="title")
    if len(title) > MAX_TITLE:
        raise InvalidInput(f"A title has at most {MAX_TITLE} characters.", field="title")
    parts = {
        "situation": details.situation.strip(),
        "action": details.action.strip(),
        "result": details.result.strip(),
    }
    for name, value in parts.items():
        if len(value) > MAX_TEXT:
            raise InvalidInput(f"Keep the {name} under {MAX_TEXT:,} characters.", field=name)
    if not any(parts.values()):
        # A title alone is a reminder, not a story; without text it cannot be told or ranked.
        raise InvalidInput(
            "Tell the story: write at least the situation, what you did, or the result.",
            field="situation",
        )
    return {"title": title, "tags": split_list(",".join(details.tags)), **parts}


@transaction.atomic
def add_story(owner: Owner, details: StoryDetails) -> Story:
    """Add a success story to the owner's library."""
    return Story.objects.create(owner=owner, **_story_values(details))


@transaction.atomic
def change_story(owner: Owner, story: Story, details: StoryDetails) -> Story:
    """Rewrite one of the owner's stories."""
    ensure_owned(owner, story)
    for name, value in _story_values(details).items():
        setattr(story, name, value)
    story.save()
    return story


@transaction.atomic
def remove_story(owner: Owner, story: Story) -> None:
    """Delete one of the owner's stories (chats that pinned it simply lose it)."""
    ensure_owned(owner, story)
    story.delete()


@transaction.atomic
def choose_stories(owner: Owner, chat: Chat, stories: Iterable[Story]) -> Chat:
    """Set the stories the owner plans to tell in ``chat``."""
    chosen = list(stories)
    ensure_owned(owner, chat, *chosen)
    chat.stories.set(chosen)
    return chat
