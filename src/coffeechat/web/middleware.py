"""Response headers every page of the app gets; the Content-Security-Policy comes from django-csp.

Static files are answered by WhiteNoise before these run, so they keep their long caching.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


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
