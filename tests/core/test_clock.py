"""The time arithmetic of chats: agreed ends, buffers, collisions, local days and clock faces."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.clock import (
    ChatSpan,
    day_bounds,
    format_clock,
    format_day,
    is_time_zone,
    local_today,
    zone,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
UTC_ZONE = ZoneInfo("UTC")

moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
minutes = st.integers(min_value=1, max_value=240)
buffers = st.integers(min_value=0, max_value=240)
spans = st.builds(ChatSpan, starts_at=moments, agreed_minutes=minutes, buffer_minutes=buffers)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 2, hour, minute, tzinfo=UTC)


def test_a_chat_ends_when_its_agreed_minutes_are_up():
    span = ChatSpan(at(13), agreed_minutes=20, buffer_minutes=15)
    assert span.ends_at == at(13, 20)


def test_the_next_commitment_may_begin_when_the_buffer_runs_out():
    span = ChatSpan(at(13), agreed_minutes=20, buffer_minutes=15)
    assert span.free_at == at(13, 35)


def test_a_chat_planned_inside_anothers_buffer_collides():
    first = ChatSpan(at(13), agreed_minutes=20, buffer_minutes=15)
    second = ChatSpan(at(13, 30), agreed_minutes=20, buffer_minutes=15)
    assert first.collides_with(second)


def test_a_chat_starting_as_the_buffer_runs_out_does_not_collide():
    first = ChatSpan(at(13), agreed_minutes=20, buffer_minutes=15)
    second = ChatSpan(at(13, 35), agreed_minutes=20, buffer_minutes=15)
    assert not first.collides_with(second)


def test_a_chat_whose_own_buffer_reaches_the_next_one_collides():
    first = ChatSpan(at(12, 30), agreed_minutes=20, buffer_minutes=15)
    second = ChatSpan(at(13), agreed_minutes=20, buffer_minutes=0)
    assert first.collides_with(second)


def test_spans_in_different_zones_compare_as_instants():
    in_utc = ChatSpan(at(13), agreed_minutes=20, buffer_minutes=0)
    in_berlin = ChatSpan(at(13).astimezone(BERLIN), agreed_minutes=20, buffer_minutes=0)
    assert in_utc.collides_with(in_berlin)


@given(spans, spans)
def test_collision_is_symmetric(first, second):
    assert first.collides_with(second) == second.collides_with(first)


@given(spans)
def test_a_chat_collides_with_itself(span):
    assert span.collides_with(span)


@given(spans, spans, st.integers(min_value=0, max_value=240))
def test_a_longer_buffer_never_removes_a_collision(first, second, extra):
    longer = ChatSpan(first.starts_at, first.agreed_minutes, first.buffer_minutes + extra)
    if first.collides_with(second):
        assert longer.collides_with(second)


@given(spans)
def test_the_buffer_never_ends_before_the_chat(span):
    assert span.starts_at < span.ends_at <= span.free_at


def test_a_span_given_in_local_time_lasts_its_agreed_minutes_across_a_clock_change():
    # 01:30 in Berlin on the night the clocks go forward: 90 real minutes end at 04:00 local.
    span = ChatSpan(datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN), 90, 0)
    assert span.ends_at - span.starts_at.astimezone(UTC) == timedelta(minutes=90)


def real_length(bounds: tuple[datetime, datetime]) -> timedelta:
    # Aware datetimes sharing a tzinfo subtract as wall times; compare instants in UTC instead.
    start, end = bounds
    return end.astimezone(UTC) - start.astimezone(UTC)


def test_a_day_starts_at_local_midnight():
    start, end = day_bounds(date(2026, 3, 2), BERLIN)
    assert start == datetime(2026, 3, 1, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 2, 23, 0, tzinfo=UTC)


def test_the_day_the_clocks_go_forward_lasts_23_hours():
    # Berlin moves from 02:00 to 03:00 on the last Sunday of March.
    assert real_length(day_bounds(date(2026, 3, 29), BERLIN)) == timedelta(hours=23)


def test_the_day_the_clocks_go_back_lasts_25_hours():
    assert real_length(day_bounds(date(2026, 10, 25), BERLIN)) == timedelta(hours=25)


def test_an_ordinary_day_lasts_24_hours():
    assert real_length(day_bounds(date(2026, 3, 28), BERLIN)) == timedelta(hours=24)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_consecutive_days_meet_without_a_gap(day):
    _, end = day_bounds(day, NEW_YORK)
    next_start, _ = day_bounds(day + timedelta(days=1), NEW_YORK)
    assert end == next_start


@given(moments)
def test_now_falls_inside_the_bounds_of_local_today(now):
    start, end = day_bounds(local_today(now, NEW_YORK), NEW_YORK)
    assert start <= now < end


def test_local_today_is_the_users_date_not_utcs():
    late_evening_in_new_york = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)
    assert local_today(late_evening_in_new_york, NEW_YORK) == date(2026, 3, 2)


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [
        (0, 5, "12:05 am"),
        (9, 0, "9:00 am"),
        (11, 59, "11:59 am"),
        (12, 0, "12:00 pm"),
        (13, 20, "1:20 pm"),
        (23, 45, "11:45 pm"),
    ],
)
def test_a_12_hour_clock_reads_like_speech(hour, minute, expected):
    assert format_clock(at(hour, minute), UTC_ZONE, "12") == expected


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [(0, 5, "00:05"), (9, 0, "09:00"), (13, 20, "13:20"), (23, 45, "23:45")],
)
def test_a_24_hour_clock_pads_hours_and_minutes(hour, minute, expected):
    assert format_clock(at(hour, minute), UTC_ZONE, "24") == expected


def test_a_clock_shows_the_time_in_the_users_zone():
    assert format_clock(at(13, 20), BERLIN, "24") == "14:20"
    assert format_clock(at(13, 20), NEW_YORK, "12") == "8:20 am"


def test_an_unknown_or_empty_zone_name_falls_back_to_utc():
    assert zone("Mars/Olympus_Mons") == UTC_ZONE
    assert zone("") == UTC_ZONE
    assert zone("../etc/passwd") == UTC_ZONE
    assert zone("Europe/Berlin") == BERLIN


def test_only_real_zone_names_count_as_time_zones():
    assert is_time_zone("Europe/Berlin")
    assert not is_time_zone("Europe/Atlantis")
    assert not is_time_zone("")


def test_a_day_reads_as_weekday_day_and_month_in_the_users_zone():
    late_evening_in_utc = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    assert format_day(late_evening_in_utc) == "Tue 1 Dec"
    assert format_day(late_evening_in_utc, ZoneInfo("Asia/Tokyo")) == "Wed 2 Dec"
    assert format_day(date(2026, 12, 25)) == "Fri 25 Dec"
