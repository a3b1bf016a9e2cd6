"""Snoozing from the home page, and starting a keep-in-touch message from a reminder."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from coffeechat.services.followups import add_follow_up, mark_sent
from coffeechat.store.models import Contact, FollowUp
from tests.web.conftest import NOW, make_contact, make_note, text_of


def snooze_url(follow_up) -> str:
    return f"/follow-ups/{follow_up.code}/snooze/"


def reminders_url(contact) -> str:
    return f"/contacts/{contact.code}/snooze-reminders/"


def keep_in_touch_url(contact) -> str:
    return f"/contacts/{contact.code}/keep-in-touch/"


def test_snoozing_a_follow_up_hides_it_and_says_until_when(alice, alice_client):
    ada = make_contact(alice)
    thank_you = add_follow_up(alice, ada, "thank_you", NOW + timedelta(hours=3))
    response = alice_client.post(snooze_url(thank_you), {"days": "7"}, follow=True)
    assert response.redirect_chain == [("/#who-do-i-owe", 302)]
    page = text_of(response)
    assert "Thank-you for Ada Lovelace snoozed until Mon 9 Mar." in page
    thank_you.refresh_from_db()
    assert thank_you.snoozed_until == NOW + timedelta(days=7)
    assert 'id="who-do-i-owe"' in page
    assert snooze_url(thank_you) not in page


def test_snoozing_a_contacts_reminders_moves_them_on(alice, alice_client):
    ada = make_contact(alice, keep_in_touch_days=30)
    make_note(alice, ada, taken_at=NOW - timedelta(days=40))
    assert "Keep in touch with Ada Lovelace" in text_of(alice_client.get("/"))
    response = alice_client.post(reminders_url(ada), {"days": "30"}, follow=True)
    page = text_of(response)
    assert "Reminders for Ada Lovelace snoozed until Wed 1 Apr." in page
    assert "Keep in touch with Ada Lovelace" not in page
    ada.refresh_from_db()
    assert ada.reminders_snoozed_until == NOW + timedelta(days=30)


def test_a_snooze_of_another_length_is_refused_with_a_message(alice, alice_client):
    thank_you = add_follow_up(alice, make_contact(alice), "thank_you", NOW + timedelta(hours=3))
    response = alice_client.post(snooze_url(thank_you), {"days": "3650"}, follow=True)
    assert "Snooze for 1 day, 1 week or 1 month." in text_of(response)
    thank_you.refresh_from_db()
    assert thank_you.snoozed_until is None


def test_a_sent_follow_up_cannot_be_snoozed(alice, alice_client):
    thank_you = add_follow_up(alice, make_contact(alice), "thank_you", NOW + timedelta(hours=3))
    mark_sent(alice, thank_you)
    response = alice_client.post(snooze_url(thank_you), {"days": "1"}, follow=True)
    assert "sent already" in text_of(response)


def test_other_peoples_follow_ups_and_contacts_answer_404(alice, bob, alice_client):
    carl = make_contact(bob, "Carl", keep_in_touch_days=10)
    follow_up = add_follow_up(bob, carl, "thank_you", NOW + timedelta(hours=3))
    assert alice_client.post(snooze_url(follow_up), {"days": "1"}).status_code == 404
    assert alice_client.post(reminders_url(carl), {"days": "1"}).status_code == 404
    assert alice_client.post(keep_in_touch_url(carl)).status_code == 404
    follow_up.refresh_from_db()
    carl.refresh_from_db()
    assert follow_up.snoozed_until is None
    assert carl.reminders_snoozed_until is None
    assert not FollowUp.objects.filter(contact=carl, kind="keep_in_touch").exists()


def test_the_snooze_and_start_addresses_answer_only_post(alice, alice_client):
    ada = make_contact(alice)
    follow_up = add_follow_up(alice, ada, "thank_you", NOW + timedelta(hours=3))
    for url in (snooze_url(follow_up), reminders_url(ada), keep_in_touch_url(ada)):
        response = alice_client.get(url)
        assert response.status_code == 405
        assert response["Allow"] == "POST"


def test_signed_out_visitors_are_sent_to_sign_in(alice, client):
    ada = make_contact(alice)
    response = client.post(reminders_url(ada), {"days": "1"})
    assert response.status_code == 302
    assert "/signin/" in response["Location"]


def test_writing_from_a_reminder_opens_the_composer_on_a_new_follow_up(alice, alice_client):
    ada = make_contact(alice, keep_in_touch_days=30)
    make_note(alice, ada, taken_at=NOW - timedelta(days=40))
    response = alice_client.post(keep_in_touch_url(ada))
    follow_up = FollowUp.objects.get(contact=ada, kind="keep_in_touch")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:follow_up", args=[follow_up.code])
    assert follow_up.due_at == NOW
    # Twice gives the same message, not two.
    alice_client.post(keep_in_touch_url(ada))
    assert FollowUp.objects.filter(contact=ada).count() == 1
    assert Contact.objects.get(pk=ada.pk).keep_in_touch_days == 30
