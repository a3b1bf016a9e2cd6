"""The next-steps list: mine and theirs, open and done, done/undo and a new due date."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from coffeechat.services.nextsteps import add_step, mark_done
from coffeechat.store.models import FollowUp, NextStep
from tests.web.conftest import NOW, make_chat, make_contact, text_of

TODAY = NOW.date()  # Monday 2 March 2026


@pytest.fixture
def ada(alice):
    return make_contact(alice, "Ada Lovelace")


@pytest.fixture
def mine(alice, ada):
    return add_step(alice, ada, "Send my portfolio", side="me", due_on=TODAY - timedelta(days=1))


@pytest.fixture
def theirs(alice, ada):
    chat = make_chat(alice, ada, NOW - timedelta(days=3))
    return add_step(
        alice, ada, "Introduce me to Grace", side="them", due_on=date(2026, 3, 6), chat=chat
    )


def action(step, name: str) -> str:
    return f"/next-steps/{step.code}/{name}/"


def test_the_list_shows_mine_theirs_and_done(alice, ada, mine, theirs, alice_client):
    finished = add_step(alice, ada, "Read their paper", side="me")
    mark_done(alice, finished)
    page = text_of(alice_client.get("/next-steps/"))
    mine_at, theirs_at, done_at = (
        page.index(f'id="{name}-title"') for name in ("mine", "theirs", "done")
    )
    assert mine_at < page.index("Send my portfolio") < theirs_at
    assert theirs_at < page.index("Introduce me to Grace") < done_at
    assert done_at < page.index("Read their paper")
    assert "late: was due Sun 1 Mar 2026" in page
    # Their promise is due Friday 6 March: the nudge waits two working days, to Tuesday.
    assert "Gentle nudge suggested from" in page


def test_done_and_undo_move_a_step_and_come_back_to_the_list(mine, alice_client):
    response = alice_client.post(action(mine, "done"), follow=True)
    assert response.redirect_chain == [("/next-steps/", 302)]
    assert "Done: “Send my portfolio”." in text_of(response)
    mine.refresh_from_db()
    assert mine.done_at == NOW
    response = alice_client.post(action(mine, "undo"), follow=True)
    assert "Open again: “Send my portfolio”." in text_of(response)
    mine.refresh_from_db()
    assert mine.done_at is None


def test_done_twice_says_so_instead_of_failing(mine, alice_client):
    alice_client.post(action(mine, "done"))
    response = alice_client.post(action(mine, "done"), follow=True)
    assert "This step is done already." in text_of(response)


def test_a_button_can_send_you_back_to_the_chat_page(theirs, alice_client):
    back = f"/chats/{theirs.chat.code}/"
    response = alice_client.post(action(theirs, "done"), {"next": back})
    assert response["Location"] == back
    response = alice_client.post(action(theirs, "undo"), {"next": "https://evil.example/"})
    assert response["Location"] == "/next-steps/"


@pytest.mark.parametrize(
    "target", ["foo", "web:home", "https://evil.example/", "//evil.example/", "/\\evil.example/"]
)
def test_a_crafted_next_sends_you_to_the_list(theirs, alice_client, target):
    response = alice_client.post(action(theirs, "done"), {"next": target})
    assert response["Location"] == "/next-steps/"


def test_marking_their_step_done_puts_the_nudge_aside(theirs, alice_client):
    alice_client.post(action(theirs, "done"))
    assert FollowUp.objects.get(next_step=theirs).dismissed_at == NOW


def test_a_new_due_date_moves_the_step_and_its_nudge(theirs, alice_client):
    field = f"{theirs.code}-due_on"
    response = alice_client.post(action(theirs, "due"), {field: "2026-03-13"}, follow=True)
    assert "“Introduce me to Grace” is now due 13 Mar 2026." in text_of(response)
    theirs.refresh_from_db()
    assert theirs.due_on == date(2026, 3, 13)
    assert FollowUp.objects.get(next_step=theirs).due_at.date() == date(2026, 3, 17)


def test_a_bad_due_date_keeps_what_was_typed(theirs, alice_client):
    field = f"{theirs.code}-due_on"
    response = alice_client.post(action(theirs, "due"), {field: "soon-ish"})
    assert response.status_code == 400
    page = text_of(response)
    assert "Enter a date such as 2030-01-31." in page
    assert 'value="soon-ish"' in page
    theirs.refresh_from_db()
    assert theirs.due_on == date(2026, 3, 6)


@pytest.mark.parametrize("name", ["done", "undo", "due"])
def test_someone_elses_step_answers_404(mine, bob_client, name):
    assert bob_client.post(action(mine, name)).status_code == 404
    mine.refresh_from_db()
    assert mine.done_at is None


def test_the_list_hides_other_peoples_steps(mine, bob_client):
    page = text_of(bob_client.get("/next-steps/"))
    assert "Send my portfolio" not in page
    assert "Nothing you promised is open." in page


def test_an_unknown_step_answers_404(alice_client):
    assert alice_client.post(f"/next-steps/{uuid.uuid4()}/done/").status_code == 404


@pytest.mark.parametrize("name", ["done", "undo", "due"])
def test_actions_refuse_get_with_405(mine, alice_client, name):
    assert alice_client.get(action(mine, name)).status_code == 405
    assert NextStep.objects.get().done_at is None


def test_the_list_refuses_post_with_405(alice_client):
    assert alice_client.post("/next-steps/").status_code == 405


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/next-steps/")
    assert response.status_code == 302
    assert "/signin/" in response["Location"]


def test_a_due_date_out_of_range_is_a_form_error(theirs, alice_client):
    field = f"{theirs.code}-due_on"
    response = alice_client.post(action(theirs, "due"), {field: "9999-12-31"})
    assert response.status_code == 400
    assert "Give a day between 1 January 1900 and 31 December 2200." in text_of(response)
    theirs.refresh_from_db()
    assert theirs.due_on == date(2026, 3, 6)
