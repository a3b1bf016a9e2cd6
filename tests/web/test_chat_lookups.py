"""What a held chat kept and its thank-you are looked up by the views, once for all chats shown.

They were template tags that ran their queries for each chat they were given; now
services.debrief.debriefs_of and services.thanks.thank_yous_of answer for many chats at once,
and the chat page, the live page and the debrief page take the answers from their context.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext

from coffeechat.services.chats import add_note
from coffeechat.services.debrief import HeldChat, debriefs_of, record_held
from coffeechat.services.network import add_referral
from coffeechat.services.nextsteps import add_step
from coffeechat.services.thanks import thank_yous_of
from coffeechat.store.models import Chat, FollowUp
from tests.web.conftest import NOW, count_queries, make_chat, make_contact


def held_chat(owner, name: str, days_ago: int, *, kept: bool = True) -> Chat:
    """A chat with ``name`` held ``days_ago`` days before NOW; with a note, a step, a referral."""
    contact = make_contact(owner, name)
    starts = NOW - timedelta(days=days_ago)
    chat = make_chat(owner, contact, starts, agreed_minutes=20)
    chat = record_held(
        owner, chat, HeldChat(actual_start=starts, actual_end=starts + timedelta(minutes=25))
    )
    if kept:
        add_note(owner, contact, f"{name} runs marathons.", kind="memorable", chat=chat)
        add_step(owner, contact, f"Send {name} the deck.", chat=chat)
        add_referral(owner, contact, make_contact(owner, f"Friend of {name}"), chat=chat)
    return chat


def queries_of(work) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as captured:
        answer = work()
    return answer, len(captured.captured_queries)


def test_debriefs_of_many_chats_take_three_queries_and_keep_each_chat_its_own(alice):
    chats = [held_chat(alice, f"Person {n}", days_ago=n + 1) for n in range(6)]
    planned = make_chat(alice, make_contact(alice, "Not yet"))
    kept, queries = queries_of(lambda: debriefs_of(alice, [*chats, planned]))
    assert queries == 3
    assert planned.pk not in kept  # only held chats have a debrief
    for n, chat in enumerate(chats):
        summary = kept[chat.pk]
        assert [note.text for note in summary.notes] == [f"Person {n} runs marathons."]
        assert [step.text for step in summary.steps] == [f"Send Person {n} the deck."]
        assert [ref.to_contact.name for ref in summary.referrals] == [f"Friend of Person {n}"]
        assert not summary.is_empty


def test_a_held_chat_with_nothing_kept_has_an_empty_debrief(alice):
    chat = held_chat(alice, "Quiet", days_ago=1, kept=False)
    assert debriefs_of(alice, [chat])[chat.pk].is_empty


def test_thank_yous_of_many_chats_take_one_query(alice):
    chats = [held_chat(alice, f"Person {n}", days_ago=n + 1, kept=False) for n in range(6)]
    found, queries = queries_of(lambda: thank_yous_of(alice, chats))
    assert queries == 1
    assert {pk: item.chat_id for pk, item in found.items()} == {c.pk: c.pk for c in chats}
    assert all(item.kind == FollowUp.Kind.THANK_YOU for item in found.values())


def test_another_users_chats_give_nothing(alice, bob):
    chat = held_chat(alice, "Ada", days_ago=1)
    assert debriefs_of(bob, [chat])[chat.pk].is_empty
    assert thank_yous_of(bob, [chat]) == {}


@pytest.mark.parametrize("suffix", ["", "live/", "debrief/"])
def test_the_chat_pages_take_the_debrief_and_thank_you_from_their_view(alice, alice_client, suffix):
    chat = held_chat(alice, "Ada", days_ago=1)
    response = alice_client.get(f"/chats/{chat.code}/{suffix}")
    assert response.status_code == 200
    if suffix != "live/":  # the live page shows the thank-you only
        assert [note.text for note in response.context["kept"].notes] == ["Ada runs marathons."]
    if suffix != "debrief/":
        assert response.context["thank_you"].chat_id == chat.pk


@pytest.mark.parametrize("library", ["thanks", "debrief"])
def test_no_template_tag_looks_up_a_chats_debrief_or_thank_you(library):
    libraries = engines["django"].engine.template_libraries
    tags = set(libraries[library].tags) if library in libraries else set()
    assert not tags & {"debrief_of", "thank_you_of", "thank_you_mailto"}


def test_the_chat_list_runs_as_many_queries_for_many_held_chats_as_for_two(alice, alice_client):
    for n in range(2):
        held_chat(alice, f"Early {n}", days_ago=n + 1)
    few = count_queries(alice_client, "/chats/?when=past")
    for n in range(10):
        held_chat(alice, f"Later {n}", days_ago=n + 3)
    assert count_queries(alice_client, "/chats/?when=past") == few
    page = alice_client.get("/chats/?when=past").content.decode()
    assert "Later 9" in page and "Early 0" in page
