"""Local mode's static files: addresses that change with the file, so an upgrade is seen at once.

A local install serves its stylesheets and scripts straight from the package (WhiteNoise's
finders), with no ``collectstatic`` step. Under a plain name (``/static/coffeechat/live.js``) a
browser could keep running yesterday's script after an upgrade, against today's pages. So each
address carries a short hash of the file's bytes (``live.js?v=3f9c1b2e7a4d``): a changed file
is a new address, and the page (never cached, see middleware.no_store) always names the current
one. WhiteNoise answers the address by its path alone, so the file is served as before.

Server mode is unchanged: ``coffeechat collectstatic`` writes hashed names
(whitenoise.storage.CompressedManifestStaticFilesStorage, settings.py).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import StaticFilesStorage

# As many hex digits as collectstatic's hashed names use.
HASH_LENGTH = 12


@lru_cache(maxsize=1024)
def _digest(path: str, modified_ns: int, size: int) -> str:
    # Keyed by when the file changed and its size too: each version of a file is read once per
    # process, and an edited file during development gets its new address without a restart.
    digest = hashlib.md5(usedforsecurity=False)
    with Path(path).open("rb") as source:
        for block in iter(lambda: source.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()[:HASH_LENGTH]


def content_version(name: str) -> str:
    """The short hash of the static file ``name`` as the finders find it; "" if there is none."""
    path = finders.find(name)
    if not isinstance(path, str):
        return ""
    try:
        stat = Path(path).stat()
    except OSError:
        return ""
    return _digest(path, stat.st_mtime_ns, stat.st_size)


class VersionedStaticFilesStorage(StaticFilesStorage):
    """Static URLs with ``?v=<hash of the file>``, for files served from the package."""

    def url(self, name: str | None) -> str:
        address = super().url(name)
        version = content_version(name) if name else ""
        return f"{address}?v={version}" if version else address
