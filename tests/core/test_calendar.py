from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.calendar import SLOT_GRID, Span, free_slots, overlapping, working_hours

DAY = date(2026, 3, 2)
LONDON = ZoneInfo("Europe/London")
HOURS = working_hours(DAY, LONDON)


def at(hour: int, minute: int = 0, day: date = DAY, tz: ZoneInfo = LONDON) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=tz)


def test_working_hours_run_from_eight_to_eight_local_time():
    assert Span(at(8), at(20)) == HOURS
    new_york = working_hours(DAY, ZoneInfo("America/New_York"))
    assert new_york.starts_at == datetime(2026, 3, 2, 13, 0, tzinfo=UTC)


def test_working_hours_keep_their_local_times_on_the_day_the_clocks_change():
    spring = working_hours(date(2026, 3, 29), LONDON)
    assert spring.starts_at == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)  # 08:00 BST
    assert spring.length == timedelta(hours=12)


def test_an_empty_day_is_one_slot_of_working_hours():
    assert free_slots(HOURS, [], timedelta(minutes=35)) == [HOURS]


def test_slots_leave_out_busy_blocks_and_buffered_chats():
    busy = [Span(at(9), at(10), "Stand-up"), Span(at(13), at(13, 35), "Chat with Ada")]
    slots = free_slots(HOURS, busy, timedelta(minutes=35))
    assert slots == [Span(at(8), at(9)), Span(at(10), at(13)), Span(at(13, 35), at(20))]


def test_a_gap_shorter_than_the_chat_and_its_buffer_is_not_offered():
    busy = [Span(at(8), at(9)), Span(at(9, 30), at(20))]
    assert free_slots(HOURS, busy, timedelta(minutes=35)) == []
    assert free_slots(HOURS, busy, timedelta(minutes=30)) == [Span(at(9), at(9, 30))]


def test_slots_start_on_the_five_minute_grid_after_an_odd_ending():
    slots = free_slots(HOURS, [Span(at(8), at(10, 7))], timedelta(minutes=20))
    assert slots[0].starts_at == at(10, 10)


def test_nothing_is_offered_before_now():
    slots = free_slots(HOURS, [], timedelta(minutes=20), not_before=at(14, 2))
    assert slots == [Span(at(14, 5), at(20))]


def test_a_slot_needs_a_positive_length():
    with pytest.raises(ValueError):
        free_slots(HOURS, [], timedelta(0))


def test_overlapping_lists_what_a_buffered_chat_runs_into_in_order():
    chat = Span(at(10), at(10, 35))
    busy = [Span(at(10, 30), at(11), "Later"), Span(at(9), at(10)), Span(at(9, 45), at(10, 5), "B")]
    assert [s.title for s in overlapping(chat, busy)] == ["B", "Later"]


def test_spans_that_only_touch_do_not_overlap():
    assert not Span(at(9), at(10)).overlaps(Span(at(10), at(11)))


minutes_of_day = st.integers(min_value=0, max_value=24 * 60)


@st.composite
def busy_spans(draw) -> list[Span]:
    spans = []
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        start = draw(st.integers(min_value=-120, max_value=24 * 60))
        length = draw(st.integers(min_value=1, max_value=300))
        base = datetime.combine(DAY, time.min, tzinfo=LONDON)
        spans.append(
            Span(base + timedelta(minutes=start), base + timedelta(minutes=start + length))
        )
    return spans


zones = st.sampled_from(["Europe/London", "America/New_York", "Asia/Kolkata", "UTC"])
days = st.sampled_from([DAY, date(2026, 3, 29), date(2026, 10, 25), date(2026, 3, 8)])


@given(busy=busy_spans(), needed=st.integers(min_value=5, max_value=480), day=days, tz=zones)
def test_free_slots_never_overlap_busy_time_and_always_fit_the_chat(busy, needed, day, tz):
    hours = working_hours(day, ZoneInfo(tz))
    slots = free_slots(hours, busy, timedelta(minutes=needed))
    for slot in slots:
        assert slot.length >= timedelta(minutes=needed)
        assert hours.starts_at <= slot.starts_at and slot.ends_at <= hours.ends_at
        assert overlapping(slot, busy) == []
    for earlier, later in zip(slots, slots[1:], strict=False):
        assert earlier.ends_at < later.starts_at


@given(busy=busy_spans(), needed=st.integers(min_value=5, max_value=240), start=minutes_of_day)
def test_every_free_start_on_the_grid_lies_inside_an_offered_slot(busy, needed, start):
    # The other way round: no free time with room for the chat is missed.
    candidate_start = HOURS.starts_at + SLOT_GRID * (start // 5)
    candidate = Span(candidate_start, candidate_start + timedelta(minutes=needed))
    if candidate.ends_at > HOURS.ends_at or overlapping(candidate, busy):
        return
    slots = free_slots(HOURS, busy, timedelta(minutes=needed))
    assert any(s.starts_at <= candidate.starts_at and candidate.ends_at <= s.ends_at for s in slots)
