"""``coffeechat search --json``: the shape docs/search.md describes, for scripts."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from coffeechat.core.search import END, START
from coffeechat.services.chats import ChatPlan, add_note, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from tests.cli.json_docs import quoted, scripts_section, tables


def parsed(run, *args: str) -> dict:
    result = run("search", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def by_kind(document: dict) -> dict[str, dict]:
    return {hit["kind"]: hit for hit in document["hits"]}


def test_no_match_gives_an_empty_list_and_exits_0(owner, run):
    assert parsed(run, "zzz") == {
        "version": 1,
        "query": "zzz",
        "words": ["zzz"],
        "limit": 20,
        "count": 0,
        "more": False,
        "hits": [],
    }


def test_it_gives_each_kind_with_its_codes_and_plain_texts(owner, run):
    ada = add_contact(
        owner, ContactDetails(name="Ada Lovelace", role="Analyst", organisation="Ada Labs")
    )
    chat = plan_chat(owner, ChatPlan(ada, datetime(2030, 1, 7, 10, tzinfo=UTC)))
    note = add_note(owner, ada, "She said ADA is a language too", chat=chat)
    document = parsed(run, "ada")
    assert (document["query"], document["words"], document["count"]) == ("ada", ["ada"], 3)
    assert document["more"] is False
    hits = by_kind(document)
    assert hits["contact"] == {
        "kind": "contact",
        "code": str(ada.code),
        "chat": None,
        "title": "Ada Lovelace",
        "context": "Analyst · Ada Labs",
        "snippet": "",
        "matched": ["Ada"],
    }
    assert hits["organisation"] == {
        "kind": "organisation",
        "code": str(ada.organisation.code),
        "chat": None,
        "title": "Ada Labs",
        "context": "",
        "snippet": "",
        "matched": ["Ada"],
    }
    # Each database cuts a snippet its own way; both keep the match and nothing but the note.
    snippet = hits["note"].pop("snippet")
    assert "said ADA is a language" in snippet
    assert snippet in note.text
    assert hits["note"] == {
        "kind": "note",
        "code": str(ada.code),
        "chat": str(chat.code),
        "title": "Ada Lovelace",
        "context": "",
        "matched": ["Ada", "ADA"],
    }


def test_a_note_without_a_chat_has_no_chat_code(owner, run):
    ada = add_contact(owner, ContactDetails(name="Ada"))
    add_note(owner, ada, "Likes lighthouses")
    [hit] = parsed(run, "lighthouse")["hits"]
    assert (hit["kind"], hit["code"], hit["chat"]) == ("note", str(ada.code), None)
    assert hit["matched"] == ["lighthouses"]


def test_limit_caps_the_hits_and_more_says_others_follow(owner, run):
    for number in range(4):
        add_contact(owner, ContactDetails(name=f"Sam Person {number}"))
    document = parsed(run, "sam", "pers", "--limit", "2")
    assert (document["limit"], document["count"], document["more"]) == (2, 2, True)
    assert document["words"] == ["sam", "pers"]
    assert len(document["hits"]) == 2


def test_odd_text_comes_back_exactly_without_markers(owner, run):
    odd = 'Zoë "Zed" O\'Brien \\ <b>&amp;</b> 🙂'
    contact = add_contact(owner, ContactDetails(name=odd))
    note = add_note(owner, contact, 'Quote: "zoë\\n" </script>\nnext line {"x": 1}')
    result = run("search", "zoe", "--json")
    assert result.exit_code == 0, result.output
    assert START not in result.stdout
    assert END not in result.stdout
    assert "Zoë" in result.stdout  # letters stay readable, not \u escapes
    hits = by_kind(json.loads(result.stdout))
    assert hits["contact"]["title"] == odd
    assert hits["contact"]["matched"] == ["Zoë"]
    assert hits["note"]["title"] == odd
    assert 'Quote: "zoë\\n" </script>\nnext line' in hits["note"]["snippet"]
    assert hits["note"]["snippet"] in note.text
    assert hits["note"]["matched"] == ["Zoë", "zoë"]


def test_the_query_is_given_as_it_was_used(owner, run):
    document = parsed(run, "ada\x00\x1b", "  lov\u200b")
    assert (document["query"], document["words"]) == ("ada lov", ["ada", "lov"])


def test_a_query_without_words_exits_1_with_the_message_on_stderr(owner, run):
    result = run("search", "*", '"', "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: Type a word")


def test_the_docs_tables_name_exactly_the_keys_it_prints(owner, run):
    add_contact(owner, ContactDetails(name="Ada Lovelace"))
    document = parsed(run, "ada")
    section = scripts_section("search.md")
    top, hit = tables(section)
    assert top == list(document)
    assert hit == list(document["hits"][0])
    assert {"contact", "organisation", "note"} <= quoted(section)


def test_help_shows_the_json_example(run):
    result = run("search", "--help")
    assert result.exit_code == 0
    assert "coffeechat search ada --json | jq" in result.output
