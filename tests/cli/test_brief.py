"""`coffeechat brief CHAT`: the one-page brief as Markdown, found by code or by name."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coffeechat.core.prep import QUESTION_BANK
from coffeechat.services.chats import ChatPlan, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.library import StoryDetails, add_story, save_pitch
from coffeechat.services.prep import PrepDetails, save_prep

BERLIN = ZoneInfo("Europe/Berlin")
MORNING = datetime(2030, 1, 9, 8, 0, tzinfo=BERLIN)
TREND = QUESTION_BANK["trends"][0]


@pytest.fixture(autouse=True)
def morning(time_machine):
    time_machine.move_to(MORNING, tick=False)


def chat_with(owner, name: str, hours: int = 6, **details):
    contact = add_contact(owner, ContactDetails(name=name, **details))
    return plan_chat(
        owner,
        ChatPlan(
            contact, MORNING + timedelta(hours=hours), agreed_minutes=30, link="https://m.example/x"
        ),
        allow_overlap=True,
    )


@pytest.fixture
def prepared(owner):
    chat = chat_with(owner, "Ada Lovelace", role="Editor", organisation="Quill Press")
    save_pitch(owner, "elevator", "I taught science and now design learning for adults.")
    add_story(owner, StoryDetails(title="Rebuilt a course", result="Pass rate up"))
    save_prep(
        owner,
        chat,
        PrepDetails(
            research_notes="Moved from teaching to publishing.",
            hypothesis="Their authors struggle with exercises.",
            ask="An introduction to their learning team.",
            questions=(TREND,),
            logistics={"confirmed": True},
        ),
    )
    return chat


def test_it_prints_every_section_as_markdown(owner, run, prepared):
    result = run("brief", "Ada Lovelace")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("# Brief: chat with Ada Lovelace\n")
    assert "Wed 9 Jan 2030, 14:00–14:30 (Europe/Berlin) · Video call" in out
    for heading in (
        "## Who they are",
        "## My pitch (about 4 seconds)",
        "## Stories to tell",
        "## Problem and solution",
        "## Questions",
        "## The Ask",
        "## Logistics",
        "## Time plan",
    ):
        assert f"\n{heading}\n" in out, heading
    assert "Ada Lovelace, Editor at Quill Press" in out
    assert "1. **Rebuilt a course**" in out
    assert f"- {TREND}" in out
    assert "An introduction to their learning team." in out
    assert "- [x] I confirmed the day, the time and the length with them." in out
    assert "- 14:00 Confirm: “It's 14:00 now. We said 30 minutes, so until 14:30." in out
    assert "- 14:25 Wrap up:" in out
    assert "- 14:30 Check in:" in out


def test_a_pitch_of_one_second_is_said_in_the_singular(owner, run):
    chat_with(owner, "Ada Lovelace")
    save_pitch(owner, "elevator", "Hello there.")
    assert "\n## My pitch (about 1 second)\n" in run("brief", "Ada Lovelace").output


def test_a_chat_code_works_too(owner, run, prepared):
    result = run("brief", str(prepared.code))
    assert result.exit_code == 0
    assert "# Brief: chat with Ada Lovelace" in result.output


def test_an_ambiguous_name_lists_the_candidates_and_exits_1(owner, run, prepared):
    other = chat_with(owner, "Ada Byron", hours=30)
    result = run("brief", "ada")
    assert result.exit_code == 1
    assert "“ada” matches 2 contacts; give more of the name or a chat code:" in result.output
    assert f"  Ada Byron, chat {other.code} on 2030-01-10" in result.output
    assert "  Ada Lovelace (Quill Press), chat " in result.output
    assert "# Brief" not in result.output


def test_an_unknown_name_says_so_and_exits_1(owner, run, prepared):
    result = run("brief", "Zed")
    assert result.exit_code == 1
    assert "Error: No chat with anyone called “Zed”." in result.output


def test_an_unknown_code_says_so_and_exits_1(owner, run):
    result = run("brief", "00000000-0000-0000-0000-000000000000")
    assert result.exit_code == 1
    assert "No chat has the code 00000000-0000-0000-0000-000000000000." in result.output


def test_the_help_has_an_example(run):
    result = run("brief", "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output
