from __future__ import annotations

import io
import re

from hypothesis import given
from hypothesis import strategies as st
from vobject.base import getLogicalLines, parseLine

from coffeechat.core.vcard_write import Card, escape, fold, split_name, write_card, write_cards

CODE = "0b6f4c1e-5d2a-4f7e-9a51-3c2d9e8b7a10"


def unescape(value: str) -> str:
    """The reader's side of RFC 6350 escaping, written independently of the writer."""
    return re.sub(r"\\([\\,;nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def split_list(value: str) -> list[str]:
    """A list value cut at its unescaped commas (an escaped backslash may precede a comma)."""
    items, current, escaped = [], "", False
    for char in value:
        if escaped:
            current, escaped = current + "\\" + char, False
        elif char == "\\":
            escaped = True
        elif char == ",":
            items, current = [*items, current], ""
        else:
            current += char
    return [unescape(item) for item in [*items, current]]


def properties(text: str) -> list[tuple[str, list, str]]:
    """Each logical line as (name, parameters, raw value), through vobject's line lexer only.

    vobject's high-level parsing cuts text at commas (see TESTING.md); its lexer does not.
    """
    found = []
    for line, number in getLogicalLines(io.StringIO(text)):
        name, params, value, _group = parseLine(line, number)
        found.append((name, params, value))
    return found


def values(text: str, name: str) -> list[str]:
    return [value for found, _, value in properties(text) if found == name]


def test_backslashes_commas_semicolons_and_line_breaks_are_escaped():
    assert escape("a\\b,c;d\ne\r\nf\rg") == "a\\\\b\\,c\\;d\\ne\\nf\\ng"


def test_control_characters_other_than_line_breaks_are_dropped():
    assert escape("bell\x07 and\x00 nul\ttab") == "bell and nul\ttab"


def test_a_card_carries_every_field_of_a_contact():
    card = Card(
        uid=CODE,
        name="Ada King Lovelace",
        role="Analyst; engines",
        organisation="Babbage, Inc.",
        emails=("ada@example.org", "ada@home.example"),
        phones=("+44 20 7946 0000",),
        linkedin_url="https://www.linkedin.com/in/ada,lovelace",
        location="London, UK",
        time_zone="Europe/London",
        tags=("math", "engines, analytical"),
        how_we_met="A lecture",
        research_notes="Wrote the first program.\nAsk about notes.",
    )
    text = write_card(card)
    assert text.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n")
    assert text.endswith("END:VCARD\r\n")
    assert values(text, "UID") == [f"urn:uuid:{CODE}"]
    assert values(text, "FN") == ["Ada King Lovelace"]
    assert values(text, "N") == ["Lovelace;Ada King;;;"]
    assert [unescape(v) for v in values(text, "ORG")] == ["Babbage, Inc."]
    assert [unescape(v) for v in values(text, "TITLE")] == ["Analyst; engines"]
    assert values(text, "EMAIL") == ["ada@example.org", "ada@home.example"]
    assert values(text, "TEL") == ["+44 20 7946 0000"]
    assert values(text, "URL") == ["https://www.linkedin.com/in/ada,lovelace"]
    assert values(text, "ADR") == [";;;London\\, UK;;;"]
    assert values(text, "TZ") == ["Europe/London"]
    assert [unescape(v) for v in values(text, "NOTE")] == [
        "How we met: A lecture\n\nWrote the first program.\nAsk about notes."
    ]
    assert values(text, "CATEGORIES") == ["math,engines\\, analytical"]


def test_empty_fields_are_left_out():
    text = write_card(Card(uid=CODE, name="Cher"))
    names = [name for name, _, _ in properties(text)]
    assert names == ["BEGIN", "VERSION", "PRODID", "UID", "FN", "N", "END"]
    assert values(text, "N") == [";Cher;;;"]


def test_the_first_email_and_phone_are_preferred():
    text = write_card(Card(uid=CODE, name="Ada", emails=("a@x.org", "b@x.org"), phones=("1",)))
    emails = [(params, value) for name, params, value in properties(text) if name == "EMAIL"]
    assert emails == [([["PREF", "1"]], "a@x.org"), ([], "b@x.org")]


def test_a_long_line_is_folded_without_splitting_a_character():
    line = "NOTE:" + "Zoë 王伟 🙂 " * 40
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert pieces[-1] == ""
    assert all(len(piece.encode("utf-8")) <= 75 for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:-1])
    # Each piece is valid UTF-8 on its own: no character was cut in two.
    for piece in pieces:
        piece.encode("utf-8").decode("utf-8")
    assert folded.replace("\r\n ", "").removesuffix("\r\n") == line


def test_a_line_of_exactly_75_octets_is_not_folded():
    line = "N" * 75
    assert fold(line) == line + "\r\n"


def test_names_split_into_family_and_given():
    assert split_name("Grace Brewster Hopper") == ("Hopper", "Grace Brewster")
    assert split_name("  Cher ") == ("", "Cher")
    assert split_name("") == ("", "")


def test_several_cards_follow_one_another():
    text = "".join(write_cards([Card(uid="1", name="A"), Card(uid="2", name="B")]))
    assert values(text, "FN") == ["A", "B"]


texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"),
    max_size=200,
)


def _clean(text: str) -> str:
    # What the writer keeps: controls other than tab and line feed are not allowed in a vCard.
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text)


@given(name=texts, notes=texts, organisation=texts, tags=st.lists(texts, max_size=4))
def test_written_then_read_back_gives_the_same_values(name, notes, organisation, tags):
    text = write_card(
        Card(uid=CODE, name=name, organisation=organisation, research_notes=notes, tags=tuple(tags))
    )
    raw = text.encode("utf-8")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert [unescape(v) for v in values(text, "FN")] == [_clean(name)]
    if _clean(notes):
        assert [unescape(v) for v in values(text, "NOTE")] == [_clean(notes)]
    if _clean(organisation):
        assert [unescape(v) for v in values(text, "ORG")] == [_clean(organisation)]
    if tags:
        (categories,) = values(text, "CATEGORIES")
        # Split at commas that are not escaped, then unescape each tag.
        assert split_list(categories) == [_clean(t) for t in tags]
