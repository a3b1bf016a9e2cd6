from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from coffeechat.core.ics import MAX_BYTES
from coffeechat.services.calendars import import_file, renew_feed_token
from coffeechat.services.followups import add_next_step
from coffeechat.store.models import BusyBlock, CalendarSource
from tests.core.test_ics_read import repeating
from tests.services.prefs import set_preferences
from tests.services.test_calendars import small_calendar
from tests.web.conftest import NOW, count_queries, make_chat, make_contact, text_of


def upload(client, data: bytes, name: str = "work.ics"):
    return client.post("/calendar/import/", {"file": SimpleUploadedFile(name, data)})


def test_the_page_offers_free_slots_that_open_the_plan_form(alice, alice_client):
    set_preferences(alice, time_zone="UTC", chat_minutes=20, buffer_minutes=15)
    import_file(alice, "work.ics", small_calendar("Team meeting", "20260303T100000Z"), now=NOW)
    response = alice_client.get("/calendar/?day=2026-03-03")
    assert response.status_code == 200
    page = text_of(response)
    assert "Free time on Tue 3 Mar 2026" in page
    assert "Working hours are 08:00 to 20:00" in page
    assert 'href="/chats/new/?date=2026-03-03&amp;time=08:00"' in page
    assert 'href="/chats/new/?date=2026-03-03&amp;time=11:00"' in page
    assert "Team meeting" in page
    assert '<a href="/calendar/" aria-current="page">Calendar</a>' in page


def test_a_slot_link_carries_the_contact_it_was_opened_for(alice, alice_client):
    ada = make_contact(alice)
    page = text_of(alice_client.get(f"/calendar/?day=2026-03-03&contact={ada.code}"))
    assert f"/chats/new/?contact={ada.code}&amp;date=2026-03-03&amp;time=" in page


def test_the_plan_form_takes_the_date_and_time_of_a_slot(alice, alice_client):
    make_contact(alice)
    page = text_of(alice_client.get("/chats/new/?date=2026-03-05&time=10:15"))
    assert 'value="2026-03-05"' in page
    assert 'value="10:15"' in page


def test_a_bad_day_falls_back_to_today_with_a_note(alice_client):
    page = text_of(alice_client.get("/calendar/?day=someday"))
    assert "is not a day such as 2026-03-02" in page
    assert "Free time on Mon 2 Mar 2026" in page


def test_an_uploaded_calendar_becomes_busy_blocks(alice, alice_client):
    response = upload(alice_client, small_calendar())
    assert response.status_code == 302
    assert [b.title for b in BusyBlock.objects.for_owner(alice)] == ["Team meeting"]
    page = text_of(alice_client.get(response.url))
    assert "Imported 1 busy block from work.ics." in page
    assert "1 busy block " in page


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"<!doctype html><p>Not a calendar", "This is a web page, not a calendar"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20", "stops before its end"),
        (b" " * (MAX_BYTES + 1), "work.ics is larger than the limit of 5 MB"),
    ],
)
def test_a_refused_upload_shows_why_and_keeps_the_page_usable(alice, alice_client, data, words):
    response = upload(alice_client, data)
    assert response.status_code == 400
    page = text_of(response)
    assert words in page
    assert "Nothing was saved" in page
    assert "Add a feed address" in page and "Free time on" in page
    assert not CalendarSource.objects.for_owner(alice).exists()


def test_an_upload_with_a_runaway_repeat_names_the_event_and_saves_nothing(alice, alice_client):
    response = upload(alice_client, repeating("FREQ=MINUTELY;BYSECOND=0,10,20,30,40,50"))
    assert response.status_code == 400
    page = text_of(response)
    assert "work.ics: The event “Tick” repeats too often to read (every minute from" in page
    assert "Nothing was saved" in page
    assert not CalendarSource.objects.for_owner(alice).exists()


def test_a_feed_that_cannot_be_added_says_why(alice, alice_client):
    response = alice_client.post("/calendar/feeds/", {"url": "ftp://example.com/a.ics"})
    assert response.status_code == 400
    assert "starting with https://" in text_of(response)


def test_another_users_source_cannot_be_fetched_or_deleted(alice, bob_client):
    source = import_file(alice, "work.ics", small_calendar(), now=NOW)
    assert bob_client.post(f"/calendar/sources/{source.code}/delete/").status_code == 404
    assert bob_client.post(f"/calendar/sources/{source.code}/fetch/").status_code == 404
    assert CalendarSource.objects.filter(pk=source.pk).exists()


def test_deleting_a_source_removes_it(alice, alice_client):
    source = import_file(alice, "work.ics", small_calendar(), now=NOW)
    response = alice_client.post(f"/calendar/sources/{source.code}/delete/", follow=True)
    assert "Removed work.ics and its busy blocks." in text_of(response)
    assert not BusyBlock.objects.for_owner(alice).exists()


def test_a_chat_downloads_as_ics_for_its_owner_only(alice, alice_client, bob_client):
    chat = make_chat(alice, make_contact(alice), datetime(2026, 3, 3, 10, 0, tzinfo=UTC))
    response = alice_client.get(f"/chats/{chat.code}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert 'filename="chat-ada-lovelace-2026-03-03.ics"' in response["Content-Disposition"]
    assert f"UID:{chat.code}@coffeechat" in text_of(response)
    assert bob_client.get(f"/chats/{chat.code}/calendar.ics").status_code == 404


def test_the_chat_page_links_to_its_calendar_file(alice, alice_client):
    chat = make_chat(alice, make_contact(alice))
    page = text_of(alice_client.get(f"/chats/{chat.code}/"))
    assert f'href="/chats/{chat.code}/calendar.ics"' in page
    assert "Add to calendar (.ics)" in page


def test_the_feed_opens_without_signing_in_with_the_right_token_only(alice, alice_client):
    make_chat(alice, make_contact(alice))
    alice_client.post("/calendar/token/", {"action": "create"})
    page = text_of(alice_client.get("/calendar/"))
    token = alice.preferences.__class__.objects.get(owner=alice).calendar_token
    assert f"/calendar/feed/{token}.ics" in page
    anonymous = Client()
    response = anonymous.get(f"/calendar/feed/{token}.ics")
    assert response.status_code == 200
    assert "Coffee chat with Ada Lovelace" in text_of(response)
    assert anonymous.get(f"/calendar/feed/{token[:-1]}x.ics").status_code == 404
    assert anonymous.get("/calendar/feed/short.ics").status_code == 404


def test_a_renewed_or_revoked_token_closes_the_old_feed(alice, alice_client):
    first = renew_feed_token(alice)
    alice_client.post("/calendar/token/", {"action": "regenerate"})
    assert Client().get(f"/calendar/feed/{first}.ics").status_code == 404
    second = alice.preferences.__class__.objects.get(owner=alice).calendar_token
    assert Client().get(f"/calendar/feed/{second}.ics").status_code == 200
    response = alice_client.post("/calendar/token/", {"action": "revoke"}, follow=True)
    assert "Turned the feed off" in text_of(response)
    assert Client().get(f"/calendar/feed/{second}.ics").status_code == 404
    assert "Create a feed address" in text_of(response)


def test_the_calendar_page_needs_signing_in():
    response = Client().get("/calendar/")
    assert response.status_code == 302
    assert response.url.startswith("/signin/")


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/calendar/"),
        ("get", "/calendar/import/"),
        ("get", "/calendar/feeds/"),
        ("get", "/calendar/token/"),
        ("post", "/calendar/feed/abcdefghijklmnopqrstuvwxyz.ics"),
    ],
)
def test_wrong_methods_answer_405(alice_client, method, url):
    assert getattr(alice_client, method)(url).status_code == 405


def test_a_feed_that_cannot_be_fetched_yet_is_kept_with_its_error(alice, alice_client):
    response = alice_client.post(
        "/calendar/feeds/", {"url": "http://127.0.0.1:9/work.ics", "name": "Work"}, follow=True
    )
    page = text_of(response)
    assert "Added Work, but could not fetch it yet: Could not reach 127.0.0.1" in page
    assert "Last try failed:" in page
    assert "Could not reach" in CalendarSource.objects.for_owner(alice).get().last_error


# Days outside 1900-2200 (core.fields): a normal page, never a 500.


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01"])
def test_a_day_out_of_range_falls_back_to_today_with_a_note(alice_client, day):
    response = alice_client.get(f"/calendar/?day={day}")
    assert response.status_code == 200
    page = text_of(response)
    assert "is outside the days coffeechat shows" in page
    assert "Free time on Mon 2 Mar 2026" in page


def test_the_first_and_last_days_have_no_link_beyond_them(alice_client):
    first = text_of(alice_client.get("/calendar/?day=1900-01-01"))
    assert "Free time on Mon 1 Jan 1900" in first and "day=1899-12-31" not in first
    last = text_of(alice_client.get("/calendar/?day=2200-12-31"))
    assert "Free time on Wed 31 Dec 2200" in last and "day=2201-01-01" not in last


def test_the_day_picker_offers_only_the_days_coffeechat_shows(alice_client):
    page = text_of(alice_client.get("/calendar/"))
    assert 'min="1900-01-01"' in page and 'max="2200-12-31"' in page


def test_a_chat_stored_at_the_end_of_time_leaves_the_feed_working(alice):
    ada = make_contact(alice)
    kept = make_chat(alice, ada)
    odd = make_chat(alice, ada)
    type(odd).objects.filter(pk=odd.pk).update(starts_at=datetime(9999, 12, 31, 23, tzinfo=UTC))
    token = renew_feed_token(alice)
    response = Client().get(f"/calendar/feed/{token}.ics")
    assert response.status_code == 200
    assert f"UID:{kept.code}@coffeechat" in text_of(response)
    assert str(odd.code) not in text_of(response)


def test_downloading_a_chat_at_the_end_of_time_explains_instead_of_failing(alice, alice_client):
    odd = make_chat(alice, make_contact(alice))
    type(odd).objects.filter(pk=odd.pk).update(starts_at=datetime(9999, 12, 31, 23, tzinfo=UTC))
    response = alice_client.get(f"/chats/{odd.code}/calendar.ics", follow=True)
    assert response.status_code == 200
    assert "outside the days coffeechat keeps" in text_of(response)


def test_the_feed_links_each_deadline_to_its_page_on_the_feeds_own_host(alice):
    ada = make_contact(alice)
    chat = make_chat(alice, ada, NOW - timedelta(days=1))
    step = add_next_step(alice, ada, "Share my portfolio draft", due_on=date(2026, 3, 4), chat=chat)
    token = renew_feed_token(alice)
    # Where coffeechat serve listens in local mode.
    response = Client().get(f"/calendar/feed/{token}.ics", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    events = {
        str(event["UID"]): event
        for event in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    }
    event = events[f"step-{step.code}@coffeechat"]
    assert str(event["SUMMARY"]) == "Your step for Ada Lovelace: Share my portfolio draft"
    assert str(event["URL"]) == f"http://127.0.0.1:8000/chats/{chat.code}/"


def test_the_feed_runs_as_many_queries_for_many_deadlines_as_for_a_few(alice):
    token = renew_feed_token(alice)

    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            contact = make_contact(alice, f"Person {number}")
            make_chat(alice, contact, NOW + timedelta(days=1, hours=number))
            add_next_step(alice, contact, "Send the article", due_on=date(2026, 3, 4))

    add(2, 0)
    few = count_queries(Client(), f"/calendar/feed/{token}.ics")
    add(10, 2)
    assert count_queries(Client(), f"/calendar/feed/{token}.ics") == few


def test_each_source_has_an_all_day_checkbox_that_saves_the_choice(alice, alice_client):
    upload(alice_client, small_calendar())
    source = CalendarSource.objects.for_owner(alice).get()
    page = alice_client.get("/calendar/").content.decode()
    assert f'action="/calendar/sources/{source.code}/all-day/"' in page
    assert 'name="all_day_busy"' in page
    response = alice_client.post(
        f"/calendar/sources/{source.code}/all-day/", {"all_day_busy": "on"}
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.all_day_busy
    assert "All-day events in work.ics now count as busy." in text_of(
        alice_client.get("/calendar/")
    )
    alice_client.post(f"/calendar/sources/{source.code}/all-day/", {})
    source.refresh_from_db()
    assert not source.all_day_busy


def test_the_upload_form_sets_the_all_day_choice(alice, alice_client):
    response = alice_client.post(
        "/calendar/import/",
        {"file": SimpleUploadedFile("work.ics", small_calendar()), "all_day_busy": "on"},
    )
    assert response.status_code == 302
    assert CalendarSource.objects.for_owner(alice).get().all_day_busy
