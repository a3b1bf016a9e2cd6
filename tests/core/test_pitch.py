"""Spoken length of a pitch: word counting, seconds, the 30-second warning and the limits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.pitch import (
    MAX_WORDS,
    count_words,
    estimate,
    pitch_problem,
    spoken_seconds,
    words_within,
)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", 0),
        ("   \n ", 0),
        ("I teach science.", 3),
        ("Hello,   world!  ", 2),
        ("I — and only I — decide.", 5),
        ("a career-change story", 4),
        ("and/or", 2),
        ("... & *", 0),
        ("nine years", 2),
        ("15 years", 2),
        ("since 2024", 3),
        ("1,500,000 learners", 5),
        ("up 30%", 3),
        ("Café, naïve résumé", 3),
        # The page counts with the same rule (tests/browser/test_same_rule_twice.py), so these
        # pin what both do with other scripts: their digits are digits, marks join letters,
        # numbers written as signs are words, and only white space and joiners split.
        ("since ٢٠٢٤", 3),
        ("२०२४ में", 3),
        ("𝟐𝟎𝟐𝟒", 2),
        ("cafe\u0301 re\u0301sume\u0301", 2),
        ("\u0301", 0),
        ("½ x²", 2),
        ("a\u00a0b\u3000c\x85d", 4),
        ("a\u200bb\ufeffc", 1),
    ],
)
def test_it_counts_words_as_they_are_spoken(text, words):
    assert count_words(text) == words


def test_seconds_come_from_the_speaking_rate_rounded_up():
    assert spoken_seconds(75, 150) == 30
    assert spoken_seconds(76, 150) == 31
    assert spoken_seconds(0, 150) == 0
    assert spoken_seconds(100, 120) == 50


@pytest.mark.parametrize("rate", [0, 59, 301])
def test_an_impossible_speaking_rate_is_refused(rate):
    with pytest.raises(ValueError, match="words per minute"):
        spoken_seconds(10, rate)


def test_a_pitch_that_fits_has_no_warning():
    fits = estimate(" ".join(["word"] * 75), 150)
    assert (fits.words, fits.seconds, fits.too_long, fits.warning) == (75, 30, False, "")


def test_a_long_pitch_says_how_many_words_to_cut():
    long = estimate(" ".join(["word"] * 90), 150)
    assert long.seconds == 36
    assert long.words_to_cut == 15
    assert long.warning == "About 36 seconds: over 30. Cut about 15 words to fit."


def test_one_word_too_many_is_said_in_the_singular():
    assert "Cut about 1 word to fit" in estimate(" ".join(["word"] * 76), 150).warning


@given(words=st.integers(0, 3000), rate=st.integers(60, 300), limit=st.integers(1, 120))
def test_cutting_the_suggested_words_always_fits(words, rate, limit):
    result = estimate(" ".join(["w"] * words), rate, limit)
    assert result.too_long == (result.seconds > limit)
    assert spoken_seconds(words - result.words_to_cut, rate) <= limit or words == 0
    if result.too_long:
        # Cutting one word fewer would not be enough: the advice is the smallest cut.
        assert spoken_seconds(words - result.words_to_cut + 1, rate) > limit
    assert words_within(limit, rate) * 60 <= limit * rate


@given(st.text(max_size=300))
def test_word_counts_are_never_negative_and_add_up(text):
    assert count_words(text) >= 0
    assert count_words(text + " " + text) == 2 * count_words(text)


def test_an_empty_pitch_is_a_problem():
    assert "empty" in pitch_problem("  \n ")
    assert "empty" in pitch_problem("— … —")


def test_an_enormous_pitch_is_a_problem_that_says_the_limit():
    problem = pitch_problem(" ".join(["word"] * (MAX_WORDS + 1)))
    assert "2,001 words" in problem
    assert "at most 2,000" in problem


def test_a_normal_pitch_is_no_problem():
    assert pitch_problem("I design learning products.") is None
    assert pitch_problem(" ".join(["word"] * MAX_WORDS)) is None
