"""A count of one reads in the singular wherever a count is shown: "1 minute", not "1 minutes"."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string

from coffeechat.services.debrief import HeldChat, record_held
from coffeechat.services.library import save_pitch
from tests.web.conftest import NOW, make_chat, make_contact, make_note, text_of

# "1" then a plural noun, perhaps with one word between ("1 business days", "1 held chats").
PLURAL_OF_ONE = re.compile(
    r"(?<![\d.,:])\b1\s+(?:[a-z-]+\s+)?"
    r"(minutes|seconds|hours|days|weeks|contacts|chats|notes|steps|names|words|people|"
    r"referrals|requests|targets|follow-ups|stories|questions|records|problems)\b"
)


def plain(page: str) -> str:
    """The words of a page, without its tags."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def plurals_of_one(page: str) -> list[str]:
    return [match.group(0) for match in PLURAL_OF_ONE.finditer(plain(page))]


def test_the_check_itself_finds_a_plural_after_one():
    assert plurals_of_one("<p>About <b>1</b>&nbsp;minutes, 1 business days, 11 minutes</p>") == [
        "1 minutes",
        "1 business days",
    ]
    assert plurals_of_one("1 minute, 21 minutes, 1 of 6 steps, 0.1 seconds") == []


@pytest.fixture
def minute_chat(alice):
    """A held chat one minute long, extended by a minute, that felt a minute longer."""
    chat = make_chat(alice, make_contact(alice), NOW - timedelta(hours=2), buffer_minutes=15)
    return record_held(
        alice,
        chat,
        HeldChat(
            actual_start=chat.starts_at,
            actual_end=chat.starts_at + timedelta(minutes=1),
            extension="they_asked",
            extension_minutes=1,
            felt_minutes=2,
        ),
    )


def test_a_chat_of_one_minute_reads_in_the_singular(minute_chat, alice_client):
    page = text_of(alice_client.get(f"/chats/{minute_chat.code}/"))
    assert "1 minute" in plain(page)
    assert plurals_of_one(page) == []


def test_the_reflection_page_with_one_chat_reads_in_the_singular(minute_chat, alice_client):
    page = text_of(alice_client.get("/reflection/"))
    assert plurals_of_one(page) == []


def test_a_pitch_of_one_second_reads_in_the_singular(alice, alice_client):
    save_pitch(alice, "elevator", "Hello there.")
    chat = make_chat(alice, make_contact(alice), NOW + timedelta(days=1))
    for url in ("/library/", f"/chats/{chat.code}/prep/", f"/chats/{chat.code}/brief/"):
        page = text_of(alice_client.get(url))
        assert "1 second" in plain(page), url
        assert plurals_of_one(page) == [], url


def test_keeping_in_touch_every_day_reads_in_the_singular(alice, alice_client):
    ada = make_contact(alice, keep_in_touch_days=1)
    make_note(alice, ada, taken_at=NOW - timedelta(days=3))
    page = text_of(alice_client.get("/"))
    assert "Keep in touch with Ada Lovelace" in page
    assert plurals_of_one(page) == []


def test_one_contact_and_one_chat_read_in_the_singular(alice, alice_client):
    ada = make_contact(alice)
    make_chat(alice, ada, NOW + timedelta(hours=3))
    for url in ("/", "/contacts/", "/chats/", f"/contacts/{ada.code}/", "/calendar/"):
        page = text_of(alice_client.get(url))
        assert plurals_of_one(page) == [], url


def test_a_buffer_hint_of_one_minute_reads_in_the_singular():
    for raise_it in (True, False):
        advice = SimpleNamespace(
            average_past_end=1, raise_it=raise_it, suggested=1, covered=1, chats=1, current=1
        )
        page = render_to_string("coffeechat/chats/_buffer_hint.html", {"buffer_advice": advice})
        assert plurals_of_one(page) == []


def test_a_planned_chat_with_one_minute_of_buffer_reads_in_the_singular(alice, alice_client):
    chat = make_chat(alice, make_contact(alice), NOW + timedelta(hours=2), buffer_minutes=1)
    for address in (f"/chats/{chat.code}/", f"/chats/{chat.code}/live/"):
        page = text_of(alice_client.get(address))
        assert "1 minute" in plain(page), address
        assert plurals_of_one(page) == [], address
