"""Local mode's static addresses carry a hash of the file, so an upgrade never runs a stale script.

Local mode serves the files from the package with no collectstatic step; each address ends in
``?v=`` and a short hash of the file's bytes (web/static_files.py). Server mode keeps its
collected, hashed names.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from coffeechat.web import static_files

PACKAGE_STATIC = Path(static_files.__file__).resolve().parent / "static"
STYLESHEET = re.compile(r'href="(/static/coffeechat/app\.css\?v=([0-9a-f]{12}))"')


def stylesheet_of(client) -> tuple[str, str]:
    response = client.get("/signin/")
    assert response.status_code == 200
    found = STYLESHEET.search(response.content.decode())
    assert found, "the sign-in page links app.css with its version"
    return found[1], found[2]


def body_of(response) -> bytes:
    try:
        return b"".join(response.streaming_content) if response.streaming else response.content
    finally:
        response.close()  # WhiteNoise answers with the open file


def test_a_pages_static_address_carries_the_hash_of_the_files_bytes(client, db):
    _, version = stylesheet_of(client)
    content = (PACKAGE_STATIC / "coffeechat" / "app.css").read_bytes()
    assert version == hashlib.md5(content, usedforsecurity=False).hexdigest()[:12]


def test_the_address_changes_when_the_files_bytes_change(client, db, settings, tmp_path):
    # A directory of the project's own comes before the app's files, as an upgrade's new file.
    (tmp_path / "coffeechat").mkdir()
    upgraded = tmp_path / "coffeechat" / "app.css"
    upgraded.write_text("body { color: black; }\n", encoding="utf-8")
    settings.STATICFILES_DIRS = [str(tmp_path)]
    before, _ = stylesheet_of(client)
    assert stylesheet_of(client)[0] == before  # the same bytes, the same address
    upgraded.write_text("body { color: black; background: white; }\n", encoding="utf-8")
    after, _ = stylesheet_of(client)
    assert after != before


def test_the_versioned_address_serves_the_file(client, db):
    address, _ = stylesheet_of(client)
    response = client.get(address)
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert body_of(response) == (PACKAGE_STATIC / "coffeechat" / "app.css").read_bytes()


def test_a_name_no_finder_knows_keeps_its_plain_address():
    storage = static_files.VersionedStaticFilesStorage()
    assert storage.url("coffeechat/no-such-file.css") == "/static/coffeechat/no-such-file.css"


STORAGE_OF = (
    "import django, json; django.setup(); from django.conf import settings; "
    "print(json.dumps([settings.STORAGES['staticfiles']['BACKEND'], "
    "settings.WHITENOISE_USE_FINDERS]))"
)


def settings_in(tmp_path: Path, **environ: str) -> list:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("COFFEECHAT_", "DJANGO_")) and key != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="coffeechat.settings", COFFEECHAT_HOME=str(tmp_path), **environ
    )
    done = subprocess.run(
        [sys.executable, "-c", STORAGE_OF], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


SERVER = {
    "COFFEECHAT_MODE": "server",
    "DATABASE_URL": "postgres://coffeechat@127.0.0.1:5432/coffeechat",
    "COFFEECHAT_SECRET_KEY": "a-test-secret-key-that-is-long-enough-for-the-check-0123",
    "COFFEECHAT_ALLOWED_HOSTS": "chats.example.org",
}


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, ["coffeechat.web.static_files.VersionedStaticFilesStorage", True]),
        (
            {**SERVER, "COFFEECHAT_STATIC_ROOT": "/srv/coffeechat/static"},
            ["whitenoise.storage.CompressedManifestStaticFilesStorage", False],
        ),
        (SERVER, ["django.contrib.staticfiles.storage.StaticFilesStorage", True]),
    ],
    ids=["local", "server with collected files", "server without"],
)
def test_only_local_mode_versions_its_addresses(tmp_path, environ, expected):
    assert settings_in(tmp_path, **environ) == expected
