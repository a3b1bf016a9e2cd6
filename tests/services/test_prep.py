"""Preparing a chat: saving the prep, the user's own questions, readiness, finding a chat, and
the brief's content."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coffeechat.core.prep import QUESTION_BANK
from coffeechat.services.brief_markdown import brief_markdown
from coffeechat.services.chats import ChatPlan, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.debrief import HeldChat, record_held, record_no_show
from coffeechat.services.errors import InvalidInput, NotFound
from coffeechat.services.library import StoryDetails, add_story, save_pitch
from coffeechat.services.prep import (
    MAX_CHOSEN_QUESTIONS,
    AmbiguousChat,
    PrepDetails,
    Shelf,
    add_question,
    brief_for,
    find_chat,
    pocket_briefs,
    question_groups,
    readiness_of,
    remove_question,
    save_prep,
    unprepared_soonest,
    unprepared_upcoming,
)
from coffeechat.store.models import Chat, Question
from tests.services.prefs import set_preferences

NOW = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)  # a Monday
TREND, INSIGHT, ADVICE = (
    QUESTION_BANK["trends"][0],
    QUESTION_BANK["insights"][0],
    QUESTION_BANK["advice"][0],
)


@pytest.fixture(autouse=True)
def still(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def ada(alice):
    return add_contact(
        alice,
        ContactDetails(
            name="Ada Lovelace", role="Head of Learning", organisation="Analytical Engines"
        ),
    )


def chat_with(owner, contact, hours: float = 26, **plan) -> Chat:
    plan.setdefault("link", "https://meet.example/ada")
    return plan_chat(
        owner,
        ChatPlan(contact=contact, starts_at=NOW + timedelta(hours=hours), **plan),
        allow_overlap=True,
    )


@pytest.fixture
def chat(alice, ada):
    return chat_with(alice, ada)


def full_prep(**changes) -> PrepDetails:
    values = {
        "research_notes": "Taught physics for *ten* years, then moved to product.",
        "hypothesis": "Their onboarding course loses people in week two.",
        "ask": "An introduction to someone who hires instructional designers.",
        "questions": (TREND, INSIGHT, ADVICE),
        "logistics": {"confirmed": True, "notebook": True},
    }
    return PrepDetails(**{**values, **changes})


def test_it_saves_the_prep_with_the_markdown_rendered(alice, chat):
    save_prep(alice, chat, full_prep())
    chat.refresh_from_db()
    assert chat.research_notes == "Taught physics for *ten* years, then moved to product."
    assert "<em>ten</em>" in chat.research_notes_html
    assert chat.hypothesis_html.startswith("<p>")
    assert "introduction" in chat.ask_html
    assert chat.questions == [TREND, INSIGHT, ADVICE]
    assert chat.logistics == {"confirmed": True, "notebook": True}


def test_a_script_in_the_ask_is_stored_harmless(alice, chat):
    save_prep(alice, chat, full_prep(ask="<script>alert(1)</script> [x](javascript:alert(1))"))
    chat.refresh_from_db()
    assert "<script" not in chat.ask_html
    assert 'href="javascript' not in chat.ask_html


def test_unticked_checklist_items_are_not_kept(alice, chat):
    save_prep(alice, chat, full_prep(logistics={"confirmed": False, "notebook": True}))
    chat.refresh_from_db()
    assert chat.logistics == {"notebook": True}


def test_an_unknown_checklist_item_is_refused_and_nothing_changes(alice, chat):
    with pytest.raises(InvalidInput) as refused:
        save_prep(alice, chat, full_prep(logistics={"bring_cake": True}))
    assert "bring_cake" in refused.value.message
    chat.refresh_from_db()
    assert chat.ask == ""


def test_questions_are_kept_once_in_their_order(alice, chat):
    save_prep(alice, chat, full_prep(questions=(ADVICE, "  " + TREND.upper(), "", TREND, ADVICE)))
    chat.refresh_from_db()
    assert chat.questions == [ADVICE, " ".join(TREND.upper().split())]


def test_too_many_questions_are_refused_with_the_limit(alice, chat):
    many = tuple(f"Question number {n}?" for n in range(MAX_CHOSEN_QUESTIONS + 1))
    with pytest.raises(InvalidInput) as refused:
        save_prep(alice, chat, full_prep(questions=many))
    assert f"at most {MAX_CHOSEN_QUESTIONS}" in refused.value.message
    assert refused.value.field == "questions"


def test_an_enormous_ask_is_refused_and_says_the_limit(alice, chat):
    with pytest.raises(InvalidInput) as refused:
        save_prep(alice, chat, full_prep(ask="x" * 5000))
    assert refused.value.field == "ask"
    assert "1,000" in refused.value.message


def test_a_new_question_joins_my_bank_and_this_chat(alice, chat):
    save_prep(alice, chat, full_prep(new_question="What  would you read first?"))
    chat.refresh_from_db()
    assert chat.questions[-1] == "What would you read first?"
    assert list(Question.objects.for_owner(alice).values_list("text", "theme")) == [
        ("What would you read first?", "own")
    ]
    # Typing it again (or a bank question) adds nothing to the bank.
    save_prep(alice, chat, full_prep(new_question="what would you read first"))
    save_prep(alice, chat, full_prep(new_question=TREND))
    assert Question.objects.for_owner(alice).count() == 1


def test_my_questions_join_their_theme_in_the_groups(alice, bob):
    add_question(alice, "What surprised you about the move?", "insights")
    add_question(alice, "Anything else I should have asked?")
    add_question(bob, "Bob's question?", "insights")
    groups = {group.theme: group for group in question_groups(alice)}
    assert list(groups) == [*QUESTION_BANK, "own"]
    assert groups["insights"].questions[-1] == "What surprised you about the move?"
    assert groups["own"].questions == ("Anything else I should have asked?",)
    assert "Bob's question?" not in str(groups)


def test_adding_a_question_twice_or_from_the_bank_is_refused(alice):
    add_question(alice, "Which team would you join today?")
    with pytest.raises(InvalidInput, match="already"):
        add_question(alice, "which team would you join today")
    with pytest.raises(InvalidInput, match="in the bank"):
        add_question(alice, TREND)
    with pytest.raises(InvalidInput, match="theme"):
        add_question(alice, "Fine?", "gossip")


def test_removing_my_question_keeps_it_on_chats_that_chose_it(alice, chat):
    question = add_question(alice, "Which team would you join today?")
    save_prep(alice, chat, full_prep(questions=(question.text,)))
    remove_question(alice, question)
    chat.refresh_from_db()
    assert chat.questions == ["Which team would you join today?"]
    assert not Question.objects.for_owner(alice).exists()


def test_i_cannot_prep_or_remove_someone_elses(alice, bob, chat):
    with pytest.raises(InvalidInput):
        save_prep(bob, chat, full_prep())
    question = add_question(alice, "Mine?")
    with pytest.raises(InvalidInput):
        remove_question(bob, question)


def test_readiness_needs_the_ask(alice, chat):
    save_pitch(alice, "elevator", "I teach science and design learning.")
    save_prep(alice, chat, full_prep(ask=""))
    assert not readiness_of(alice, chat).is_prepared
    save_prep(alice, chat, full_prep())
    result = readiness_of(alice, chat)
    assert result.is_prepared
    assert result.missing == ("Keep at least 3 success stories in your library.",)


def test_research_notes_on_the_contact_count(alice):
    bea = add_contact(alice, ContactDetails(name="Bea", research_notes="Ran a bakery."))
    chat = chat_with(alice, bea)
    steps = {step.key: step.done for step in readiness_of(alice, chat).steps}
    assert steps["research"] is True


def test_the_home_page_flags_only_unprepared_chats_in_the_next_week(
    alice, ada, django_assert_max_num_queries
):
    soon = chat_with(alice, ada, hours=3)
    ready = chat_with(alice, ada, hours=30)
    chat_with(alice, ada, hours=24 * 8)  # too far off
    save_prep(alice, ready, full_prep())
    for n in range(5):
        chat_with(alice, add_contact(alice, ContactDetails(name=f"Person {n}")), hours=40 + n)
    with django_assert_max_num_queries(4):
        flagged = unprepared_upcoming(alice)
    assert flagged[0].chat == soon
    assert ready not in [item.chat for item in flagged]
    assert len(flagged) == 6


def test_the_soonest_unprepared_chats_are_the_first_of_the_whole_list(
    alice, ada, django_assert_max_num_queries
):
    save_pitch(alice, "elevator", "I taught physics and now design courses for adults.")
    ready = chat_with(alice, ada, hours=2)
    save_prep(alice, ready, full_prep())
    # Research on the person counts for each of their chats.
    bea = add_contact(alice, ContactDetails(name="Bea", research_notes="Ran a bakery."))
    for n in range(4):
        chat_with(alice, bea, hours=3 + n, medium="phone", link="")
        chat_with(alice, add_contact(alice, ContactDetails(name=f"Person {n}")), hours=40 + n)
    whole = unprepared_upcoming(alice)
    with django_assert_max_num_queries(4):
        soonest = unprepared_soonest(alice, 3)
    assert soonest.total == len(whole) == 8
    assert [(item.chat, item.readiness) for item in soonest.items] == [
        (item.chat, item.readiness) for item in whole[:3]
    ]
    assert soonest.items[0].chat.contact.name == "Bea"


def test_the_soonest_unprepared_read_with_a_shelf_already_read_take_two_queries(
    alice, ada, django_assert_num_queries
):
    bea = add_contact(alice, ContactDetails(name="Bea"))
    today = [chat_with(alice, ada, hours=2), chat_with(alice, bea, hours=3)]
    later = chat_with(alice, bea, hours=50)
    whole = unprepared_soonest(alice, 3)
    shelf = Shelf(alice)
    # The page read the pitch and the stories for its pocket briefs.
    assert not shelf.library.has_pitch
    # The planned chats' values and the chats shown, whatever the page read before.
    with django_assert_num_queries(2):
        soonest = unprepared_soonest(alice, 3, shelf=shelf)
    assert [(item.chat, item.readiness) for item in soonest.items] == [
        (item.chat, item.readiness) for item in whole.items
    ]
    assert [item.chat for item in soonest.items] == [*today, later]
    assert soonest.total == whole.total == 3


def test_find_chat_by_code(alice, bob, chat):
    assert find_chat(alice, str(chat.code)) == chat
    with pytest.raises(NotFound, match="No chat has the code"):
        find_chat(bob, str(chat.code))


def test_find_chat_by_a_unique_name_prefers_the_next_chat(alice, ada):
    chat_with(alice, ada, hours=-48)
    upcoming = chat_with(alice, ada, hours=48)
    chat_with(alice, ada, hours=96)
    assert find_chat(alice, "ada lovelace") == upcoming
    assert find_chat(alice, "  LOVELACE ") == upcoming


def test_find_chat_falls_back_to_the_latest_past_chat(alice, ada):
    chat_with(alice, ada, hours=-96)
    latest = chat_with(alice, ada, hours=-48)
    assert find_chat(alice, "Ada") == latest


def test_an_ambiguous_name_lists_the_candidates(alice, ada, chat):
    other = add_contact(alice, ContactDetails(name="Ada Byron"))
    theirs = chat_with(alice, other, hours=50)
    with pytest.raises(AmbiguousChat) as ambiguous:
        find_chat(alice, "ada")
    candidates = ambiguous.value.candidates
    assert len(candidates) == 2
    assert any(line.startswith("Ada Byron, chat " + str(theirs.code)) for line in candidates)
    assert any(line.startswith("Ada Lovelace (Analytical Engines)") for line in candidates)
    assert "give more of the name" in ambiguous.value.message


def test_an_exact_name_wins_over_longer_ones(alice, ada, chat):
    chat_with(alice, add_contact(alice, ContactDetails(name="Ada Lovelace-King")), hours=60)
    assert find_chat(alice, "Ada Lovelace") == chat


def test_unknown_names_and_codes_say_so(alice, chat):
    with pytest.raises(NotFound, match="No chat with anyone called “Zed”"):
        find_chat(alice, "Zed")
    with pytest.raises(NotFound, match="No chat has the code"):
        find_chat(alice, "00000000-0000-0000-0000-000000000000")
    with pytest.raises(InvalidInput, match="Name the chat"):
        find_chat(alice, "  ")


def test_a_contact_without_chats_is_not_a_match(alice):
    add_contact(alice, ContactDetails(name="Cleo"))
    with pytest.raises(NotFound):
        find_chat(alice, "Cleo")


def test_the_brief_holds_every_section(alice, ada, chat):
    set_preferences(alice, time_zone="Europe/London", wrapup_minutes=5)
    save_pitch(alice, "elevator", "I teach science and now design learning for adults.")
    add_story(
        alice,
        StoryDetails(title="Rebuilt a physics course", result="Pass rate up", tags=("learning",)),
    )
    add_story(alice, StoryDetails(title="Ran a bake sale", result="Raised money"))
    save_prep(alice, chat, full_prep(logistics={"confirmed": True}))
    brief = brief_for(alice, chat)
    assert brief.name == "Ada Lovelace"
    assert brief.role == "Head of Learning"
    assert brief.organisation == "Analytical Engines"
    assert brief.pitch_seconds == 4  # 9 words at 150 a minute, rounded up
    assert brief.stories[0].title == "Rebuilt a physics course"
    assert "learning" in brief.stories[0].matched_terms
    assert [q.theme for q in brief.questions] == ["Trends", "Insights", "Advice"]
    assert brief.ask.startswith("An introduction")
    assert ("I confirmed the day, the time and the length with them.", True) in [
        (check.label, check.ticked) for check in brief.logistics
    ]
    plan = brief.time_plan
    assert (plan.start, plan.wrap_up, plan.end) == ("11:00", "11:15", "11:20")
    assert plan.confirm_line.startswith("It's 11:00 now. We said 20 minutes, so until 11:20.")
    assert "Ada" in plan.check_in_line


def test_the_brief_warns_of_a_capped_end_from_the_next_chat(alice, ada, chat):
    later = add_contact(alice, ContactDetails(name="Bea"))
    chat_with(alice, later, hours=26 + 0.5)  # 11:30, and 15 minutes of buffer before it
    plan = brief_for(alice, chat).time_plan
    assert plan.capped
    assert plan.confirmed_minutes == 15
    assert "your chat with Bea" in plan.next_commitment


def test_pinned_stories_come_first_in_the_brief(alice, chat):
    from coffeechat.services.library import choose_stories

    add_story(
        alice, StoryDetails(title="Learning design", result="Adults learnt", tags=("learning",))
    )
    pinned = add_story(alice, StoryDetails(title="Ran a bake sale", result="Raised money"))
    choose_stories(alice, chat, [pinned])
    assert brief_for(alice, chat).stories[0].title == "Ran a bake sale"


def test_the_pocket_brief_says_what_the_brief_says(alice, ada, chat):
    from coffeechat.services.library import choose_stories

    save_pitch(alice, "elevator", "I taught physics and now design courses for adults.")
    add_story(
        alice, StoryDetails(title="Learning design", result="Adults learnt", tags=("learning",))
    )
    choose_stories(alice, chat, [add_story(alice, StoryDetails(title="Bake sale", result="Sold"))])
    save_prep(alice, chat, full_prep())
    chat = Chat.objects.select_related("contact__organisation").get(pk=chat.pk)
    brief = brief_for(alice, chat)
    (row,) = pocket_briefs(alice, [chat])
    pocket = row.pocket
    assert row.chat is chat
    assert (pocket.pitch, pocket.pitch_seconds) == (brief.pitch, brief.pitch_seconds)
    assert (pocket.ask, pocket.ask_html) == (brief.ask, brief.ask_html)
    assert pocket.stories == brief.stories
    assert pocket.stories[0].title == "Bake sale"
    assert (pocket.questions, pocket.place, pocket.logistics) == (
        brief.questions,
        brief.place,
        brief.logistics,
    )


def test_only_the_first_chat_not_over_yet_has_its_pocket_brief_open(alice, ada):
    over = chat_with(alice, ada, hours=-1)  # 20 minutes long: over 40 minutes ago
    cancelled = chat_with(alice, ada, hours=1)
    cancelled.status = Chat.Status.CANCELLED
    following = chat_with(alice, ada, hours=2)
    later = chat_with(alice, ada, hours=3)
    rows = pocket_briefs(alice, [over, cancelled, following, later])
    assert [row.chat for row in rows] == [over, cancelled, following, later]
    assert [row.pocket and row.pocket.is_next for row in rows] == [None, None, True, False]


def test_with_most_only_the_soonest_chats_to_come_get_a_brief(alice, ada):
    over = chat_with(alice, ada, hours=-1)
    following, later, last = (chat_with(alice, ada, hours=hours) for hours in (1, 2, 3))
    rows = pocket_briefs(alice, [over, following, later, last], most=2)
    assert [row.pocket is not None for row in rows] == [False, True, True, False]
    # The one left out is still to come: its row links to its brief; the one over does not.
    assert [row.brief_elsewhere for row in rows] == [False, False, False, True]
    assert rows[1].pocket.is_next


def test_a_chat_that_is_over_has_no_pocket_brief(alice, ada):
    held = record_held(
        alice,
        chat_with(alice, ada, hours=-3),
        HeldChat(
            actual_start=NOW - timedelta(hours=3),
            actual_end=NOW - timedelta(hours=2, minutes=40),
        ),
    )
    no_show = record_no_show(alice, chat_with(alice, ada, hours=-2))
    # Planned, never marked held: its 20 minutes and buffer ended before now.
    ended = chat_with(alice, ada, hours=-1)
    live = chat_with(alice, ada, hours=-0.1)
    live.status = Chat.Status.LIVE
    # Starting now: still to come until its end and buffer have passed.
    starting = chat_with(alice, ada, hours=0)
    rows = pocket_briefs(alice, [held, no_show, ended, live, starting])
    assert [row.pocket is None for row in rows] == [True, True, True, False, False]
    assert rows[3].pocket.is_next


def test_no_pocket_brief_is_built_when_every_chat_is_over(alice, ada, django_assert_num_queries):
    save_pitch(alice, "elevator", "I taught physics and now design courses for adults.")
    over = [chat_with(alice, ada, hours=-hours) for hours in (1, 2, 3)]
    with django_assert_num_queries(0):
        rows = pocket_briefs(alice, over)
    assert [(row.chat, row.pocket) for row in rows] == [(chat, None) for chat in over]


def test_the_markdown_brief_has_each_section(alice, chat):
    save_prep(alice, chat, full_prep())
    text = brief_markdown(brief_for(alice, chat))
    for heading in (
        "# Brief: chat with Ada Lovelace",
        "## Who they are",
        "## My pitch",
        "## Stories to tell",
        "## Problem and solution",
        "## Questions",
        "## The Ask",
        "## Logistics",
        "## Time plan",
    ):
        assert heading in text
    assert f"- {TREND}" in text
    assert "- [x] I confirmed the day" in text
    assert "Confirm: “It's" in text
