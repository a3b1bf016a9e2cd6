"""``coffeechat search``: ranked matches with the matched words marked, and what each is."""

from __future__ import annotations

from coffeechat.services.chats import add_note
from coffeechat.services.contacts import ContactDetails, add_contact


def test_it_prints_matches_marked_with_their_kind_and_code(owner, run):
    contact = add_contact(owner, ContactDetails(name="Ada Lovelace", organisation="Acme Labs"))
    add_note(owner, contact, "Ada suggested the analytics guild")
    result = run("search", "ada")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f" 1. [Ada] Lovelace  (contact {contact.code})"
    assert f"[Ada] Lovelace  (note on contact {contact.code})" in result.output
    assert "[Ada] suggested the analytics guild" in result.output


def test_organisations_are_found_too(owner, run):
    contact = add_contact(owner, ContactDetails(name="Ada Lovelace", organisation="Acme Labs"))
    result = run("search", "acme", "la")
    assert f"[Acme] [Labs]  (organisation {contact.organisation.code})" in result.output


def test_several_words_need_no_quotes_and_limit_caps_the_list(owner, run):
    for number in range(4):
        add_contact(owner, ContactDetails(name=f"Sam Person {number}"))
    result = run("search", "sam", "pers", "--limit", "2")
    assert result.exit_code == 0
    assert result.output.count("(contact ") == 2
    assert "More matches follow" in result.output


def test_no_match_is_not_an_error(owner, run):
    result = run("search", "zzz")
    assert result.exit_code == 0
    assert result.output == "No matches for “zzz”.\n"


def test_a_query_without_words_is_refused_clearly(owner, run):
    result = run("search", "*", '"')
    assert result.exit_code == 1
    assert "Type a word" in result.output
    assert "Traceback" not in result.output


def test_a_crafted_query_is_cleaned_like_in_the_web_app(owner, run):
    add_contact(owner, ContactDetails(name="Ada Lovelace"))
    result = run("search", "ada\x00\x1b", "x" * 100_000)
    assert result.exit_code == 0, result.output
    assert result.output == f"No matches for “ada {'x' * 196}”.\n"
    result = run("search", "\x00ada\x07")
    assert " 1. [Ada] Lovelace" in result.output
