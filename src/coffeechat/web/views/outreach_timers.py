"""The 3-and-7 timers' actions: write the one nudge, or put off the second-person suggestion.

Both are buttons on the home page (and wherever a request is shown); each answers with a
redirect, back to the page it came from when that is one of ours.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect

from coffeechat.services import outreach as outreach_service
from coffeechat.services.errors import DomainError
from coffeechat.services.outreach_timers import start_nudge
from coffeechat.store.models import Outreach
from coffeechat.web.shortcuts import allow, go_back


def _outreach(request, code) -> Outreach:
    return get_object_or_404(
        Outreach.objects.for_owner(request.user).select_related("contact"), code=code
    )


def _back(request):
    return go_back(request, "web:home")


@allow("POST")
def outreach_nudge(request, code):
    outreach = _outreach(request, code)
    try:
        nudge = start_nudge(request.user, outreach)
    except DomainError as error:
        messages.error(request, error.message)
        return _back(request)
    return redirect("web:follow_up", code=nudge.code)


@allow("POST")
def outreach_move_on(request, code):
    outreach = _outreach(request, code)
    try:
        outreach_service.move_on(request.user, outreach)
    except DomainError as error:
        messages.error(request, error.message)
        return _back(request)
    messages.success(
        request,
        f"Noted: no second person for now. The request to {outreach.contact.name} keeps waiting; "
        "the nudge comes due after 7 business days.",
    )
    return _back(request)
