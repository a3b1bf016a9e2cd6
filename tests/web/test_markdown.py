"""Markdown in notes and research notes shows formatted, and anything active shows as text."""

from __future__ import annotations

import pytest

from coffeechat.services.live import start_chat
from coffeechat.store.models import Note
from tests.web.conftest import NOW, make_chat, make_contact, make_note, text_of

PAYLOAD = (
    "Likes *maps*.\n\n<script>alert('note')</script><img src=x onerror=alert(1)>\n\n"
    "[portfolio](javascript:alert(2)) and [blog](https://example.com/blog)"
)


def assert_sanitised(page: str) -> None:
    assert "<script>alert(" not in page
    assert "<img src=x" not in page
    assert 'href="javascript:' not in page
    assert "&lt;script&gt;alert('note')&lt;/script&gt;" in page
    assert "<em>maps</em>" in page
    assert '<a href="https://example.com/blog" rel="noopener noreferrer nofollow">blog</a>' in page


@pytest.fixture
def ada(alice):
    return make_contact(
        alice, "Ada Lovelace", research_notes="## Career\n\n- **teacher**\n- analyst"
    )


def test_a_note_with_a_payload_is_sanitised_on_the_contacts_page(alice, ada, alice_client):
    make_note(alice, ada, PAYLOAD)
    page = text_of(alice_client.get(f"/contacts/{ada.code}/"))
    assert_sanitised(page)


def test_research_notes_show_as_formatted_markdown(alice, ada, alice_client):
    page = text_of(alice_client.get(f"/contacts/{ada.code}/"))
    assert "<h4>Career</h4>" in page
    assert "<li><strong>teacher</strong></li>" in page


def test_a_note_with_a_payload_is_sanitised_on_the_chat_page(alice, ada, alice_client):
    chat = make_chat(alice, ada)
    make_note(alice, ada, PAYLOAD, chat=chat)
    page = text_of(alice_client.get(f"/chats/{chat.code}/"))
    assert_sanitised(page)


def test_a_note_posted_on_the_live_page_shows_sanitised_there(alice, ada, alice_client):
    chat = make_chat(alice, ada, NOW, agreed_minutes=20, buffer_minutes=15)
    start_chat(alice, chat, now=NOW)
    alice_client.post(f"/chats/{chat.code}/live/notes/", {"kind": "insight", "text": PAYLOAD})
    page = text_of(alice_client.get(f"/chats/{chat.code}/live/"))
    assert_sanitised(page)


def test_a_note_from_before_rendering_falls_back_to_escaped_text(alice, ada, alice_client):
    note = make_note(alice, ada, "<b>raw</b> *old*")
    Note.objects.filter(pk=note.pk).update(text_html="")
    page = text_of(alice_client.get(f"/contacts/{ada.code}/"))
    assert "&lt;b&gt;raw&lt;/b&gt; *old*" in page


def test_the_note_and_research_forms_say_markdown_works(alice, ada, alice_client):
    hint = "Markdown works: *emphasis*, lists, links."
    assert hint in text_of(alice_client.get(f"/contacts/{ada.code}/"))
    assert hint in text_of(alice_client.get("/contacts/new/"))
