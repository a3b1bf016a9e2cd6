"""The WSGI entry point, for ``coffeechat serve`` and for any production WSGI server."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coffeechat.settings")
application = get_wsgi_application()
