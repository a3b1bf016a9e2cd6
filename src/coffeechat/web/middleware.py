"""Middleware of ours: the headers every page gets (the Content-Security-Policy comes from
django-csp), the LAN listener's door for paired phones, and "sign out everywhere".

Static files are answered by WhiteNoise before these run, so they keep their long caching.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import cast

from django.conf import settings
from django.contrib.auth import logout, user_logged_in
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

from coffeechat.services.devices import DeviceCheck, check_device
from coffeechat.services.lan import LAN_MARK
from coffeechat.web.shortcuts import (
    PARTIAL_CONSULTED,
    PARTIAL_HEADER,
    OwnerRequest,
    preferences_of,
    wants_json,
)


def no_store(get_response: Callable[[HttpRequest], HttpResponse]):
    """Keep every page and download out of caches: the browser's, a proxy's, a shared computer's.

    Nearly every response shows someone's data (their pages, exports, .ics and .eml files, the
    private calendar feed, the brief); the rest (sign-in, error pages) carry a form token or
    nothing worth keeping. One rule for all is simpler than a list that a new page could miss.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        patch_cache_control(response, no_store=True)
        return response

    return middleware


def vary_on_partial(get_response: Callable[[HttpRequest], HttpResponse]):
    """Say ``Vary: X-Coffeechat-Partial`` on every answer of a view that read that header.

    Such a view answers a page's script with a piece of the page and a person with the whole
    page, at one address. Nothing is cached today (no_store), but a cache that ignored that rule,
    or a later change to it, would otherwise hand one out for the other. Views mark the request
    by asking shortcuts.wants_partial; pages that never ask are left alone.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if getattr(request, PARTIAL_CONSULTED, False):
            patch_vary_headers(response, (PARTIAL_HEADER,))
        return response

    return middleware


# On the LAN listener these open without a device session: the pairing link itself, the
# calendar feed, whose secret in the address is what lets the phone's calendar app in, and a
# reminder's snooze link, whose signed one-time token is its own proof (a phone that follows it
# from a mail or a push has no session either).
OPEN_ON_LAN = frozenset({"pair", "calendar_feed", "calendar_feed_chat", "snooze_link"})
# The session key that makes a session a paired phone's (services.devices).
DEVICE_SESSION_KEY = "coffeechat_device"


def paired_devices_only(get_response: Callable[[HttpRequest], HttpResponse]):
    """On the LAN address, let in only phones paired with this computer.

    A request that came over the LAN (services.lan.LAN_MARK, set by the listener, never by a
    header) needs a device session that is still signed in; anything else gets the page that says
    how to pair, and a signed-out phone is told so (a script asking for JSON gets 401 and the
    same words, so the live page can show what it has not sent). Requests on this computer's own
    address are not touched.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if not request.META.get(LAN_MARK) or _opens_on_lan(request):
            return get_response(request)
        user = request.user
        code = request.session.get(DEVICE_SESSION_KEY, "")
        found = check_device(user, code) if user.is_authenticated and code else DeviceCheck(None)
        if found.device is not None:
            return get_response(request)
        signed_out_at = found.signed_out_at
        if user.is_authenticated:
            logout(request)  # a session without a device (or a signed-out one) ends here
        return _pairing_needed(request, signed_out_at)

    return middleware


def _opens_on_lan(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.url_name in OPEN_ON_LAN


def _from_a_script(request: HttpRequest) -> bool:
    """Asked for by a page's script (JSON, state.json, a piece of a page), not by a person."""
    return (
        wants_json(request)
        or request.path_info.endswith(".json")
        or PARTIAL_HEADER in request.headers
    )


def _pairing_needed(request: HttpRequest, signed_out_at) -> HttpResponse:
    if signed_out_at is not None:
        message = (
            "This phone was signed out from your computer. Anything it has not sent is still on "
            "this page to copy; pair it again to go on."
        )
    else:
        message = "This phone is not paired with your computer yet."
    if _from_a_script(request):
        response: HttpResponse = JsonResponse({"signed_out": True, "error": message}, status=401)
    else:
        context = {"message": message, "signed_out": signed_out_at is not None}
        response = render(request, "coffeechat/phone/pair_first.html", context, status=403)
    # JSON or a page, chosen by these headers: a cache must keep the two apart.
    patch_vary_headers(response, ("Accept", PARTIAL_HEADER))
    return response


# When this session signed in (ISO 8601, UTC): "sign out everywhere" ends the sessions older than
# the moment it was pressed (Preferences.signed_out_at).
SIGNED_IN_AT_KEY = "coffeechat_signed_in_at"


def _note_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT_KEY] = timezone.now().isoformat()


# Connected here, where the middleware that reads it lives: this module is loaded with the
# middleware, before any request can sign anyone in.
user_logged_in.connect(_note_sign_in, dispatch_uid="coffeechat-signed-in-at")


def signed_out_everywhere(get_response: Callable[[HttpRequest], HttpResponse]):
    """In server mode, end a session that signed in before its user pressed "Sign out everywhere".

    A session with no sign-in moment (made before this check existed) counts as older. The
    next page then asks to sign in, as for any signed-out visitor.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.COFFEECHAT_MODE == "server"
            and user is not None
            and user.is_authenticated
            # Read through the request's cache: the page itself reads the same preferences.
            # Signed in (just checked), so the request is an owner's.
            and _signed_in_before_sign_out(
                request, preferences_of(cast(OwnerRequest, request)).signed_out_at
            )
        ):
            logout(request)
            # Those were the signed-out user's; a sign-in on this same request reads its own.
            request.__dict__.pop("_coffeechat_preferences", None)
        return get_response(request)

    return middleware


def _signed_in_before_sign_out(request: HttpRequest, cut: datetime | None) -> bool:
    if cut is None:
        return False
    try:
        signed_in = datetime.fromisoformat(request.session.get(SIGNED_IN_AT_KEY, ""))
    except (TypeError, ValueError):
        return True
    # Equal moments count as before: the button ends the session that pressed it, too.
    return signed_in <= cut
