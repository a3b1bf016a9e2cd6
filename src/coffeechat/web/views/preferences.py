"""Preferences: the user's usual chat length, buffer, cues, zone and clock."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect

from coffeechat.services.errors import DomainError
from coffeechat.services.preferences import update_preferences
from coffeechat.web.forms import PreferencesForm
from coffeechat.web.shortcuts import allow, preferences_of, show_domain_error, show_form


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
    return show_form(request, "coffeechat/preferences.html", {"form": form})
