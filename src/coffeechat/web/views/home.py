"""The home page: what is on today and what is owed."""

from __future__ import annotations

from django.shortcuts import render

from coffeechat.services.agenda import today
from coffeechat.services.prep import unprepared_upcoming
from coffeechat.store.models import Contact
from coffeechat.web.shortcuts import allow


@allow("GET")
def home(request):
    agenda = today(request.user)
    # A first visit gets a few words on where to start instead of two empty lists.
    is_new = (
        not agenda.chats
        and not agenda.follow_ups
        and not Contact.objects.for_owner(request.user).exists()
    )
    context = {
        "agenda": agenda,
        "is_new": is_new,
        "unprepared": unprepared_upcoming(request.user, agenda.now),
    }
    return render(request, "coffeechat/home.html", context)
