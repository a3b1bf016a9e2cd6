"""The live chat's clock: the confirmed end, flexibility, the cues and the scripts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from coffeechat.core.clock import format_clock
from coffeechat.core.live import (
    CHECK_IN_CLOSE,
    CHECK_IN_ROOM,
    DEFAULT_SCRIPTS,
    PLACEHOLDERS,
    WRAP_UP,
    ScriptError,
    check_in_kind,
    check_script,
    confirm_end,
    flexibility_minutes,
    has_room,
    latest_end,
    render_script,
    wrap_up_at,
)
from coffeechat.core.text import first_name

ZONES = ["UTC", "Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"]
BERLIN = ZoneInfo("Europe/Berlin")

# Starts in any of these zones, including the hours around their clock changes.
starts = st.datetimes(
    min_value=datetime(2020, 1, 1),
    max_value=datetime(2035, 12, 31),
    timezones=st.sampled_from([ZoneInfo(name) for name in ZONES]),
)
minutes = st.integers(min_value=5, max_value=240)
buffers = st.integers(min_value=0, max_value=240)
# Where the next commitment falls relative to the start: before it, during, long after, or none.
offsets = st.none() | st.integers(min_value=-600, max_value=24 * 60 * 60)


def next_start(start: datetime, offset: int | None) -> datetime | None:
    # In UTC: adding to a zoned time is wall-clock arithmetic, off by the shift across a change.
    return None if offset is None else start.astimezone(UTC) + timedelta(seconds=offset)


@given(start=starts, agreed=minutes, buffer=buffers, offset=offsets)
def test_the_confirmed_end_never_passes_the_agreed_end(start, agreed, buffer, offset):
    confirmed = confirm_end(start, agreed, next_start(start, offset), buffer)
    assert confirmed.ends_at <= confirmed.agreed_end
    assert confirmed.agreed_end - start == timedelta(minutes=agreed)  # real minutes, DST or not


@given(start=starts, agreed=minutes, buffer=buffers, offset=offsets)
# Lord Howe's clocks move by half an hour: a start two seconds before the commitment, on the night
# they go forward, once fooled a wall-clock comparison in this test.
@example(
    start=datetime(2028, 10, 1, 2, 29, 58, tzinfo=ZoneInfo("Australia/Lord_Howe")),
    agreed=5,
    buffer=0,
    offset=2,
)
def test_the_confirmed_end_never_passes_the_next_commitment_minus_its_buffer(
    start, agreed, buffer, offset
):
    following = next_start(start, offset)
    confirmed = confirm_end(start, agreed, following, buffer)
    if following is not None:
        limit = following - timedelta(minutes=buffer)
        # The one exception: no room at all, and a chat cannot end before it began.
        assert confirmed.ends_at <= limit or confirmed.ends_at == confirmed.starts_at
        # Compared as instants: two times in one zone compare by their wall clocks in Python.
        assert confirmed.no_room == (limit <= start.astimezone(UTC))


@given(start=starts, agreed=minutes, buffer=buffers, offset=offsets)
def test_the_confirmed_end_is_whole_minutes_after_the_start_and_never_before_it(
    start, agreed, buffer, offset
):
    confirmed = confirm_end(start, agreed, next_start(start, offset), buffer)
    assert confirmed.ends_at >= start
    assert confirmed.ends_at - start == timedelta(minutes=confirmed.minutes)
    assert confirmed.ends_at.tzinfo is UTC
    assert confirmed.capped == (confirmed.minutes < agreed)


@given(start=starts, agreed=minutes, buffer=buffers, offset=offsets)
def test_a_capped_chat_loses_less_than_a_minute_of_what_the_next_commitment_allows(
    start, agreed, buffer, offset
):
    following = next_start(start, offset)
    confirmed = confirm_end(start, agreed, following, buffer)
    if confirmed.capped and not confirmed.no_room:
        assert following is not None
        limit = following - timedelta(minutes=buffer)
        assert limit - confirmed.ends_at < timedelta(minutes=1)


@given(start=starts, agreed=minutes, buffer=buffers, offset=offsets)
def test_flexibility_is_never_negative_right_after_a_start_with_room(start, agreed, buffer, offset):
    following = next_start(start, offset)
    confirmed = confirm_end(start, agreed, following, buffer)
    flexibility = flexibility_minutes(confirmed.ends_at, confirmed.latest_end)
    if following is None:
        assert flexibility is None
    elif not confirmed.no_room:
        assert flexibility is not None and flexibility >= 0


@given(start=starts, agreed=minutes, wrapup=st.integers(min_value=1, max_value=60))
def test_the_wrap_up_cue_comes_before_the_end_but_never_before_the_start(start, agreed, wrapup):
    end = confirm_end(start, agreed, None, 0).ends_at
    cue = wrap_up_at(start, end, wrapup)
    assert start <= cue <= end
    if wrapup < agreed:
        assert end - cue == timedelta(minutes=wrapup)


def test_the_end_is_twenty_real_minutes_across_the_spring_clock_change():
    # 01:50 in Berlin on the night the clocks go forward; 20 minutes later it is 03:10.
    start = datetime(2026, 3, 29, 1, 50, tzinfo=BERLIN)
    confirmed = confirm_end(start, 20, None, 15)
    assert format_clock(confirmed.ends_at, BERLIN, "24") == "03:10"
    assert not confirmed.capped


def test_the_end_is_twenty_real_minutes_in_the_repeated_autumn_hour():
    # The second 02:50 of the night the clocks go back (fold=1): 20 minutes later is 03:10.
    start = datetime(2026, 10, 25, 2, 50, tzinfo=BERLIN, fold=1)
    confirmed = confirm_end(start, 20, None, 15)
    assert format_clock(confirmed.ends_at, BERLIN, "24") == "03:10"
    first = datetime(2026, 10, 25, 2, 50, tzinfo=BERLIN, fold=0)
    assert format_clock(confirm_end(first, 20, None, 15).ends_at, BERLIN, "24") == "02:10"


def test_a_next_chat_close_behind_caps_the_end_to_its_start_minus_the_buffer():
    start = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)
    confirmed = confirm_end(start, 30, start + timedelta(minutes=40), 15)
    assert confirmed.capped
    assert confirmed.minutes == 25
    assert confirmed.ends_at == datetime(2026, 3, 2, 13, 25, tzinfo=UTC)


def test_a_start_at_seconds_past_the_minute_keeps_whole_minutes_when_capped():
    start = datetime(2026, 3, 2, 13, 0, 45, tzinfo=UTC)
    confirmed = confirm_end(start, 30, datetime(2026, 3, 2, 13, 40, tzinfo=UTC), 15)
    assert confirmed.minutes == 24  # 13:24:45, not past 13:25
    assert not confirm_end(start, 20, datetime(2026, 3, 2, 13, 40, tzinfo=UTC), 15).capped


def test_a_next_commitment_inside_the_buffer_leaves_no_room():
    start = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)
    confirmed = confirm_end(start, 20, start + timedelta(minutes=10), 15)
    assert confirmed.no_room
    assert confirmed.ends_at == start
    assert confirmed.minutes == 0


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="aware"):
        confirm_end(datetime(2026, 3, 2, 13, 0), 20, None, 15)


def test_latest_end_is_the_next_start_minus_the_buffer():
    following = datetime(2026, 3, 2, 14, 0, tzinfo=BERLIN)
    assert latest_end(following, 15) == datetime(2026, 3, 2, 12, 45, tzinfo=UTC)
    assert latest_end(None, 15) is None


def test_flexibility_counts_whole_minutes_down():
    end = datetime(2026, 3, 2, 13, 20, 30, tzinfo=UTC)
    latest = datetime(2026, 3, 2, 13, 30, tzinfo=UTC)
    assert flexibility_minutes(end, latest) == 9
    assert flexibility_minutes(latest, end) == -10
    assert flexibility_minutes(end, None) is None


@pytest.mark.parametrize(
    ("flexibility", "wrapping", "kind"),
    [
        (None, False, CHECK_IN_ROOM),
        (5, False, CHECK_IN_ROOM),
        (30, False, CHECK_IN_ROOM),
        (4, False, CHECK_IN_CLOSE),
        (0, False, CHECK_IN_CLOSE),
        (-3, False, CHECK_IN_CLOSE),
        (None, True, CHECK_IN_CLOSE),
        (30, True, CHECK_IN_CLOSE),
    ],
)
def test_the_check_in_offers_more_time_only_when_an_extension_fits(flexibility, wrapping, kind):
    assert check_in_kind(flexibility, 5, wrapping=wrapping) == kind
    assert has_room(flexibility, 5) == (flexibility is None or flexibility >= 5)


def test_every_default_script_is_valid_and_fills_in():
    values = dict.fromkeys(PLACEHOLDERS, "X")
    for kind, text in DEFAULT_SCRIPTS.items():
        check_script(text)
        assert "{" not in render_script(text, values), kind


def test_a_script_is_filled_in_with_the_given_values():
    text = "It's {now}; until {end}? {{braces}} stay, {name}."
    filled = render_script(text, {"now": "13:00", "end": "13:20", "name": "Ada"})
    assert filled == "It's 13:00; until 13:20? {braces} stay, Ada."


def test_one_minute_is_said_in_the_singular_in_every_default_script():
    values = {"now": "13:00", "end": "13:20", "earlier_end": "13:15", "minutes": "1", "name": "Ada"}
    for kind, text in DEFAULT_SCRIPTS.items():
        filled = render_script(text, values)
        assert "1 minutes" not in filled, kind
    assert render_script(DEFAULT_SCRIPTS[WRAP_UP], values).startswith("About 1 minute to go.")


def test_a_users_own_minutes_agree_with_the_number_too():
    text = "{minutes} minutes left; {minutes}  minutes more? Ten minutes."
    assert render_script(text, {"minutes": "1"}) == "1 minute left; 1  minute more? Ten minutes."
    assert render_script(text, {"minutes": "2"}) == "2 minutes left; 2  minutes more? Ten minutes."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Until {finish}", "{finish} is not something we can fill in"),
        ("{name.__class__}", "is not something we can fill in"),
        ("{name[0]}", "is not something we can fill in"),
        ("{now!r}", "{now!r} is not something we can fill in"),
        ("{minutes:>10}", "{minutes:>10} is not something we can fill in"),
        ("{0}", "{0} is not something we can fill in"),
        ("{}", "{} is not something we can fill in"),
        ("Until {end", "A brace is not closed"),
        ("Until end}", "A brace is not closed"),
        ("x" * 601, "under 600 characters"),
    ],
)
def test_a_script_with_an_unknown_or_unsafe_placeholder_is_refused(text, message):
    with pytest.raises(ScriptError, match=re.escape(message)):
        check_script(text)


def test_the_refusal_lists_the_placeholders_one_may_use():
    with pytest.raises(ScriptError) as refused:
        check_script("{when}")
    assert "{now}, {end}, {earlier_end}, {minutes}, {name}" in str(refused.value)


def test_a_script_is_addressed_to_the_first_name():
    assert first_name("Ada King Lovelace") == "Ada"
    assert first_name("  ") == "  "
