"""The page of one whole section of Who do I owe (/owed/<section>/): all of it, 50 a page."""

from __future__ import annotations

import re
from datetime import timedelta

from coffeechat.services.followups import add_follow_up
from coffeechat.services.outreach import log_outreach
from coffeechat.services.owed import HOME_ROWS
from tests.web.conftest import NOW, count_queries, make_contact, text_of


def thank_yous(owner, count: int, start: int = 0) -> list:
    """``count`` thank-yous owed, due within the day, the first one soonest."""
    return [
        add_follow_up(
            owner,
            make_contact(owner, f"Person {number:03}"),
            "thank_you",
            NOW + timedelta(hours=1, minutes=number),
        )
        for number in range(start, start + count)
    ]


def test_the_home_page_links_to_all_of_a_section_past_its_bound(alice, alice_client):
    thank_yous(alice, HOME_ROWS + 1)
    page = text_of(alice_client.get("/"))
    assert f'href="/owed/thank-yous/">All {HOME_ROWS + 1} thank-yous</a>' in page


def test_it_lists_the_whole_section_50_a_page_soonest_first(alice, alice_client):
    rows = thank_yous(alice, 60)
    first = text_of(alice_client.get("/owed/thank-yous/"))
    assert '<span class="owed__count">60</span>' in first
    assert first.count("Write the thank-you</a>") == 50
    assert "Person 000" in first and "Person 049" in first and "Person 050" not in first
    assert first.index("Person 000") < first.index("Person 001")
    assert "Page 1 of 2" in first and 'href="?page=2"' in first
    second = text_of(alice_client.get("/owed/thank-yous/?page=2"))
    assert second.count("Write the thank-you</a>") == 10
    assert f"/follow-ups/{rows[-1].code}/" in second and "Person 000" not in second


def test_a_page_past_the_end_shows_the_last_one(alice, alice_client):
    thank_yous(alice, 3)
    page = text_of(alice_client.get("/owed/thank-yous/?page=9"))
    assert page.count("Write the thank-you</a>") == 3


def test_an_unknown_section_answers_404(alice_client):
    assert alice_client.get("/owed/everything/").status_code == 404


def test_the_page_answers_only_get(alice_client):
    assert alice_client.post("/owed/thank-yous/").status_code == 405


def test_it_never_shows_another_users_items(alice, bob, alice_client):
    carl = make_contact(bob, "Carl Bobson")
    add_follow_up(bob, carl, "thank_you", NOW + timedelta(hours=2))
    page = text_of(alice_client.get("/owed/thank-yous/"))
    assert "Carl Bobson" not in page
    assert "Nothing here any more" in page


def test_its_forms_carry_a_csrf_token_and_send_the_user_back_here(alice, alice_client):
    rows = thank_yous(alice, 55)
    page = text_of(alice_client.get("/owed/thank-yous/?page=2"))
    forms = re.findall(r'<form method="post".*?</form>', page, re.DOTALL)
    assert len(forms) == 5
    for form in forms:
        assert 'name="csrfmiddlewaretoken"' in form
        assert '<input type="hidden" name="next" value="/owed/thank-yous/?page=2">' in form
    response = alice_client.post(
        f"/follow-ups/{rows[-1].code}/snooze/", {"days": "1", "next": "/owed/thank-yous/?page=2"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/owed/thank-yous/?page=2"
    rows[-1].refresh_from_db()
    assert rows[-1].snoozed_until == NOW + timedelta(days=1)


def test_requests_on_the_page_name_the_people_to_write_to(alice, alice_client):
    for number in range(HOME_ROWS + 2):
        first = make_contact(alice, f"Ada {number}", organisation=f"Org {number}")
        make_contact(alice, f"Bob {number}", organisation=f"Org {number}")
        log_outreach(alice, first, "Hello?", sent_at=NOW - timedelta(days=5, minutes=number))
    page = text_of(alice_client.get("/owed/requests/"))
    assert page.count("without a reply from") == HOME_ROWS + 2
    for number in range(HOME_ROWS + 2):
        assert f">Write to Bob {number}</a>" in page


def test_it_runs_as_many_queries_for_60_items_as_for_2(alice, alice_client):
    def requests(count: int, start: int) -> None:
        for number in range(start, start + count):
            first = make_contact(alice, f"Ada {number}", organisation=f"Org {number}")
            make_contact(alice, f"Bob {number}", organisation=f"Org {number}")
            log_outreach(alice, first, "Hello?", sent_at=NOW - timedelta(days=5, minutes=number))

    requests(2, 0)
    few = count_queries(alice_client, "/owed/requests/")
    requests(58, 2)
    assert count_queries(alice_client, "/owed/requests/") == few
