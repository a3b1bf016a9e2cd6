"""Preferences: the user's usual chat length, buffer, cues, zone and clock."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone

from coffeechat.core.clock import local_today
from coffeechat.services.devices import paired_devices
from coffeechat.services.errors import DomainError
from coffeechat.services.outreach_timers import upcoming_holidays
from coffeechat.services.preferences import calendar_of, holiday_choices, update_preferences
from coffeechat.web.forms import PreferencesForm
from coffeechat.web.shortcuts import (
    allow,
    preferences_of,
    show_domain_error,
    show_form,
    user_zone,
)


@allow("GET", "POST")
def preferences(request):
    initial = PreferencesForm.initial_for(preferences_of(request))
    form = PreferencesForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            update_preferences(request.user, form.choices())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "Saved your preferences.")
            return redirect("web:preferences")
    # The saved calendar's next holidays, so the user can check it is the one they meant.
    saved = preferences_of(request)
    calendar = calendar_of(saved)
    context = {
        "form": form,
        "devices": paired_devices(request.user),
        "holiday_choices": holiday_choices(),
        "holiday_calendar": calendar,
        "holiday_unknown": bool(saved.holiday_country) and not calendar.code,
        "next_holidays": upcoming_holidays(
            calendar, local_today(timezone.now(), user_zone(request))
        ),
    }
    return show_form(request, "coffeechat/preferences.html", context)
