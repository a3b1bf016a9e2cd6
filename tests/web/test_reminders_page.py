"""The Reminders page (in Preferences): channels, quiet hours, tests of each, and the record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from coffeechat.config import SmtpConfig
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.reminders import ReminderSettings, update_reminder_settings
from coffeechat.store.models import Reminder
from tests.receivers import receiver_fixture
from tests.web.conftest import NOW, text_of
from tests.web.test_home import move_to_zone

URL = "/preferences/reminders/"
TEST_URL = "/preferences/reminders/test/"
# Never dialled: the page only needs to know that sending email is set up.
SMTP = SmtpConfig(host="127.0.0.1", port=1, from_addr="coffeechat@example.com", security="none")
VALID = {
    "email_digest": "on",
    "digest_hour": "7",
    "email_due_soon": "on",
    "push_url": "https://ntfy.sh/alice-reminders-x7",
    "quiet_from": "22",
    "quiet_until": "6",
    "link_address": "https://coffee.example.org",
}

push_receiver = receiver_fixture()


@pytest.fixture
def smtp(settings):
    settings.COFFEECHAT_SMTP = SMTP


@pytest.fixture
def inbox(mail_server):
    return mail_server


def sent_form(**changes) -> dict:
    data = {**VALID, **changes}
    return {name: value for name, value in data.items() if value is not None}


def record(owner, key: str, **fields) -> Reminder:
    fields.setdefault("channel", Reminder.Channel.EMAIL)
    fields.setdefault("kind", Reminder.Kind.DUE)
    fields.setdefault("claimed_at", NOW - timedelta(hours=1))
    return Reminder.objects.create(owner=owner, key=key, **fields)


# --- The form ------------------------------------------------------------------------------


def test_it_shows_every_setting_with_the_hours_in_the_users_clock(alice, alice_client, smtp):
    page = text_of(alice_client.get(URL))
    assert "<h1>Reminders</h1>" in page
    assert 'name="csrfmiddlewaretoken"' in page
    for name in VALID:
        assert f'name="{name}"' in page
    assert '<option value="8" selected>08:00</option>' in page
    assert '<option value="" selected>none</option>' in page
    assert "(UTC time)" in page
    assert "Emails go to alice@example.com" in page
    assert 'placeholder="https://ntfy.sh/your-secret-topic"' in page


def test_a_twelve_hour_clock_shows_am_and_pm(alice, alice_client, smtp):
    move_to_zone(alice, "America/New_York", clock_format="12")
    page = text_of(alice_client.get(URL))
    assert '<option value="8" selected>8 am</option>' in page
    assert '<option value="13">1 pm</option>' in page
    assert "(America/New_York time)" in page


def test_the_link_address_starts_as_the_one_the_user_reached_the_app_at(alice, alice_client):
    page = text_of(alice_client.get(URL))
    assert 'name="link_address" value="http://testserver/"' in page


def test_saving_keeps_every_setting_and_says_so(alice, alice_client, smtp):
    response = alice_client.post(URL, sent_form())
    assert response.status_code == 302 and response["Location"] == URL
    saved = ensure_preferences(alice)
    assert (saved.email_digest, saved.email_due_soon, saved.digest_hour) == (True, True, 7)
    assert saved.push_url == "https://ntfy.sh/alice-reminders-x7"
    assert (saved.quiet_from, saved.quiet_until) == (22, 6)
    assert saved.link_address == "https://coffee.example.org/"
    page = text_of(alice_client.get(URL))
    assert "Saved your reminder settings." in page
    assert 'value="https://ntfy.sh/alice-reminders-x7"' in page
    assert '<option value="22" selected>22:00</option>' in page


def test_no_quiet_start_means_no_quiet_hours_whatever_until_shows(alice, alice_client, smtp):
    update_reminder_settings(alice, ReminderSettings(quiet_from=22, quiet_until=6))
    response = alice_client.post(URL, sent_form(quiet_from="", quiet_until="7"))
    assert response.status_code == 302
    saved = ensure_preferences(alice)
    assert (saved.quiet_from, saved.quiet_until) == (None, None)


def test_unticked_boxes_and_an_empty_topic_turn_the_channels_off(alice, alice_client, smtp):
    update_reminder_settings(alice, ReminderSettings(email_digest=True, push_url=VALID["push_url"]))
    alice_client.post(URL, sent_form(email_digest=None, email_due_soon=None, push_url=""))
    saved = ensure_preferences(alice)
    assert (saved.email_digest, saved.email_due_soon, saved.push_url) == (False, False, "")


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"push_url": "ftp://ntfy.sh/topic"}, "push_url", "starting with https://"),
        ({"push_url": "https://ntfy.sh/"}, "push_url", "Add your topic"),
        ({"link_address": "coffee dot example"}, "link_address", "starting with https://"),
        ({"quiet_from": "22", "quiet_until": "22"}, "quiet_until", "two different hours"),
        ({"digest_hour": "25"}, "digest_hour", "Choose one of the hours"),
        ({"quiet_from": "noon"}, "quiet_from", "Choose one of the hours"),
    ],
)
def test_a_wrong_value_is_shown_beside_its_field_with_what_was_typed(
    alice, alice_client, smtp, changes, field, words
):
    sent = sent_form(**changes)
    response = alice_client.post(URL, sent)
    assert response.status_code == 400
    page = text_of(response)
    assert "Nothing was saved; fix this and try again." in page
    assert f'href="#id_{field}"' in page  # the summary leads to the field
    assert words in page
    # Everything typed is still there, the wrong value too (where a list can show it).
    for typed in (sent["link_address"], sent["push_url"]):
        assert f'value="{typed}"' in page
    assert ensure_preferences(alice).push_url == ""


def test_email_without_an_address_to_send_to_says_where_to_give_one(smtp, db):
    from coffeechat.services.accounts import create_user

    nobody = create_user("nobody")
    client = Client()
    client.force_login(nobody)
    page = text_of(client.get(URL))
    assert 'href="/preferences/#you"' in page
    response = client.post(URL, sent_form())
    assert response.status_code == 400
    assert "Give your email address under You in Preferences first" in text_of(response)
    assert ensure_preferences(nobody).email_digest is False


def test_without_a_mail_server_the_email_boxes_are_off_and_say_how_to_set_it_up(
    alice, alice_client, settings
):
    settings.COFFEECHAT_SMTP = None
    page = text_of(alice_client.get(URL))
    assert "Sending email is not set up here" in page and "docs/configuration.md" in page
    assert page.count('aria-describedby="email-off') == 3  # two boxes and the test button
    for name in ("email_digest", "email_due_soon"):
        box = page.split(f'name="{name}"', 1)[1].split(">", 1)[0]
        assert " disabled" in box and " checked" not in box
    # A posted tick cannot turn email on; the rest is saved.
    response = alice_client.post(URL, sent_form())
    assert response.status_code == 302
    saved = ensure_preferences(alice)
    assert (saved.email_digest, saved.email_due_soon) == (False, False)
    assert saved.push_url == VALID["push_url"]


def test_it_answers_only_get_and_post(alice_client):
    assert alice_client.put(URL).status_code == 405


# --- The record ----------------------------------------------------------------------------


def test_before_anything_is_sent_it_says_how_reminders_go_out(alice, alice_client):
    page = text_of(alice_client.get(URL))
    assert "Nothing sent yet." in page
    assert "coffeechat serve" in page and "coffeechat remind" in page
    assert "docs/reminders.md" in page


def test_the_record_shows_each_reminder_in_the_users_zone_and_how_it_went(alice, alice_client):
    move_to_zone(alice, "Europe/Paris")
    record(
        alice,
        "digest-2026-03-02",
        kind=Reminder.Kind.DIGEST,
        status=Reminder.Status.SENT,
        subject="coffeechat: 2 things due today",
        claimed_at=NOW - timedelta(hours=2),
        sent_at=NOW - timedelta(hours=2),
        attempts=1,
    )
    record(
        alice,
        "followup-a@1",
        channel=Reminder.Channel.PUSH,
        status=Reminder.Status.FAILED,
        subject="Thank-you to Ada Lovelace",
        attempts=1,
        next_try_at=NOW + timedelta(hours=3, minutes=20),
        error="ntfy.sh answered 503 Service Unavailable: the server has a problem.",
    )
    record(
        alice,
        "followup-b@1",
        status=Reminder.Status.FAILED,
        subject="Thank-you to Bea Smith",
        attempts=5,
        error="The mail server refused the message (550)",
    )
    record(alice, "followup-c@1", status=Reminder.Status.CLAIMED, subject="Next step for Cy")
    record(alice, "digest-2026-03-01", status=Reminder.Status.SKIPPED, subject="Nothing due")
    page = text_of(alice_client.get(URL))
    assert "Nothing sent yet." not in page
    assert "Mon 2 Mar, 08:00" in page  # 07:00 UTC in Paris
    assert "coffeechat: 2 things due today" in page
    assert ">Sent</td>" in page
    assert (
        "Failed: ntfy.sh answered 503 Service Unavailable: the server has a problem. Trying "
        "again at 13:20 (attempt 2)." in page
    )
    assert (
        "Failed: The mail server refused the message (550). No more tries: it is in the next "
        "digest." in page
    )
    assert "Sending…" in page
    assert ">Push</td>" in page and ">Email</td>" in page
    assert "Nothing due" not in page  # a day with nothing to send is no part of the record


def test_a_retry_after_midnight_says_its_day(alice, alice_client):
    record(
        alice,
        "followup-a@1",
        status=Reminder.Status.FAILED,
        attempts=3,
        next_try_at=NOW + timedelta(hours=16),
        error="Timed out",
    )
    assert "Trying again at Tue 3 Mar, 01:00 (attempt 4)." in text_of(alice_client.get(URL))


def test_what_a_server_answered_is_shown_as_text(alice, alice_client):
    record(alice, "followup-a@1", status=Reminder.Status.FAILED, error="<b>boom</b>")
    page = text_of(alice_client.get(URL))
    assert "<b>boom</b>" not in page and "&lt;b&gt;boom&lt;/b&gt;" in page


def test_another_users_reminders_never_show(alice, bob, alice_client):
    record(bob, "followup-bob@1", status=Reminder.Status.SENT, subject="Thank-you to Bob's Dan")
    page = text_of(alice_client.get(URL))
    assert "Dan" not in page
    assert "Nothing sent yet." in page


# --- Links to the page ---------------------------------------------------------------------


def test_preferences_leads_with_reminders_and_home_offers_them_quietly(alice, alice_client):
    preferences = text_of(alice_client.get("/preferences/"))
    head = preferences.split('class="page-head__actions"', 1)[1]
    assert head.split("<a ", 2)[1].startswith(
        'class="button button--quiet" href="/preferences/reminders/"'
    )
    home = text_of(alice_client.get("/"))
    assert 'href="/preferences/reminders/">Get reminders by email or on your phone</a>' in home


# --- Send a test ---------------------------------------------------------------------------


def test_a_test_push_reaches_the_topic_and_says_so(alice, alice_client, push_receiver):
    topic = push_receiver.topic_url("alice")
    update_reminder_settings(alice, ReminderSettings(push_url=topic))
    response = alice_client.post(TEST_URL, {"channel": "push"})
    assert response.status_code == 302 and response["Location"] == URL + "#try"
    [push] = push_receiver.pushes
    assert push["topic"] == "alice"
    # Links open where the user reached the app until they give an address of their own.
    assert push["click"].startswith("http://testserver/")
    assert "A test push went to your topic at 127.0.0.1." in text_of(alice_client.get(URL))


def test_a_refused_test_push_says_why(alice, alice_client, push_receiver):
    update_reminder_settings(alice, ReminderSettings(push_url=push_receiver.topic_url()))
    push_receiver.answer_next(503)
    alice_client.post(TEST_URL, {"channel": "push"})
    page = text_of(alice_client.get(URL))
    assert "answered 503 Service Unavailable" in page
    assert 'class="message message--error"' in page


def test_a_test_push_without_a_topic_asks_for_one(alice, alice_client):
    alice_client.post(TEST_URL, {"channel": "push"})
    assert "Give a push topic address and save it first." in text_of(alice_client.get(URL))


def test_a_test_email_goes_to_the_users_address(alice, alice_client, inbox):
    alice_client.post(TEST_URL, {"channel": "email"})
    [(_, recipients, _)] = inbox.received
    assert recipients == ["alice@example.com"]
    assert "A test email went to alice@example.com." in text_of(alice_client.get(URL))


def test_a_test_email_without_a_mail_server_says_how_to_set_one_up(alice, alice_client, settings):
    settings.COFFEECHAT_SMTP = None
    alice_client.post(TEST_URL, {"channel": "email"})
    assert "set COFFEECHAT_SMTP_HOST" in text_of(alice_client.get(URL))


def test_a_test_of_an_unknown_channel_asks_which(alice_client):
    alice_client.post(TEST_URL, {"channel": "pigeon"})
    assert "Choose what to test: an email or a push." in text_of(alice_client.get(URL))


def test_the_test_is_a_post_with_its_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.get(TEST_URL).status_code == 405
    assert client.post(TEST_URL, {"channel": "push"}).status_code == 403
