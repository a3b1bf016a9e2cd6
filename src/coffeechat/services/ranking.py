"""Which of the owner's success stories fit a chat best, and why."""

from __future__ import annotations

from collections.abc import Sequence

from coffeechat.core.stories import ChatContext, RankedStory, StoryText, rank_stories
from coffeechat.services.ownership import ensure_owned
from coffeechat.store.models import Chat, Story
from coffeechat.store.owners import Owner


def chat_context(chat: Chat) -> ChatContext:
    """What the chat and its contact say about the person, as the ranking reads it."""
    contact = chat.contact
    organisation = contact.organisation
    return ChatContext(
        role=contact.role,
        organisation=organisation.name if organisation else "",
        tags=tuple(contact.tags or ()),
        contact_notes=contact.research_notes,
        chat_notes=chat.research_notes,
        hypothesis=chat.hypothesis,
        ask=chat.ask,
    )


def ranked_stories(owner: Owner, chat: Chat) -> list[RankedStory[Story]]:
    """The owner's stories, most relevant to ``chat`` first, each with its matched terms."""
    ensure_owned(owner, chat)
    # Two queries whatever the library's size: the chat with its contact and organisation
    # (fresh, so edits made through other objects count), then every story of the owner.
    fresh = Chat.objects.for_owner(owner).select_related("contact__organisation").get(pk=chat.pk)
    return ranked_among(list(Story.objects.for_owner(owner).order_by("pk")), fresh)


def ranked_among(stories: Sequence[Story], chat: Chat) -> list[RankedStory[Story]]:
    """``stories`` ranked for ``chat``, whose contact and organisation are already loaded.

    No query: a page ranking the stories for many chats reads the stories once.
    """
    by_code = {str(story.code): story for story in stories}
    texts = [
        StoryText(
            code=str(story.code),
            title=story.title,
            situation=story.situation,
            action=story.action,
            result=story.result,
            tags=tuple(story.tags or ()),
        )
        for story in stories
    ]
    return [
        RankedStory(
            code=ranked.code,
            title=ranked.title,
            score=ranked.score,
            matched_terms=ranked.matched_terms,
            story=by_code[ranked.code],
        )
        for ranked in rank_stories(texts, chat_context(chat))
    ]
