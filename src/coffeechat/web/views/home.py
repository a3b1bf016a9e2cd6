"""The home page: what is on today, and who the user owes what."""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import render
from django.urls import reverse

from coffeechat.services.agenda import chats_tomorrow, today
from coffeechat.services.owed import (
    DONE_WITHIN,
    HOME_ROWS,
    Item,
    Owed,
    on_home,
    owed,
    with_suggestions,
)
from coffeechat.services.prep import pocket_briefs, unprepared_upcoming
from coffeechat.store.models import Contact
from coffeechat.web.forms import SnoozeForm
from coffeechat.web.shortcuts import allow
from coffeechat.web.views.owed import BACK, SECTIONS, Part


@allow("GET")
def home(request):
    agenda = today(request.user)
    # The other people to suggest are worked out below, for the few requests shown only.
    owing = owed(request.user, agenda.now, suggest=False)
    # A first visit gets a few words on where to start instead of empty lists.
    is_new = (
        not agenda.chats and owing.is_empty and not Contact.objects.for_owner(request.user).exists()
    )
    tomorrow = chats_tomorrow(request.user, agenda.now)
    # One call for both days, so the brief that opens by itself is the next chat of either.
    pockets = pocket_briefs(request.user, [*agenda.chats, *tomorrow], agenda.now)
    # A busy week can hold a hundred chats not prepared yet: the soonest few show, with the
    # whole count, and the chat list holds every one.
    unprepared = unprepared_upcoming(request.user, agenda.now)
    context = {
        "agenda": agenda,
        "today_pockets": pockets[: len(agenda.chats)],
        "tomorrow_pockets": pockets[len(agenda.chats) :],
        "owed": owing,
        "parts": {part.section: _shown(request.user, owing, slug, part) for slug, part in SECTIONS},
        "back": reverse("web:home") + BACK,
        "done_days": DONE_WITHIN.days,
        "snooze_choices": SnoozeForm.CHOICES,
        "is_new": is_new,
        "unprepared": unprepared[:HOME_ROWS],
        "unprepared_total": len(unprepared),
    }
    return render(request, "coffeechat/home.html", context)


@dataclass(frozen=True)
class Shown:
    """One section of "Who do I owe" on the home page: the rows shown, and the whole count."""

    rows: list[Item]
    total: int
    url: str  # the page of the whole section
    words: str

    @property
    def more(self) -> bool:
        return self.total > len(self.rows)


def _shown(owner, owing: Owed, slug: str, part: Part) -> Shown:
    rows = on_home(owing, part.section)
    if part.section == "nudges":
        rows = with_suggestions(owner, rows)
    total = len(getattr(owing, part.section))
    return Shown(rows, total, reverse("web:owed_section", args=[slug]), part.words)
