"""Template tags for the live chat page's entry points."""

from __future__ import annotations

from django import template
from django.utils import timezone

from coffeechat.services.live import START_EARLY, START_LATE
from coffeechat.store.models import Chat

register = template.Library()


@register.simple_tag
def live_link_state(chat: Chat) -> str:
    """``go`` when the chat may start now, ``open`` when it is live or was run live, else empty."""
    if chat.status == Chat.Status.LIVE:
        return "open"
    if chat.status == Chat.Status.HELD and chat.target_end_at is not None:
        # Run on the live page: it still holds the felt-length question and the log.
        return "open"
    if chat.status == Chat.Status.PLANNED:
        now = timezone.now()
        if chat.starts_at - START_EARLY <= now <= chat.starts_at + START_LATE:
            return "go"
    return ""
