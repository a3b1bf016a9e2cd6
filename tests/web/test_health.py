"""/healthz says the process answers; /readyz says it can serve pages now, or why not."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import OperationalError

from coffeechat.services import setup

MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def test_healthz_answers_ok_without_signing_in_or_the_database(client):
    # No `db` fixture: any query would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    # No session or CSRF cookie: a monitor asking every few seconds leaves nothing behind.
    assert not response.cookies


def test_healthz_answers_a_head_request_and_refuses_a_post(client, db):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_readyz_says_ready_when_the_database_is_migrated_and_the_files_are_there(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"ready": True}
    assert not response.cookies


def test_readyz_answers_503_naming_the_step_while_a_migration_waits(client, db, monkeypatch):
    monkeypatch.setattr(setup, "unapplied_migrations", lambda: ["coffeechat.0099_next"])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "ready": False,
        "reason": "1 migration not applied yet: run coffeechat migrate.",
    }


def test_readyz_answers_503_when_the_database_cannot_be_reached(client, db, monkeypatch, caplog):
    def unreachable() -> None:
        raise OperationalError('connection to server at "db.internal" failed: refused')

    monkeypatch.setattr(setup, "_check_readable", unreachable)
    with caplog.at_level(logging.WARNING, logger="coffeechat.services.setup"):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = json.loads(response.content)
    # The answer is public: the reason is short, and the details go to the log only.
    assert body == {"ready": False, "reason": "The database cannot be reached."}
    assert "db.internal" in caplog.text


def test_readyz_answers_503_until_the_static_files_are_collected(client, db, settings, tmp_path):
    settings.STORAGES = MANIFEST_STORAGE
    settings.STATIC_ROOT = str(tmp_path)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "coffeechat collectstatic" in json.loads(response.content)["reason"]


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_the_checks_are_not_sent_to_sign_in(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "Location" not in response
