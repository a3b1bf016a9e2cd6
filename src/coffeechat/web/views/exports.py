"""Export: the downloads of everything the user keeps, in the same formats as the CLI."""

from __future__ import annotations

import io
from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render

from coffeechat.services.calendars import write_ics
from coffeechat.services.exports import write_csv, write_json, write_vcard
from coffeechat.services.rate_limits import EXPORT, RateLimited, check_rate
from coffeechat.web.limits import limited
from coffeechat.web.shortcuts import allow


@allow("GET")
def export_page(request):
    return render(request, "coffeechat/exports/page.html")


def _download(request, write: Callable, filename: str, content_type: str) -> HttpResponse:
    try:
        check_rate(request.user, EXPORT)
    except RateLimited as error:
        messages.error(request, error.message)
        return limited(render(request, "coffeechat/exports/page.html"), error)
    buffer = io.StringIO()
    write(request.user, buffer)
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@allow("GET")
def export_json(request):
    return _download(request, write_json, "coffeechat.json", "application/json")


@allow("GET")
def export_csv(request):
    # header=present (RFC 4180) tells a reader that the first row names the columns.
    return _download(request, write_csv, "contacts.csv", "text/csv; charset=utf-8; header=present")


@allow("GET")
def export_vcard(request):
    return _download(request, write_vcard, "contacts.vcf", "text/vcard; charset=utf-8")


@allow("GET")
def export_ics(request):
    return _download(request, write_ics, "chats.ics", "text/calendar; charset=utf-8")
