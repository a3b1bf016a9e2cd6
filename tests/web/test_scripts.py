"""The scripts page: each live-page script in the user's own words, with a way back."""

from __future__ import annotations

import pytest
from django.test import Client

from coffeechat.core.live import DEFAULT_SCRIPTS
from coffeechat.services.scripts import get_script, save_script
from coffeechat.store.models import ScriptTemplate
from tests.web.conftest import text_of

URL = "/preferences/scripts/"


def everything(**changes) -> dict:
    return {**DEFAULT_SCRIPTS, **changes}


def test_the_page_shows_every_script_with_its_default(alice_client):
    page = text_of(alice_client.get(URL))
    for label in ScriptTemplate.Kind.labels:
        assert f">{label}</label>" in page
    assert "Close your notebook and put the pen down" in page
    assert "<code>{now}</code>" in page and "<code>{earlier_end}</code>" in page
    assert "Save scripts</button>" in page


def test_the_preferences_page_links_to_the_scripts(alice_client):
    assert f'href="{URL}"' in text_of(alice_client.get("/preferences/"))


def test_saving_keeps_only_what_differs_from_the_default(alice, alice_client):
    mine = "Right, it's {now}. Still fine to stop at {end}, {name}?"
    response = alice_client.post(URL, everything(confirm=mine))
    assert response["Location"] == URL
    assert list(ScriptTemplate.objects.values_list("kind", "text")) == [("confirm", mine)]
    page = text_of(alice_client.get(URL))
    assert "Saved your scripts." in page
    assert "Reset “Confirm the time” to default" in page


def test_an_unknown_placeholder_is_refused_and_nothing_is_saved(alice, alice_client):
    response = alice_client.post(
        URL, everything(confirm="Until {finish}?", wrap_up="Fine {minutes}", non_verbal="{0}")
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "There are 2 problems" in page
    assert "{finish} is not something we can fill in." in page
    assert "{0} is not something we can fill in." in page
    assert not ScriptTemplate.objects.exists()


def test_an_empty_box_goes_back_to_the_default(alice, alice_client):
    save_script(alice, "wrap_up", "Time for the Ask ({minutes} min).")
    alice_client.post(URL, everything(wrap_up=""))
    assert get_script(alice, "wrap_up") == DEFAULT_SCRIPTS["wrap_up"]


def test_reset_forgets_one_script_and_keeps_the_others(alice, alice_client):
    save_script(alice, "wrap_up", "Time for the Ask ({minutes} min).")
    save_script(alice, "confirm", "Until {end}?")
    response = alice_client.post(URL, {**everything(confirm="ignored"), "reset": "wrap_up"})
    assert response["Location"] == URL
    assert get_script(alice, "wrap_up") == DEFAULT_SCRIPTS["wrap_up"]
    assert get_script(alice, "confirm") == "Until {end}?"
    assert "“Wrap-up cue” uses the default wording again." in text_of(alice_client.get(URL))


def test_resetting_an_unknown_kind_says_so(alice_client):
    response = alice_client.post(URL, {"reset": "sonnet"}, follow=True)
    assert "There is no script of that kind." in text_of(response)


def test_scripts_are_per_user(alice, bob, bob_client):
    save_script(alice, "confirm", "Alice's words until {end}.")
    assert "Alice&#x27;s words" not in text_of(bob_client.get(URL))
    assert get_script(bob, "confirm") == DEFAULT_SCRIPTS["confirm"]


def test_bob_cannot_reset_alices_script(alice, bob_client):
    save_script(alice, "confirm", "Until {end}?")
    bob_client.post(URL, {"reset": "confirm"})
    assert get_script(alice, "confirm") == "Until {end}?"


def test_the_page_refuses_other_methods(alice_client):
    response = alice_client.put(URL)
    assert response.status_code == 405


def test_saving_needs_the_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(URL, everything(confirm="Until {end}?")).status_code == 403
    assert not ScriptTemplate.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert "/signin/" in client.get(URL)["Location"]


@pytest.mark.parametrize("kind", sorted(DEFAULT_SCRIPTS))
def test_a_too_long_script_is_refused(alice_client, kind):
    response = alice_client.post(URL, everything(**{kind: "x" * 700}))
    assert response.status_code == 400
    assert "600 characters" in text_of(response)
