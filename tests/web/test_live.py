"""The live chat page: owner isolation, methods, CSRF, actions with and without JavaScript."""

from __future__ import annotations

import html
import json
import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client

from coffeechat.services.live import end_chat, start_chat
from coffeechat.store.models import Chat, ChatEvent, Note
from tests.services.prefs import set_preferences
from tests.web.conftest import NOW, make_chat, make_contact, text_of

PARTIAL = {"HTTP_X_COFFEECHAT_PARTIAL": "live"}
JSON = {"HTTP_ACCEPT": "application/json"}
POSTS = ["start/", "extend/", "wrap/", "end/", "felt/", "notes/", "capture/"]
CAPTURE = {"HTTP_X_COFFEECHAT_PARTIAL": "capture"}


@pytest.fixture
def ada(alice):
    return make_contact(alice, "Ada Lovelace")


@pytest.fixture
def chat(alice, ada):
    # Planned for the fixed "now" (Monday 09:00 UTC), so it can start at once.
    return make_chat(alice, ada, NOW, agreed_minutes=20, buffer_minutes=15)


def url(chat, suffix: str = "") -> str:
    return f"/chats/{chat.code}/live/{suffix}"


def later(time_machine, minutes: float) -> None:
    time_machine.move_to(NOW + timedelta(minutes=minutes), tick=False)


# Owner isolation, methods and CSRF.


@pytest.mark.parametrize("suffix", ["", "state.json"])
def test_another_users_live_page_and_state_are_not_found(chat, bob_client, suffix):
    assert bob_client.get(url(chat, suffix)).status_code == 404


@pytest.mark.parametrize("suffix", POSTS)
def test_another_user_cannot_act_on_a_chat(chat, bob_client, suffix):
    response = bob_client.post(
        url(chat, suffix), {"who": "they", "minutes": "5", "text": "x", "kind": "insight"}
    )
    assert response.status_code == 404
    chat.refresh_from_db()
    assert chat.status == "planned" and chat.actual_start is None
    assert not ChatEvent.objects.exists() and not Note.objects.exists()


@pytest.mark.parametrize("suffix", ["", "state.json", *POSTS])
def test_an_unknown_chat_is_not_found(alice_client, suffix):
    fake = f"/chats/{uuid.uuid4()}/live/{suffix}"
    method = alice_client.get if suffix in ("", "state.json") else alice_client.post
    assert method(fake).status_code == 404


@pytest.mark.parametrize("suffix", ["", "state.json"])
def test_the_page_and_the_state_refuse_a_post(chat, alice_client, suffix):
    response = alice_client.post(url(chat, suffix))
    assert response.status_code == 405
    assert response["Allow"] == "GET"


@pytest.mark.parametrize("suffix", POSTS)
def test_actions_refuse_a_get(chat, alice_client, suffix):
    response = alice_client.get(url(chat, suffix))
    assert response.status_code == 405
    assert response["Allow"] == "POST"


@pytest.mark.parametrize("suffix", POSTS)
def test_actions_need_the_csrf_token(alice, chat, suffix):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(url(chat, suffix)).status_code == 403
    chat.refresh_from_db()
    assert chat.status == "planned"


def test_signed_out_visitors_are_sent_to_sign_in(chat, client):
    response = client.get(url(chat))
    assert response.status_code == 302
    assert "/signin/" in response["Location"]


def test_every_form_on_the_page_carries_a_csrf_token(alice, chat, alice_client):
    start_chat(alice, chat)
    page = text_of(alice_client.get(url(chat)))
    # Sign out, the four outcomes, the notes form, and what End shows (felt length, capture),
    # kept inert in a <template> to be typed into offline.
    assert page.count('method="post"') == page.count('name="csrfmiddlewaretoken"') == 8


# The page, before and during the chat.


def test_a_planned_chat_shows_start(chat, alice_client):
    page = text_of(alice_client.get(url(chat)))
    assert f'action="/chats/{chat.code}/live/start/"' in page
    assert ">Start</button>" in page
    assert "Planned for 09:00, 20 minutes, then 15 minutes kept free." in page


def test_a_chat_far_off_explains_the_window_instead_of_start(alice, ada, alice_client):
    far = make_chat(alice, ada, NOW + timedelta(days=3))
    page = text_of(alice_client.get(url(far)))
    assert ">Start</button>" not in page
    assert "from an hour before that time until three hours after" in page


def test_starting_without_javascript_redirects_to_the_page_with_the_confirm_line(
    alice, chat, alice_client
):
    set_preferences(alice, clock_format="12")
    response = alice_client.post(url(chat, "start/"))
    assert response.status_code == 302 and response["Location"] == url(chat)
    page = text_of(alice_client.get(url(chat)))
    assert "It&#x27;s 9:00 am now. We said 20 minutes, so until 9:20 am." in page
    assert 'data-ends-at="2026-03-02T09:20:00.000Z"' in page
    assert 'data-wrapup-at="2026-03-02T09:15:00.000Z"' in page
    assert "20:00" in page  # the clock as the page was made
    assert "Started. Say it now." in page


def test_starting_with_javascript_returns_the_live_panel_only(chat, alice_client):
    response = alice_client.post(url(chat, "start/"), **PARTIAL)
    assert response.status_code == 200
    page = text_of(response)
    assert page.lstrip().startswith("<section")
    assert "data-live-panel" in page and "<html" not in page
    assert "It&#x27;s 09:00 now." in page


def test_starting_twice_answers_a_conflict_with_the_reason(chat, alice_client):
    alice_client.post(url(chat, "start/"))
    response = alice_client.post(url(chat, "start/"), **PARTIAL)
    assert response.status_code == 409
    assert "This chat is already live; it started at 09:00." in text_of(response)
    redirected = alice_client.post(url(chat, "start/"), follow=True)
    assert "This chat is already live" in text_of(redirected)


def test_ending_before_starting_says_to_press_start(chat, alice_client):
    response = alice_client.post(url(chat, "end/"), **JSON)
    assert response.status_code == 409
    body = json.loads(response.content)
    assert body["ok"] is False
    assert body["error"] == "This chat has not started yet; press Start before you end."


def test_a_second_live_chat_is_refused_on_the_page(alice, ada, chat, alice_client):
    other = make_chat(alice, make_contact(alice, "Bea Byron"), NOW + timedelta(minutes=5))
    start_chat(alice, chat)
    page = text_of(alice_client.get(url(other)))
    assert "Your chat with Ada Lovelace is still live." in page
    response = alice_client.post(url(other, "start/"), follow=True)
    assert "Your chat with Ada Lovelace is still live." in text_of(response)


def test_the_cues_are_hidden_until_their_time_on_the_server_too(
    alice, chat, alice_client, time_machine
):
    start_chat(alice, chat)
    page = text_of(alice_client.get(url(chat)))
    assert 'data-cue="wrap_up" role="status" hidden' in page
    later(time_machine, 16)
    page = text_of(alice_client.get(url(chat)))
    assert 'data-cue="wrap_up" role="status">' in page
    assert "About 5 minutes to go." in page
    later(time_machine, 21)
    page = text_of(alice_client.get(url(chat)))
    assert 'data-check-in="check_in_room">' in page
    assert "1:00" in page and ">over<" in page


def test_the_check_in_closes_when_the_next_chat_leaves_no_room(
    alice, ada, chat, alice_client, time_machine
):
    make_chat(alice, make_contact(alice, "Bea Byron"), NOW + timedelta(minutes=35))
    start_chat(alice, chat)
    later(time_machine, 20)
    page = text_of(alice_client.get(url(chat)))
    assert 'data-check-in="check_in_close"' in page
    assert "Check in: time to close" in page
    assert "Close your notebook" in page
    assert "Next: your chat with Bea Byron at 09:35." in page


def test_an_extension_moves_the_end_and_shows_in_the_log(alice, chat, alice_client):
    start_chat(alice, chat)
    response = alice_client.post(url(chat, "extend/"), {"who": "they", "minutes": "5"}, **PARTIAL)
    assert response.status_code == 200
    page = text_of(response)
    assert 'data-ends-at="2026-03-02T09:25:00.000Z"' in page
    assert "They wanted to continue: 5 more minutes" in page
    chat.refresh_from_db()
    assert (chat.extension, chat.extension_minutes) == ("they_asked", 5)


def test_the_extension_buttons_use_the_preferred_minutes(alice, chat, alice_client):
    set_preferences(alice, extend_minutes=10)
    start_chat(alice, chat)
    page = text_of(alice_client.get(url(chat)))
    assert "They want to continue (+10 min)" in page
    assert "I asked to continue (+10 min)" in page
    assert ">Wrap up now</button>" in page and ">End</button>" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"who": "nobody", "minutes": "5"}, "Select a valid choice."),
        ({"who": "me", "minutes": "0"}, "Use at least 1 minutes."),
        ({"who": "me", "minutes": "lots"}, "Enter a whole number of minutes"),
        ({}, "Say who asked to continue."),
    ],
)
def test_a_bad_extension_is_refused_with_a_message(alice, chat, alice_client, data, message):
    start_chat(alice, chat)
    response = alice_client.post(url(chat, "extend/"), data, **PARTIAL)
    assert response.status_code == 400
    assert message in text_of(response)
    chat.refresh_from_db()
    assert chat.extension_minutes == 0


def test_wrap_up_now_brings_the_cue_forward(alice, chat, alice_client, time_machine):
    start_chat(alice, chat)
    later(time_machine, 5)
    response = alice_client.post(url(chat, "wrap/"), follow=True)
    page = text_of(response)
    assert "Wrapping up now." in page
    assert 'data-ends-at="2026-03-02T09:10:00.000Z"' in page
    assert 'aria-pressed="true"' in page


def test_the_end_asks_how_long_it_felt_before_showing_the_real_length(
    alice, chat, alice_client, time_machine
):
    start_chat(alice, chat)
    later(time_machine, 23)
    page = text_of(alice_client.post(url(chat, "end/"), **PARTIAL))
    assert "How long did that feel?" in page
    assert "It really lasted" not in page and "23 minutes" not in page
    page = text_of(alice_client.get(url(chat)))
    assert "How long did that feel?" in page and "It really lasted" not in page
    state = json.loads(alice_client.get(url(chat, "state.json")).content)
    assert state["real_minutes"] is None

    page = text_of(alice_client.post(url(chat, "felt/"), {"minutes": "18"}, **PARTIAL))
    assert "It felt like <strong>18 minutes</strong>" in page
    assert "It really lasted <strong data-real-length>23 minutes</strong>" in page
    assert "How long did that feel?" not in page


def test_skipping_the_felt_question_reveals_the_length(alice, chat, alice_client, time_machine):
    start_chat(alice, chat)
    later(time_machine, 21)
    end_chat(alice, chat)
    page = text_of(alice_client.get(url(chat) + "?reveal=1"))
    assert "It really lasted <strong data-real-length>21 minutes</strong>" in page


@pytest.mark.parametrize(("minutes", "message"), [("0", "Use at least 1"), ("", "Enter a number")])
def test_a_bad_felt_length_is_refused(alice, chat, alice_client, time_machine, minutes, message):
    start_chat(alice, chat)
    later(time_machine, 21)
    end_chat(alice, chat)
    response = alice_client.post(url(chat, "felt/"), {"minutes": minutes}, **PARTIAL)
    assert response.status_code == 400
    assert message in text_of(response)


def test_a_cancelled_chat_has_nothing_to_run(alice, chat, alice_client):
    from coffeechat.services.chats import cancel_chat

    cancel_chat(alice, chat)
    page = text_of(alice_client.get(url(chat)))
    assert "This chat is cancelled; there is nothing to run live." in page
    response = alice_client.post(url(chat, "start/"), **JSON)
    assert response.status_code == 409
    assert "was cancelled" in json.loads(response.content)["error"]


# state.json, for polling.


def test_the_state_is_json_with_absolute_times_and_no_caching(alice, chat, alice_client):
    start_chat(alice, chat)
    response = alice_client.get(url(chat, "state.json"))
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    state = json.loads(response.content)
    assert state["status"] == "live" and state["phase"] == "running"
    assert state["actual_start"] == "2026-03-02T09:00:00.000Z"
    assert state["target_end"] == "2026-03-02T09:20:00.000Z"
    assert state["wrap_up_at"] == "2026-03-02T09:15:00.000Z"
    assert state["scripts"]["confirm"].startswith("It's 09:00 now.")
    assert state["flexibility_minutes"] is None and state["check_in"] == "check_in_room"


def test_the_state_version_changes_when_another_tab_acts(alice, chat, alice_client):
    first = json.loads(alice_client.get(url(chat, "state.json")).content)["version"]
    alice_client.post(url(chat, "start/"))
    second = json.loads(alice_client.get(url(chat, "state.json")).content)["version"]
    assert first != second


def test_actions_answer_json_when_asked(chat, alice_client):
    response = alice_client.post(url(chat, "start/"), **JSON)
    body = json.loads(response.content)
    assert response.status_code == 200 and body["ok"] is True
    assert body["state"]["status"] == "live"


# Quick notes.


def test_a_quick_note_is_kept_and_the_page_comes_back(chat, alice_client):
    response = alice_client.post(url(chat, "notes/"), {"kind": "memorable", "text": "Maps!"})
    assert response["Location"] == url(chat) + "#notes"
    note = Note.objects.get()
    assert (note.kind, note.text, note.chat) == ("memorable", "Maps!", chat)


def test_a_quick_note_with_javascript_returns_the_notes_section(chat, alice_client):
    response = alice_client.post(
        url(chat, "notes/"),
        {"kind": "referral", "text": "Talk to Grace"},
        HTTP_X_COFFEECHAT_PARTIAL="notes",
    )
    page = text_of(response)
    assert page.lstrip().startswith("<section") and "Talk to Grace" in page
    assert "Note added." in page


def test_an_empty_quick_note_is_refused(chat, alice_client):
    response = alice_client.post(url(chat, "notes/"), {"kind": "insight", "text": "  "})
    assert response.status_code == 400
    assert not Note.objects.exists()


def test_the_page_lists_the_keyboard_shortcuts(chat, alice_client):
    page = text_of(alice_client.get(url(chat)))
    assert "<kbd>i</kbd> insight" in page and "<kbd>q</kbd> question" in page


# The way in from the chat page.


def test_the_chat_page_offers_go_live_when_the_chat_can_start(chat, alice_client):
    page = text_of(alice_client.get(f"/chats/{chat.code}/"))
    assert f'href="/chats/{chat.code}/live/">Go live</a>' in page


def test_the_chat_page_offers_open_live_page_while_live(alice, chat, alice_client):
    start_chat(alice, chat)
    page = text_of(alice_client.get(f"/chats/{chat.code}/"))
    assert f'href="/chats/{chat.code}/live/">Open live page</a>' in page


def test_the_chat_page_offers_nothing_live_for_a_chat_days_away(alice, ada, alice_client):
    far = make_chat(alice, ada, NOW + timedelta(days=3))
    page = text_of(alice_client.get(f"/chats/{far.code}/"))
    assert "Go live" not in page and "Open live page" not in page


def test_the_live_page_reads_in_few_queries(alice, chat, alice_client):
    from tests.web.conftest import count_queries

    start_chat(alice, chat)
    assert count_queries(alice_client, url(chat)) <= 20
    assert Chat.objects.get().status == "live"


# The capture after End: what stuck, what was agreed, who they suggested.


@pytest.fixture
def held(alice, chat, time_machine):
    start_chat(alice, chat)
    later(time_machine, 21)
    return end_chat(alice, chat)


def captured(**texts):
    return {"stuck": "", "agreed": "", "suggested": "", **texts}


def test_after_end_the_page_offers_the_capture_and_the_thank_you(held, alice_client):
    page = text_of(alice_client.get(url(held)))
    assert "How long did that feel?" in page
    for label in ("What stuck with you", "What we agreed", "Who they suggested"):
        assert label in page
    assert "Write the thank-you" in page
    assert f'href="/chats/{held.code}/debrief/"' in page


def test_before_end_the_page_has_no_capture(chat, alice, alice_client):
    # Planned: only inside the inert live panel live.js shows when Start is pressed offline.
    before, inert = text_of(alice_client.get(url(chat))).split("<template data-after-start", 1)
    assert "What stuck with you" not in before
    assert "What stuck with you" not in inert.rsplit("</template>", 1)[1]
    start_chat(alice, chat)
    page = text_of(alice_client.get(url(chat)))
    # Only inside the inert template live.js shows when End is pressed with no network.
    before, inert = page.split("<template data-after-end>", 1)
    assert "What stuck with you" in inert.split("</template>", 1)[0]
    assert "What stuck with you" not in before + inert.split("</template>", 1)[1]


# Start with no network: what the page needs is on it already.


def after_start(page: str) -> tuple[dict[str, str], str]:
    """The attributes and the inert content of the planned page's <template data-after-start>."""
    found = re.search(r"<template data-after-start([^>]*)>(.*)</template>\s*</div>", page, re.S)
    assert found, "no <template data-after-start> on the page"
    attributes = {
        name: html.unescape(value) for name, value in re.findall(r'([\w-]+)="([^"]*)"', found[1])
    }
    return attributes, found[2]


def test_a_planned_chat_carries_the_live_panel_start_shows_with_no_network(
    alice, ada, chat, alice_client
):
    make_chat(alice, make_contact(alice, "Grace Hopper"), NOW + timedelta(minutes=40))
    attributes, inert = after_start(text_of(alice_client.get(url(chat))))
    assert attributes["data-agreed-minutes"] == "20"
    assert attributes["data-extend-minutes"] == "5"
    # For a start from now on: the latest end the next chat allows, less this chat's buffer.
    steps = json.loads(attributes["data-start-steps"])
    assert steps[0] == {
        "since": "2026-03-02T09:00:00.000Z",
        "latest_end": "2026-03-02T09:25:00.000Z",
        "next": {"label": "your chat with Grace Hopper", "starts_at": "2026-03-02T09:40:00.000Z"},
    }
    assert steps[1]["since"] == "2026-03-02T09:40:00.000Z" and steps[1]["latest_end"] is None
    # The scripts with the times left for the page to fill in; both confirm lines, both check-ins.
    assert '<span data-fill="now"></span>' in inert
    assert 'data-confirm="agreed"' in inert and 'data-confirm="capped"' in inert
    assert 'data-check-in="check_in_room"' in inert and 'data-check-in="check_in_close"' in inert
    assert "They want to continue (+5 min)" in inert
    assert "<template data-after-end>" in inert


def test_a_chat_that_cannot_start_now_has_no_start_to_keep(alice, ada, alice_client):
    far = make_chat(alice, ada, NOW + timedelta(days=3))
    assert "data-after-start" not in text_of(alice_client.get(url(far)))


def test_a_live_chat_shows_its_scripts_filled_in_by_the_server(alice, chat, alice_client):
    start_chat(alice, chat)
    page = text_of(alice_client.get(url(chat)))
    assert "data-after-start" not in page and "data-fill" not in page
    assert "It&#x27;s 09:00 now. We said 20 minutes, so until 09:20." in page


def test_the_capture_is_saved_and_a_reload_shows_it(held, alice_client):
    response = alice_client.post(
        url(held, "capture/"),
        captured(
            stuck="Hearing how you moved into UX.",
            agreed="I'll send my case study by Friday\nAda will introduce me to Tom",
            suggested="Tom Lee at Monzo",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == url(held) + "#capture"
    held.refresh_from_db()
    assert held.capture_stuck == "Hearing how you moved into UX."
    page = text_of(alice_client.get(url(held)))
    assert "Hearing how you moved into UX.</textarea>" in page
    assert "Saved." in page
    # How each line was read, beside the box.
    assert "Yours</span> send my case study" in page
    assert 'datetime="2026-03-06"' in page  # Friday, read from the day of the chat
    assert "Theirs</span> introduce me to Tom" in page
    assert 'Tom Lee <span class="muted">at Monzo</span>' in page


def test_the_script_gets_the_capture_piece_back_with_saved(held, alice_client):
    response = alice_client.post(
        url(held, "capture/"), captured(agreed="I'll call Tom next month"), **CAPTURE
    )
    assert response.status_code == 200
    piece = text_of(response)
    assert "<html" not in piece
    assert 'data-capture-state data-capture-swap="state">Saved</span>' in piece
    assert "Yours</span> call Tom" in piece


def test_a_date_that_cannot_be_read_is_kept_with_a_note(held, alice_client):
    alice_client.post(url(held, "capture/"), captured(agreed="I'll send the deck by end of Q1"))
    page = text_of(alice_client.get(url(held)))
    assert "“by end of Q1”: not understood, kept as you wrote it" in page


def test_another_users_capture_is_not_found(held, bob_client):
    response = bob_client.post(url(held, "capture/"), captured(stuck="Mine"), **CAPTURE)
    assert response.status_code == 404
    held.refresh_from_db()
    assert held.capture_stuck == ""


def test_a_capture_for_a_chat_never_started_is_refused_with_the_reason(chat, alice_client):
    response = alice_client.post(url(chat, "capture/"), captured(stuck="Too soon"), **CAPTURE)
    assert response.status_code == 409
    assert "This chat has not started yet" in text_of(response)
    chat.refresh_from_db()
    assert chat.capture_stuck == ""


@pytest.mark.parametrize("headers", [{}, CAPTURE])
def test_an_overlong_capture_is_refused_and_the_text_stays_in_the_box(held, alice_client, headers):
    long = "I will write. " * 1_000
    response = alice_client.post(
        url(held, "capture/"), captured(stuck="Kept", agreed=long), **headers
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "What we agreed is limited to 2,000 characters; this has 13,999." in page
    assert "Not saved" in page
    if not headers:  # the script keeps its own boxes; the page without it shows the text again
        assert long + "</textarea>" in page
    held.refresh_from_db()
    assert held.capture_stuck == "" and held.capture_agreed == ""


def test_the_held_live_page_reads_in_few_queries(held, alice, alice_client):
    from coffeechat.services.capture import save_capture
    from tests.web.conftest import count_queries

    save_capture(alice, held, agreed="I'll call Tom\nAda will send the deck", suggested="Tom")
    assert count_queries(alice_client, url(held)) <= 24


# The server's clock, so the page can correct for the device's.

NOW_STAMP = "2026-03-02T09:00:00.000Z"


@pytest.mark.parametrize(
    ("suffix", "headers"),
    [("", {}), ("", PARTIAL), ("", CAPTURE), ("state.json", JSON)],
)
def test_every_live_answer_carries_the_servers_clock(chat, alice_client, suffix, headers):
    response = alice_client.get(url(chat, suffix), **headers)
    assert response.status_code == 200
    assert response["X-Coffeechat-Now"] == NOW_STAMP


@pytest.mark.parametrize("headers", [{}, PARTIAL, JSON])
def test_every_live_action_carries_the_servers_clock(chat, alice_client, headers):
    response = alice_client.post(url(chat, "start/"), **headers)
    assert response["X-Coffeechat-Now"] == NOW_STAMP
    refused = alice_client.post(url(chat, "start/"), **headers)
    assert refused["X-Coffeechat-Now"] == NOW_STAMP


def test_a_quick_note_and_the_capture_answer_with_the_servers_clock(chat, alice_client):
    note = alice_client.post(url(chat, "notes/"), {"kind": "insight", "text": "Maps"})
    assert note["X-Coffeechat-Now"] == NOW_STAMP
    capture = alice_client.post(url(chat, "capture/"), {"stuck": "x"}, **CAPTURE)
    assert capture["X-Coffeechat-Now"] == NOW_STAMP


def test_the_page_carries_the_servers_clock_at_the_moment_it_was_made(chat, alice_client):
    page = alice_client.get(url(chat)).content.decode()
    assert f'data-server-now="{NOW_STAMP}"' in page
    assert "data-clock-offset" in page
