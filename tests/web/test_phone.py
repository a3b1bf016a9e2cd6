"""Use on my phone (/phone/), the pairing link, and the LAN door for paired phones.

A request "over the LAN" is one the LAN listener marked (services.lan.LAN_MARK in its environ);
here the test client sets the mark itself, as cli.lan.on_lan does.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from coffeechat.services import lan
from coffeechat.services.calendars import renew_feed_token
from coffeechat.services.devices import pair, pairing_secret
from coffeechat.store.models import Device
from coffeechat.web.middleware import DEVICE_SESSION_KEY
from coffeechat.web.views.calendar import phone_base

PHONE_AGENT = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"
LAN_HOST = "127.0.0.2:8000"
OVER_LAN = {lan.LAN_MARK: "127.0.0.2", "HTTP_HOST": LAN_HOST}
PAIR_PATH = re.compile(r"http://127\.0\.0\.2:8000(/pair/[^/<\s]+/)")


@pytest.fixture
def lan_on(alice, listener):
    lan.turn_on(alice, "127.0.0.2")
    return listener


def phone_client(alice) -> tuple[Client, Device]:
    """A client with a device session, as a paired phone has."""
    client = Client(HTTP_USER_AGENT=PHONE_AGENT)
    response = client.get(f"/pair/{pairing_secret(alice)}/", **OVER_LAN)
    assert response.status_code == 302
    return client, Device.objects.get(code=client.session[DEVICE_SESSION_KEY])


def test_without_serve_the_page_says_how_to_turn_lan_access_on(alice_client):
    page = alice_client.get("/phone/").content.decode()
    assert "coffeechat serve --lan" in page
    assert "LAN access is for networks you trust" in page


def test_preferences_lead_to_the_page_and_list_the_paired_phones(alice, alice_client, lan_on):
    pair(pairing_secret(alice), PHONE_AGENT)
    page = alice_client.get("/preferences/").content.decode()
    assert 'href="/phone/">Use on my phone</a>' in page
    assert "Chrome on Android" in page
    assert "last seen" in page


def test_turning_it_on_shows_a_pairing_code_for_the_lan_address(alice, alice_client, listener):
    page = alice_client.get("/phone/").content.decode()
    assert "Or type another address" in page
    answer = alice_client.post("/phone/on/", {"other_address": "127.0.0.2"}, follow=True)
    page = answer.content.decode()
    assert listener.address == "127.0.0.2"
    assert "LAN access is on" in page
    assert 'class="qr"' in page
    assert PAIR_PATH.search(page)
    assert "works once, for 10 minutes" in page


def test_each_showing_of_the_page_makes_a_new_one_time_link(alice_client, lan_on):
    first = PAIR_PATH.search(alice_client.get("/phone/").content.decode()).group(1)
    second = PAIR_PATH.search(alice_client.get("/phone/").content.decode()).group(1)
    assert first != second


def test_a_bad_address_is_refused_and_kept_as_typed(alice_client, listener):
    answer = alice_client.post("/phone/on/", {"other_address": "my laptop"})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "is not an address such as 192.168.1.20" in page
    assert 'value="my laptop"' in page
    assert listener.address is None


def test_nothing_picked_nor_typed_is_refused_in_words(alice_client, listener):
    answer = alice_client.post("/phone/on/", {"other_address": "  "})
    assert answer.status_code == 400
    assert "Pick an address of this computer, or type one." in answer.content.decode()


def test_an_address_the_computer_cannot_listen_on_is_refused(alice_client, listener):
    listener.refuse = {"203.0.113.5"}
    answer = alice_client.post("/phone/on/", {"other_address": "203.0.113.5"})
    assert answer.status_code == 400
    assert "cannot listen on 203.0.113.5:8000" in answer.content.decode()


def test_stopping_closes_the_listener_and_keeps_the_phones(alice, alice_client, lan_on):
    pair(pairing_secret(alice), PHONE_AGENT)
    page = alice_client.post("/phone/off/", follow=True).content.decode()
    assert lan_on.address is None
    assert "LAN access is off" in page
    assert "Chrome on Android" in page


def test_the_pairing_link_makes_a_device_session_on_the_lan(alice, lan_on):
    client, device = phone_client(alice)
    assert device.name == "Chrome on Android"
    assert client.get("/contacts/", **OVER_LAN).status_code == 200


def test_the_pairing_link_does_nothing_on_the_computers_own_address(alice):
    secret = pairing_secret(alice)
    answer = Client().get(f"/pair/{secret}/")
    assert answer.status_code == 403
    assert "Open this link on your phone" in answer.content.decode()
    assert not Device.objects.exists()


@pytest.mark.parametrize("problem", ["reused", "altered"])
def test_a_reused_or_altered_pairing_link_is_refused_with_a_page(alice, lan_on, problem):
    secret = pairing_secret(alice)
    if problem == "reused":
        Client().get(f"/pair/{secret}/", **OVER_LAN)
    else:
        secret = secret[::-1]
    answer = Client().get(f"/pair/{secret}/", **OVER_LAN)
    assert answer.status_code == 403
    assert "This pairing link does not work" in answer.content.decode()


def test_over_the_lan_a_request_without_a_device_session_gets_only_the_pairing_page(
    alice_client, lan_on
):
    answer = Client().get("/contacts/", **OVER_LAN)
    assert answer.status_code == 403
    assert "Pair this phone first" in answer.content.decode()
    # The computer's own session is no device session either.
    assert alice_client.get("/contacts/", **OVER_LAN).status_code == 403


def test_a_script_without_a_device_session_gets_401_json(lan_on):
    answer = Client().get("/", HTTP_ACCEPT="application/json", **OVER_LAN)
    assert answer.status_code == 401
    assert answer.json()["signed_out"] is True


def test_a_signed_out_phone_is_told_at_its_next_request(alice, alice_client, lan_on):
    client, device = phone_client(alice)
    answer = alice_client.post(f"/phone/devices/{device.code}/sign-out/", follow=True)
    assert "Signed out Chrome on Android" in answer.content.decode()
    answer = client.get("/", HTTP_ACCEPT="application/json", **OVER_LAN)
    assert answer.status_code == 401
    assert "signed out from your computer" in answer.json()["error"]
    # Its session is gone: the next page says how to pair again.
    page = client.get("/", **OVER_LAN)
    assert page.status_code == 403
    assert "not paired" in page.content.decode()


def test_nobody_signs_out_another_users_phone(alice, bob_client, lan_on):
    device = pair(pairing_secret(alice), PHONE_AGENT)
    assert bob_client.post(f"/phone/devices/{device.code}/sign-out/").status_code == 404
    assert Device.objects.get().revoked_at is None


def test_the_calendar_feed_opens_over_the_lan_without_a_session(alice, lan_on):
    token = renew_feed_token(alice)
    answer = Client().get(reverse("web:calendar_feed", args=[token]), **OVER_LAN)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/calendar")


def test_a_forged_host_on_the_lan_is_refused_once_lan_access_is_off(alice, lan_on):
    client, _ = phone_client(alice)
    lan.turn_off(alice)
    assert client.get("/contacts/", **OVER_LAN).status_code == 400


def test_on_this_computer_the_qr_codes_need_lan_access_and_use_its_address(
    alice, alice_client, listener
):
    renew_feed_token(alice)
    on_this_computer = {"HTTP_HOST": "127.0.0.1:8000"}
    page = alice_client.get("/calendar/", **on_this_computer).content.decode()
    assert 'class="qr"' not in page
    assert "use coffeechat on your phone" in page
    lan.turn_on(alice, "127.0.0.2")
    page = alice_client.get("/calendar/", **on_this_computer).content.decode()
    assert 'class="qr"' in page
    request = RequestFactory().get("/calendar/", **on_this_computer)
    assert phone_base(request) == "http://127.0.0.2:8000"


def test_signing_out_an_unknown_phone_is_404(alice_client):
    unknown = "/phone/devices/00000000-0000-0000-0000-000000000000/sign-out/"
    assert alice_client.post(unknown).status_code == 404


def test_a_phone_that_signs_itself_out_leaves_the_list(alice, lan_on):
    client, device = phone_client(alice)
    client.post("/signout/", **OVER_LAN)
    device.refresh_from_db()
    assert device.revoked_at is not None
    assert client.get("/", **OVER_LAN).status_code == 403


@pytest.mark.parametrize(
    "asked",
    [
        {"path": "/chats/00000000-0000-0000-0000-000000000000/live/state.json"},
        {"path": "/", "HTTP_X_COFFEECHAT_PARTIAL": "live"},
    ],
)
def test_what_a_script_asks_for_without_a_device_session_gets_401_json(lan_on, asked):
    asked = dict(asked)
    answer = Client().get(asked.pop("path"), **asked, **OVER_LAN)
    assert answer.status_code == 401
    assert answer.json()["signed_out"] is True


def test_a_message_waits_in_the_session_not_in_a_cookie_of_its_own(alice_client):
    response = alice_client.post("/phone/off/")
    assert response.status_code == 302
    assert "messages" not in response.cookies  # no cookie a script could read
    assert "LAN access is off" in alice_client.get("/phone/").content.decode()
