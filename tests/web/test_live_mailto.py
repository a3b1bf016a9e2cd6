"""The live page after End: "Open it in your mail app" carries the thank-you's draft (mailto:)."""

from __future__ import annotations

import html
import re
import uuid
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from coffeechat.services import thanks
from coffeechat.services.live import end_chat, start_chat
from coffeechat.store.models import FollowUp
from tests.web.conftest import NOW, make_chat, make_contact, text_of

CAPTURE = {"HTTP_X_COFFEECHAT_PARTIAL": "capture"}


@pytest.fixture
def held(alice):
    ada = make_contact(alice, "Ada Lovelace", emails=("ada@example.com",))
    chat = make_chat(alice, ada, NOW, agreed_minutes=20)
    start_chat(alice, chat, now=NOW)
    return end_chat(alice, chat, now=NOW + timedelta(minutes=21))


def mail_link(page: str) -> str:
    found = re.search(r'href="(mailto:[^"]+)"[^>]*data-thanks-mailto', page)
    assert found, "no mail link on the page"
    return html.unescape(found.group(1))


def test_after_end_the_page_opens_the_thank_you_in_the_mail_app(alice, held, alice_client):
    page = text_of(alice_client.get(f"/chats/{held.code}/live/"))
    follow_up = FollowUp.objects.get(chat=held, kind="thank_you")
    # The composer's own builder: the same link the composer offers.
    assert mail_link(page) == thanks.mailto_for(alice, follow_up)
    assert "Write the thank-you" in page  # the composer is still one link away


def test_the_mail_link_follows_each_capture_save(alice, held, alice_client):
    piece = text_of(
        alice_client.post(
            f"/chats/{held.code}/live/sync/",
            {
                "actions": [
                    {
                        "id": str(uuid.uuid4()),
                        "after": None,
                        "kind": "capture",
                        "at": "2026-03-02T09:25:00Z",
                        "stuck": "Hearing how you moved into UX through the clinic app",
                        "agreed": "",
                        "suggested": "",
                    }
                ]
            },
            content_type="application/json",
        )
    )
    assert '"applied"' in piece
    fresh = text_of(alice_client.get(f"/chats/{held.code}/live/", **CAPTURE))
    body = parse_qs(urlsplit(mail_link(fresh)).query)["body"][0]
    assert "the clinic app" in unquote(body)


def test_no_mail_link_without_an_address_or_before_end(alice, alice_client):
    bea = make_contact(alice, "Bea Byron")
    chat = make_chat(alice, bea, NOW, agreed_minutes=20)
    start_chat(alice, chat, now=NOW)
    assert "data-thanks-mailto" not in text_of(alice_client.get(f"/chats/{chat.code}/live/"))
    end_chat(alice, chat, now=NOW + timedelta(minutes=21))
    assert "data-thanks-mailto" not in text_of(alice_client.get(f"/chats/{chat.code}/live/"))
