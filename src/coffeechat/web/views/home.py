"""The home page: what is on today, and who the user owes what."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.shortcuts import render
from django.urls import reverse

from coffeechat.services.agenda import today_and_tomorrow
from coffeechat.services.owed import (
    DONE_WITHIN,
    HOME_ROWS,
    Item,
    Owed,
    on_home,
    owed,
    with_suggestions,
)
from coffeechat.services.prep import Shelf, pocket_briefs, unprepared_soonest
from coffeechat.store.models import Contact
from coffeechat.store.owners import Owner
from coffeechat.web.forms import SnoozeForm
from coffeechat.web.shortcuts import allow, preferences_of
from coffeechat.web.views.owed import BACK, SECTIONS, Part


@allow("GET")
def home(request):
    # Read once for the whole page: every part below and the template's times use them.
    preferences = preferences_of(request)
    # Both days in one query: tomorrow's chats show below today's.
    agenda, tomorrow = today_and_tomorrow(request.user, preferences=preferences)
    # The other people to suggest are worked out below, for the few requests shown only; the
    # due requests after those are counted, not read.
    # The rows read only what they show of their people and chats (lean).
    owing = owed(
        request.user,
        agenda.now,
        suggest=False,
        rows=HOME_ROWS,
        preferences=preferences,
        lean=True,
    )
    # A first visit gets a few words on where to start instead of empty lists.
    is_new = (
        not agenda.chats and owing.is_empty and not Contact.objects.for_owner(request.user).exists()
    )
    # One call for both days, so the brief that opens by itself is the next chat of either.
    # Tomorrow shows its soonest few (the next chat among them when today has none left): a
    # full day tomorrow would double the page, and each is on today's page then. The soonest
    # few chats to come, of either day, carry their pocket brief; a full day's later ones link
    # to theirs (issue 18: a page draws what a person reads; a brief is read on the way there).
    # The briefs and "not prepared yet" read the pitch and the stories once between them.
    shelf = Shelf(request.user)
    pockets = pocket_briefs(
        request.user,
        [*agenda.chats, *tomorrow[:HOME_ROWS]],
        agenda.now,
        preferences,
        shelf,
        most=HOME_ROWS,
    )
    # A busy week can hold a hundred chats not prepared yet: the soonest few show, with the
    # whole count, and the chat list holds every one.
    unprepared = unprepared_soonest(request.user, HOME_ROWS, agenda.now, shelf=shelf)
    context = {
        "agenda": agenda,
        "today_pockets": pockets[: len(agenda.chats)],
        "tomorrow_pockets": pockets[len(agenda.chats) :],
        "tomorrow_total": len(tomorrow),
        "owed": owing,
        "parts": {part.section: _shown(request.user, owing, slug, part) for slug, part in SECTIONS},
        "back": reverse("web:home") + BACK,
        "done_days": DONE_WITHIN.days,
        "snooze_choices": SnoozeForm.CHOICES,
        "is_new": is_new,
        "unprepared": unprepared.items,
        "unprepared_total": unprepared.total,
    }
    return render(request, "coffeechat/home.html", context)


@dataclass(frozen=True)
class Shown:
    """One section of "Who do I owe" on the home page: the rows shown, and the whole count.

    ``brief``: the overdue thank-yous after the first HOME_ROWS, shown as a short list (name,
    how late, the link to write it): every one is on the page, none behind a link.
    """

    rows: list[Item]
    total: int
    url: str  # the page of the whole section
    words: str
    brief: list[Item] = field(default_factory=list)

    @property
    def more(self) -> bool:
        return self.total > len(self.rows) + len(self.brief)


def _shown(owner: Owner, owing: Owed, slug: str, part: Part) -> Shown:
    rows = on_home(owing, part.section)
    if part.section == "nudges":
        rows = with_suggestions(owner, rows)
    total = owing.total(part.section)
    url = reverse("web:owed_section", args=[slug])
    return Shown(rows[:HOME_ROWS], total, url, part.words, brief=rows[HOME_ROWS:])
