"""Values every template may use."""

from __future__ import annotations

from django.conf import settings

from coffeechat import __version__


def site(request) -> dict:
    return {"coffeechat_version": __version__, "coffeechat_mode": settings.COFFEECHAT_MODE}
