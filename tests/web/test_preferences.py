"""Preferences: the user's usual lengths, cues, zone and clock, checked before they are kept."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from coffeechat.services.accounts import ensure_preferences
from tests.web.conftest import make_contact, text_of

FORM = {
    "chat_minutes": "25",
    "buffer_minutes": "10",
    "wrapup_minutes": "4",
    "time_zone": "Europe/Berlin",
    "locale": "de-DE",
    "clock_format": "12",
    "words_per_minute": "140",
    "holiday_country": "de",
    "extend_minutes": "5",
}


def test_the_page_shows_the_current_preferences(alice_client):
    page = text_of(alice_client.get("/preferences/"))
    assert 'name="chat_minutes" value="20"' in page
    assert 'name="buffer_minutes" value="15"' in page
    assert 'name="wrapup_minutes" value="5"' in page
    assert 'name="words_per_minute" value="150"' in page
    assert '<datalist id="time-zones">' in page and '<option value="Europe/Berlin">' in page
    assert "Save preferences</button>" in page


def test_saving_keeps_every_choice(alice, alice_client):
    response = alice_client.post("/preferences/", FORM)
    assert response["Location"] == "/preferences/"
    saved = ensure_preferences(alice)
    assert (saved.chat_minutes, saved.buffer_minutes, saved.wrapup_minutes) == (25, 10, 4)
    assert (saved.time_zone, saved.locale, saved.clock_format) == ("Europe/Berlin", "de-DE", "12")
    assert (saved.words_per_minute, saved.holiday_country) == (140, "DE")
    assert "Saved your preferences." in text_of(alice_client.get("/preferences/"))


def test_new_chats_start_from_the_saved_lengths(alice, alice_client):
    make_contact(alice)
    alice_client.post("/preferences/", FORM)
    page = text_of(alice_client.get("/chats/new/"))
    assert 'name="agreed_minutes" value="25"' in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"chat_minutes": "abc"}, "Enter a whole number of minutes"),
        ({"chat_minutes": "9" * 30}, "Use at most 240 minutes."),
        ({"buffer_minutes": "-1"}, "Use at least 0 minutes."),
        ({"wrapup_minutes": "30"}, "The wrap-up cue must come before the chat ends"),
        ({"time_zone": "Atlantis/Capital"}, "is not a time zone"),
        ({"time_zone": ""}, "This field is required."),
        ({"locale": "english please"}, "is not a language tag"),
        ({"clock_format": "36"}, "Select a valid choice."),
        ({"words_per_minute": "5000"}, "Use at most 300 words per minute."),
        ({"holiday_country": "Atlantis"}, "is not a country we know public holidays for"),
        ({"holiday_country": "US-ZZ"}, "has no region &#x27;ZZ&#x27; that we know"),
    ],
)
def test_bad_values_get_clear_messages_and_keep_the_typing(alice, alice_client, changes, message):
    response = alice_client.post("/preferences/", {**FORM, **changes})
    assert response.status_code == 400
    page = text_of(response)
    assert message in page
    assert 'value="de-DE"' in page or "english please" in page
    assert ensure_preferences(alice).chat_minutes == 20  # nothing was saved


def test_preferences_are_per_user(alice, bob, alice_client):
    alice_client.post("/preferences/", FORM)
    assert ensure_preferences(bob).time_zone == "UTC"


def test_the_page_refuses_other_methods(alice_client):
    assert alice_client.put("/preferences/").status_code == 405


# The live chat page's choices.


def test_the_live_page_choices_are_kept(alice, alice_client):
    form = {**FORM, "extend_minutes": "10", "vibrate": "on", "keep_screen_awake": "on"}
    assert alice_client.post("/preferences/", form).status_code == 302
    saved = ensure_preferences(alice)
    assert (saved.extend_minutes, saved.vibrate, saved.keep_screen_awake) == (10, True, True)
    alice_client.post("/preferences/", FORM)  # unticked boxes are not sent at all
    saved = ensure_preferences(alice)
    assert (saved.vibrate, saved.keep_screen_awake) == (False, False)


@pytest.mark.parametrize(
    ("value", "message"), [("0", "Use at least 1 minutes."), ("61", "Use at most 60 minutes.")]
)
def test_an_extension_out_of_range_is_refused(alice_client, value, message):
    response = alice_client.post("/preferences/", {**FORM, "extend_minutes": value})
    assert response.status_code == 400
    assert message in text_of(response)


def test_the_page_explains_the_live_page_choices(alice_client):
    page = text_of(alice_client.get("/preferences/"))
    assert "Extension for one tap (minutes)" in page
    assert "Vibrate at the cues" in page and "Keep the screen awake during a chat" in page
    assert 'href="/preferences/scripts/"' in page


# The public holidays the outreach timers skip.


def test_the_holiday_country_is_suggested_from_every_known_calendar(alice_client):
    page = text_of(alice_client.get("/preferences/"))
    assert 'list="holiday-calendars"' in page
    assert '<datalist id="holiday-calendars">' in page
    assert '<option value="GB">United Kingdom</option>' in page
    assert '<option value="US-CA">United States — California</option>' in page
    assert "No public holiday calendar: only weekends are skipped." in page


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("gb", "GB"),
        ("United States — California", "US-CA"),
        ("united states - california", "US-CA"),
        ("Germany", "DE"),
        ("UK", "GB"),
        ("", ""),
    ],
)
def test_a_code_or_a_name_is_kept_as_its_code(alice, alice_client, typed, kept):
    response = alice_client.post("/preferences/", {**FORM, "holiday_country": typed})
    assert response.status_code == 302
    assert ensure_preferences(alice).holiday_country == kept


def test_the_page_shows_the_next_holidays_as_a_check(alice, alice_client):
    alice_client.post("/preferences/", {**FORM, "holiday_country": "US"})
    page = text_of(alice_client.get("/preferences/"))
    # The clock stands on Monday 2 March 2026.
    assert "Next public holidays (US): " in page
    assert '<time datetime="2026-05-25">Mon 25 May</time> Memorial Day' in page
    assert page.count('<time datetime="2026-') == 3


def test_an_unknown_stored_country_is_said_and_counts_weekends_only(alice, alice_client):
    from coffeechat.store.models import Preferences

    Preferences.objects.filter(owner=alice).update(holiday_country="XX")
    page = text_of(alice_client.get("/preferences/"))
    assert "We know no public holidays for XX" in page


# Who the user is, for the letters they send.

YOU = {
    "your_name": "Sam  Rivera",
    "your_email": " sam@rivera.example ",
    "signature": "Sam Rivera\r\nService designer   \r\nlinkedin.com/in/samrivera\r\n",
}


def test_the_page_has_a_you_part_with_name_email_and_signature(alice_client):
    page = text_of(alice_client.get("/preferences/"))
    you = page.split('id="you"', 1)[1].split("</fieldset>", 1)[0]
    assert "<legend>You</legend>" in you
    for name in ("your_name", "your_email", "signature"):
        assert f'name="{name}"' in you
    assert "Chat length (minutes)" not in you


def test_who_you_are_is_kept_tidied(alice, alice_client):
    response = alice_client.post("/preferences/", {**FORM, **YOU})
    assert response.status_code == 302
    saved = ensure_preferences(alice)
    assert saved.your_name == "Sam Rivera"
    assert saved.your_email == "sam@rivera.example"
    assert saved.signature == "Sam Rivera\nService designer\nlinkedin.com/in/samrivera"
    assert saved.identity_asked_at is not None  # told here, so never asked after signing in
    page = text_of(alice_client.get("/preferences/"))
    assert 'value="sam@rivera.example"' in page
    assert "Service designer\nlinkedin.com/in/samrivera</textarea>" in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Sam <sam@rivera.example>", "without a name or angle brackets"),
        ("sam@rivera.example, ann@rivera.example", "Give one address only"),
        ("sam.rivera.example", "exactly one @"),
    ],
)
def test_a_bad_email_address_is_a_form_error_that_keeps_the_typing(
    alice, alice_client, typed, message
):
    response = alice_client.post("/preferences/", {**FORM, **YOU, "your_email": typed})
    assert response.status_code == 400
    page = text_of(response)
    assert message in page
    assert escape(typed) in page
    assert ensure_preferences(alice).your_email == ""  # nothing was saved


def test_a_long_signature_is_refused_and_kept(alice, alice_client):
    response = alice_client.post("/preferences/", {**FORM, **YOU, "signature": "x" * 501})
    assert response.status_code == 400
    page = text_of(response)
    assert "at most 500 characters" in page
    assert "x" * 501 in page
    assert ensure_preferences(alice).signature == ""


def test_emptying_who_you_are_is_allowed(alice, alice_client):
    alice_client.post("/preferences/", {**FORM, **YOU})
    alice_client.post("/preferences/", {**FORM, "your_name": "", "your_email": "", "signature": ""})
    saved = ensure_preferences(alice)
    assert (saved.your_name, saved.your_email, saved.signature) == ("", "", "")
