"""Text helpers: comparison keys and list fields."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.text import clean_line, counted, fold, split_list

SEPARATORS = ",\n;"


def test_fold_ignores_case_accents_and_spacing():
    assert fold("  José   Núñez ") == fold("jose nunez") == "jose nunez"


def test_fold_handles_letters_that_change_length_when_casefolded():
    assert fold("Straße") == fold("STRASSE")


def test_clean_line_collapses_inner_whitespace():
    assert clean_line(" Head\tof \n Research ") == "Head of Research"


@given(st.text())
def test_folding_twice_changes_nothing(value):
    assert fold(fold(value)) == fold(value)


@given(st.text())
def test_fold_ignores_surrounding_whitespace(value):
    assert fold(f"  {value}\t\n") == fold(value)


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126)))
def test_plain_ascii_folds_to_its_lower_case_with_single_spaces(value):
    assert fold(value) == " ".join(value.split()).lower()


def test_split_list_accepts_commas_semicolons_and_new_lines():
    assert split_list("design, research;writing\nUX") == ["design", "research", "writing", "UX"]


def test_split_list_keeps_the_first_spelling_of_a_repeated_item():
    assert split_list("Design, design, DESIGN, research") == ["Design", "research"]


def test_split_list_of_blank_text_is_empty():
    assert split_list(" , ;\n ") == []


@given(st.text())
def test_split_items_are_clean_distinct_and_free_of_separators(value):
    items = split_list(value)
    assert all(item and item == clean_line(item) for item in items)
    assert not any(sep in item for item in items for sep in SEPARATORS)
    assert len({item.casefold() for item in items}) == len(items)


@given(st.text())
def test_joining_split_items_and_splitting_again_gives_the_same_list(value):
    items = split_list(value)
    assert split_list(", ".join(items)) == items


@given(st.lists(st.text(alphabet="abcXYZ ", min_size=1), max_size=8))
def test_split_list_keeps_the_order_of_first_appearance(words):
    items = split_list(",".join(words))
    expected: list[str] = []
    for word in words:
        cleaned = clean_line(word)
        if cleaned and cleaned.casefold() not in [e.casefold() for e in expected]:
            expected.append(cleaned)
    assert items == expected


def test_counted_puts_the_noun_in_the_singular_for_one_only():
    assert counted(1, "minute") == "1 minute"
    assert counted(2, "minute") == "2 minutes"
    assert counted(0, "contact") == "0 contacts"
    assert counted(1, "person", "people") == "1 person"
    assert counted(3, "person", "people") == "3 people"


@given(st.integers(min_value=2, max_value=10_000))
def test_counted_uses_the_plural_for_every_count_above_one(count):
    assert counted(count, "day") == f"{count} days"
