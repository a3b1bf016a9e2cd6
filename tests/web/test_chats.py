"""Chats: upcoming and past lists, planning, the chat page, changing, cancelling, notes."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from coffeechat.services.chats import cancel_chat
from coffeechat.store.models import Chat, Note
from tests.web.conftest import NOW, count_queries, make_chat, make_contact, make_note, text_of
from tests.web.test_home import move_to_zone


@pytest.fixture
def ada(alice):
    return make_contact(alice, "Ada Lovelace", organisation="Analytical Engines")


def form_for(person, **changes) -> dict:
    return {
        "contact": str(person.code),
        "date": "2026-03-03",
        "start_time": "13:20",
        "agreed_minutes": "20",
        "buffer_minutes": "15",
        "medium": "video",
        "venue": "",
        "link": "https://meet.example.com/ada",
        "time_zone": "",
        **changes,
    }


# Owner isolation.


@pytest.mark.parametrize("suffix", ["", "edit/", "cancel/"])
def test_another_users_chat_is_not_found(alice, ada, bob_client, suffix):
    chat = make_chat(alice, ada)
    assert bob_client.get(f"/chats/{chat.code}/{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ["edit/", "cancel/", "notes/"])
def test_another_user_cannot_post_to_a_chat(alice, ada, bob, bob_client, suffix):
    chat = make_chat(alice, ada)
    bobs = make_contact(bob, "Grace Hopper")
    response = bob_client.post(f"/chats/{chat.code}/{suffix}", {**form_for(bobs), "text": "x"})
    assert response.status_code == 404
    chat.refresh_from_db()
    assert chat.status == "planned"
    assert chat.contact == ada
    assert not Note.objects.exists()


def test_an_unknown_chat_is_not_found(alice_client):
    assert alice_client.get(f"/chats/{uuid.uuid4()}/").status_code == 404


def test_someone_elses_contact_cannot_be_chosen(ada, bob, alice_client):
    bobs = make_contact(bob, "Grace Hopper")
    response = alice_client.post("/chats/new/", form_for(bobs))
    assert response.status_code == 400
    assert "Choose one of your contacts from the list." in text_of(response)
    assert not Chat.objects.exists()


def test_the_contact_list_offers_only_the_users_contacts(alice, ada, bob, alice_client):
    make_contact(bob, "Grace Hopper")
    page = text_of(alice_client.get("/chats/new/"))
    assert "Ada Lovelace (Analytical Engines)" in page
    assert "Grace Hopper" not in page


# Lists.


def test_the_list_shows_upcoming_chats_by_default_and_past_ones_on_request(
    alice, ada, alice_client
):
    soon = make_chat(alice, ada, NOW + timedelta(days=1))
    gone = make_chat(alice, ada, NOW - timedelta(days=1))
    upcoming = text_of(alice_client.get("/chats/"))
    assert f"/chats/{soon.code}/" in upcoming and f"/chats/{gone.code}/" not in upcoming
    past = text_of(alice_client.get("/chats/?when=past"))
    assert f"/chats/{gone.code}/" in past and f"/chats/{soon.code}/" not in past


def test_the_list_hides_other_peoples_chats(bob, alice_client):
    make_chat(bob, make_contact(bob, "Grace Hopper"))
    assert "Grace Hopper" not in text_of(alice_client.get("/chats/"))


def test_the_list_has_pages(alice, ada, alice_client):
    for number in range(51):
        make_chat(alice, ada, NOW + timedelta(days=number + 1))
    first = text_of(alice_client.get("/chats/"))
    assert "Page 1 of 2" in first
    assert "Next</a>" in first
    assert alice_client.get("/chats/?page=2").status_code == 200


def test_an_empty_list_says_how_to_start(alice_client):
    page = text_of(alice_client.get("/chats/"))
    assert "Nothing planned." in page
    assert 'href="/chats/new/"' in page


# Planning.


def test_the_plan_form_has_every_label_the_ui_contract_names(ada, alice_client):
    page = text_of(alice_client.get("/chats/new/"))
    for label in [
        "Contact",
        "Date",
        "Start time",
        "Length (minutes)",
        "Buffer after (minutes)",
        "Medium",
        "Venue",
        "Video or call link",
        "Their time zone",
    ]:
        assert f">{label}</label>" in page
    assert "Plan chat</button>" in page
    assert "Plan it anyway" not in page
    assert 'value="2026-03-02"' in page  # today, in the user's zone
    assert 'value="20"' in page and 'value="15"' in page  # the user's usual length and buffer


def test_the_plan_form_starts_with_the_contact_from_the_link(alice, alice_client):
    ada = make_contact(alice, "Ada Lovelace", time_zone="America/New_York")
    page = text_of(alice_client.get(f"/chats/new/?contact={ada.code}"))
    assert f'<option value="{ada.code}" selected>' in page
    assert 'value="America/New_York"' in page


@pytest.mark.parametrize("code", ["not-a-code", "5f0c2a1e-8d3b-4c6f-9a7e-2b4d6f8a1c3e"])
def test_an_unknown_contact_in_the_link_gets_a_message(ada, alice_client, code):
    response = alice_client.get(f"/chats/new/?contact={code}")
    assert response.status_code == 200
    assert "That contact was not found; choose one from the list." in text_of(response)


def test_a_foreign_contact_in_the_link_is_not_revealed(bob, ada, alice_client):
    grace = make_contact(bob, "Grace Hopper")
    page = text_of(alice_client.get(f"/chats/new/?contact={grace.code}"))
    assert "That contact was not found" in page
    assert "Grace Hopper" not in page


def test_planning_a_chat_reads_the_time_in_the_users_zone(alice, ada, alice_client):
    move_to_zone(alice, "Europe/Paris")
    response = alice_client.post("/chats/new/", form_for(ada))
    chat = Chat.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/chats/{chat.code}/"
    assert chat.starts_at.isoformat() == "2026-03-03T12:20:00+00:00"  # 13:20 in Paris
    assert (chat.agreed_minutes, chat.buffer_minutes) == (20, 15)


def test_a_colliding_chat_offers_to_plan_it_anyway(alice, ada, alice_client):
    make_chat(alice, ada, NOW + timedelta(days=1, hours=4))  # 13:00 to 13:20, buffer to 13:35
    response = alice_client.post("/chats/new/", form_for(ada))
    assert response.status_code == 400
    page = text_of(response)
    assert "overlap your chat with Ada Lovelace at 13:00" in page
    assert ">Plan it anyway</label>" in page
    assert 'value="13:20"' in page  # what was typed is kept
    assert Chat.objects.count() == 1
    response = alice_client.post("/chats/new/", {**form_for(ada), "allow_overlap": "on"})
    assert response.status_code == 302
    assert Chat.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date": "2026-02-30"}, "Enter a date such as 2026-03-02."),
        ({"date": "tomorrow"}, "Enter a date such as 2026-03-02."),
        ({"start_time": "25:99"}, "Enter a time such as 13:20."),
        ({"agreed_minutes": "twenty"}, "Enter a whole number of minutes, from 5 to 240."),
        ({"agreed_minutes": "1" * 40}, "Use at most 240 minutes."),
        ({"agreed_minutes": "2"}, "Use at least 5 minutes."),
        ({"buffer_minutes": "-5"}, "Use at least 0 minutes."),
        ({"buffer_minutes": "1e9"}, "Enter a whole number of minutes, from 0 to 240."),
        ({"medium": "carrier pigeon"}, "Select a valid choice."),
        ({"link": "javascript:alert(1)"}, "Enter a web address"),
        ({"time_zone": "Mars/Olympus"}, "is not a time zone"),
        ({"contact": ""}, "Choose who the chat is with."),
        ({"contact": "12"}, "Choose one of your contacts from the list."),
    ],
)
def test_malformed_plans_get_clear_messages(ada, alice_client, changes, message):
    response = alice_client.post("/chats/new/", form_for(ada, **changes))
    assert response.status_code == 400
    assert message in text_of(response)
    assert not Chat.objects.exists()


def test_planning_without_contacts_says_to_add_one(alice_client):
    page = text_of(alice_client.get("/chats/new/"))
    assert "You have no contacts yet." in page


# The chat page.


def test_the_chat_page_shows_the_plan_in_the_users_clock(alice, alice_client):
    move_to_zone(alice, "Europe/London", clock_format="12")
    ada = make_contact(alice, "Ada Lovelace", time_zone="America/New_York")
    chat = make_chat(
        alice,
        ada,
        NOW + timedelta(days=1, hours=4),
        agreed_minutes=30,
        buffer_minutes=10,
        medium="in_person",
        venue="Café Nero",
    )
    page = text_of(alice_client.get(f"/chats/{chat.code}/"))
    assert "<h1>Chat with Ada Lovelace</h1>" in page
    assert "Tue 3 Mar 2026, 1:00 pm to 1:30 pm" in page
    assert "Free until 1:40 pm" in page
    assert "8:00 am to 8:30 am in America/New_York" in page
    assert "In person" in page and "Café Nero" in page
    assert "Planned" in page


def test_their_time_is_left_out_when_they_share_the_users_zone(alice, alice_client):
    ada = make_contact(alice, "Ada Lovelace", time_zone="UTC")
    chat = make_chat(alice, ada)
    assert "Their time" not in text_of(alice_client.get(f"/chats/{chat.code}/"))


def test_adding_a_note_to_a_chat_returns_to_the_notes(alice, ada, alice_client):
    chat = make_chat(alice, ada)
    response = alice_client.post(
        f"/chats/{chat.code}/notes/", {"kind": "next_step", "text": "Send my portfolio."}
    )
    assert response["Location"] == f"/chats/{chat.code}/#notes"
    note = Note.objects.get()
    assert (note.chat, note.contact, note.kind) == (chat, ada, "next_step")
    page = text_of(alice_client.get(f"/chats/{chat.code}/"))
    assert "Send my portfolio." in page and "Next step" in page


def test_a_bad_chat_note_shows_the_page_again(alice, ada, alice_client):
    chat = make_chat(alice, ada)
    response = alice_client.post(f"/chats/{chat.code}/notes/", {"kind": "insight", "text": ""})
    assert response.status_code == 400
    assert "Write something before saving the note." in text_of(response)


def test_the_notes_script_gets_just_the_chat_notes(alice, ada, alice_client):
    chat = make_chat(alice, ada)
    response = alice_client.post(
        f"/chats/{chat.code}/notes/",
        {"kind": "insight", "text": ""},
        headers={"X-Coffeechat-Partial": "notes"},
    )
    assert response.status_code == 400
    assert text_of(response).lstrip().startswith("<section")


# Changing and cancelling.


def test_editing_shows_the_plan_and_saves_a_new_time(alice, ada, alice_client):
    chat = make_chat(alice, ada, NOW + timedelta(days=1, hours=4))
    page = text_of(alice_client.get(f"/chats/{chat.code}/edit/"))
    assert 'value="2026-03-03"' in page and 'value="13:00"' in page
    assert "Save changes</button>" in page
    response = alice_client.post(f"/chats/{chat.code}/edit/", form_for(ada, start_time="15:00"))
    assert response["Location"] == f"/chats/{chat.code}/"
    chat.refresh_from_db()
    assert chat.starts_at.isoformat() == "2026-03-03T15:00:00+00:00"


def test_a_chat_does_not_collide_with_itself_when_edited(alice, ada, alice_client):
    chat = make_chat(alice, ada, NOW + timedelta(days=1, hours=4))
    response = alice_client.post(f"/chats/{chat.code}/edit/", form_for(ada, start_time="13:05"))
    assert response.status_code == 302


def test_a_cancelled_chat_cannot_be_changed(alice, ada, alice_client):
    chat = cancel_chat(alice, make_chat(alice, ada))
    response = alice_client.post(f"/chats/{chat.code}/edit/", form_for(ada))
    assert response.status_code == 400
    assert "cannot change" in text_of(response)


def test_cancelling_asks_first_then_keeps_the_reason(alice, ada, alice_client):
    chat = make_chat(alice, ada)
    page = text_of(alice_client.get(f"/chats/{chat.code}/cancel/"))
    assert "Cancel chat</button>" in page
    assert ">Reason (optional)</label>" in page
    chat.refresh_from_db()
    assert chat.status == "planned"
    response = alice_client.post(f"/chats/{chat.code}/cancel/", {"reason": "They travel."})
    assert response["Location"] == f"/chats/{chat.code}/"
    chat.refresh_from_db()
    assert (chat.status, chat.cancelled_reason) == ("cancelled", "They travel.")
    page = text_of(alice_client.get(f"/chats/{chat.code}/"))
    assert "Cancelled" in page and "They travel." in page
    assert f"/chats/{chat.code}/cancel/" not in page


def test_cancelling_twice_explains_why_not(alice, ada, alice_client):
    chat = cancel_chat(alice, make_chat(alice, ada))
    response = alice_client.post(f"/chats/{chat.code}/cancel/", {"reason": ""})
    assert response.status_code == 400
    assert "Only a planned chat can be cancelled" in text_of(response)


def test_chat_pages_refuse_other_methods(alice, ada, alice_client):
    chat = make_chat(alice, ada)
    assert alice_client.post("/chats/").status_code == 405
    assert alice_client.post(f"/chats/{chat.code}/").status_code == 405
    assert alice_client.get(f"/chats/{chat.code}/notes/").status_code == 405
    assert alice_client.put(f"/chats/{chat.code}/cancel/").status_code == 405


# The number of queries stays the same however many rows there are.


def test_the_list_runs_as_many_queries_for_20_chats_as_for_2(alice, alice_client):
    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            contact = make_contact(alice, f"Person {number}", organisation=f"Org {number}")
            make_chat(alice, contact, NOW + timedelta(days=number + 1))
            make_chat(alice, contact, NOW - timedelta(days=number + 1))

    add(2, 0)
    few = count_queries(alice_client, "/chats/"), count_queries(alice_client, "/chats/?when=past")
    add(18, 2)
    many = count_queries(alice_client, "/chats/"), count_queries(alice_client, "/chats/?when=past")
    assert few == many


def test_the_chat_page_runs_as_many_queries_for_20_notes_as_for_2(alice, ada, alice_client):
    chat = make_chat(alice, ada)

    def add(count: int) -> None:
        for number in range(count):
            make_note(alice, ada, f"Note {number}", chat=chat)

    add(2)
    few = count_queries(alice_client, f"/chats/{chat.code}/")
    add(18)
    assert count_queries(alice_client, f"/chats/{chat.code}/") == few


# Days in range (core.fields): a form error, never a 500.


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01"])
def test_a_day_outside_1900_to_2200_is_a_form_error(ada, alice_client, day):
    response = alice_client.post("/chats/new/", form_for(ada, date=day))
    assert response.status_code == 400
    assert "Give a day between 1 January 1900 and 31 December 2200." in text_of(response)
    assert not Chat.objects.exists()


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "Pacific/Kiritimati", "America/New_York"])
def test_year_one_in_any_zone_is_a_form_error_not_a_crash(alice, ada, alice_client, zone):
    move_to_zone(alice, zone)
    response = alice_client.post(
        "/chats/new/", form_for(ada, date="0001-01-01", start_time="00:00")
    )
    assert response.status_code == 400
    assert "Give a day between" in text_of(response)


def test_the_first_and_last_accepted_days_plan_a_chat(alice, ada, alice_client):
    move_to_zone(alice, "Pacific/Kiritimati")
    assert alice_client.post("/chats/new/", form_for(ada, date="1900-01-01")).status_code == 302
    move_to_zone(alice, "Pacific/Pago_Pago")
    response = alice_client.post(
        "/chats/new/", form_for(ada, date="2200-12-31", start_time="23:59")
    )
    assert response.status_code == 302
    assert Chat.objects.count() == 2


def test_the_date_box_tells_the_browser_the_accepted_range(ada, alice_client):
    page = text_of(alice_client.get("/chats/new/"))
    assert 'min="1900-01-01"' in page and 'max="2200-12-31"' in page


def test_a_slot_link_with_a_day_out_of_range_is_ignored(ada, alice_client):
    response = alice_client.get("/chats/new/?date=9999-12-31&time=10:00")
    assert response.status_code == 200
    assert 'value="9999-12-31"' not in text_of(response)


@pytest.mark.parametrize("link", ["ftp://example.com/call", "data:text/html,hi", "https://"])
def test_only_http_and_https_links_are_taken(ada, alice_client, link):
    response = alice_client.post("/chats/new/", form_for(ada, link=link))
    assert response.status_code == 400
    assert "Enter a web address" in text_of(response)


# A held chat's page leads with what it left: the capture and the thank-you.


@pytest.fixture
def held(alice, ada, time_machine):
    from coffeechat.services.live import end_chat, start_chat

    chat = make_chat(alice, ada, NOW)
    start_chat(alice, chat)
    time_machine.move_to(NOW + timedelta(minutes=22), tick=False)
    return end_chat(alice, chat)


def test_a_held_chat_leads_with_its_capture_and_thank_you_not_its_prep(alice, held, alice_client):
    from coffeechat.services.capture import save_capture

    save_capture(
        alice,
        held,
        stuck="Hearing how you moved into UX.",
        agreed="I'll send my case study by Friday",
        suggested="Tom Lee at Monzo",
    )
    page = text_of(alice_client.get(f"/chats/{held.code}/"))
    assert "Not prepared yet" not in page and "Preparation" not in page
    capture = page.index('id="capture"')
    assert capture < page.index('<dl class="details">\n  <div><dt>With</dt>')
    assert "Hearing how you moved into UX." in page
    assert "Yours</span> send my case study" in page
    assert 'Tom Lee <span class="muted">at Monzo</span>' in page
    assert page.index("Write the thank-you") > capture
    assert "Not written yet · due <time" in page
    assert f'href="/chats/{held.code}/live/#capture">Change what you captured' in page


def test_a_held_chat_with_nothing_captured_says_where_to_capture(held, alice_client):
    page = text_of(alice_client.get(f"/chats/{held.code}/"))
    assert "Nothing captured yet." in page
    assert f'href="/chats/{held.code}/live/#capture"' in page


def test_a_drafted_thank_you_says_so_on_the_chat_page(alice, held, alice_client):
    from coffeechat.store.models import FollowUp

    FollowUp.objects.filter(chat=held).update(draft="Hi Ada, thank you.")
    page = text_of(alice_client.get(f"/chats/{held.code}/"))
    assert "Drafted, not sent yet" in page


def test_a_planned_chat_still_shows_its_preparation(ada, alice, alice_client):
    chat = make_chat(alice, ada)
    page = text_of(alice_client.get(f"/chats/{chat.code}/"))
    assert "Preparation" in page and 'id="capture"' not in page
