"""The chat page ranks the user's stories for this person and shows why each fits."""

from __future__ import annotations

from coffeechat.services.library import StoryDetails, add_story
from tests.web.conftest import count_queries, make_chat, make_contact, text_of


def story(owner, title, **parts):
    parts.setdefault("result", "It worked.")
    return add_story(owner, StoryDetails(title, **parts))


def test_the_chat_page_shows_the_best_stories_with_their_matched_terms(alice, alice_client):
    ada = make_contact(
        alice, role="Learning designer", organisation="Analytical Engines", tags=["edtech"]
    )
    chat = make_chat(alice, ada)
    story(alice, "Ran a bake sale")
    fit = story(alice, "Rebuilt the curriculum", tags=("learning design", "EdTech"))
    page = text_of(alice_client.get(f"/chats/{chat.code}/"))
    assert "Stories that fit" in page
    assert f'href="/library/stories/{fit.code}/edit/"' in page
    assert "Matches: " in page
    matched = page.split("Matches: ", 1)[1].split("<", 1)[0]
    # Light stemming: plurals meet, "designer" and "design" do not.
    assert set(matched.split(", ")) == {"learning", "edtech"}
    # A story sharing no word with the chat is not offered as a fit.
    assert "Ran a bake sale" not in page


def test_with_no_fitting_story_the_page_says_how_to_get_one(alice, alice_client):
    chat = make_chat(alice, make_contact(alice, role="Pilot"))
    story(alice, "Ran a bake sale")
    page = text_of(alice_client.get(f"/chats/{chat.code}/"))
    assert "None of your stories shares a word with this chat yet" in page


def test_with_an_empty_library_the_page_links_to_adding_a_story(alice, alice_client):
    chat = make_chat(alice, make_contact(alice))
    page = text_of(alice_client.get(f"/chats/{chat.code}/"))
    assert 'href="/library/stories/new/"' in page


def test_other_peoples_stories_never_show(alice, bob, alice_client):
    chat = make_chat(alice, make_contact(alice, role="Learning designer"))
    story(bob, "Bob's learning story", tags=("learning",))
    assert "Bob's learning story" not in text_of(alice_client.get(f"/chats/{chat.code}/"))


def test_the_chat_page_queries_do_not_grow_with_the_library(alice, alice_client):
    chat = make_chat(alice, make_contact(alice, role="Learning designer"))
    story(alice, "Learning one", tags=("learning",))
    few = count_queries(alice_client, f"/chats/{chat.code}/")
    for index in range(12):
        story(alice, f"Learning {index}", tags=("learning", "design"))
    assert count_queries(alice_client, f"/chats/{chat.code}/") == few
