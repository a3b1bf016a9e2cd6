from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("coffeechat.web.urls")),
]

# Error pages in the app's own style (used when DEBUG is off, which is the default).
handler400 = "coffeechat.web.views.errors.bad_request"
handler403 = "coffeechat.web.views.errors.permission_denied"
handler404 = "coffeechat.web.views.errors.page_not_found"
handler500 = "coffeechat.web.views.errors.server_error"
