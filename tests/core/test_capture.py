from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.capture import (
    AgreedStep,
    SuggestedName,
    read_agreed,
    read_due,
    read_suggested,
)

# A Wednesday.
TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("Friday", date(2026, 12, 4)),
        ("by Friday", date(2026, 12, 4)),
        ("fri", date(2026, 12, 4)),
        ("Wednesday", date(2026, 12, 9)),
        ("by 10 Dec", date(2026, 12, 10)),
        ("on 10 December", date(2026, 12, 10)),
        ("December 10th", date(2026, 12, 10)),
        ("by Thu 10 Dec", date(2026, 12, 10)),
        ("today", date(2026, 12, 2)),
        ("tomorrow", date(2026, 12, 3)),
        ("next week", date(2026, 12, 11)),
        ("end of the week", date(2026, 12, 4)),
        ("by the end of the month", date(2026, 12, 31)),
        ("in 2 weeks", date(2026, 12, 16)),
        ("in two weeks", date(2026, 12, 16)),
        ("in a month", date(2027, 1, 2)),
        ("2026-12-10", date(2026, 12, 10)),
        ("the 15th", date(2026, 12, 15)),
        ("by 1 Dec", date(2027, 12, 1)),
        ("29 Feb", date(2028, 2, 29)),
    ],
)
def test_it_reads_plain_due_words_as_a_day(words, expected):
    assert read_due(words, today=TODAY) == expected


@pytest.mark.parametrize(
    "words",
    [
        "soon",
        "by the end of Q1",
        "March",
        "2026-02-30",
        "10 Dec 2025",
        "31 Feb 2027",
        "whenever",
        "",
    ],
)
def test_it_reads_no_day_from_words_that_do_not_plainly_name_one_still_to_come(words):
    assert read_due(words, today=TODAY) is None


def test_a_weekday_named_on_that_weekday_means_the_next_one():
    assert read_due("Wednesday", today=TODAY) == date(2026, 12, 9)


def test_it_reads_whose_each_step_is_and_strips_the_words_that_said_so():
    steps = read_agreed(
        "- I'll send her my case study by Friday\n"
        "* She'll introduce me to Tom\n"
        "\n"
        "Priya will send me the deck next week\n"
        "me: share my notes\n"
        "them: review my portfolio\n"
        "1. I will read the book in 2 weeks\n"
        "Send Tom the slides on Friday.\n"
        "they offered to look at my CV\n",
        today=TODAY,
        their_name="Priya Shah",
    )
    assert steps == [
        AgreedStep("me", "send her my case study", date(2026, 12, 4), "by Friday"),
        AgreedStep("them", "introduce me to Tom", None, ""),
        AgreedStep("them", "send me the deck", date(2026, 12, 11), "next week"),
        AgreedStep("me", "share my notes", None, ""),
        AgreedStep("them", "review my portfolio", None, ""),
        AgreedStep("me", "read the book", date(2026, 12, 16), "in 2 weeks"),
        AgreedStep("me", "Send Tom the slides", date(2026, 12, 4), "on Friday"),
        AgreedStep("them", "look at my CV", None, ""),
    ]


def test_it_keeps_due_words_it_cannot_read_as_typed_with_no_day():
    [step] = read_agreed("They'll intro me to Sara by the end of Q1", today=TODAY)
    assert step == AgreedStep("them", "intro me to Sara", None, "by the end of Q1")


def test_it_does_not_take_words_that_only_look_like_a_time_for_due_words():
    steps = read_agreed(
        "Introduce me by email\nPut it in the March newsletter\nTalk on the call", today=TODAY
    )
    assert [(step.text, step.due_text) for step in steps] == [
        ("Introduce me by email", ""),
        ("Put it in the March newsletter", ""),
        ("Talk on the call", ""),
    ]


def test_a_line_that_is_only_a_subject_or_a_date_stays_a_step():
    steps = read_agreed("I\nFriday", today=TODAY)
    assert [(step.side, step.text) for step in steps] == [("me", "I"), ("me", "Friday")]


def test_it_reads_one_suggested_name_a_line_with_an_organisation_when_given():
    names = read_suggested("Tom Lee at Acme\n- Sara Kim (Globex)\nJo Park, Initech\n\nMax\ntom lee")
    assert names == [
        SuggestedName("Tom Lee", "Acme"),
        SuggestedName("Sara Kim", "Globex"),
        SuggestedName("Jo Park", "Initech"),
        SuggestedName("Max", ""),
    ]


@given(st.text(), st.dates(min_value=date(2000, 1, 1), max_value=date(2200, 1, 1)), st.text())
def test_reading_any_text_never_raises_and_no_due_day_is_past(text, today, their_name):
    for step in read_agreed(text, today=today, their_name=their_name):
        assert step.side in ("me", "them")
        assert step.text
        assert step.due_on is None or step.due_on >= today
        assert len(step.due_text) <= 100
    assert all(name.name for name in read_suggested(text))
    due = read_due(text, today=today)
    assert due is None or due >= today


@given(
    st.lists(st.sampled_from(["Friday", "by 10 Dec", "tomorrow", "in 3 days", "next week", ""])),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2200, 1, 1)),
)
def test_every_line_is_one_step(dues, today):
    text = "\n".join(f"I'll send the notes {due}" for due in dues)
    steps = read_agreed(text, today=today)
    assert len(steps) == len(dues)
    assert all(step.text == "send the notes" for step in steps)
    assert [step.due_text for step in steps] == dues
