"""The installable app of server mode: its manifest, its service worker and what it keeps offline.

Browsers run a service worker only in a secure context (HTTPS, or this computer's own address),
so the worker is registered in server mode only, where coffeechat sits behind HTTPS; over plain
HTTP on a LAN the open page keeps working offline on its own (docs/phone.md). The worker fetches
pages from the network first and keeps a copy of the home page and of today's chats' live and
brief pages, with the static files they use, to show when the network is gone.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse

from coffeechat.services.agenda import today
from coffeechat.web.shortcuts import allow

# The colours of app.css (--accent and --paper): the phone's title bar and the splash screen.
THEME_COLOUR = "#0b6460"
BACKGROUND_COLOUR = "#faf8f5"
MANIFEST_TYPE = "application/manifest+json"
WORKER_TYPE = "text/javascript; charset=utf-8"
# (file, size, purpose): the SVG for any size, PNGs for launchers that want pixels, and a
# maskable one whose cup sits inside the safe circle a launcher may cut the icon to.
ICONS = (
    ("coffeechat/icons/app.svg", "any", "any"),
    ("coffeechat/icons/app-192.png", "192x192", "any"),
    ("coffeechat/icons/app-512.png", "512x512", "any"),
    ("coffeechat/icons/maskable-512.png", "512x512", "maskable"),
)
_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}


def _icon(path: str, sizes: str, purpose: str) -> dict[str, str]:
    kind = _TYPES[path[path.rindex(".") :]]
    return {"src": static(path), "sizes": sizes, "type": kind, "purpose": purpose}


# The browser fetches the manifest without the session cookie; it holds nobody's data.
@login_not_required
@allow("GET")
def manifest(request):
    home = reverse("web:home")
    content = {
        "id": home,
        "name": "coffeechat",
        "short_name": "coffeechat",
        "description": "Plan, run and follow up informational interviews.",
        "start_url": home,
        "scope": home,
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [_icon(*icon) for icon in ICONS],
    }
    return JsonResponse(content, content_type=MANIFEST_TYPE)


# Served from the root, not /static/, so that its scope is the whole site.
@login_not_required
@allow("GET")
def service_worker(request):
    return HttpResponse(render_to_string("coffeechat/pwa/sw.js"), content_type=WORKER_TYPE)


@allow("GET")
def offline_pages(request):
    """What the worker keeps for offline use: the home page and today's chats, live and brief."""
    pages = [reverse("web:home"), reverse("web:offline")]
    for chat in today(request.user).chats:
        pages += [reverse("web:live", args=[chat.code]), reverse("web:brief", args=[chat.code])]
    return JsonResponse({"pages": pages})


@allow("GET")
def offline(request):
    """What the worker shows offline in place of a page it did not keep."""
    return render(request, "coffeechat/pwa/offline.html")
