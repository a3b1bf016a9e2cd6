"""Requests refused for going too fast (a sign-in lock, a per-user rate limit), and the address
a request came from, which the sign-in locks count by."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from coffeechat.services.rate_limits import RateLimited
from coffeechat.services.throttle import SignInLocked

TOO_MANY_REQUESTS = 429


def limited(response: HttpResponse, refusal: RateLimited | SignInLocked) -> HttpResponse:
    """Turn ``response`` (the page that says why) into a 429 that says when to come back."""
    response.status_code = TOO_MANY_REQUESTS
    response["Retry-After"] = str(refusal.retry_after)
    return response


def client_address(request: HttpRequest) -> str:
    """The visitor's address, as far as this server can tell ("" when it cannot).

    `coffeechat serve` (waitress) puts the visitor's address in REMOTE_ADDR itself when
    COFFEECHAT_TRUSTED_PROXY is set. gunicorn leaves the proxy's own address there, which would
    make every visitor one address to the sign-in locks; so a request whose connection comes from
    the trusted proxy is read from X-Forwarded-For. Its last entry is the one the proxy added (any
    before it came from the client and prove nothing). From anyone else the header is ignored.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    config = getattr(settings, "CONFIG", None)
    proxy = getattr(config, "trusted_proxy", None)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxy and forwarded and peer == proxy:
        return forwarded.rsplit(",", 1)[-1].strip()
    return peer
