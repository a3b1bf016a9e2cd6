"""The live page's sync: what the phone kept offline, posted as JSON and answered per action."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client

from coffeechat.services.live import end_chat, start_chat
from coffeechat.services.sync import MOST_ACTIONS
from coffeechat.store.models import Chat, Note, SyncedAction
from tests.web.conftest import NOW, make_chat, make_contact


@pytest.fixture
def ada(alice):
    return make_contact(alice, "Ada Lovelace")


@pytest.fixture
def live(alice, ada):
    chat = make_chat(alice, ada, NOW, agreed_minutes=20)
    return start_chat(alice, chat, now=NOW)


def url(chat) -> str:
    return f"/chats/{chat.code}/live/sync/"


def stamp(minutes: float) -> str:
    return (NOW + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


def note(minutes: float = 1, text: str = "Ask about the clinic app", after=None) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "after": after,
        "kind": "note",
        "at": stamp(minutes),
        "text": text,
        "note_kind": "insight",
    }


def sync(client, chat, body, **extra):
    payload = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url(chat), payload, content_type="application/json", **extra)


def test_it_answers_each_action_and_gives_the_fresh_state(alice_client, live, time_machine):
    time_machine.move_to(NOW + timedelta(minutes=10), tick=False)
    sent = note(3)
    response = sync(alice_client, live, {"actions": [sent]})
    assert response.status_code == 200
    body = response.json()
    assert body["answers"] == [{"id": sent["id"], "status": "applied", "message": "Note added."}]
    assert body["state"]["status"] == "live"
    assert response["X-Coffeechat-Now"] == "2026-03-02T09:10:00.000Z"
    assert Note.objects.get().taken_at == NOW + timedelta(minutes=3)


def test_the_same_batch_sent_twice_stores_each_note_once(alice_client, live):
    batch = {"actions": [note(1, "one"), note(2, "two")]}
    first = sync(alice_client, live, batch).json()["answers"]
    assert sync(alice_client, live, batch).json()["answers"] == first
    assert Note.objects.count() == 2


def test_an_end_already_given_on_another_device_says_when_and_gives_the_state(
    alice, alice_client, live, time_machine
):
    end_chat(alice, live, now=NOW + timedelta(minutes=14))
    time_machine.move_to(NOW + timedelta(minutes=20), tick=False)
    end = {"id": str(uuid.uuid4()), "after": None, "kind": "end", "at": stamp(12)}
    body = sync(alice_client, live, {"actions": [end]}).json()
    assert body["answers"][0]["status"] == "refused"
    assert body["answers"][0]["message"] == "This chat was ended on another device at 09:14."
    assert body["state"]["status"] == "held"


def test_a_deleted_chat_answers_404_in_json_saying_the_notes_are_kept(alice_client, live):
    Chat.objects.filter(pk=live.pk).delete()
    response = sync(alice_client, live, {"actions": [note()]})
    assert response.status_code == 404
    assert response.json()["gone"] is True
    assert "notes are kept on this phone" in response.json()["error"]


def test_another_users_chat_is_not_found_and_nothing_is_kept(bob_client, live):
    response = sync(bob_client, live, {"actions": [note()]})
    assert response.status_code == 404
    assert not Note.objects.exists() and not SyncedAction.objects.exists()


def test_it_needs_the_csrf_token(alice, live):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert sync(client, live, {"actions": [note()]}).status_code == 403
    assert not Note.objects.exists()


def test_the_csrf_token_in_its_header_is_enough(alice, live):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get(f"/chats/{live.code}/live/")
    token = client.cookies["csrftoken"].value
    response = sync(client, live, {"actions": [note()]}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200


def test_it_refuses_a_get(alice_client, live):
    assert alice_client.get(url(live)).status_code == 405


def test_signed_out_visitors_are_sent_to_sign_in(client, live):
    response = sync(client, live, {"actions": [note()]})
    assert response.status_code == 302


@pytest.mark.parametrize("body", ["{not json", b"\xff\xfe", "[]", '{"nothing": 1}', '"x"'])
def test_malformed_json_is_a_400_with_a_plain_message(alice_client, live, body):
    response = sync(alice_client, live, body)
    assert response.status_code == 400
    assert response.json()["error"].startswith("This sync could not be read")


def test_actions_that_are_not_a_list_are_a_400(alice_client, live):
    response = sync(alice_client, live, {"actions": "note"})
    assert response.status_code == 400
    assert response.json()["error"] == "Send the actions as a list."


def test_too_many_actions_at_once_are_refused_whole(alice_client, live):
    response = sync(alice_client, live, {"actions": [note() for _ in range(MOST_ACTIONS + 1)]})
    assert response.status_code == 400
    assert f"at most {MOST_ACTIONS} actions" in response.json()["error"]
    assert not Note.objects.exists()


def test_a_body_over_the_upload_limit_is_refused_in_json(alice_client, live, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = sync(alice_client, live, {"actions": [note(text="x" * 2000)]})
    assert response.status_code == 413
    assert "too much to send at once" in response.json()["error"]


def test_a_note_over_the_note_limit_is_refused_by_itself(alice_client, live):
    answers = sync(alice_client, live, {"actions": [note(text="x" * 10_001)]}).json()["answers"]
    assert answers[0]["status"] == "refused"
    assert answers[0]["message"] == "A note has at most 10,000 characters."
