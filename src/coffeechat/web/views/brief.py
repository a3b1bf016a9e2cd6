"""The one-page brief of a chat: everything to glance at before walking in, ready to print."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render

from coffeechat.services.prep import brief_for
from coffeechat.store.models import Chat
from coffeechat.web.shortcuts import allow


@allow("GET")
def brief(request, code):
    chat = get_object_or_404(Chat.objects.for_owner(request.user), code=code)
    context = {"chat": chat, "brief": brief_for(request.user, chat)}
    return render(request, "coffeechat/prep/brief.html", context)
