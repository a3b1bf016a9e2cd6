"""Answers chosen by the partial header say so in ``Vary``, so a cache never swaps them.

A view that reads X-Coffeechat-Partial answers a page's script with a piece of the page and a
person with the whole page, at the same address. Both answers must name the header in ``Vary``;
a page that never reads it has no reason to.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.cache import has_vary_header

from coffeechat.services import lan
from coffeechat.services.live import start_chat
from tests.web.conftest import NOW, make_chat, make_contact

HEADER = "X-Coffeechat-Partial"
LAN_HOST = "127.0.0.2:8000"


@pytest.fixture
def chat(alice):
    return make_chat(alice, make_contact(alice, "Ada Lovelace"), NOW, agreed_minutes=20)


def varies(response) -> bool:
    return has_vary_header(response, HEADER)


@pytest.mark.parametrize("piece", [None, "live", "notes"])
def test_the_live_page_varies_on_the_header_whole_or_in_pieces(chat, alice_client, piece):
    headers = {HEADER: piece} if piece else {}
    response = alice_client.get(f"/chats/{chat.code}/live/", headers=headers)
    assert response.status_code == 200
    assert varies(response)


@pytest.mark.parametrize("piece", [None, "live"])
def test_a_live_action_varies_whether_it_answers_a_piece_or_redirects(
    alice, chat, alice_client, piece
):
    start_chat(alice, chat)
    headers = {HEADER: piece} if piece else {}
    response = alice_client.post(f"/chats/{chat.code}/live/wrap/", headers=headers)
    assert response.status_code == (200 if piece else 302)
    assert varies(response)


@pytest.mark.parametrize("piece", [None, "notes"])
def test_a_saved_note_varies_as_a_piece_and_as_a_redirect(chat, alice_client, piece):
    headers = {HEADER: piece} if piece else {}
    response = alice_client.post(
        f"/chats/{chat.code}/notes/", {"kind": "insight", "text": "Likes maps."}, headers=headers
    )
    assert response.status_code == (200 if piece else 302)
    assert varies(response)


def test_a_page_that_never_reads_the_header_does_not_vary_on_it(alice_client):
    response = alice_client.get("/contacts/")
    assert response.status_code == 200
    assert not varies(response)


@pytest.mark.parametrize(
    "headers", [{}, {HEADER: "live"}, {"Accept": "application/json"}], ids=["page", "piece", "json"]
)
def test_the_lan_doors_answer_varies_on_what_chose_json_or_a_page(alice, listener, headers):
    # An unpaired phone on the LAN gets JSON when a script asked, else a page: both vary.
    lan.turn_on(alice, "127.0.0.2")
    answer = Client().get("/", headers=headers, **{lan.LAN_MARK: "127.0.0.2"}, HTTP_HOST=LAN_HOST)
    assert answer.status_code in (401, 403)
    assert varies(answer) and has_vary_header(answer, "Accept")
