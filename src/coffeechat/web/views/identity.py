"""Who are you, for the letters you send: asked once after the first sign-in, skippable."""

from __future__ import annotations

from django.contrib import messages

from coffeechat.services.errors import DomainError
from coffeechat.services.preferences import save_identity, skip_identity
from coffeechat.web.forms import IdentityForm
from coffeechat.web.shortcuts import (
    allow,
    go_back,
    next_path,
    preferences_of,
    show_domain_error,
    show_form,
)

SKIP = "skip"


@allow("GET", "POST")
def identity(request):
    if request.method == "POST" and request.POST.get("action") == SKIP:
        skip_identity(request.user)
        return go_back(request, "web:home")
    initial = IdentityForm.initial_for(preferences_of(request))
    form = IdentityForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            save_identity(request.user, form.identity())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "Saved. You can change it any time in Preferences.")
            return go_back(request, "web:home")
    context = {"form": form, "next": next_path(request), "skip": SKIP}
    return show_form(request, "coffeechat/identity.html", context)
