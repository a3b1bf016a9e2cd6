"""Who do I owe: the page of one whole section, putting a follow-up or a contact's reminders
off, and starting a reminder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from coffeechat.core.clock import format_day
from coffeechat.services.errors import DomainError
from coffeechat.services.owed import (
    DONE_WITHIN,
    owed,
    snooze,
    snooze_reminders,
    start_reminder,
    with_suggestions,
)
from coffeechat.store.models import Contact, FollowUp
from coffeechat.web.forms import SnoozeForm
from coffeechat.web.shortcuts import allow, go_back, page_of, user_zone

# Where the forms live: the home page, scrolled back to the list the user was working on (or the
# page of a whole section, which sends its own ``next``).
BACK = "#who-do-i-owe"


@dataclass(frozen=True)
class Part:
    """A section of "Who do I owe": the Owed field it lists, its heading, what "All N" counts."""

    section: str
    title: str
    words: str


# By address (/owed/<slug>/), in the order the home page shows them.
SECTIONS = (
    ("thank-yous", Part("thank_yous", "Thank-yous", "thank-yous")),
    ("next-steps", Part("next_steps", "My next steps", "next steps")),
    ("intros", Part("intros", "Intros promised to me", "intros")),
    ("reminders", Part("reminders", "Keep in touch and add value", "reminders")),
    ("requests", Part("nudges", "Requests waiting", "requests waiting")),
    ("done", Part("done", "Done", "done")),
)


def _back(request):
    return go_back(request, reverse("web:home") + BACK)


@allow("GET")
def owed_section(request, section):
    """One section of "Who do I owe", whole, 50 a page, with the rows of the home page."""
    part = dict(SECTIONS).get(section)
    if part is None:
        raise Http404("There is no such list.")
    owing = owed(request.user, suggest=False)
    page = page_of(request, getattr(owing, part.section))
    # The other people to suggest, for the requests on this page only.
    rows = with_suggestions(request.user, list(page.object_list))
    context = {
        "owed": owing,
        "part": part,
        "section": section,
        "page": page,
        "rows": rows,
        "back": request.get_full_path(),
        "done_days": DONE_WITHIN.days,
        "snooze_choices": SnoozeForm.CHOICES,
    }
    return render(request, "coffeechat/owed/section.html", context)


def _until_words(request, until) -> str:
    local = until.astimezone(user_zone(request))
    return format_day(local)


def _snoozed(request, do, row, what: str):
    form = SnoozeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Snooze for 1 day, 1 week or 1 month.")
        return _back(request)
    until = timezone.now() + timedelta(days=form.cleaned_data["days"])
    try:
        do(request.user, row, until)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{what} snoozed until {_until_words(request, until)}.")
    return _back(request)


@allow("POST")
def follow_up_snooze(request, code):
    follow_up = get_object_or_404(
        FollowUp.objects.for_owner(request.user).select_related("contact"), code=code
    )
    what = f"{follow_up.get_kind_display()} for {follow_up.contact.name}"
    return _snoozed(request, snooze, follow_up, what)


@allow("POST")
def contact_snooze_reminders(request, code):
    contact = get_object_or_404(Contact.objects.for_owner(request.user), code=code)
    return _snoozed(request, snooze_reminders, contact, f"Reminders for {contact.name}")


@allow("POST")
def contact_keep_in_touch(request, code):
    contact = get_object_or_404(Contact.objects.for_owner(request.user), code=code)
    try:
        follow_up = start_reminder(request.user, contact)
    except DomainError as error:
        messages.error(request, error.message)
        return _back(request)
    return redirect("web:follow_up", code=follow_up.code)
