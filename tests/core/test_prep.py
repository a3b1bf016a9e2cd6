"""Preparing a chat: the question bank, the checklist, and the readiness rules."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core import prep
from coffeechat.core.prep import PrepFacts, readiness

READY = PrepFacts(
    ask="An introduction to someone on the learning team.",
    research_notes="Moved from teaching to product in 2019.",
    questions=4,
    medium="video",
    link="https://meet.example/abc",
    has_pitch=True,
    stories=3,
)


def with_(**changes) -> PrepFacts:
    return PrepFacts(**{**READY.__dict__, **changes})


def test_the_bank_has_every_theme_with_six_to_eight_questions():
    assert list(prep.QUESTION_BANK) == [
        "trends",
        "insights",
        "advice",
        "resources",
        "assignments",
        "culture",
    ]
    assert set(prep.THEMES) == set(prep.QUESTION_BANK)
    for theme, questions in prep.QUESTION_BANK.items():
        assert 6 <= len(questions) <= 8, theme


def test_the_bank_holds_no_question_twice():
    keys = [prep.question_key(text) for text in prep.bank_questions()]
    assert len(keys) == len(set(keys))


def test_every_bank_question_is_a_question():
    for text in prep.bank_questions():
        assert text.endswith("?"), text
        assert text == " ".join(text.split())


def test_culture_questions_ask_how_a_place_works_not_about_people():
    gossip = ("boss", "who is", "who left", "fired", "drama", "politics", "salary", "rumour")
    for text in prep.QUESTION_BANK["culture"]:
        assert not any(word in text.lower() for word in gossip), text


def test_a_question_knows_its_theme_whatever_its_spacing_and_case():
    text = prep.QUESTION_BANK["advice"][0]
    assert prep.theme_of("  " + text.upper().rstrip("?") + "  ") == "advice"
    assert prep.theme_of("What is your favourite colour?") is None


def test_distinct_questions_drops_repeats_and_blanks_and_keeps_the_order():
    assert prep.distinct_questions(["Why?", "  ", "How  so?", "why", "How so"]) == [
        "Why?",
        "How so?",
    ]


@given(st.lists(st.text(max_size=20), max_size=12))
def test_distinct_questions_never_grows_and_is_idempotent(texts):
    once = prep.distinct_questions(texts)
    assert len(once) <= len(texts)
    assert prep.distinct_questions(once) == once


def test_the_checklist_fits_the_medium():
    in_person = {item.key for item in prep.checklist_for("in_person")}
    video = {item.key for item in prep.checklist_for("video")}
    phone = {item.key for item in prep.checklist_for("phone")}
    assert {"offer_to_treat", "who_pays", "drink_not_meal", "arrive_early"} <= in_person
    assert "link_tested" in video and "offer_to_treat" not in video
    assert "who_calls" in phone and "link_tested" not in phone
    assert {"confirmed", "notebook"} <= in_person & video & phone


def test_checklist_keys_are_unique():
    keys = [item.key for item in prep.CHECKLIST]
    assert len(keys) == len(set(keys)) == len(prep.CHECKLIST_KEYS)


def test_a_chat_with_everything_done_is_prepared():
    result = readiness(READY)
    assert result.is_prepared
    assert (result.done, result.total, result.score) == (6, 6, 100)
    assert result.missing == ()


def test_the_ask_is_required_even_when_everything_else_is_done():
    result = readiness(with_(ask="   "))
    assert not result.is_prepared
    assert result.done == 5
    assert result.missing == ("Write your Ask: the one next step you hope for.",)


def test_pitch_and_stories_count_but_do_not_block():
    result = readiness(with_(has_pitch=False, stories=1))
    assert result.is_prepared
    assert result.score == 67
    assert result.missing == (
        "Write your elevator pitch (30 seconds).",
        "Keep at least 3 success stories in your library (you have 1).",
    )


def test_too_few_questions_say_how_many_there_are():
    result = readiness(with_(questions=1))
    assert not result.is_prepared
    assert result.missing == ("Pick at least 3 questions (you have 1).",)


def test_the_place_depends_on_the_medium():
    assert not readiness(with_(medium="in_person", venue="")).is_prepared
    assert readiness(with_(medium="in_person", venue="Kiln Café, Leeds", link="")).is_prepared
    assert not readiness(with_(medium="video", link="")).is_prepared
    assert not readiness(with_(medium="phone")).is_prepared
    assert readiness(with_(medium="phone", ticked=frozenset({"who_calls"}))).is_prepared
    assert readiness(with_(medium="in_person", venue="")).missing == (
        "Add the venue where you meet.",
    )


def test_required_steps_are_listed_before_the_optional_ones():
    result = readiness(PrepFacts())
    assert result.done == 0 and result.score == 0
    assert result.missing[0].startswith("Write your Ask")
    assert result.missing[-1].startswith("Keep at least 3 success stories")


@given(
    ask=st.text(max_size=5),
    notes=st.text(max_size=5),
    questions=st.integers(0, 10),
    stories=st.integers(0, 5),
    has_pitch=st.booleans(),
)
def test_without_an_ask_no_chat_is_prepared(ask, notes, questions, stories, has_pitch):
    facts = with_(
        ask=" " * len(ask),
        research_notes=notes,
        questions=questions,
        stories=stories,
        has_pitch=has_pitch,
    )
    result = readiness(facts)
    assert not result.is_prepared
    assert 0 <= result.score <= 100
    assert result.done + len(result.missing) == result.total
