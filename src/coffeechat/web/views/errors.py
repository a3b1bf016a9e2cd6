"""Error pages in the app's own style; a user never sees a traceback."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

TITLES = {
    400: "That request could not be read",
    403: "You cannot open this page",
    404: "Page not found",
    500: "Something went wrong",
}


def _page(request, status: int) -> HttpResponse:
    context = {"status": status, "title": TITLES[status]}
    return render(request, f"coffeechat/errors/{status}.html", context, status=status)


@login_not_required
def bad_request(request, exception=None) -> HttpResponse:
    return _page(request, 400)


@login_not_required
def permission_denied(request, exception=None) -> HttpResponse:
    return _page(request, 403)


@login_not_required
def page_not_found(request, exception=None) -> HttpResponse:
    return _page(request, 404)


@login_not_required
def server_error(request) -> HttpResponse:
    # No request context: the database or the session may be what failed, so read neither.
    context = {"status": 500, "title": TITLES[500]}
    return HttpResponse(render_to_string("coffeechat/errors/500.html", context), status=500)


@login_not_required
def csrf_failure(request, reason: str = "") -> HttpResponse:
    context = {"status": 403, "title": "This form has expired"}
    return render(request, "coffeechat/errors/csrf.html", context, status=403)
