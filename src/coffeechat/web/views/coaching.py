"""Coaches with consent (server mode only; every page here answers 404 on a laptop).

The student's side: the Coaches page (grant by email, revoke, the record of what coaches
viewed) and the share toggle of a chat. The coach's side: the cohort, a student, a shared chat.
Every coach page asks services.coaching, which checks the grant on each request and records the
view; a missing or revoked grant answers 404, as for anything that is not the user's.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from coffeechat.services.coaching import (
    grant,
    grants_of,
    is_coach,
    open_grant,
    revoke,
    share_chat,
    shared_chat,
    student_detail,
    students_of,
    unshare_chat,
    views_of,
)
from coffeechat.services.errors import DomainError, NotFound
from coffeechat.store.models import Chat
from coffeechat.web.coaching_forms import GrantForm
from coffeechat.web.shortcuts import allow, go_back, page_of, show_domain_error, show_form


def server_only(view: Callable) -> Callable:
    """A page of server mode: a local coffeechat has one person and nobody to coach them."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if settings.COFFEECHAT_MODE != "server":
            raise Http404("Coaching is part of a server's coffeechat.")
        return view(request, *args, **kwargs)

    return guarded


def coaches_only(view: Callable) -> Callable:
    """A page for coaches: anyone else is told it does not exist."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_coach(request.user):
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return guarded


# --- The student's side -------------------------------------------------------------------------


@server_only
@allow("GET", "POST")
def coaches(request):
    form = GrantForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            made = grant(request.user, form.cleaned_data["email"])
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, f"{made.coach.email} can now see your progress.")
            return redirect("web:coaches")
    context = {
        "form": form,
        "coaches": grants_of(request.user),
        "page": page_of(request, views_of(request.user)),
    }
    return show_form(request, "coffeechat/coaching/coaches.html", context)


@server_only
@allow("POST")
def coach_revoke(request, coach):
    try:
        ended = revoke(request.user, open_grant(request.user, coach))
    except NotFound as error:
        raise Http404(error.message) from None
    messages.success(request, f"{ended.coach.email} can no longer see your progress.")
    return redirect("web:coaches")


@server_only
@allow("POST")
def chat_share(request, code):
    chat = get_object_or_404(Chat.objects.for_owner(request.user), code=code)
    if request.POST.get("shared") == "1":
        share_chat(request.user, chat)
        messages.success(request, "Your coaches can now read this chat's notes.")
    else:
        unshare_chat(request.user, chat)
        messages.success(request, "This chat's notes are yours alone again.")
    return go_back(request, "web:chat", code=chat.code)


# --- The coach's side ---------------------------------------------------------------------------


@server_only
@coaches_only
@allow("GET")
def students(request):
    return render(
        request, "coffeechat/coaching/students.html", {"students": students_of(request.user)}
    )


@server_only
@coaches_only
@allow("GET")
def student(request, student):
    try:
        page = student_detail(request.user, student)
    except NotFound as error:
        raise Http404(error.message) from None
    return render(request, "coffeechat/coaching/student.html", {"page": page})


@server_only
@coaches_only
@allow("GET")
def student_chat(request, student, code):
    try:
        page = shared_chat(request.user, student, code)
    except NotFound as error:
        raise Http404(error.message) from None
    return render(request, "coffeechat/coaching/shared_chat.html", {"page": page})
