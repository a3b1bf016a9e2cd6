"""The user's reusable material: the pitch, the career-change story and success stories."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from coffeechat.core.text import clean_line, split_list
from coffeechat.services.errors import InvalidInput
from coffeechat.services.ownership import ensure_owned
from coffeechat.store.models import Chat, Pitch, Story

MAX_TEXT = 10_000


@dataclass(frozen=True)
class StoryDetails:
    """A success story: what the situation was, what I did, what came of it."""

    title: str
    situation: str = ""
    action: str = ""
    result: str = ""
    tags: tuple[str, ...] = ()


@transaction.atomic
def save_pitch(owner, kind: str, text: str) -> Pitch:
    """Write the owner's elevator pitch or career-change story (one of each)."""
    if kind not in Pitch.Kind.values:
        raise InvalidInput("Choose the elevator pitch or the career-change story.", field="kind")
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"Keep it under {MAX_TEXT:,} characters.", field="text")
    pitch, _ = Pitch.objects.update_or_create(owner=owner, kind=kind, defaults={"text": text})
    return pitch


@transaction.atomic
def add_story(owner, details: StoryDetails) -> Story:
    """Add a success story to the owner's library."""
    title = clean_line(details.title)
    if not title:
        raise InvalidInput("Give the story a title.", field="title")
    if len(title) > 200:
        raise InvalidInput("A title has at most 200 characters.", field="title")
    parts = {
        "situation": details.situation.strip(),
        "action": details.action.strip(),
        "result": details.result.strip(),
    }
    for name, value in parts.items():
        if len(value) > MAX_TEXT:
            raise InvalidInput(f"Keep the {name} under {MAX_TEXT:,} characters.", field=name)
    return Story.objects.create(
        owner=owner, title=title, tags=split_list(",".join(details.tags)), **parts
    )


@transaction.atomic
def choose_stories(owner, chat: Chat, stories: Iterable[Story]) -> Chat:
    """Set the stories the owner plans to tell in ``chat``."""
    chosen = list(stories)
    ensure_owned(owner, chat, *chosen)
    chat.stories.set(chosen)
    return chat
