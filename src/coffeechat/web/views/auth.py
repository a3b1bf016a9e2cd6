"""Getting in and out: the one-time link (local mode) or a password (server mode)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from coffeechat.services import throttle
from coffeechat.services.accounts import redeem_login_link
from coffeechat.services.devices import sign_out_device
from coffeechat.services.errors import LoginLinkRejected
from coffeechat.services.preferences import identity_asked
from coffeechat.web.forms import SignInForm
from coffeechat.web.limits import client_address, limited
from coffeechat.web.middleware import DEVICE_SESSION_KEY
from coffeechat.web.shortcuts import INVALID, allow, go_back, next_path

# A one-time link (to sign in, or to pair a phone) proves who the user is, so there is no
# password for a backend to check.
LINK_BACKEND = "django.contrib.auth.backends.ModelBackend"


def onward(request) -> HttpResponseRedirect:
    """Just signed in: where the user was going, by way of "who are you" the first time."""
    if identity_asked(request.user):
        return go_back(request, "web:home")
    target = next_path(request)
    query = "?" + urlencode({"next": target}) if target else ""
    return HttpResponseRedirect(reverse("web:identity") + query)


# Why the sign-in page is shown after a sign-out (``?signed_out=``), and what it says. The reason
# travels in the address, not in the session: a phone's worker still keeping pages at that moment
# sends requests with the ended session, and the answer to each of those deletes the session
# cookie, so a message waiting in the new session could be gone before the page asks for it.
SIGNED_OUT = {
    "here": (messages.INFO, "You are signed out."),
    "everywhere": (messages.INFO, "You are signed out everywhere, here too. Sign in to go on."),
    "deleted": (messages.INFO, "Your account and everything in it are deleted."),
    "new_password": (messages.SUCCESS, "Your password is changed. Sign in with it."),
}


def signed_out(request, where: str) -> HttpResponseRedirect:
    """End this session (if any) and go to the sign-in page, which says why (a SIGNED_OUT key)."""
    logout(request)
    return HttpResponseRedirect(reverse("web:sign_in") + "?" + urlencode({"signed_out": where}))


@login_not_required
@allow("GET", "POST")
def sign_in(request):
    if request.user.is_authenticated:
        return go_back(request, "web:home")
    said = SIGNED_OUT.get(request.GET.get("signed_out", ""))
    if said and request.method == "GET":
        # Shown on this page in the same place as any message; it is used up here.
        messages.add_message(request, *said)
    form = None
    status = 200
    if settings.COFFEECHAT_MODE == "server":
        form = SignInForm(request, data=request.POST if request.method == "POST" else None)
        if form.is_bound:
            username = request.POST.get("username", "")
            address = client_address(request)
            try:
                # Before the form is validated, since validating checks the password.
                throttle.check_sign_in(
                    username,
                    address,
                    known_browser=throttle.known_browser(_token_of(request), username),
                )
            except throttle.SignInLocked as error:
                form.refuse(error.message)
                page = render(request, "coffeechat/signin/how.html", _context(request, form))
                return limited(page, error)
            if form.is_valid():
                throttle.record_success(username, address)
                login(request, form.get_user())
                return remember_browser(request, onward(request), request.user)
            if form.wrong_password():
                throttle.record_failure(username, address)
            status = INVALID
    return render(request, "coffeechat/signin/how.html", _context(request, form), status=status)


def _context(request, form: SignInForm | None) -> dict:
    return {
        "form": form,
        "next": (next_path(request) or "/") if form is not None else "",
        "link_minutes": settings.COFFEECHAT_LOGIN_LINK_MINUTES,
    }


def _browser_cookie(request) -> str:
    # Over HTTPS the __Host- prefix makes browsers refuse the cookie unless it is Secure, for
    # this host only and for the whole site, so no subdomain or plain-HTTP page can plant one.
    return "__Host-coffeechat-known" if request.is_secure() else "coffeechat-known"


def _token_of(request) -> str | None:
    return request.COOKIES.get(_browser_cookie(request))


def remember_browser(request, response: HttpResponse, user) -> HttpResponse:
    """Mark this browser as one that signed in as ``user``, so someone guessing the password
    elsewhere cannot lock it out (services.throttle). Call on any sign-in that proved who the
    user is: a right password, or a password just set from a reset link."""
    response.set_cookie(
        _browser_cookie(request),
        throttle.browser_token(user),
        max_age=throttle.BROWSER_DAYS * 24 * 60 * 60,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
    return response


@login_not_required
@allow("GET")
def redeem(request, secret: str):
    try:
        owner = redeem_login_link(secret)
    except LoginLinkRejected as error:
        context = {"reason": error.message, "link_minutes": settings.COFFEECHAT_LOGIN_LINK_MINUTES}
        return render(request, "coffeechat/signin/rejected.html", context, status=403)
    login(request, owner, backend=LINK_BACKEND)
    return onward(request)


@login_not_required
@allow("POST")
def sign_out(request):
    device = request.session.get(DEVICE_SESSION_KEY)
    if device and request.user.is_authenticated:
        # A paired phone that signs itself out is no longer paired: it leaves the list too.
        sign_out_device(request.user, device)
    return signed_out(request, "here")
