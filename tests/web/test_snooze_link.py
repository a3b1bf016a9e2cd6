"""The "snooze a day" page a reminder links to: opened signed out, snoozes only on the button."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from coffeechat.services import lan
from coffeechat.services.followups import add_follow_up
from coffeechat.services.snooze_links import SNOOZE_LINK_DAYS, issue_snooze_link
from coffeechat.store.models import FollowUp, SnoozeLink
from tests.web.conftest import NOW, make_contact, text_of
from tests.web.test_middleware import check_headers

PAGE = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,*/*;q=0.8"}
OVER_LAN = {lan.LAN_MARK: "127.0.0.2", "HTTP_HOST": "127.0.0.2:8000"}


@pytest.fixture
def thank_you(alice) -> FollowUp:
    return add_follow_up(alice, make_contact(alice), "thank_you", NOW + timedelta(hours=3))


@pytest.fixture
def url(alice, thank_you) -> str:
    return f"/r/snooze/{issue_snooze_link(alice, f'followup-{thank_you.code}')}/"


def snoozed_until(follow_up: FollowUp):
    return FollowUp.objects.get(pk=follow_up.pk).snoozed_until


def who_do_i_owe(client: Client) -> str:
    page = text_of(client.get("/"))
    return page[page.index('id="who-do-i-owe"') :].split('id="owed-done"')[0]


def test_opening_the_link_signed_out_shows_the_item_and_a_button_and_snoozes_nothing(
    client, url, thank_you
):
    response = client.get(url, **PAGE)
    assert response.status_code == 200
    page = text_of(response)
    assert "the thank-you to Ada Lovelace" in page
    assert f'<form method="post" action="{url}">' in page
    assert "Snooze a day</button>" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'class="site-nav"' not in page  # no app to show someone signed out
    check_headers(response, url)
    assert snoozed_until(thank_you) is None
    assert SnoozeLink.objects.get().used_at is None


def test_pressing_the_button_signed_out_snoozes_and_the_home_page_lets_it_be(
    client, alice_client, url, thank_you
):
    assert "Ada Lovelace" in who_do_i_owe(alice_client)
    response = client.post(url, **PAGE)
    assert response.status_code == 200
    page = text_of(response)
    assert "Snoozed the thank-you to Ada Lovelace until Tue 3 Mar at 09:00." in page
    check_headers(response, url)
    assert snoozed_until(thank_you) == NOW + timedelta(days=1)
    assert "Ada Lovelace" not in who_do_i_owe(alice_client)


def test_the_phone_apps_button_posts_without_a_cookie_and_gets_a_line_of_text(url, thank_you):
    app = Client(enforce_csrf_checks=True)
    response = app.post(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert text_of(response) == "Snoozed the thank-you to Ada Lovelace until Tue 3 Mar at 09:00.\n"
    assert snoozed_until(thank_you) == NOW + timedelta(days=1)


def test_a_second_press_is_answered_calmly(client, url):
    client.post(url, **PAGE)
    response = client.post(url, **PAGE)
    assert response.status_code == 200
    assert "Already snoozed on Mon 2 Mar at 09:00, until Tue 3 Mar at 09:00." in text_of(response)
    again = client.get(url)
    assert again.status_code == 200
    assert "Snooze a day</button>" not in text_of(again)


def test_an_altered_link_is_not_found(client, url, thank_you):
    spoiled = url[:-3] + ("A" if url[-3] != "A" else "B") + url[-2:]
    for method in (client.get, client.post):
        response = method(spoiled, **PAGE)
        assert response.status_code == 404
        assert "This snooze link is not valid" in text_of(response)
    assert client.post(spoiled).status_code == 404
    assert snoozed_until(thank_you) is None


def test_an_expired_link_is_gone(client, url, thank_you, time_machine):
    time_machine.move_to(NOW + timedelta(days=SNOOZE_LINK_DAYS, seconds=1), tick=False)
    response = client.post(url, **PAGE)
    assert response.status_code == 410
    assert "This snooze link expired on Mon 9 Mar; open coffeechat" in text_of(response)
    assert snoozed_until(thank_you) is None


def test_a_link_to_something_sent_meanwhile_says_so(client, alice_client, url, thank_you):
    FollowUp.objects.filter(pk=thank_you.pk).update(sent_at=NOW)
    response = client.get(url, **PAGE)
    assert response.status_code == 200
    assert "Nothing to snooze: the thank-you to Ada Lovelace was sent already." in text_of(response)
    assert "Snooze a day</button>" not in text_of(response)


def test_only_get_and_post_are_answered(client, url):
    assert client.put(url).status_code == 405


def test_a_phone_on_the_lan_opens_it_without_pairing(alice, listener, url, thank_you):
    lan.turn_on(alice, "127.0.0.2")
    phone = Client(enforce_csrf_checks=True)
    response = phone.get(url, **OVER_LAN, **PAGE)
    assert response.status_code == 200
    assert "Snooze a day</button>" in text_of(response)
    assert phone.post(url, **OVER_LAN).status_code == 200
    assert snoozed_until(thank_you) == NOW + timedelta(days=1)
