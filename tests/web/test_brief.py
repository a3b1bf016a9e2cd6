"""The one-page brief: every section on one printable page, and only for the chat's owner."""

from __future__ import annotations

from datetime import UTC, datetime

from coffeechat.core.prep import QUESTION_BANK
from coffeechat.services.library import StoryDetails, add_story, save_pitch
from coffeechat.services.prep import PrepDetails, save_prep
from coffeechat.store.models import Chat
from tests.web.conftest import count_queries, make_chat, make_contact, text_of

TREND = QUESTION_BANK["trends"][0]


def brief_url(chat) -> str:
    return f"/chats/{chat.code}/brief/"


def prepared_chat(owner):
    contact = make_contact(
        owner, "Ada Lovelace", role="Editor", organisation="Quill Press", tags=("publishing",)
    )
    chat = make_chat(owner, contact, link="https://meet.example/ada")
    save_pitch(owner, "elevator", "I taught science for ten years and now design learning.")
    add_story(
        owner,
        StoryDetails(
            title="Rewrote the publishing workflow", result="Half the time", tags=("publishing",)
        ),
    )
    save_prep(
        owner,
        chat,
        PrepDetails(
            research_notes="Moved from *teaching* to publishing.",
            hypothesis="Their authors struggle to write exercises.",
            ask="An introduction to the <b>learning</b> team.",
            questions=(TREND,),
            logistics={"confirmed": True},
        ),
    )
    return chat


def test_the_brief_shows_every_section(alice, alice_client):
    chat = prepared_chat(alice)
    response = alice_client.get(brief_url(chat))
    assert response.status_code == 200
    page = text_of(response)
    assert "<h1>Brief: chat with Ada Lovelace</h1>" in page
    for heading in (
        "Who they are",
        "Time plan",
        "My pitch",
        "The Ask",
        "Stories to tell",
        "Problem and solution",
        "Questions",
        "Logistics",
    ):
        assert f">{heading}" in page, heading
    assert "Editor</strong>" in page or "Editor at Quill Press" in page
    assert "<em>teaching</em>" in page
    assert "about 4 seconds" in page
    assert "Rewrote the publishing workflow" in page
    assert TREND in page
    assert "Confirm:</strong> “It&#x27;s 09:00 now." in page
    assert "&lt;b&gt;learning&lt;/b&gt;" in page  # raw HTML in Markdown stays text
    assert "brief.css" in page


def test_an_empty_prep_says_what_is_missing(alice, alice_client):
    chat = make_chat(alice, make_contact(alice, "Bea"))
    page = text_of(alice_client.get(brief_url(chat)))
    assert "Not written yet: the one next step you hope for." in page
    assert "No questions picked yet." in page
    assert "Not prepared yet" in page


def test_other_peoples_briefs_answer_404(alice, bob_client):
    chat = prepared_chat(alice)
    assert bob_client.get(brief_url(chat)).status_code == 404
    assert bob_client.post(brief_url(chat)).status_code == 405


def test_the_brief_answers_only_get(alice, alice_client):
    chat = prepared_chat(alice)
    assert alice_client.post(brief_url(chat)).status_code == 405
    assert alice_client.head(brief_url(chat)).status_code == 200


def test_the_brief_runs_as_many_queries_for_many_stories(alice, alice_client):
    chat = prepared_chat(alice)
    few = count_queries(alice_client, brief_url(chat))
    for n in range(12):
        add_story(alice, StoryDetails(title=f"Story {n}", result="Something good"))
    assert count_queries(alice_client, brief_url(chat)) == few


def test_a_chat_an_older_version_kept_at_the_end_of_time_still_has_its_brief(alice, alice_client):
    # Forms and restore refuse such a date now; a database from before may still hold one.
    chat = make_chat(alice, make_contact(alice))
    Chat.objects.filter(pk=chat.pk).update(starts_at=datetime(9999, 12, 31, 23, 0, tzinfo=UTC))
    response = alice_client.get(brief_url(chat))
    assert response.status_code == 200
