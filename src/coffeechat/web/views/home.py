"""The home page: what is on today, and who the user owes what."""

from __future__ import annotations

from django.shortcuts import render

from coffeechat.services.agenda import today
from coffeechat.services.owed import DONE_WITHIN, owed
from coffeechat.services.prep import unprepared_upcoming
from coffeechat.store.models import Contact
from coffeechat.web.forms import SnoozeForm
from coffeechat.web.shortcuts import allow


@allow("GET")
def home(request):
    agenda = today(request.user)
    owing = owed(request.user, agenda.now)
    # A first visit gets a few words on where to start instead of empty lists.
    is_new = (
        not agenda.chats and owing.is_empty and not Contact.objects.for_owner(request.user).exists()
    )
    context = {
        "agenda": agenda,
        "owed": owing,
        "done_days": DONE_WITHIN.days,
        "snooze_choices": SnoozeForm.CHOICES,
        "is_new": is_new,
        "unprepared": unprepared_upcoming(request.user, agenda.now),
    }
    return render(request, "coffeechat/home.html", context)
