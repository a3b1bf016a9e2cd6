"""The live chat's use cases: start, extend, wrap up, end, felt length, and the state shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coffeechat.services.chats import ChatPlan, cancel_chat, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.debrief import record_no_show
from coffeechat.services.errors import InvalidInput
from coffeechat.services.live import (
    LiveRefused,
    end_chat,
    extend,
    live_state,
    next_commitment,
    record_felt,
    start_chat,
    wrap_up_now,
)
from coffeechat.services.scripts import save_script
from coffeechat.store.models import BusyBlock, Chat, ChatEvent, FollowUp
from tests.services.prefs import set_preferences

ONE = datetime(2030, 1, 7, 13, 0, tzinfo=UTC)  # a Monday, 13:00 UTC


@pytest.fixture
def clock(time_machine):
    """The test's "now", standing still until a test moves it."""
    time_machine.move_to(ONE, tick=False)

    class Clock:
        def at(self, minutes: float) -> None:
            time_machine.move_to(ONE + timedelta(minutes=minutes), tick=False)

    return Clock()


@pytest.fixture
def ada(alice):
    return add_contact(alice, ContactDetails(name="Ada Lovelace"))


@pytest.fixture
def bea(alice):
    return add_contact(alice, ContactDetails(name="Bea Byron"))


def plan(owner, contact, starts_at=ONE, **kwargs) -> Chat:
    kwargs.setdefault("agreed_minutes", 20)
    kwargs.setdefault("buffer_minutes", 15)
    return plan_chat(owner, ChatPlan(contact, starts_at, **kwargs), allow_overlap=True)


@pytest.fixture
def chat(alice, ada, clock):
    return plan(alice, ada)


def state_of(owner, chat):
    """The live state as the page reads it: from the chat's current row."""
    chat.refresh_from_db()
    return live_state(owner, chat)


def kinds(chat) -> list[str]:
    return list(ChatEvent.objects.filter(chat=chat).values_list("kind", flat=True))


# Starting.


def test_starting_records_the_real_start_and_the_agreed_end(alice, chat, clock):
    clock.at(2)
    started = start_chat(alice, chat)
    assert started.status == Chat.Status.LIVE
    assert started.actual_start == ONE + timedelta(minutes=2)
    assert started.target_end_at == ONE + timedelta(minutes=22)
    assert kinds(chat) == ["started"]
    assert ChatEvent.objects.get(chat=chat).minutes == 20


def test_the_confirm_line_uses_real_clock_times_in_the_users_zone_and_format(alice, chat, clock):
    set_preferences(alice, time_zone="America/New_York", clock_format="12")
    start_chat(alice, chat)
    state = state_of(alice, chat)
    # 13:00 UTC is 8:00 am in New York in January.
    assert state.confirm_line == (
        "It's 8:00 am now. We said 20 minutes, so until 8:20 am. Does that still work for you?"
    )
    assert not state.capped


def test_a_next_chat_close_behind_caps_the_end_and_the_line_proposes_the_earlier_end(
    alice, chat, bea, clock
):
    plan(alice, bea, ONE + timedelta(minutes=30))
    started = start_chat(alice, chat)
    assert started.target_end_at == ONE + timedelta(minutes=15)  # 13:30 minus the 15 min buffer
    state = state_of(alice, chat)
    assert state.capped
    assert state.confirm_line == (
        "It's 13:00 now. I had us down until 13:20, but I need to stop at 13:15. "
        "Is that all right with you?"
    )
    assert state.next_commitment is not None
    assert state.next_commitment.label == "your chat with Bea Byron"


def test_a_busy_block_caps_the_end_too(alice, chat, clock):
    BusyBlock.objects.create(
        owner=alice,
        title="Dentist",
        starts_at=ONE + timedelta(minutes=25),
        ends_at=ONE + timedelta(minutes=60),
    )
    started = start_chat(alice, chat)
    assert started.target_end_at == ONE + timedelta(minutes=10)
    assert state_of(alice, chat).next_commitment.label == "Dentist"


def test_an_all_day_busy_block_does_not_cap_the_end(alice, chat, clock):
    BusyBlock.objects.create(
        owner=alice,
        title="Conference",
        starts_at=ONE + timedelta(minutes=25),
        ends_at=ONE + timedelta(days=1),
        all_day=True,
    )
    assert start_chat(alice, chat).target_end_at == ONE + timedelta(minutes=20)


def test_the_next_commitment_ignores_other_peoples_and_cancelled_chats(alice, bob, chat, bea):
    bobs = add_contact(bob, ContactDetails(name="Grace Hopper"))
    plan(bob, bobs, ONE + timedelta(minutes=25))
    cancel_chat(alice, plan(alice, bea, ONE + timedelta(minutes=26)), "moved")
    BusyBlock.objects.create(
        owner=bob, starts_at=ONE + timedelta(minutes=27), ends_at=ONE + timedelta(minutes=50)
    )
    assert next_commitment(alice, ONE, excluding=chat) is None


def test_the_next_commitment_looks_twelve_hours_ahead(alice, chat, bea, clock):
    plan(alice, bea, ONE + timedelta(hours=12, minutes=1))
    assert next_commitment(alice, ONE, excluding=chat) is None
    tomorrow = plan(alice, bea, ONE + timedelta(hours=11))
    assert next_commitment(alice, ONE, excluding=chat).chat_code == str(tomorrow.code)


def test_starting_twice_is_refused_with_when_it_started(alice, chat, clock):
    start_chat(alice, chat)
    clock.at(1)
    with pytest.raises(LiveRefused, match="already live; it started at 13:00"):
        start_chat(alice, chat)
    assert kinds(chat) == ["started"]


def test_a_second_live_chat_is_refused_and_names_the_one_still_live(alice, chat, bea, clock):
    other = plan(alice, bea, ONE + timedelta(minutes=10))
    start_chat(alice, chat)
    with pytest.raises(LiveRefused, match="Your chat with Ada Lovelace is still live"):
        start_chat(alice, other)
    other.refresh_from_db()
    assert other.status == Chat.Status.PLANNED


def test_another_users_live_chat_does_not_block_mine(alice, bob, chat, clock):
    bobs = plan(bob, add_contact(bob, ContactDetails(name="Grace Hopper")))
    start_chat(bob, bobs)
    assert start_chat(alice, chat).status == Chat.Status.LIVE


def test_a_cancelled_chat_cannot_start(alice, chat, clock):
    cancel_chat(alice, chat)
    with pytest.raises(LiveRefused, match="was cancelled. Plan a new chat"):
        start_chat(alice, chat)


def test_a_no_show_cannot_start(alice, chat, clock):
    clock.at(30)
    record_no_show(alice, chat)
    with pytest.raises(LiveRefused, match="no-show"):
        start_chat(alice, chat)


def test_a_held_chat_cannot_start_again(alice, chat, clock):
    start_chat(alice, chat)
    clock.at(20)
    end_chat(alice, chat)
    with pytest.raises(LiveRefused, match="held already"):
        start_chat(alice, chat)


@pytest.mark.parametrize("minutes", [-61, 3 * 60 + 1, 7 * 24 * 60, -7 * 24 * 60])
def test_a_chat_far_from_its_planned_time_cannot_start_and_the_window_is_explained(
    alice, chat, clock, minutes
):
    clock.at(minutes)
    with pytest.raises(LiveRefused) as refused:
        start_chat(alice, chat)
    message = refused.value.message
    assert "planned for Mon 7 Jan, 13:00" in message
    assert "from an hour before that time until three hours after" in message
    assert "change its date and time first" in message
    chat.refresh_from_db()
    assert chat.status == Chat.Status.PLANNED and chat.actual_start is None


@pytest.mark.parametrize("minutes", [-60, 0, 180])
def test_a_chat_starts_anywhere_inside_its_window(alice, chat, clock, minutes):
    clock.at(minutes)
    assert start_chat(alice, chat).status == Chat.Status.LIVE


def test_another_users_chat_cannot_be_started(bob, chat):
    with pytest.raises(InvalidInput, match="not yours"):
        start_chat(bob, chat)


# Extending, wrapping up, ending.


def test_they_want_to_continue_moves_the_end_on_from_the_end_in_force(alice, chat, clock):
    start_chat(alice, chat)
    clock.at(21)
    extended = extend(alice, chat, "they", 5)
    assert extended.target_end_at == ONE + timedelta(minutes=25)
    assert (extended.extension, extended.extension_minutes) == ("they_asked", 5)
    assert extended.check_in_at == ONE + timedelta(minutes=21)
    clock.at(26)
    again = extend(alice, chat, "me", 10)
    assert again.target_end_at == ONE + timedelta(minutes=35)
    assert (again.extension, again.extension_minutes) == ("i_offered", 15)
    assert again.check_in_at == ONE + timedelta(minutes=21)  # the first check-in stays
    assert kinds(chat) == ["started", "they_extended", "i_extended"]


@pytest.mark.parametrize(
    ("who", "minutes", "message"),
    [
        ("someone", 5, "Say who asked to continue"),
        ("they", 0, "Extend by 1 to 60 minutes"),
        ("me", 61, "Extend by 1 to 60 minutes"),
    ],
)
def test_a_bad_extension_is_refused(alice, chat, clock, who, minutes, message):
    start_chat(alice, chat)
    with pytest.raises(InvalidInput, match=message):
        extend(alice, chat, who, minutes)
    assert kinds(chat) == ["started"]


def test_extensions_stop_at_four_hours_over(alice, chat, clock):
    start_chat(alice, chat)
    for _ in range(4):
        extend(alice, chat, "they", 60)
    with pytest.raises(InvalidInput, match="at most 240 minutes over"):
        extend(alice, chat, "they", 1)


def test_a_planned_chat_cannot_be_extended_wrapped_or_ended(alice, chat):
    for action in (
        lambda: extend(alice, chat, "they", 5),
        lambda: wrap_up_now(alice, chat),
        lambda: end_chat(alice, chat),
    ):
        with pytest.raises(LiveRefused, match="has not started yet; press Start"):
            action()
    assert kinds(chat) == []


def test_ending_before_starting_is_refused(alice, chat):
    with pytest.raises(LiveRefused, match="not started yet; press Start before you end"):
        end_chat(alice, chat)


def test_wrap_up_now_brings_the_end_near_and_picks_the_closing_script(alice, chat, clock):
    start_chat(alice, chat)
    clock.at(8)
    wrapped = wrap_up_now(alice, chat)
    assert wrapped.target_end_at == ONE + timedelta(minutes=13)  # 5 wrap-up minutes from now
    state = state_of(alice, chat)
    assert state.wrapping and state.check_in == "check_in_close"
    assert state.phase == "wrap_up"
    wrap_up_now(alice, chat)  # a second tap changes nothing
    assert kinds(chat) == ["started", "wrap_up"]


def test_wrap_up_now_never_moves_the_end_later(alice, chat, clock):
    start_chat(alice, chat)
    clock.at(18)
    assert wrap_up_now(alice, chat).target_end_at == ONE + timedelta(minutes=20)


def test_ending_holds_the_chat_and_owes_a_thank_you(alice, chat, clock):
    start_chat(alice, chat)
    clock.at(23.5)
    ended = end_chat(alice, chat)
    assert ended.status == Chat.Status.HELD
    assert ended.actual_end == ONE + timedelta(minutes=23.5)
    assert ended.check_in_at == ONE + timedelta(minutes=23.5)
    thank_you = FollowUp.objects.get(chat=chat)
    assert thank_you.due_at == ended.actual_end + timedelta(hours=24)
    assert kinds(chat) == ["started", "ended"]


def test_ending_twice_is_refused(alice, chat, clock):
    start_chat(alice, chat)
    clock.at(20)
    end_chat(alice, chat)
    with pytest.raises(LiveRefused, match="ended already"):
        end_chat(alice, chat)


def test_ending_in_the_same_instant_as_the_start_is_refused(alice, chat, clock):
    start_chat(alice, chat)
    with pytest.raises(LiveRefused, match="started a moment ago"):
        end_chat(alice, chat)
    chat.refresh_from_db()
    assert chat.status == Chat.Status.LIVE


def test_a_chat_left_running_for_hours_ends_at_its_planned_end(alice, chat, clock):
    start_chat(alice, chat)
    clock.at(20 + 5 * 60)
    ended = end_chat(alice, chat)
    assert ended.actual_end == ONE + timedelta(minutes=20)


def test_a_cancelled_chat_cannot_be_ended(alice, chat):
    cancel_chat(alice, chat)
    with pytest.raises(LiveRefused, match="cancelled, so there is nothing to end"):
        end_chat(alice, chat)


# How long it felt.


def test_the_felt_length_is_kept_once_after_the_end(alice, chat, clock):
    start_chat(alice, chat)
    clock.at(22)
    end_chat(alice, chat)
    assert record_felt(alice, chat, 15).felt_minutes == 15
    with pytest.raises(LiveRefused, match="felt like 15 minutes already"):
        record_felt(alice, chat, 25)
    assert kinds(chat) == ["started", "ended", "felt"]


def test_the_felt_length_waits_for_the_end(alice, chat, clock):
    with pytest.raises(LiveRefused, match="once the chat has ended"):
        record_felt(alice, chat, 20)
    start_chat(alice, chat)
    with pytest.raises(LiveRefused, match="once the chat has ended"):
        record_felt(alice, chat, 20)


@pytest.mark.parametrize("minutes", [0, 601])
def test_an_implausible_felt_length_is_refused(alice, chat, clock, minutes):
    start_chat(alice, chat)
    clock.at(20)
    end_chat(alice, chat)
    with pytest.raises(InvalidInput, match="from 1 to 600"):
        record_felt(alice, chat, minutes)


# The state the page shows.


def test_the_phases_follow_the_clock(alice, chat, clock):
    assert state_of(alice, chat).phase == "ready"
    start_chat(alice, chat)
    clock.at(14.9)
    state = state_of(alice, chat)
    assert state.phase == "running"
    assert state.wrap_up_at == ONE + timedelta(minutes=15)
    clock.at(15)
    assert state_of(alice, chat).phase == "wrap_up"
    clock.at(20)
    assert state_of(alice, chat).phase == "check_in"
    end_chat(alice, chat)
    assert state_of(alice, chat).phase == "ended"


def test_the_check_in_offers_more_time_when_the_next_commitment_allows(alice, chat, bea, clock):
    plan(alice, bea, ONE + timedelta(minutes=60))  # latest end 13:45: 25 minutes of room
    start_chat(alice, chat)
    state = state_of(alice, chat)
    assert state.flexibility == 25
    assert state.check_in == "check_in_room"
    assert state.check_in_line == (
        "We've reached the time we agreed, Ada. I'm glad to keep going for another 5 minutes if "
        "you'd like to, or we can stop here. Which suits you better?"
    )


def test_the_check_in_closes_gracefully_when_there_is_no_room(alice, chat, bea, clock):
    plan(alice, bea, ONE + timedelta(minutes=38))  # latest end 13:23: 3 minutes of room
    start_chat(alice, chat)
    state = state_of(alice, chat)
    assert state.flexibility == 3
    assert state.check_in == "check_in_close"
    assert state.check_in_line.startswith("That's the time we agreed, Ada")
    assert "notebook" in state.non_verbal_line


def test_an_extension_uses_up_the_room(alice, chat, bea, clock):
    set_preferences(alice, extend_minutes=10)
    plan(alice, bea, ONE + timedelta(minutes=50))  # latest end 13:35: 15 minutes of room
    start_chat(alice, chat)
    assert state_of(alice, chat).check_in == "check_in_room"
    extend(alice, chat, "they", 10)
    state = state_of(alice, chat)
    assert state.flexibility == 5
    assert state.check_in == "check_in_close"


def test_a_chat_planned_later_changes_the_check_in_and_the_version(alice, chat, bea, clock):
    start_chat(alice, chat)
    before = state_of(alice, chat)
    assert before.check_in == "check_in_room" and before.flexibility is None
    plan(alice, bea, ONE + timedelta(minutes=35))
    after = state_of(alice, chat)
    assert after.check_in == "check_in_close"
    assert after.version != before.version


def test_the_version_stands_still_while_nothing_changes(alice, chat, clock):
    start_chat(alice, chat)
    first = state_of(alice, chat).version
    clock.at(3)
    assert state_of(alice, chat).version == first


def test_the_users_own_wording_is_used(alice, chat, clock):
    save_script(alice, "confirm", "Now {now}, done at {end}, {name}?")
    start_chat(alice, chat)
    assert state_of(alice, chat).confirm_line == "Now 13:00, done at 13:20, Ada?"


def test_the_real_length_is_in_the_json_only_after_the_felt_length(alice, chat, clock):
    start_chat(alice, chat)
    clock.at(24)
    end_chat(alice, chat)
    state = state_of(alice, chat)
    assert state.real_minutes == 24
    assert state.as_dict()["real_minutes"] is None
    record_felt(alice, chat, 18)
    data = state_of(alice, chat).as_dict()
    assert (data["real_minutes"], data["felt_minutes"]) == (24, 18)
    assert data["actual_start"] == "2030-01-07T13:00:00.000Z"


def test_the_log_reads_as_sentences(alice, chat, clock):
    start_chat(alice, chat)
    clock.at(20)
    extend(alice, chat, "they", 5)
    labels = [event.label for event in state_of(alice, chat).events]
    assert labels == [
        "Started, with 20 minutes confirmed",
        "They wanted to continue: 5 more minutes",
    ]


def test_the_log_says_one_minute_in_the_singular(alice, chat, clock):
    start_chat(alice, chat)
    clock.at(20)
    extend(alice, chat, "me", 1)
    clock.at(22)
    end_chat(alice, chat)
    record_felt(alice, chat, 1)
    labels = [event.label for event in state_of(alice, chat).events]
    assert "I asked to continue: 1 more minute" in labels
    assert "It felt like 1 minute" in labels
    with pytest.raises(LiveRefused, match="felt like 1 minute already"):
        record_felt(alice, chat, 25)


def test_a_planned_chat_shows_why_start_would_be_refused(alice, ada, clock):
    later = plan(alice, ada, ONE + timedelta(days=2))
    assert "planned for Wed 9 Jan, 13:00" in state_of(alice, later).start_problem


def test_another_users_state_is_refused(bob, chat):
    with pytest.raises(InvalidInput, match="not yours"):
        live_state(bob, chat)
