"""When messages are owed and how their urgency reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.followups import (
    REMINDER_WINDOW,
    describe_left,
    next_reminder,
    thank_you_due,
    urgency,
)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_a_thank_you_is_due_24_hours_after_the_chat_ended():
    assert thank_you_due(NOW) == NOW + timedelta(hours=24)


def test_a_follow_up_past_its_due_time_is_overdue():
    state = urgency(NOW - timedelta(seconds=1), NOW)
    assert state.state == "overdue"
    assert state.is_overdue
    assert state.seconds_left == -1


def test_a_follow_up_due_right_now_is_soon_not_yet_overdue():
    state = urgency(NOW, NOW)
    assert state.state == "soon"
    assert not state.is_overdue


def test_a_follow_up_due_within_four_hours_is_soon():
    assert urgency(NOW + timedelta(hours=4), NOW).state == "soon"


def test_a_follow_up_due_later_than_four_hours_is_later():
    assert urgency(NOW + timedelta(hours=4, seconds=1), NOW).state == "later"


@given(st.integers(min_value=-400 * 86400, max_value=400 * 86400))
def test_urgency_counts_the_seconds_left_and_is_overdue_only_when_negative(seconds):
    state = urgency(NOW + timedelta(seconds=seconds), NOW)
    assert state.seconds_left == seconds
    assert state.is_overdue == (seconds < 0)


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0, "1 min left"),
        (59, "1 min left"),
        (20 * 60, "20 min left"),
        (3600, "1 h left"),
        (3 * 3600 + 20 * 60, "3 h 20 min left"),
        (86400, "1 day left"),
        (86400 + 2 * 3600, "1 day 2 h left"),
        (2 * 86400 + 5 * 3600, "2 days left"),
        (-30, "1 min overdue"),
        (-(3600 + 60), "1 h 1 min overdue"),
        (-2 * 86400, "2 days overdue"),
    ],
)
def test_time_left_reads_as_a_short_phrase(seconds, expected):
    assert describe_left(seconds) == expected


@given(st.integers(min_value=-(10**8), max_value=10**8))
def test_time_left_says_left_or_overdue_and_never_zero_minutes(seconds):
    words = describe_left(seconds)
    assert words.endswith(" overdue" if seconds < 0 else " left")
    assert not words.startswith("0 ")


# Keep-in-touch reminders ---------------------------------------------------------------------


def test_a_contact_without_a_cadence_gets_no_reminders():
    assert next_reminder(None, NOW) is None
    assert next_reminder(0, NOW) is None


def test_a_reminder_falls_due_a_cadence_after_the_last_interaction():
    reminder = next_reminder(60, NOW)
    assert reminder is not None
    assert reminder.due_at == NOW + timedelta(days=60)
    assert not reminder.is_due(NOW + timedelta(days=59))
    assert reminder.is_due(NOW + timedelta(days=60))
    assert not (reminder.snoozed or reminder.capped)


def test_a_sent_reminder_resets_the_cadence_like_any_interaction():
    sent = NOW + timedelta(days=10)
    reminder = next_reminder(30, NOW, sent=[sent])
    assert reminder is not None
    assert reminder.due_at == sent + timedelta(days=30)


def test_a_snooze_moves_the_reminder_later_but_never_earlier():
    later = next_reminder(30, NOW, snoozed_until=NOW + timedelta(days=40))
    assert later is not None
    assert later.due_at == NOW + timedelta(days=40)
    assert later.snoozed
    earlier = next_reminder(30, NOW, snoozed_until=NOW + timedelta(days=3))
    assert earlier is not None
    assert earlier.due_at == NOW + timedelta(days=30)
    assert not earlier.snoozed


def test_the_fifth_reminder_in_a_year_waits_until_the_first_leaves_the_window():
    sent = [NOW + timedelta(days=days) for days in (0, 30, 60, 90)]
    reminder = next_reminder(30, NOW, sent=sent)
    assert reminder is not None
    assert reminder.cadence_due_at == NOW + timedelta(days=120)
    assert reminder.due_at == NOW + REMINDER_WINDOW
    assert reminder.capped


def test_old_messages_outside_the_window_do_not_hold_a_reminder_back():
    sent = [NOW - timedelta(days=days) for days in (400, 420, 440, 460)]
    reminder = next_reminder(30, NOW, sent=sent)
    assert reminder is not None
    assert reminder.due_at == NOW + timedelta(days=30)
    assert not reminder.capped


moments = st.integers(min_value=0, max_value=3 * 365).map(lambda days: NOW + timedelta(days=days))


@given(
    every=st.integers(min_value=1, max_value=400),
    last=moments,
    sent=st.lists(moments, max_size=8),
    snooze=st.none() | moments,
    interaction=moments,
)
def test_a_logged_interaction_never_makes_a_reminder_due_sooner(
    every, last, sent, snooze, interaction
):
    before = next_reminder(every, last, sent=sent, snoozed_until=snooze)
    after = next_reminder(every, max(last, interaction), sent=sent, snoozed_until=snooze)
    assert before is not None and after is not None
    assert after.due_at >= before.due_at


@given(
    every=st.integers(min_value=1, max_value=200),
    # Days on which the user talked to the person anyway, and days they snoozed the reminder.
    talks=st.sets(st.integers(min_value=1, max_value=6 * 365), max_size=20),
    snoozes=st.dictionaries(
        st.integers(min_value=1, max_value=6 * 365), st.integers(min_value=1, max_value=60)
    ),
    cap=st.integers(min_value=1, max_value=6),
)
def test_sending_every_reminder_when_due_never_exceeds_the_cap(every, talks, snoozes, cap):
    last = NOW
    sent: list[datetime] = []
    snoozed_until = None
    for day in range(6 * 365):
        today = NOW + timedelta(days=day)
        if day in talks:
            last = max(last, today)
        if day in snoozes:
            snoozed_until = today + timedelta(days=snoozes[day])
        reminder = next_reminder(every, last, sent=sent, snoozed_until=snoozed_until, cap=cap)
        assert reminder is not None
        if reminder.is_due(today):
            sent.append(today)
    for index, moment in enumerate(sent):
        in_window = [other for other in sent[: index + 1] if other > moment - REMINDER_WINDOW]
        assert len(in_window) <= cap
