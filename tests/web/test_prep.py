"""The prep page: research notes, the hypothesis, the Ask, questions and the checklist."""

from __future__ import annotations

from datetime import timedelta

from coffeechat.core.prep import QUESTION_BANK
from coffeechat.services.owed import HOME_ROWS
from coffeechat.services.prep import MAX_CHOSEN_QUESTIONS, add_question
from coffeechat.store.models import Question
from tests.web.conftest import NOW, count_queries, make_chat, make_contact, text_of

TREND = QUESTION_BANK["trends"][0]
CULTURE = QUESTION_BANK["culture"][0]


def prep_url(chat) -> str:
    return f"/chats/{chat.code}/prep/"


def a_chat(owner, **plan):
    plan.setdefault("link", "https://meet.example/ada")
    return make_chat(owner, make_contact(owner, "Ada Lovelace", role="Editor"), **plan)


def filled(**changes) -> dict:
    data = {
        "research_notes": "Moved from *teaching* to publishing.",
        "hypothesis": "Their authors need help with exercises.",
        "ask": "An introduction to their learning team.",
        "questions": [TREND, CULTURE, QUESTION_BANK["advice"][1]],
        "logistics": ["confirmed", "link_tested"],
        "new_question": "",
    }
    data.update(changes)
    return data


def test_the_page_shows_every_theme_and_the_checklist_for_the_medium(alice, alice_client):
    chat = a_chat(alice)
    page = text_of(alice_client.get(prep_url(chat)))
    assert "<h1>Prepare the chat with Ada Lovelace</h1>" in page
    for label in ("Trends", "Insights", "Advice", "Resources", "Assignments", "Culture"):
        assert f"<legend>{label}</legend>" in page
    assert 'value="link_tested"' in page
    assert 'value="offer_to_treat"' not in page  # a video call has no drinks to pay for
    assert "Not prepared yet" in page


def test_saving_keeps_the_prep_and_comes_back_to_the_page(alice, alice_client):
    chat = a_chat(alice)
    response = alice_client.post(prep_url(chat), filled())
    assert response.status_code == 302
    assert response["Location"] == prep_url(chat)
    chat.refresh_from_db()
    assert chat.ask == "An introduction to their learning team."
    assert "<em>teaching</em>" in chat.research_notes_html
    assert chat.questions[0] == TREND
    assert chat.logistics == {"confirmed": True, "link_tested": True}
    page = text_of(alice_client.get(prep_url(chat)))
    assert f'value="{TREND}" checked' in page
    assert 'value="confirmed" checked' in page


def test_a_new_question_of_my_own_is_kept_and_ticked(alice, alice_client):
    chat = a_chat(alice)
    alice_client.post(prep_url(chat), filled(new_question="What would you read first?"))
    chat.refresh_from_db()
    assert "What would you read first?" in chat.questions
    page = text_of(alice_client.get(prep_url(chat)))
    assert "<legend>My own</legend>" in page
    assert 'value="What would you read first?" checked' in page


def test_removing_my_question_keeps_what_was_typed(alice, alice_client):
    chat = a_chat(alice)
    question = add_question(alice, "Which team would you join?")
    data = filled(ask="Typed but not saved", remove_question=str(question.code))
    response = alice_client.post(prep_url(chat), data)
    assert response.status_code == 200
    page = text_of(response)
    assert "Typed but not saved" in page
    assert "Removed “Which team would you join?”" in page
    assert not Question.objects.for_owner(alice).exists()
    chat.refresh_from_db()
    assert chat.ask == ""


def test_a_refused_prep_keeps_what_was_typed(alice, alice_client):
    chat = a_chat(alice)
    many = [text for texts in QUESTION_BANK.values() for text in texts][: MAX_CHOSEN_QUESTIONS + 1]
    response = alice_client.post(prep_url(chat), filled(questions=many, ask="My typed Ask"))
    assert response.status_code == 400
    page = text_of(response)
    assert f"Pick at most {MAX_CHOSEN_QUESTIONS} questions" in page
    assert "My typed Ask" in page
    assert f'value="{many[-1]}" checked' in page
    chat.refresh_from_db()
    assert chat.ask == ""


def test_an_unknown_question_or_checklist_item_is_refused(alice, alice_client):
    chat = a_chat(alice)
    response = alice_client.post(prep_url(chat), filled(logistics=["bring_cake"]))
    assert response.status_code == 400
    response = alice_client.post(prep_url(chat), filled(questions=["Made up?"]))
    assert response.status_code == 400
    assert "Pick questions from the list" in text_of(response)


def test_other_peoples_chats_answer_404(alice, bob_client):
    chat = a_chat(alice)
    assert bob_client.get(prep_url(chat)).status_code == 404
    assert bob_client.post(prep_url(chat), filled()).status_code == 404
    chat.refresh_from_db()
    assert chat.ask == ""


def test_other_methods_answer_405(alice, alice_client):
    chat = a_chat(alice)
    assert alice_client.put(prep_url(chat)).status_code == 405
    assert alice_client.delete(prep_url(chat)).status_code == 405


def test_signed_out_visitors_are_sent_to_sign_in(alice, client):
    chat = a_chat(alice)
    response = client.get(prep_url(chat))
    assert response.status_code == 302
    assert "/signin/" in response["Location"]


def test_the_chat_page_shows_readiness_and_links_to_prep_and_brief(alice, alice_client):
    chat = a_chat(alice)
    page = text_of(alice_client.get(f"/chats/{chat.code}/"))
    assert "Not prepared yet" in page
    assert "Write your Ask" in page
    assert f'href="/chats/{chat.code}/prep/"' in page
    assert f'href="/chats/{chat.code}/brief/"' in page
    alice_client.post(prep_url(chat), filled())
    page = text_of(alice_client.get(f"/chats/{chat.code}/"))
    assert ">Prepared<" in page


def test_the_home_page_flags_unprepared_chats_this_week(alice, alice_client):
    soon = a_chat(alice, starts_at=NOW + timedelta(days=2))
    make_chat(alice, make_contact(alice, "Far Future"), NOW + timedelta(days=10))
    page = text_of(alice_client.get("/"))
    assert "Not prepared yet" in page
    assert f'href="/chats/{soon.code}/prep/"' in page
    assert "Far Future" not in page
    alice_client.post(prep_url(soon), filled())
    assert "Not prepared yet" not in text_of(alice_client.get("/"))


def test_the_prep_page_runs_as_many_queries_for_many_questions(alice, alice_client):
    chat = a_chat(alice)
    add_question(alice, "One of mine?")
    few = count_queries(alice_client, prep_url(chat))
    for n in range(15):
        add_question(alice, f"Another of mine, number {n}?", "advice")
    assert count_queries(alice_client, prep_url(chat)) == few


def test_the_home_page_shows_the_soonest_unprepared_chats_and_counts_them_all(alice, alice_client):
    # A busy week: the home page lists the soonest few and says how many there are in all.
    chats = [
        make_chat(
            alice, make_contact(alice, f"Person {hour:02}"), NOW + timedelta(days=2, hours=hour)
        )
        for hour in range(1, 10)
    ]
    page = text_of(alice_client.get("/"))
    shown = [chat for chat in chats if f'href="/chats/{chat.code}/prep/"' in page]
    assert shown == chats[:HOME_ROWS]
    assert f"All {len(chats)} chats not prepared yet are in your chats" in page
