"""The debrief page: offered after a live chat, rows that keep what was typed, look-alikes."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from coffeechat.services.debrief import HeldChat, record_held
from coffeechat.services.live import end_chat, start_chat
from coffeechat.store.models import Chat, Contact, NextStep, Note, Referral
from tests.web.conftest import NOW, make_chat, make_contact, text_of


@pytest.fixture
def ada(alice):
    return make_contact(alice, "Ada Lovelace")


@pytest.fixture
def held(alice, ada, time_machine):
    chat = make_chat(alice, ada, NOW, agreed_minutes=20)
    start_chat(alice, chat, now=NOW)
    time_machine.move_to(NOW + timedelta(minutes=22), tick=False)
    return end_chat(alice, chat)


def url(chat) -> str:
    return f"/chats/{chat.code}/debrief/"


def form_data(**fields) -> dict:
    """An empty debrief form (three rows of each kind) with ``fields`` filled in."""
    data = {
        "steps-TOTAL_FORMS": "3",
        "steps-INITIAL_FORMS": "0",
        "referrals-TOTAL_FORMS": "3",
        "referrals-INITIAL_FORMS": "0",
        "memorable": "",
        "talk_share": "",
    }
    for row in range(3):
        data[f"steps-{row}-side"] = "me"
    data.update(fields)
    return data


def test_the_live_page_offers_the_debrief_once_the_chat_is_over(held, alice_client):
    page = text_of(alice_client.get(f"/chats/{held.code}/live/?reveal=1"))
    assert "full debrief</a>" in page
    assert f'href="/chats/{held.code}/debrief/"' in page


def test_the_chat_page_links_to_the_debrief_of_a_held_chat(held, alice_client):
    page = text_of(alice_client.get(f"/chats/{held.code}/"))
    assert 'id="debrief"' in page
    assert f'href="/chats/{held.code}/debrief/"' in page


def test_a_planned_chat_page_has_no_debrief(alice, ada, alice_client):
    chat = make_chat(alice, ada)
    assert 'id="debrief"' not in text_of(alice_client.get(f"/chats/{chat.code}/"))


def test_the_form_has_three_empty_rows_of_each_kind(held, alice_client):
    page = text_of(alice_client.get(url(held)))
    assert "Debrief: chat with Ada Lovelace" in page
    for row in range(3):
        assert f'name="steps-{row}-text"' in page
        assert f'name="referrals-{row}-name"' in page
    assert 'name="steps-3-text"' not in page
    assert 'name="memorable"' in page


def test_saving_keeps_everything_and_goes_back_to_the_chat(alice, held, alice_client):
    response = alice_client.post(
        url(held),
        form_data(
            memorable="They learnt Rust on night shifts\n\nThey prefer calls to email",
            **{
                "steps-0-side": "them",
                "steps-0-text": "Introduce me to Grace",
                "steps-0-due_on": "2026-03-06",
                "steps-1-text": "Send my portfolio",
                "referrals-0-name": "Grace Hopper",
                "referrals-0-organisation": "Navy Labs",
                "referrals-0-email": "grace@navy.example",
                "referrals-0-may_use_name": "on",
                "talk_share": "35",
                "time_confirmed": "yes",
                "ask_made": "no",
            },
        ),
        follow=True,
    )
    assert response.redirect_chain == [(f"/chats/{held.code}/#debrief", 302)]
    page = text_of(response)
    assert "Debrief saved: 2 memorable notes, 2 next steps and 1 referral." in page
    assert "Next: write the thank-you" in page
    assert "Introduce me to Grace" in page and "Grace Hopper" in page
    held.refresh_from_db()
    assert (held.talk_share, held.time_confirmed, held.ask_made) == (35, True, False)
    assert Note.objects.filter(chat=held, kind="memorable").count() == 2
    assert NextStep.objects.get(side="them").due_on.isoformat() == "2026-03-06"
    grace = Contact.objects.get(name="Grace Hopper")
    assert Referral.objects.get(to_contact=grace).may_use_name


def test_a_first_name_only_is_saved_with_a_way_to_finish_it(held, alice_client):
    response = alice_client.post(url(held), form_data(**{"referrals-0-name": "Sam"}), follow=True)
    page = text_of(response)
    assert "Sam is saved with a first name only" in page
    assert "to complete" in page
    assert Contact.objects.get(name="Sam").tags == ["to complete"]


def test_a_problem_keeps_every_row_as_typed(held, alice_client):
    response = alice_client.post(
        url(held),
        form_data(
            memorable="Keep this line",
            **{
                "steps-0-text": "Send my portfolio",
                "steps-0-due_on": "next week",
                "referrals-1-name": "Linus Pauling",
                "referrals-1-email": "not an email",
                "talk_share": "250",
            },
        ),
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "There are 3 problems. Nothing was saved" in page
    assert "Next step 1 (Due): Enter a date such as 2030-01-31." in page
    assert "Referral 2 (Email): Enter an email address" in page
    assert "Keep this line" in page
    assert 'value="Send my portfolio"' in page and 'value="next week"' in page
    assert 'value="Linus Pauling"' in page and 'value="not an email"' in page
    assert not Note.objects.exists() and not NextStep.objects.exists()


def test_a_look_alike_is_offered_and_linking_makes_no_copy(alice, held, alice_client):
    grace = make_contact(alice, "Grace Hopper", emails=("grace@navy.example",))
    typed = form_data(
        memorable="A detail",
        **{"referrals-0-name": "G. Hopper", "referrals-0-email": "GRACE@navy.example"},
    )
    response = alice_client.post(url(held), typed)
    assert response.status_code == 400
    page = text_of(response)
    assert "Already in your contacts? Choose below" in page
    assert "Link to the existing Grace Hopper" in page
    assert "Add G. Hopper as a new contact" in page
    assert f'value="{grace.code}" checked' in page
    assert "A detail" in page
    assert not Note.objects.exists()

    response = alice_client.post(url(held), {**typed, "referrals-0-existing": str(grace.code)})
    assert response.status_code == 302
    assert Contact.objects.filter(name__contains="Hopper").count() == 1
    assert Referral.objects.get().to_contact == grace


def test_a_look_alike_can_be_added_as_someone_new(alice, held, alice_client):
    make_contact(alice, "Sam")
    typed = form_data(**{"referrals-0-name": "Sam", "referrals-0-existing": "new"})
    assert alice_client.post(url(held), typed).status_code == 302
    assert Contact.objects.filter(name="Sam").count() == 2


def test_the_choice_stays_when_the_page_comes_back_for_another_reason(alice, held, alice_client):
    grace = make_contact(alice, "Grace Hopper")
    typed = form_data(
        talk_share="abc",
        **{"referrals-0-name": "Grace Hopper", "referrals-0-existing": "new"},
    )
    page = text_of(alice_client.post(url(held), typed))
    assert f'value="{grace.code}"' in page
    assert 'value="new" checked' in page


def test_a_chat_not_held_explains_and_writes_nothing(alice, ada, alice_client):
    chat = make_chat(alice, ada)
    page = text_of(alice_client.get(url(chat)))
    assert "This chat is planned: start it from its live page" in page
    assert 'name="memorable"' not in page
    response = alice_client.post(url(chat), form_data(memorable="Nice"))
    assert response.status_code == 409
    assert not Note.objects.exists()


def test_someone_elses_chat_answers_404(held, bob_client):
    assert bob_client.get(url(held)).status_code == 404
    assert bob_client.post(url(held), form_data(memorable="Mine")).status_code == 404
    assert not Note.objects.exists()


def test_an_unknown_chat_answers_404(alice_client):
    assert alice_client.get(f"/chats/{uuid.uuid4()}/debrief/").status_code == 404


def test_other_methods_are_refused(held, alice_client):
    assert alice_client.put(url(held)).status_code == 405


def test_signed_out_visitors_are_sent_to_sign_in(held, client):
    response = client.get(url(held))
    assert response.status_code == 302
    assert "/signin/" in response["Location"]


def test_linking_to_another_users_contact_is_refused(alice, bob, held, alice_client):
    stranger = make_contact(bob, "Grace Hopper")
    typed = form_data(
        **{"referrals-0-name": "Grace Hopper", "referrals-0-existing": str(stranger.code)}
    )
    response = alice_client.post(url(held), typed)
    assert response.status_code == 400
    assert "The contact chosen to link to is gone" in text_of(response)
    assert not Referral.objects.exists()


def test_a_held_chat_status_stays_held(held):
    assert held.status == Chat.Status.HELD


def test_after_saving_the_chat_page_leads_to_the_thank_you_once(held, alice_client):
    response = alice_client.post(url(held), form_data(memorable="A detail"), follow=True)
    thank_you = held.follow_ups.get(kind="thank_you")
    page = text_of(response)
    assert page.count(f'href="/follow-ups/{thank_you.code}/"') == 1
    assert page.count("Write the thank-you") == 1
    # The one link sits near the top of the page, above the debrief section.
    assert page.index("Write the thank-you") < page.index('id="debrief"')


def test_a_due_day_out_of_range_and_a_list_of_emails_are_refused(held, alice_client):
    response = alice_client.post(
        url(held),
        form_data(
            **{
                "steps-0-text": "Send my portfolio",
                "steps-0-due_on": "9999-12-31",
                "referrals-0-name": "Linus Pauling",
                "referrals-0-email": "linus@example.com, evil@example.com",
                "referrals-1-name": "Grace Hopper",
                "referrals-1-linkedin_url": "javascript:alert(1)",
            }
        ),
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "Next step 1 (Due): Give a day between 1 January 1900 and 31 December 2200." in page
    assert "Referral 1 (Email): Enter an email address" in page
    assert "Referral 2 (LinkedIn URL): Enter a web address" in page
    assert not NextStep.objects.exists()


def test_it_does_not_ask_about_the_time_when_the_live_page_gave_the_confirm_line(
    held, alice_client
):
    page = text_of(alice_client.get(url(held)))
    assert "Did I confirm the time" not in page
    assert 'name="time_confirmed"' not in page
    assert "You confirmed the time on the live page: 20 minutes, until" in page
    alice_client.post(url(held), form_data(ask_made="yes"))
    held.refresh_from_db()
    assert (held.time_confirmed, held.ask_made) == (True, True)


def test_it_asks_about_the_time_for_a_chat_marked_held_without_the_live_page(
    alice, ada, alice_client
):
    chat = make_chat(alice, ada, NOW - timedelta(hours=1), agreed_minutes=20)
    record_held(
        alice, chat, HeldChat(actual_start=chat.starts_at, actual_end=NOW - timedelta(minutes=35))
    )
    page = text_of(alice_client.get(url(chat)))
    assert "Did I confirm the time at the start?" in page
    assert "on the live page" not in page
    alice_client.post(url(chat), form_data(time_confirmed="no"))
    chat.refresh_from_db()
    assert chat.time_confirmed is False


def test_the_names_from_the_capture_wait_in_the_referral_rows(alice, held, alice_client):
    from coffeechat.services.capture import save_capture

    save_capture(alice, held, suggested="Tom Lee at Monzo\nSam")
    page = text_of(alice_client.get(f"/chats/{held.code}/debrief/"))
    assert 'name="referrals-0-name" value="Tom Lee"' in page
    assert 'name="referrals-0-organisation" value="Monzo"' in page
    assert 'name="referrals-1-name" value="Sam"' in page
    assert 'name="referrals-INITIAL_FORMS" value="0"' in page
    assert 'name="referrals-TOTAL_FORMS" value="5"' in page


def test_a_name_from_the_capture_left_empty_is_simply_not_added(alice, held, alice_client):
    from coffeechat.services.capture import save_capture
    from coffeechat.store.models import Referral

    save_capture(alice, held, suggested="Tom Lee at Monzo\nSam")
    data = form_data(
        **{
            "referrals-TOTAL_FORMS": "5",
            "referrals-0-name": "Tom Lee",
            "referrals-0-organisation": "Monzo",
        }
    )
    response = alice_client.post(f"/chats/{held.code}/debrief/", data)
    assert response.status_code == 302
    assert list(Referral.objects.values_list("to_contact__name", flat=True)) == ["Tom Lee"]
    page = text_of(alice_client.get(f"/chats/{held.code}/debrief/"))
    assert 'value="Tom Lee"' not in page and 'name="referrals-0-name" value="Sam"' in page
