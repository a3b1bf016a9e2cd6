"""Values every template may use."""

from __future__ import annotations

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from coffeechat import __version__
from coffeechat.web.shortcuts import preferences_of
from coffeechat.web.views.pwa import THEME_COLOUR


def site(request) -> dict:
    values = {
        "coffeechat_version": __version__,
        "coffeechat_mode": settings.COFFEECHAT_MODE,
        # Server mode sits behind HTTPS, where browsers allow a service worker: the pages form
        # an installable app there (views.pwa). A local coffeechat is served over plain HTTP.
        "installable": settings.COFFEECHAT_MODE == "server",
        "theme_colour": THEME_COLOUR,
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # Lazy: pages that show no times do not read the preferences at all.
        values["preferences"] = SimpleLazyObject(lambda: preferences_of(request))
    return values
