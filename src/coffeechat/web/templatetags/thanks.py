"""Template tags for the way from a chat to its thank-you."""

from __future__ import annotations

from django import template
from django.utils import timezone

from coffeechat.services import thanks
from coffeechat.services.errors import DomainError
from coffeechat.store.models import Chat, FollowUp

register = template.Library()


@register.simple_tag(takes_context=True)
def thank_you_of(context, chat: Chat) -> FollowUp | None:
    """The chat's thank-you follow-up, if one is owed or was sent; also sets ``thank_you_now``."""
    context["thank_you_now"] = timezone.now()
    # The chat was looked up for its owner already, so its owner's rows are the ones to show.
    return (
        FollowUp.objects.filter(owner_id=chat.owner_id, chat=chat, kind=FollowUp.Kind.THANK_YOU)
        .order_by("created_at")
        .first()
    )


@register.simple_tag(takes_context=True)
def thank_you_mailto(context, chat: Chat) -> str:
    """A mailto: link with the chat's thank-you as the composer drafts it; empty once it is sent,
    before it is owed, or without one usable address."""
    follow_up = thank_you_of(context, chat)
    if follow_up is None or follow_up.sent_at is not None:
        return ""
    try:
        return thanks.mailto_for(context["request"].user, follow_up)
    except DomainError:
        return ""
