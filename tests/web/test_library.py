"""The library page: pitch with its spoken length, career-change story, success stories."""

from __future__ import annotations

import pytest

from coffeechat.services.library import StoryDetails, add_story, save_pitch
from coffeechat.store.models import Pitch, Story
from tests.services.prefs import set_preferences
from tests.web.conftest import text_of


def make_story(owner, title="Rebuilt the curriculum", **parts):
    parts.setdefault("result", "Pass rate up from 61% to 78%.")
    return add_story(owner, StoryDetails(title, **parts))


@pytest.fixture
def story(alice):
    return make_story(alice, tags=("curriculum",))


def test_the_header_links_to_the_library(alice_client):
    page = text_of(alice_client.get("/"))
    assert '<a href="/library/">Library</a>' in page
    assert '<a href="/library/" aria-current="page">Library</a>' in text_of(
        alice_client.get("/library/")
    )


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/library/")
    assert response.status_code == 302
    assert "/signin/" in response["Location"]


def test_the_page_shows_the_spoken_length_of_the_saved_pitch(alice, alice_client):
    save_pitch(alice, "elevator", " ".join(["word"] * 60))
    page = text_of(alice_client.get("/library/"))
    assert "60 words, about 24 seconds at 150 words a minute" in page
    assert 'data-words-per-minute="150"' in page
    assert "over 30" not in page


def test_a_long_pitch_shows_a_warning_with_the_words_to_cut(alice, alice_client):
    save_pitch(alice, "elevator", " ".join(["word"] * 90))
    page = text_of(alice_client.get("/library/"))
    assert "About 36 seconds: over 30. Cut about 15 words to fit." in page


def test_the_speaking_rate_comes_from_preferences(alice, alice_client):
    set_preferences(alice, words_per_minute=120)
    save_pitch(alice, "elevator", " ".join(["word"] * 60))
    page = text_of(alice_client.get("/library/"))
    assert "about 30 seconds at 120 words a minute" in page
    assert 'data-words-per-minute="120"' in page


def test_saving_the_pitch_goes_back_to_it(alice, alice_client):
    response = alice_client.post("/library/pitch/elevator/", {"elevator-text": "I design."})
    assert response.status_code == 302
    assert response["Location"] == "/library/#elevator"
    assert Pitch.objects.for_owner(alice).get(kind="elevator").text == "I design."


def test_the_career_change_story_is_saved_on_its_own(alice, alice_client):
    alice_client.post("/library/pitch/career_change/", {"career_change-text": "Why I moved."})
    assert Pitch.objects.for_owner(alice).get(kind="career_change").text == "Why I moved."
    assert "Why I moved." in text_of(alice_client.get("/library/"))


def test_an_empty_pitch_is_refused_and_the_saved_one_kept(alice, alice_client):
    save_pitch(alice, "elevator", "Saved before.")
    response = alice_client.post("/library/pitch/elevator/", {"elevator-text": "   "})
    assert response.status_code == 400
    assert "the pitch is empty" in text_of(response)
    assert Pitch.objects.for_owner(alice).get(kind="elevator").text == "Saved before."


def test_an_enormous_pitch_is_refused_and_what_was_typed_kept(alice, alice_client):
    typed = "enormous " * 2_001
    response = alice_client.post("/library/pitch/elevator/", {"elevator-text": typed})
    assert response.status_code == 400
    page = text_of(response)
    assert "a pitch can have at most 2,000" in page
    assert typed.strip() in page
    assert not Pitch.objects.for_owner(alice).exists()


def test_an_unknown_kind_of_pitch_is_not_found(alice_client):
    assert alice_client.post("/library/pitch/haiku/", {"haiku-text": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/library/pitch/elevator/"),
        ("post", "/library/"),
        ("put", "/library/stories/new/"),
    ],
)
def test_the_wrong_method_is_refused(alice_client, method, url):
    assert getattr(alice_client, method)(url).status_code == 405


def test_a_missing_story_nudges_to_add_more(alice, alice_client):
    assert "Add three or four success stories" in text_of(alice_client.get("/library/"))
    make_story(alice)
    assert "Add 2 more stories" in text_of(alice_client.get("/library/"))


def test_three_or_four_stories_need_no_nudge(alice, alice_client):
    for index in range(4):
        make_story(alice, f"Story {index}")
    page = text_of(alice_client.get("/library/"))
    assert "more stor" not in page
    assert "strongest" not in page


def test_a_long_list_suggests_keeping_the_strongest(alice, alice_client):
    for index in range(7):
        make_story(alice, f"Story {index}")
    assert "Pick the strongest three or four" in text_of(alice_client.get("/library/"))


def test_the_list_shows_my_stories_not_other_peoples(alice, bob, story, alice_client):
    make_story(bob, "Bob's secret story")
    page = text_of(alice_client.get("/library/"))
    assert "Rebuilt the curriculum" in page
    assert "secret" not in page


def test_adding_a_story_goes_back_to_the_library(alice, alice_client):
    form = {
        "title": "Moved a school online",
        "situation": "Closed with a week's notice",
        "action": "",
        "result": "",
        "tags": "remote, training",
    }
    response = alice_client.post("/library/stories/new/", form)
    assert response.status_code == 302
    assert response["Location"] == "/library/"
    saved = Story.objects.for_owner(alice).get()
    assert (saved.title, saved.tags) == ("Moved a school online", ["remote", "training"])


def test_a_story_with_no_text_keeps_what_was_typed(alice, alice_client):
    form = {"title": "Only a title", "situation": "", "action": "", "result": "", "tags": "ops"}
    response = alice_client.post("/library/stories/new/", form)
    assert response.status_code == 400
    page = text_of(response)
    assert "write at least the situation, what you did, or the result" in page
    assert 'value="Only a title"' in page
    assert 'value="ops"' in page
    assert not Story.objects.for_owner(alice).exists()


def test_a_story_needs_a_title(alice_client):
    response = alice_client.post("/library/stories/new/", {"title": "", "situation": "Kept"})
    assert response.status_code == 400
    assert "Give the story a title." in text_of(response)
    assert "Kept</textarea>" in text_of(response)


def test_the_edit_form_starts_from_the_story(story, alice_client):
    page = text_of(alice_client.get(f"/library/stories/{story.code}/edit/"))
    assert 'value="Rebuilt the curriculum"' in page
    assert 'value="curriculum"' in page


def test_editing_a_story_saves_it(story, alice_client):
    form = {"title": "Rebuilt Year 9", "situation": "", "action": "", "result": "Up 17 points"}
    response = alice_client.post(f"/library/stories/{story.code}/edit/", form)
    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.title, story.result) == ("Rebuilt Year 9", "Up 17 points")


def test_an_edit_with_no_text_keeps_what_was_typed_and_changes_nothing(story, alice_client):
    form = {"title": "Renamed", "situation": "", "action": "", "result": ""}
    response = alice_client.post(f"/library/stories/{story.code}/edit/", form)
    assert response.status_code == 400
    assert 'value="Renamed"' in text_of(response)
    story.refresh_from_db()
    assert story.title == "Rebuilt the curriculum"


def test_deleting_asks_first_then_deletes(alice, story, alice_client):
    page = text_of(alice_client.get(f"/library/stories/{story.code}/delete/"))
    assert "Delete “Rebuilt the curriculum”?" in page
    assert Story.objects.for_owner(alice).exists()
    response = alice_client.post(f"/library/stories/{story.code}/delete/")
    assert response.status_code == 302
    assert not Story.objects.for_owner(alice).exists()


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_another_users_story_is_not_found(story, bob_client, action):
    url = f"/library/stories/{story.code}/{action}/"
    assert bob_client.get(url).status_code == 404
    form = {"title": "Taken over", "situation": "Mine now"}
    assert bob_client.post(url, form).status_code == 404
    story.refresh_from_db()
    assert story.title == "Rebuilt the curriculum"
