"""Per-user rate limits on search, export, import and sending: 429 with Retry-After, a message
that says when to try again, and nothing the user typed lost."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coffeechat.services import outreach
from coffeechat.services import rate_limits as limits
from coffeechat.services.chats import add_note
from coffeechat.store.models import FollowUp, ImportBatch, RateEvent
from tests.web.conftest import NOW, make_contact, text_of
from tests.web.test_followups import held
from tests.web.test_imports import GOOGLE
from tests.web.test_outreach import GOOD

SMALL = 2
SHIPPED = limits.LIMITS  # before the fixture below swaps it


@pytest.fixture(autouse=True)
def small_limits(monkeypatch):
    """The same windows with a limit of two, so a test reaches it in a few requests."""
    small = {action: replace(limit, times=SMALL) for action, limit in limits.LIMITS.items()}
    monkeypatch.setattr(limits, "LIMITS", small)
    return small


def use_up(owner, action: str) -> None:
    for _ in range(SMALL):
        limits.check_rate(owner, action)


def assert_refused(response, retry_after: int) -> str:
    assert response.status_code == 429
    assert response["Retry-After"] == str(retry_after)
    return text_of(response)


def test_the_real_limits_are_far_above_what_a_person_does():
    real = SHIPPED
    assert real[limits.SEARCH].times >= 100 and real[limits.SEARCH].window <= timedelta(minutes=1)
    assert real[limits.EXPORT].times >= 20 and real[limits.EXPORT].window <= timedelta(hours=1)
    assert real[limits.IMPORT].times >= 30 and real[limits.IMPORT].window <= timedelta(hours=1)
    assert real[limits.SEND].times >= 60 and real[limits.SEND].window <= timedelta(hours=1)


# --- Search ----------------------------------------------------------------------------------


def test_searching_too_fast_is_refused_with_the_words_kept_in_the_box(alice_client):
    for _ in range(SMALL):
        assert alice_client.get("/search/", {"q": "data"}).status_code == 200
    page = assert_refused(alice_client.get("/search/", {"q": "data science"}), 60)
    assert "You have made 2 searches in the last minute" in page
    assert "Try again in 1 minute." in page
    assert 'value="data science"' in page


def test_search_opens_again_when_the_window_has_passed(alice_client, time_machine):
    for _ in range(SMALL):
        alice_client.get("/search/", {"q": "data"})
    time_machine.move_to(NOW + timedelta(seconds=30), tick=False)
    assert alice_client.get("/search/", {"q": "data"})["Retry-After"] == "30"
    time_machine.move_to(NOW + timedelta(minutes=1), tick=False)
    assert alice_client.get("/search/", {"q": "data"}).status_code == 200


def test_an_empty_search_box_is_not_counted(alice, alice_client):
    for _ in range(SMALL + 3):
        assert alice_client.get("/search/").status_code == 200
    assert not RateEvent.objects.filter(owner=alice).exists()


def test_one_users_searches_do_not_count_against_another(alice, alice_client, bob_client):
    use_up(alice, limits.SEARCH)
    assert alice_client.get("/search/", {"q": "data"}).status_code == 429
    assert bob_client.get("/search/", {"q": "data"}).status_code == 200


# --- Export ----------------------------------------------------------------------------------


def test_exports_of_every_format_count_together(alice_client):
    assert alice_client.get(reverse("web:export_json")).status_code == 200
    assert alice_client.get(reverse("web:export_csv")).status_code == 200
    page = assert_refused(alice_client.get(reverse("web:export_ics")), 3600)
    assert "You have made 2 exports in the last hour" in page
    assert "Try again in 60 minutes." in page
    assert reverse("web:export_vcard") in page  # the page, to come back to later
    refused = alice_client.get(reverse("web:export_vcard"))
    assert refused.status_code == 429
    assert not refused.has_header("Content-Disposition")


# --- Import ----------------------------------------------------------------------------------


def upload(client, source: str = "google"):
    data = {"source": source, "file": SimpleUploadedFile("contacts.csv", GOOGLE)}
    return client.post(reverse("web:import_upload"), data)


def test_uploading_too_many_files_is_refused_on_the_form_with_the_source_kept(alice, alice_client):
    for _ in range(SMALL):
        assert upload(alice_client).status_code == 302
    page = assert_refused(upload(alice_client), 3600)
    assert "You have uploaded 2 files to import in the last hour" in page
    assert 'value="google" id="id_source_1" required checked' in page
    assert ImportBatch.objects.filter(owner=alice).count() == SMALL  # the third was not staged


# --- Sending ---------------------------------------------------------------------------------


@pytest.fixture
def thank_you(alice):
    maya = make_contact(alice, "Maya Okafor", emails=("maya@example.org",))
    chat = held(alice, maya)
    add_note(alice, maya, "Their newsroom moved to a four-day week", kind="memorable", chat=chat)
    return FollowUp.objects.for_owner(alice).get(chat=chat, kind="thank_you")


def test_sending_too_many_thank_yous_keeps_the_words_and_sends_nothing(
    alice, alice_client, thank_you, mail_server
):
    use_up(alice, limits.SEND)
    typed = {"subject": "Thank you", "body": "My careful words about the four-day week"}
    response = alice_client.post(
        reverse("web:follow_up", args=[thank_you.code]), typed | {"action": "send"}
    )
    page = assert_refused(response, 3600)
    assert "You have sent 2 messages in the last hour" in page
    assert "My careful words about the four-day week" in page
    assert mail_server.received == []
    thank_you.refresh_from_db()
    assert thank_you.draft == typed["body"]  # saved before the refusal
    assert thank_you.sent_at is None


def test_other_buttons_of_the_composer_still_work_when_sending_waits(
    alice, alice_client, thank_you
):
    use_up(alice, limits.SEND)
    typed = {"subject": "Thank you", "body": "Words", "action": "save"}
    response = alice_client.post(reverse("web:follow_up", args=[thank_you.code]), typed)
    assert response.status_code == 302


def test_sending_too_many_requests_for_a_chat_keeps_the_words(alice, alice_client, mail_server):
    ada = make_contact(alice, organisation="Acme", emails=["ada@acme.test"])
    draft = outreach.start_outreach(alice, ada)
    use_up(alice, limits.SEND)
    typed = {"subject": "Ana suggested we talk", "connection": "Ana Silva", "body": GOOD}
    response = alice_client.post(
        reverse("web:outreach_detail", args=[draft.code]), typed | {"action": "send"}
    )
    page = assert_refused(response, 3600)
    assert "Try again in 60 minutes." in page
    assert "how you moved into data" in page
    assert mail_server.received == []
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_test_reminder_too_many_says_when_to_try_again(alice, alice_client, mail_server):
    use_up(alice, limits.SEND)
    response = alice_client.post(reverse("web:reminders_test"), {"channel": "email"})
    page = assert_refused(response, 3600)
    assert "You have sent 2 messages in the last hour" in page
    assert reverse("web:reminders") + "#try" in page
    assert mail_server.received == []
