"""The phone's own calendar as the safety net: QR codes on a chat page and for the private feed.

A phone that scans a code is not signed in, so the codes hold addresses under the private feed's
secret. The test client talks to a public name, as a server would be reached; on this computer's
own address (127.0.0.1) a phone could not open the code, so the page says so instead.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from coffeechat.core.qr import qr_svg
from coffeechat.services.calendars import renew_feed_token, revoke_feed_token
from coffeechat.services.chats import cancel_chat
from tests.web.conftest import make_chat, make_contact, text_of

HOST = "coffee.example.org"


@pytest.fixture(autouse=True)
def public_name(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]


def get(client, path: str, host: str = HOST):
    return client.get(path, HTTP_HOST=host)


def drawn(html: str) -> list[str]:
    """The dark modules of each QR code on the page, as segno drew them."""
    return re.findall(r'class="qr__dark" stroke="#000" d="([^"]+)"', html)


def code_for(url: str) -> str:
    return drawn(qr_svg(url, title="any"))[0]


def svg_of(html: str) -> str:
    found = re.search(r'<svg[^>]*class="qr".*?</svg>', html, re.DOTALL)
    assert found is not None, "no QR code on the page"
    return found.group(0)


def test_a_chat_page_shows_a_qr_code_that_opens_the_chat_on_a_phone_without_signing_in(
    alice, alice_client
):
    chat = make_chat(alice, make_contact(alice))
    token = renew_feed_token(alice)
    page = text_of(get(alice_client, f"/chats/{chat.code}/"))
    address = f"http://{HOST}/calendar/feed/{token}/chats/{chat.code}.ics"
    assert drawn(page) == [code_for(address)]
    assert "Scan with your phone's camera to add this chat" in page
    # The phone opens what the code holds, with no session.
    response = Client().get(address.removeprefix(f"http://{HOST}"), HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Robots-Tag"] == "noindex"
    body = response.content.decode()
    assert f"UID:{chat.code}@coffeechat" in body
    assert "TRIGGER;RELATED=END:-PT5M" in body  # the wrap-up alarm rings on the phone


def test_the_qr_code_has_no_style_attribute_for_the_policy_to_refuse(alice, alice_client):
    chat = make_chat(alice, make_contact(alice))
    renew_feed_token(alice)
    svg = svg_of(text_of(get(alice_client, f"/chats/{chat.code}/")))
    assert "style" not in svg
    assert "<title>QR code: this chat with Ada Lovelace for your phone's calendar" in svg


def test_on_this_computers_own_address_the_chat_page_says_why_there_is_no_code(alice, alice_client):
    chat = make_chat(alice, make_contact(alice))
    renew_feed_token(alice)
    page = text_of(get(alice_client, f"/chats/{chat.code}/", host="127.0.0.1:8000"))
    assert drawn(page) == []
    assert "use it on your phone" in page
    assert "Turn on the calendar address" not in page


def test_without_a_feed_the_chat_page_offers_to_turn_it_on_and_comes_back(alice, alice_client):
    chat = make_chat(alice, make_contact(alice))
    page = text_of(get(alice_client, f"/chats/{chat.code}/"))
    assert drawn(page) == []
    assert "Turn on the calendar address" in page
    response = alice_client.post(
        "/calendar/token/",
        {"action": "create", "next": f"/chats/{chat.code}/#phone-calendar"},
        HTTP_HOST=HOST,
    )
    assert response.status_code == 302
    assert response["Location"] == f"/chats/{chat.code}/#phone-calendar"
    assert len(drawn(text_of(get(alice_client, f"/chats/{chat.code}/")))) == 1


def test_turning_the_feed_on_goes_back_only_to_a_page_of_this_site(alice, alice_client):
    response = alice_client.post(
        "/calendar/token/", {"action": "create", "next": "https://elsewhere.example/"}
    )
    assert response["Location"] == "/calendar/#subscribe"


def test_a_chat_that_is_over_or_cancelled_shows_no_code(alice, alice_client):
    chat = make_chat(alice, make_contact(alice))
    renew_feed_token(alice)
    cancel_chat(alice, chat, "They moved it to next month.")
    page = text_of(get(alice_client, f"/chats/{chat.code}/"))
    assert drawn(page) == []
    assert "On your phone" not in page


def test_another_users_chat_answers_404_on_its_page_and_under_a_feed(
    alice, alice_client, bob, bob_client
):
    chat = make_chat(alice, make_contact(alice))
    alice_token = renew_feed_token(alice)
    bob_token = renew_feed_token(bob)
    assert get(bob_client, f"/chats/{chat.code}/").status_code == 404
    anonymous = Client()
    path = f"/calendar/feed/{bob_token}/chats/{chat.code}.ics"
    assert anonymous.get(path, HTTP_HOST=HOST).status_code == 404
    assert (
        anonymous.get(f"/calendar/feed/{alice_token[:-1]}x/chats/{chat.code}.ics").status_code
        == 404
    )
    assert anonymous.get(f"/calendar/feed/short/chats/{chat.code}.ics").status_code == 404


def test_a_renewed_or_revoked_feed_closes_the_chat_addresses_too(alice):
    chat = make_chat(alice, make_contact(alice))
    first = renew_feed_token(alice)
    second = renew_feed_token(alice)
    anonymous = Client()
    assert anonymous.get(f"/calendar/feed/{first}/chats/{chat.code}.ics").status_code == 404
    assert anonymous.get(f"/calendar/feed/{second}/chats/{chat.code}.ics").status_code == 200
    revoke_feed_token(alice)
    assert anonymous.get(f"/calendar/feed/{second}/chats/{chat.code}.ics").status_code == 404


def test_the_calendar_page_shows_a_qr_code_that_subscribes_to_the_feed(alice, alice_client):
    token = renew_feed_token(alice)
    page = text_of(get(alice_client, "/calendar/"))
    assert drawn(page) == [code_for(f"webcal://{HOST}/calendar/feed/{token}.ics")]
    assert f'value="http://{HOST}/calendar/feed/{token}.ics"' in page
    assert "Scan with your phone's camera to subscribe" in page
    assert "style" not in svg_of(page)
    assert "a phone cannot reach it" not in page


def test_on_this_computers_own_address_the_calendar_page_shows_no_code(alice, alice_client):
    renew_feed_token(alice)
    page = text_of(get(alice_client, "/calendar/", host="localhost:8000"))
    assert drawn(page) == []
    assert "a phone cannot reach it" in page


def test_with_the_feed_off_the_calendar_page_shows_no_code(alice, alice_client):
    page = text_of(get(alice_client, "/calendar/"))
    assert drawn(page) == []
    assert "Create a feed address" in page


def test_preferences_lead_to_the_feed_and_its_code(alice, alice_client):
    page = text_of(get(alice_client, "/preferences/"))
    assert '<a class="button button--quiet" href="/calendar/#subscribe">' in page
    assert "Your chats in your phone's calendar" in page
