"""Ranking stories for a chat: BM25F over title, tags and the telling, with folded words."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import example, given
from hypothesis import strategies as st

from coffeechat.core.stories import (
    ChatContext,
    StoryText,
    library_nudge,
    query_terms,
    rank_stories,
    stem,
    terms,
    words,
)
from coffeechat.core.text import fold

# A small vocabulary so that stories and queries share words often; accented and capitalised
# spellings check that folding makes them meet.
VOCABULARY = [
    "data",
    "Data",
    "café",
    "CAFE",
    "launch",
    "launches",
    "team",
    "teams",
    "curriculum",
    "learning",
    "design",
    "Résumé",
    "budget",
    "mentoring",
    "the",
    "and",
    "2024",
]

phrases = st.lists(st.sampled_from(VOCABULARY), max_size=8).map(" ".join)
tag_lists = st.lists(st.sampled_from(VOCABULARY), max_size=4).map(tuple)


@st.composite
def libraries(draw) -> list[StoryText]:
    count = draw(st.integers(1, 8))
    return [
        StoryText(
            code=f"s{index}",
            title=draw(phrases),
            situation=draw(phrases),
            action=draw(phrases),
            result=draw(phrases),
            tags=draw(tag_lists),
        )
        for index in range(count)
    ]


def position(ranked, code: str) -> int:
    return [r.code for r in ranked].index(code)


def by_code(ranked, code: str):
    return next(r for r in ranked if r.code == code)


@given(libraries(), phrases, st.data())
def test_adding_a_matching_tag_never_lowers_a_story(stories, query, data):
    wanted = words(query)
    if not wanted:
        return
    chosen = data.draw(st.integers(0, len(stories) - 1))
    tag = data.draw(st.sampled_from(wanted))
    before = rank_stories(stories, query)
    tagged = list(stories)
    tagged[chosen] = replace(stories[chosen], tags=(*stories[chosen].tags, tag))
    after = rank_stories(tagged, query)
    code = stories[chosen].code
    assert by_code(after, code).score >= by_code(before, code).score
    assert by_code(after, code).score > 0
    assert position(after, code) <= position(before, code)


@given(libraries(), phrases)
def test_a_story_sharing_no_word_with_the_query_scores_zero(stories, query):
    wanted = set(query_terms(query))
    for ranked, story in ((by_code(rank_stories(stories, query), s.code), s) for s in stories):
        story_terms = set().union(*(set(t) for t in story.fields().values()))
        if not story_terms & wanted:
            assert ranked.score == 0
            assert ranked.matched_terms == ()
        else:
            assert ranked.score > 0


@given(libraries(), phrases, st.randoms(use_true_random=False))
def test_the_ranking_does_not_depend_on_input_order(stories, query, random):
    shuffled = list(stories)
    random.shuffle(shuffled)
    first = rank_stories(stories, query)
    assert rank_stories(shuffled, query) == first
    assert rank_stories(stories, query) == first


@given(libraries(), phrases)
def test_matched_terms_all_come_from_the_query(stories, query):
    query_words = set(words(query))
    for ranked in rank_stories(stories, query):
        assert set(ranked.matched_terms) <= query_words
        assert len(set(ranked.matched_terms)) == len(ranked.matched_terms)


@given(libraries(), phrases)
@example([StoryText("s0", "café", "", "", "", ()), StoryText("s4", "CAFE", "", "", "", ())], "")
def test_the_best_story_comes_first_and_ties_go_by_title(stories, query):
    ranked = rank_stories(stories, query)
    for higher, lower in zip(ranked, ranked[1:], strict=False):
        assert higher.score >= lower.score
        if higher.score == lower.score:
            # Titles compare as folded text: "Café" and "CAFE" are the same title to a reader.
            assert (fold(higher.title), higher.code) <= (fold(lower.title), lower.code)


def test_case_and_accents_are_folded():
    stories = [StoryText("a", "Opened a café"), StoryText("b", "Ran a bakery")]
    ranked = rank_stories(stories, "CAFE owners")
    assert ranked[0].code == "a"
    assert ranked[0].matched_terms == ("cafe",)
    assert rank_stories([StoryText("c", "Rewrote my RÉSUMÉ")], "resume")[0].score > 0


def test_stop_words_and_single_letters_never_match():
    assert words("The team and I, a group of 3") == ["team", "group", "3"]
    assert rank_stories([StoryText("a", "The best of the year")], "the of and")[0].score == 0


def test_plurals_meet_their_singular():
    singular = [
        stem(w) for w in ("teams", "stories", "launches", "roles", "status", "class", "data")
    ]
    assert singular == ["team", "story", "launch", "role", "status", "class", "data"]
    assert terms("Teams launch") == terms("team launches") == ["team", "launch"]
    assert rank_stories([StoryText("a", "Led two teams")], "team lead")[0].matched_terms == (
        "team",
    )


def test_a_word_in_the_title_or_tags_counts_more_than_in_the_telling():
    stories = [
        StoryText("body", "Quarterly report", situation="We had a budget problem to solve"),
        StoryText("title", "Saved the budget", situation="We had a reporting problem to solve"),
        StoryText(
            "tag", "Quarterly close", situation="We had a reporting problem", tags=("budget",)
        ),
    ]
    ranked = rank_stories(stories, "budget")
    assert [r.code for r in ranked][-1] == "body"


def test_matched_terms_are_sorted_by_what_they_contribute():
    stories = [
        StoryText("a", "Data migration", situation="a team of data people", tags=("data",)),
        StoryText("b", "Team offsite", situation="the team"),
        StoryText("c", "Hiring a team", situation="team"),
    ]
    ranked = by_code(rank_stories(stories, "team data"), "a")
    # "data" is rarer (one story) and sits in title, tags and text; "team" is in all three.
    assert ranked.matched_terms == ("data", "team")


def test_a_chat_context_reads_every_part():
    context = ChatContext(
        role="Learning designer",
        organisation="Acme",
        tags=("edtech",),
        contact_notes="moved from teaching",
        chat_notes="likes curriculum",
        hypothesis="their onboarding is slow",
        ask="an introduction",
    )
    found = set(query_terms(context.text()))
    assert {"learning", "designer", "acme", "edtech", "teaching", "curriculum"} <= found
    assert {"onboarding", "introduction"} <= found


def test_no_stories_rank_as_an_empty_list():
    assert rank_stories([], "anything") == []


def test_an_empty_query_ranks_everything_at_zero_by_title():
    stories = [StoryText("2", "beta", "text"), StoryText("1", "Alpha", "text")]
    assert [(r.code, r.score) for r in rank_stories(stories, "")] == [("1", 0.0), ("2", 0.0)]


def test_the_library_nudges_toward_three_or_four_stories():
    assert "Add three or four" in library_nudge(0)
    assert "Add 1 more story" in library_nudge(2)
    assert "Add 2 more stories" in library_nudge(1)
    assert library_nudge(3) == library_nudge(4) == library_nudge(6) == ""
    assert "strongest three or four" in library_nudge(7)
