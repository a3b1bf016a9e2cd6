"""The live page's scripts in the user's own words, each with a way back to our default."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect

from coffeechat.core.live import DEFAULT_SCRIPTS, PLACEHOLDERS
from coffeechat.services.errors import DomainError
from coffeechat.services.scripts import customised_kinds, reset_script, save_scripts, scripts_of
from coffeechat.store.models import ScriptTemplate
from coffeechat.web.forms import ScriptsForm
from coffeechat.web.shortcuts import allow, show_domain_error, show_form


@allow("GET", "POST")
def scripts(request):
    # Each box has its own "Reset to default" button inside the same form: name="reset" says
    # which script to forget, and the rest of what was posted is ignored.
    kind = request.POST.get("reset", "")
    if request.method == "POST" and kind:
        try:
            reset_script(request.user, kind)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            label = ScriptTemplate.Kind(kind).label
            messages.success(request, f"“{label}” uses the default wording again.")
        return redirect("web:scripts")
    form = ScriptsForm(
        request.POST if request.method == "POST" else None,
        texts=scripts_of(request.user),
        defaults=DEFAULT_SCRIPTS,
    )
    if form.is_bound and form.is_valid():
        try:
            save_scripts(request.user, form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "Saved your scripts.")
            return redirect("web:scripts")
    context = {
        "form": form,
        "placeholders": PLACEHOLDERS,
        "customised": customised_kinds(request.user),
    }
    return show_form(request, "coffeechat/live/scripts.html", context)
