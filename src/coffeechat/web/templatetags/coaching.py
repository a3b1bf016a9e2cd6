"""The share toggle of a chat's page: it needs the user's grants, which the chat view leaves out."""

from __future__ import annotations

from django import template
from django.conf import settings

from coffeechat.services.coaching import has_coach, is_shared

register = template.Library()


@register.inclusion_tag("coffeechat/coaching/_share_toggle.html", takes_context=True)
def share_toggle(context, chat) -> dict:
    """The toggle in server mode for a student with a coach; locally nothing, and no query."""
    user = context["request"].user
    if settings.COFFEECHAT_MODE != "server" or not has_coach(user):
        return {"show": False}
    return {
        "show": True,
        "chat": chat,
        "shared": is_shared(user, chat),
        "csrf_token": context.get("csrf_token"),
    }
