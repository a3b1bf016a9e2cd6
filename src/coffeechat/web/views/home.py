"""The home page: what is on today, and who the user owes what."""

from __future__ import annotations

from django.shortcuts import render

from coffeechat.services.agenda import chats_tomorrow, today
from coffeechat.services.owed import DONE_WITHIN, owed
from coffeechat.services.prep import pocket_briefs, unprepared_upcoming
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
    tomorrow = chats_tomorrow(request.user, agenda.now)
    # One call for both days, so the brief that opens by itself is the next chat of either.
    pockets = pocket_briefs(request.user, [*agenda.chats, *tomorrow], agenda.now)
    context = {
        "agenda": agenda,
        "today_pockets": pockets[: len(agenda.chats)],
        "tomorrow_pockets": pockets[len(agenda.chats) :],
        "owed": owing,
        "done_days": DONE_WITHIN.days,
        "snooze_choices": SnoozeForm.CHOICES,
        "is_new": is_new,
        "unprepared": unprepared_upcoming(request.user, agenda.now),
    }
    return render(request, "coffeechat/home.html", context)
