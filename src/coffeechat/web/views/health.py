"""Health checks for the proxy, a load balancer or a monitor (docs/deploying.md).

``/healthz`` says the process answers: it touches neither the database nor a session, so a
database outage does not get every app server restarted. ``/readyz`` says this server can serve
pages now: the database answers, every migration is applied, and the static files it links to
are there. A server that is not ready answers 503 with a short reason in JSON, for a load
balancer to send requests elsewhere meanwhile. Neither needs signing in, and gunicorn writes no
access line for a passing check (coffeechat.gunicorn_conf).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static

from coffeechat.services.setup import database_problem
from coffeechat.web.shortcuts import allow

# A file every page links to: if its hashed name is unknown, no page renders.
PROBE_FILE = "coffeechat/app.css"


@login_not_required
@allow("GET")
def healthz(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@login_not_required
@allow("GET")
def readyz(request):
    reason = database_problem() or _static_problem()
    if reason:
        return JsonResponse({"ready": False, "reason": reason}, status=503)
    return JsonResponse({"ready": True})


def _static_problem() -> str | None:
    try:
        static(PROBE_FILE)
    except ValueError:
        # The manifest this process read when it started has no entry: collectstatic has not run
        # (or ran after the start, and the server must be restarted to read it).
        return "The static files are not collected: run coffeechat collectstatic, then restart."
    return None
