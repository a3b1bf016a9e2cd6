"""``coffeechat network --json``: the shape docs/network.md describes, for scripts."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import DatabaseError

from coffeechat.services import network as network_service
from coffeechat.services.chats import ChatPlan, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.debrief import HeldChat, record_held
from coffeechat.services.merge import merge_contacts
from coffeechat.services.network import add_opportunity, add_referral
from tests.cli.json_docs import quoted, scripts_section, tables

PAST = datetime(2030, 1, 7, 10, tzinfo=UTC)


def parsed(run, *args: str) -> dict:
    result = run("network", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def person(contact) -> dict:
    return {"code": str(contact.code), "name": contact.name}


def held_chat(owner, contact, starts_at=PAST):
    chat = plan_chat(owner, ChatPlan(contact, starts_at), allow_overlap=True)
    ended = starts_at + timedelta(minutes=25)
    record_held(owner, chat, HeldChat(actual_start=starts_at, actual_end=ended), now=ended)
    return chat


@pytest.fixture
def chain(owner, time_machine):
    """Ada (1st) led to Bea in a held chat, Bea to Cy; Dee is 1st degree and led nowhere."""
    time_machine.move_to(PAST - timedelta(days=30), tick=False)
    ada = add_contact(owner, ContactDetails(name="Ada"))
    dee = add_contact(owner, ContactDetails(name="Dee"))
    time_machine.move_to(PAST + timedelta(days=1), tick=False)
    chat = held_chat(owner, ada)
    bea = add_contact(owner, ContactDetails(name="Bea"))
    add_referral(owner, ada, bea, chat=chat)
    cy = add_contact(owner, ContactDetails(name="Cy"))
    add_referral(owner, bea, cy)
    return ada, bea, cy, dee, chat


def test_an_empty_home_gives_empty_lists_and_zero_counts(owner, run):
    assert parsed(run) == {
        "version": 1,
        "total": 0,
        "deepest": 0,
        "degrees": [],
        "yield": {"held_chats": 0, "referrals": 0, "per_chat": None},
        "chats": [],
        "chains": [],
        "opportunities": [],
    }


def test_it_gives_degrees_yield_chains_and_opportunities(owner, run, chain):
    ada, bea, cy, dee, chat = chain
    offer = add_opportunity(owner, cy, "offer", "Editor", arose_on=date(2030, 2, 1))
    assert parsed(run) == {
        "version": 1,
        "total": 4,
        "deepest": 3,
        "degrees": [
            {"degree": 1, "count": 2, "contacts": [person(ada), person(dee)]},
            {"degree": 2, "count": 1, "contacts": [person(bea)]},
            {"degree": 3, "count": 1, "contacts": [person(cy)]},
        ],
        "yield": {"held_chats": 1, "referrals": 1, "per_chat": 1.0},
        "chats": [
            {
                "code": str(chat.code),
                "starts_at": "2030-01-07T10:00:00Z",
                "status": "held",
                "contact": person(ada),
                "referrals": 1,
            }
        ],
        "chains": [{"length": 3, "contacts": [person(ada), person(bea), person(cy)]}],
        "opportunities": [
            {
                "code": str(offer.code),
                "kind": "offer",
                "title": "Editor",
                "arose_on": "2030-02-01",
                "contact": person(cy),
                "chain": [person(ada), person(bea), person(cy)],
            }
        ],
    }


def test_names_shorten_only_the_text_and_chains_cap_both(owner, run):
    people = [add_contact(owner, ContactDetails(name=f"Person {n:02}")) for n in range(12)]
    for source, target in zip(people[:6], people[6:], strict=True):
        add_referral(owner, source, target)
    document = parsed(run, "--names", "1", "--chains", "2")
    assert [level["count"] for level in document["degrees"]] == [6, 6]
    assert [len(level["contacts"]) for level in document["degrees"]] == [6, 6]
    assert len(document["chains"]) == 2
    assert len(parsed(run)["chains"]) == 5  # the text's default


def test_the_yield_is_rounded_like_the_text_and_chats_that_led_nowhere_count(
    owner, run, time_machine
):
    time_machine.move_to(PAST + timedelta(days=1), tick=False)
    ada, bea, cy = (add_contact(owner, ContactDetails(name=name)) for name in ("Ada", "Bea", "Cy"))
    first = held_chat(owner, ada, PAST - timedelta(days=3))
    second = held_chat(owner, bea, PAST - timedelta(days=2))
    quiet = held_chat(owner, cy, PAST - timedelta(days=1))
    for name, chat, referrer in (("Dan", first, ada), ("Eve", second, bea)):
        add_referral(owner, referrer, add_contact(owner, ContactDetails(name=name)), chat=chat)
    document = parsed(run)
    assert document["yield"] == {"held_chats": 3, "referrals": 2, "per_chat": 0.67}
    # Most referrals first, then latest first: the chat that led nowhere comes last.
    assert [(row["code"], row["referrals"]) for row in document["chats"]] == [
        (str(second.code), 1),
        (str(first.code), 1),
        (str(quiet.code), 0),
    ]


def test_a_merged_contact_counts_once_as_the_one_that_remains(owner, run):
    ada = add_contact(owner, ContactDetails(name="Ada Lovelace"))
    copy = add_contact(owner, ContactDetails(name="Ada L."))
    bea = add_contact(owner, ContactDetails(name="Bea"))
    add_referral(owner, copy, bea)
    merge_contacts(owner, ada.code, copy.code, {})
    document = parsed(run)
    assert document["total"] == 2
    assert document["chains"] == [{"length": 2, "contacts": [person(ada), person(bea)]}]


def test_odd_text_comes_back_exactly(owner, run):
    odd = 'Zoë "Zed" O\'Brien \\ <b>&amp;</b> 🙂 {"x": 1}'
    contact = add_contact(owner, ContactDetails(name=odd))
    title = '</script> \\n ☕ "quoted"'
    add_opportunity(owner, contact, "lead", title, arose_on=date(2030, 1, 1))
    result = run("network", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["degrees"][0]["contacts"][0]["name"] == odd
    assert document["opportunities"][0]["title"] == title
    # Letters stay readable: no \u escapes for them in the output.
    assert "Zoë" in result.stdout
    assert "🙂" in result.stdout


def test_a_failing_database_exits_non_zero_with_the_message_on_stderr(owner, run, monkeypatch):
    def broken(owner):
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(network_service, "network_of", broken)
    result = run("network", "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: The database at ")
    assert "disk I/O error" in result.stderr


def test_the_docs_table_names_exactly_the_keys_it_prints(owner, run, chain):
    add_opportunity(owner, chain[2], "lead", "Junior editor", arose_on=date(2030, 2, 1))
    document = parsed(run)
    section = scripts_section("network.md")
    [top] = tables(section)
    assert top == list(document)
    nested = {
        *document["yield"],
        *document["degrees"][0],
        *document["chats"][0],
        *document["chains"][0],
        *document["opportunities"][0],
        *document["degrees"][0]["contacts"][0],
    }
    assert sorted(nested - quoted(section)) == []


def test_help_shows_the_json_example(run):
    result = run("network", "--help")
    assert result.exit_code == 0
    assert "coffeechat network --json | jq" in result.output
