"""``coffeechat today --json`` and ``coffeechat followups --json``: one documented shape each."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from coffeechat.services.chats import ChatPlan, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.followups import add_follow_up, add_next_step, mark_sent
from coffeechat.services.network import add_referral
from tests.cli.conftest import ROOT
from tests.cli.owed_kinds import DUE_TODAY, LATER, MORNING, OVERDUE, build_every_kind

ITEM_KEYS = {
    "section",
    "kind",
    "label",
    "text",
    "contact",
    "due_at",
    "urgency",
    "seconds_left",
    "follow_up",
    "step",
    "chat",
    "request",
    "referral",
}


@pytest.fixture
def morning(time_machine):
    time_machine.move_to(MORNING, tick=False)


def parsed(run, *args: str) -> dict:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def names(items: list[dict]) -> set[str]:
    return {item["contact"]["name"] for item in items}


def test_an_empty_home_gives_empty_lists(owner, run, morning):
    assert parsed(run, "today") == {
        "version": 1,
        "now": "2030-01-09T07:00:00Z",
        "day": "2030-01-09",
        "time_zone": "Europe/Berlin",
        "chats": [],
        "owed": [],
    }
    assert parsed(run, "followups") == {
        "version": 1,
        "now": "2030-01-09T07:00:00Z",
        "time_zone": "Europe/Berlin",
        "owed": [],
        "done": [],
    }


def test_today_gives_the_chats_and_what_is_due_by_tonight(owner, run, morning):
    ada = add_contact(
        owner, ContactDetails(name="Ada Lovelace", organisation="Analytical", time_zone="UTC")
    )
    chat = plan_chat(owner, ChatPlan(ada, MORNING + timedelta(hours=7), agreed_minutes=30))
    thank_you = add_follow_up(owner, ada, "thank_you", MORNING + timedelta(hours=3))
    add_follow_up(owner, ada, "add_value", MORNING + timedelta(days=2))  # not today
    step = add_next_step(owner, ada, "Send Ada the rubric", due_on=date(2030, 1, 8))
    document = parsed(run, "today")
    assert document["chats"] == [
        {
            "code": str(chat.code),
            "starts_at": "2030-01-09T14:00:00Z",
            "minutes": 30,
            "status": "planned",
            "contact": {"code": str(ada.code), "name": "Ada Lovelace"},
            "organisation": "Analytical",
            "time_zone": None,
        }
    ]
    first, second = document["owed"]
    assert set(first) == ITEM_KEYS
    assert first == {
        "section": "messages",
        "kind": "thank_you",
        "label": "Thank-you",
        "text": "",
        "contact": {"code": str(ada.code), "name": "Ada Lovelace"},
        "due_at": "2030-01-09T10:00:00Z",
        "urgency": "soon",
        "seconds_left": 3 * 3600,
        "follow_up": str(thank_you.code),
        "step": None,
        "chat": None,
        "request": None,
        "referral": None,
    }
    assert (second["section"], second["kind"], second["step"]) == (
        "next_steps",
        "step",
        str(step.code),
    )
    # Due at the end of Tuesday in Berlin: 23:00 UTC, 8 hours before now.
    assert (second["due_at"], second["urgency"], second["seconds_left"]) == (
        "2030-01-08T23:00:00Z",
        "overdue",
        -8 * 3600,
    )


def test_followups_gives_every_open_item_and_what_was_done(owner, run, morning):
    ada = add_contact(owner, ContactDetails(name="Ada"))
    bea = add_contact(owner, ContactDetails(name="Bea"))
    referral = add_referral(owner, ada, bea)
    sent = add_follow_up(owner, ada, "thank_you", MORNING - timedelta(hours=5))
    mark_sent(owner, sent, sent_at=MORNING - timedelta(hours=2))
    later = add_follow_up(owner, bea, "keep_in_touch", MORNING + timedelta(days=3))
    document = parsed(run, "followups")
    message, name = document["owed"]
    assert (message["follow_up"], message["urgency"], message["due_at"]) == (
        str(later.code),
        "later",
        "2030-01-12T07:00:00Z",
    )
    assert (name["section"], name["kind"], name["referral"]) == (
        "intros",
        "referral",
        str(referral.code),
    )
    assert (name["due_at"], name["urgency"], name["seconds_left"]) == (None, "undated", None)
    assert document["done"] == [
        {
            "kind": "thank_you",
            "label": "Thank-you",
            "text": "",
            "contact": {"code": str(ada.code), "name": "Ada"},
            "done_at": "2030-01-09T05:00:00Z",
            "follow_up": str(sent.code),
            "step": None,
        }
    ]


def test_the_json_lists_what_the_text_lists(owner, run, morning):
    build_every_kind(owner)
    today = parsed(run, "today")["owed"]
    everything = parsed(run, "followups")["owed"]
    assert names(today) == DUE_TODAY
    # A name given to me is listed under who gave it (Rita); the name is in the text.
    assert names(everything) == DUE_TODAY | (LATER - {"Rob Named"})
    overdue = [item for item in everything if item["urgency"] == "overdue"]
    assert names(overdue) == OVERDUE
    assert all(item["seconds_left"] < 0 for item in overdue)
    requests = [item for item in today if item["section"] == "requests"]
    assert [item["text"] for item in requests] == [
        "Nudge once; add where they work to find a second person (7 business days, no reply)"
    ]


def test_the_docs_describe_every_key_the_json_prints(owner, run, morning):
    build_every_kind(owner)
    ada = add_contact(owner, ContactDetails(name="Ada"))
    plan_chat(owner, ChatPlan(ada, MORNING + timedelta(hours=7)))
    mark_sent(owner, add_follow_up(owner, ada, "add_value", MORNING - timedelta(hours=1)))
    today, followups = parsed(run, "today"), parsed(run, "followups")
    keys = {*today, *followups, *today["chats"][0], *followups["done"][0]}
    keys |= {key for item in followups["owed"] for key in item}
    values = {item["section"] for item in followups["owed"]}
    values |= {item["kind"] for item in followups["owed"]}
    values |= {item["urgency"] for item in followups["owed"]}
    docs = (ROOT / "docs" / "owed.md").read_text(encoding="utf-8")
    assert [key for key in sorted(keys | values) if f"`{key}`" not in docs] == []
