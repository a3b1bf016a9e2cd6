"""Every upload is capped while it arrives: a file over its limit is never spooled in full.

Django hands each chunk of an uploaded file to its upload handlers in turn; the last ones keep
it in memory or spool it to a temporary file. A spy on those two counts what reached them.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.test import Client

from coffeechat.store.models import CalendarSource, ImportBatch
from tests.web.conftest import text_of

LIMIT = 2000
# Well past the limit, and more than one of Django's 64 KB chunks.
HUGE = b"x" * 300_000

# The two upload views, and where each one's limit is read from.
UPLOADS = {
    "/calendar/import/": [
        "coffeechat.web.views.calendar.MAX_BYTES",
        "coffeechat.core.ics.MAX_BYTES",
    ],
    "/import/upload/": [
        "coffeechat.web.views.imports.MAX_IMPORT_BYTES",
        "coffeechat.services.imports.MAX_IMPORT_BYTES",
    ],
}


@pytest.fixture
def stored(monkeypatch) -> list[int]:
    """The sizes of the chunks that reached the handlers that keep or spool a file."""
    sizes: list[int] = []
    for handler in (MemoryFileUploadHandler, TemporaryFileUploadHandler):
        original = handler.receive_data_chunk

        def spy(self, raw_data, start, original=original):
            sizes.append(len(raw_data))
            return original(self, raw_data, start)

        monkeypatch.setattr(handler, "receive_data_chunk", spy)
    return sizes


@pytest.fixture
def small_limits(monkeypatch):
    for targets in UPLOADS.values():
        for target in targets:
            monkeypatch.setattr(target, LIMIT)


def form(name: str, data: bytes) -> dict:
    return {"source": "linkedin", "file": SimpleUploadedFile(name, data)}


@pytest.mark.parametrize("url", UPLOADS)
def test_a_file_over_the_limit_is_dropped_as_it_arrives(
    alice, alice_client, small_limits, stored, url
):
    response = alice_client.post(url, form("big.ics", HUGE))
    assert response.status_code == 400
    assert sum(stored) <= LIMIT
    assert "big.ics is larger than the limit of 2 KB" in text_of(response)
    assert not CalendarSource.objects.exists()
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("url", UPLOADS)
def test_a_file_within_the_limit_still_arrives(alice, alice_client, small_limits, stored, url):
    alice_client.post(url, form("small.ics", b"x" * LIMIT))
    assert sum(stored) == LIMIT


@pytest.mark.parametrize("url", UPLOADS)
def test_a_post_without_its_form_token_is_refused_before_the_file_is_read(
    alice, small_limits, stored, url
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get("/")  # the CSRF cookie, as a page visited before would have set it
    response = client.post(url, form("big.ics", HUGE))
    assert response.status_code == 403
    assert sum(stored) <= LIMIT


@pytest.mark.parametrize("url", UPLOADS)
def test_an_anonymous_upload_is_sent_to_sign_in_unread(db, stored, url):
    client = Client(enforce_csrf_checks=True)
    client.get("/signin/")
    response = client.post(url, form("big.ics", HUGE))
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/")
    assert stored == []
