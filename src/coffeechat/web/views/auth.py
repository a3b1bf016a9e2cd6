"""Getting in and out: the one-time link (local mode) or a password (server mode)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render

from coffeechat.services.accounts import redeem_login_link
from coffeechat.services.errors import LoginLinkRejected
from coffeechat.web.forms import SignInForm
from coffeechat.web.shortcuts import INVALID, allow, go_back, next_path

# The link proves who the user is, so there is no password for a backend to check.
_BACKEND = "django.contrib.auth.backends.ModelBackend"


@login_not_required
@allow("GET", "POST")
def sign_in(request):
    if request.user.is_authenticated:
        return go_back(request, "web:home")
    form = None
    status = 200
    if settings.COFFEECHAT_MODE == "server":
        form = SignInForm(request, data=request.POST if request.method == "POST" else None)
        if form.is_bound:
            if form.is_valid():
                login(request, form.get_user())
                return go_back(request, "web:home")
            status = INVALID
    context = {
        "form": form,
        "next": (next_path(request) or "/") if form is not None else "",
        "link_minutes": settings.COFFEECHAT_LOGIN_LINK_MINUTES,
    }
    return render(request, "coffeechat/signin/how.html", context, status=status)


@login_not_required
@allow("GET")
def redeem(request, secret: str):
    try:
        owner = redeem_login_link(secret)
    except LoginLinkRejected as error:
        context = {"reason": error.message, "link_minutes": settings.COFFEECHAT_LOGIN_LINK_MINUTES}
        return render(request, "coffeechat/signin/rejected.html", context, status=403)
    login(request, owner, backend=_BACKEND)
    return redirect("web:home")


@login_not_required
@allow("POST")
def sign_out(request):
    logout(request)
    messages.info(request, "You are signed out.")
    return redirect("web:sign_in")
