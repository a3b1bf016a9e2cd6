"""Who do I owe: putting a follow-up or a contact's reminders off, and starting a reminder."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone

from coffeechat.core.clock import format_day
from coffeechat.services.errors import DomainError
from coffeechat.services.owed import snooze, snooze_reminders, start_reminder
from coffeechat.store.models import Contact, FollowUp
from coffeechat.web.forms import SnoozeForm
from coffeechat.web.shortcuts import allow, user_zone

# Where the forms live: the home page, scrolled back to the list the user was working on.
BACK = "#who-do-i-owe"


def _back():
    return redirect(reverse("web:home") + BACK)


def _until_words(request, until) -> str:
    local = until.astimezone(user_zone(request))
    return format_day(local)


def _snoozed(request, do, row, what: str):
    form = SnoozeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Snooze for 1 day, 1 week or 1 month.")
        return _back()
    until = timezone.now() + timedelta(days=form.cleaned_data["days"])
    try:
        do(request.user, row, until)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{what} snoozed until {_until_words(request, until)}.")
    return _back()


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
        return _back()
    return redirect("web:follow_up", code=follow_up.code)
