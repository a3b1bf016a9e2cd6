"""The app's own pages plus an empty view, served through the same middleware: the baseline."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import include, path


def empty(request) -> HttpResponse:
    return HttpResponse(b"", content_type="text/plain")


urlpatterns = [
    path("bench-empty/", empty, name="bench_empty"),
    path("", include("coffeechat.urls")),
]
