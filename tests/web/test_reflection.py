"""Reflection: held chats against their plan, the chat page's block, the buffer hint."""

from __future__ import annotations

from datetime import timedelta

import pytest

from coffeechat.services.debrief import HeldChat, record_held
from tests.services.prefs import set_preferences
from tests.web.conftest import NOW, count_queries, make_chat, make_contact, text_of


def hold(owner, name: str, days_ago: int, overrun: int, *, late: int = 0, **held):
    contact = make_contact(owner, name)
    chat = make_chat(owner, contact, NOW - timedelta(days=days_ago), agreed_minutes=20)
    start = chat.starts_at + timedelta(minutes=late)
    return record_held(
        owner,
        chat,
        HeldChat(actual_start=start, actual_end=start + timedelta(minutes=20 + overrun), **held),
    )


def test_without_held_chats_the_page_says_what_it_will_show(alice_client):
    page = text_of(alice_client.get("/reflection/"))
    assert "<h1>Reflection</h1>" in page
    assert "Nothing to reflect on yet" in page
    assert "<svg" not in page


def test_the_page_sums_up_recent_chats_and_links_each(alice, alice_client):
    ada = hold(alice, "Ada Lovelace", 9, 8, extension="they_asked", extension_minutes=8)
    hold(alice, "Grace Hopper", 6, 1)
    hold(alice, "Alan Turing", 3, 4, extension="i_offered", extension_minutes=4, felt_minutes=20)
    page = text_of(alice_client.get("/reflection/"))
    assert "67%" in page and "(2 of 3)" in page  # ran over by more than 2 minutes
    assert "4 min over" in page  # the median
    assert "50%" in page and "of extensions they asked for (1 of 2)" in page
    assert f'href="/chats/{ada.code}/"' in page
    assert '<title id="overrun-chart-title">' in page
    assert "Your chats often run long" not in page


def test_a_gentle_prompt_appears_when_most_recent_chats_ran_well_over(alice, alice_client):
    for number in range(6):
        hold(alice, f"Person {number}", number + 1, 9 if number % 3 else 0)
    page = text_of(alice_client.get("/reflection/"))
    assert "Your chats often run long" in page
    assert "4 of your last 6 chats" in page


def test_names_are_escaped_in_the_picture_and_the_table(alice, alice_client):
    hold(alice, "<b>Bold</b> & Co", 2, 3)
    page = text_of(alice_client.get("/reflection/"))
    assert "<b>Bold</b>" not in page
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in page


def test_another_users_chats_stay_out(bob, alice_client):
    hold(bob, "Grace Hopper", 2, 30)
    page = text_of(alice_client.get("/reflection/"))
    assert "Nothing to reflect on yet" in page
    assert "Grace Hopper" not in page


def test_the_reflection_page_answers_only_get(alice_client):
    assert alice_client.post("/reflection/").status_code == 405


def test_the_reflection_page_runs_as_many_queries_for_20_chats_as_for_2(alice, alice_client):
    def add(count: int, start: int) -> None:
        for day in range(start, start + count):
            hold(alice, f"Person {day}", day, day % 7)

    add(2, 1)
    few = count_queries(alice_client, "/reflection/")
    add(18, 3)
    assert count_queries(alice_client, "/reflection/") == few


# The chat page.


def test_a_held_chat_shows_planned_against_actual(alice, alice_client):
    chat = hold(
        alice,
        "Ada Lovelace",
        1,
        7,
        late=2,
        extension="they_asked",
        extension_minutes=7,
        felt_minutes=22,
    )
    page = text_of(alice_client.get(f"/chats/{chat.code}/"))
    assert "Against the plan" in page
    assert "<dt>Planned</dt><dd>09:00 to 09:20 (20 minutes)</dd>" in page
    assert "09:02 to 09:29 (27 minutes, 7 over); started 2 minutes late" in page
    assert "They asked to continue (+7 minutes)" in page
    assert "22 minutes: 5 minutes shorter than it was" in page


def test_a_planned_chat_has_no_reflection_block(alice, alice_client):
    chat = make_chat(alice, make_contact(alice))
    assert "Against the plan" not in text_of(alice_client.get(f"/chats/{chat.code}/"))


# The buffer hint on the plan form.


def test_the_plan_form_suggests_a_buffer_from_the_users_own_chats(alice, alice_client):
    set_preferences(alice, buffer_minutes=5)
    for day, overrun in ((3, 6), (2, 9), (1, 12)):
        hold(alice, f"Person {day}", day, overrun)
    page = text_of(alice_client.get("/chats/new/"))
    assert "Your chats have ended about 9 minutes after their planned end, on average." in page
    assert "A buffer of 15 minutes would have covered 3 of your last 3; you usually keep 5." in page


def test_the_plan_form_says_nothing_about_buffers_without_history(alice, alice_client):
    hold(alice, "Ada Lovelace", 1, 9)
    make_contact(alice, "Grace Hopper")
    assert "planned end" not in text_of(alice_client.get("/chats/new/"))


@pytest.mark.parametrize("url", ["/", "/reflection/", "/trainer/"])
def test_reflection_and_the_trainer_can_be_reached(alice_client, url):
    page = text_of(alice_client.get(url))
    assert 'href="/reflection/"' in page or 'href="/trainer/"' in page
