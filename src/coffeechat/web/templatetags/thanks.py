"""Template tags for the way from a chat to its thank-you."""

from __future__ import annotations

from django import template
from django.utils import timezone

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
