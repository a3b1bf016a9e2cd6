"""coffeechat's own settings with the benchmark's URLs: the app's pages plus /bench-empty/.

gunicorn loads it for bench/load.py (DJANGO_SETTINGS_MODULE=load_settings, with bench/ on the
Python path), so the empty view runs in the same server, behind the same middleware, as the pages
it is the baseline for.
"""

from __future__ import annotations

from coffeechat.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
