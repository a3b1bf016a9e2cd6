"""Reflection and trainer arithmetic: overruns, shares, the prompt, the buffer suggestion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.stats import (
    BUFFER_HISTORY,
    PROMPT_HISTORY,
    HeldTimes,
    describe_seconds,
    nearest_rank,
    reflect,
    run_over_prompt,
    suggest_buffer,
    summarise,
    trial_trend,
    whole_minutes,
)

START = datetime(2030, 1, 7, 13, 0, tzinfo=UTC)


def held(
    overrun: int = 0,
    *,
    late: int = 0,
    agreed: int = 20,
    extension: str = "none",
    felt: int | None = None,
) -> HeldTimes:
    actual_start = START + timedelta(minutes=late)
    return HeldTimes(
        planned_start=START,
        agreed_minutes=agreed,
        actual_start=actual_start,
        actual_end=actual_start + timedelta(minutes=agreed + overrun),
        extension=extension,
        extension_minutes=max(overrun, 0) if extension != "none" else 0,
        felt_minutes=felt,
    )


overruns = st.integers(min_value=-15, max_value=90)
starts = st.integers(min_value=-5, max_value=30)
histories = st.lists(st.builds(held, overruns, late=starts), min_size=1, max_size=30)


# One chat.


@given(agreed=st.integers(min_value=5, max_value=240), late=starts)
def test_a_chat_that_ends_on_time_has_zero_overrun(agreed, late):
    reflection = reflect(held(0, late=late, agreed=agreed))
    assert reflection.overrun_minutes == 0
    assert not reflection.ran_over


def test_a_late_start_counts_against_the_buffer_but_not_as_overrun():
    reflection = reflect(held(4, late=3))
    assert reflection.overrun_minutes == 4
    assert reflection.late_start_minutes == 3
    assert reflection.past_plan_minutes == 7
    assert reflection.planned_end == START + timedelta(minutes=20)


def test_felt_against_real_is_signed_and_a_share_of_the_real_length():
    reflection = reflect(held(5, felt=20))
    assert reflection.actual_minutes == 25
    assert reflection.felt_error_minutes == -5
    assert reflection.felt_error_percent == -20


def test_a_chat_without_a_felt_length_has_no_felt_error():
    reflection = reflect(held(5))
    assert reflection.felt_error_minutes is None
    assert reflection.felt_error_percent is None


@pytest.mark.parametrize(
    ("seconds", "minutes"), [(0, 0), (29, 0), (30, 1), (89, 1), (90, 2), (-30, -1), (-29, 0)]
)
def test_spans_round_to_the_nearest_whole_minute(seconds, minutes):
    assert whole_minutes(timedelta(seconds=seconds)) == minutes


# Many chats.


@given(histories)
def test_the_overrun_rate_is_a_share(history):
    rate = summarise([reflect(times) for times in history]).overrun_rate
    assert rate is not None
    assert 0 <= rate <= 1


@given(histories)
def test_the_median_overrun_lies_between_the_shortest_and_the_longest(history):
    summary = summarise([reflect(times) for times in history])
    assert summary.median_overrun is not None
    assert summary.shortest_overrun <= summary.median_overrun <= summary.longest_overrun


def test_no_chats_give_no_shares():
    summary = summarise([])
    assert (summary.held, summary.overrun_rate, summary.median_overrun) == (0, None, None)
    assert summary.they_asked_share is None
    assert summary.prompt is None


def test_a_couple_of_minutes_over_is_still_on_time():
    summary = summarise([reflect(held(minutes)) for minutes in (0, 2, 3, 10)])
    assert summary.ran_over == 2
    assert summary.overrun_rate == 0.5
    assert summary.median_overrun == 2.5


def test_the_share_of_extensions_they_asked_for_counts_only_extended_chats():
    chats = [
        held(6, extension="they_asked"),
        held(4, extension="they_asked"),
        held(5, extension="i_offered"),
        held(0),
    ]
    summary = summarise([reflect(times) for times in chats])
    assert (summary.extensions, summary.they_asked) == (3, 2)
    assert summary.they_asked_share == pytest.approx(2 / 3)


# The gentle prompt.


def test_the_prompt_speaks_up_when_most_of_the_last_ten_ran_well_over():
    prompt = run_over_prompt([0, 0, 0, 8, 9, 6, 12, 0, 7, 10, 6, 1])
    assert prompt is not None
    assert (prompt.over, prompt.of) == (7, 10)


def test_the_prompt_stays_quiet_when_only_half_ran_well_over():
    assert run_over_prompt([8, 8, 8, 8, 8, 0, 0, 0, 0, 0]) is None


def test_the_prompt_reads_only_the_last_ten_chats():
    assert run_over_prompt([9] * 10 + [0] * 10) is None


@given(st.lists(st.integers(min_value=-10, max_value=90), max_size=PROMPT_HISTORY - 1))
def test_the_prompt_needs_enough_history(history):
    assert run_over_prompt(history) is None


@given(st.lists(st.integers(min_value=6, max_value=90), min_size=PROMPT_HISTORY, max_size=30))
def test_the_prompt_always_speaks_when_every_chat_ran_well_over(history):
    assert run_over_prompt(history) is not None


# The buffer suggestion.


@given(
    st.lists(st.integers(min_value=-20, max_value=120), min_size=BUFFER_HISTORY, max_size=30),
    st.integers(min_value=0, max_value=60),
)
def test_a_suggested_buffer_is_a_whole_number_of_five_minute_steps(late_ends, current):
    advice = suggest_buffer(late_ends, current)
    assert advice is not None
    assert advice.suggested % 5 == 0
    assert advice.suggested >= 5
    assert advice.covered * 100 >= 80 * advice.chats


@given(
    st.integers(min_value=0, max_value=60).flatmap(
        lambda current: st.tuples(
            st.just(current),
            st.lists(
                st.integers(min_value=current + 1, max_value=current + 90),
                min_size=BUFFER_HISTORY,
                max_size=30,
            ),
        )
    )
)
def test_a_suggestion_never_falls_below_the_usual_buffer_when_chats_run_longer(case):
    current, late_ends = case
    advice = suggest_buffer(late_ends, current)
    assert advice is not None
    assert advice.suggested >= current
    assert advice.raise_it


@given(st.lists(st.integers(min_value=-20, max_value=120), max_size=BUFFER_HISTORY - 1))
def test_there_is_no_suggestion_without_enough_history(late_ends):
    assert suggest_buffer(late_ends, 15) is None


def test_the_suggestion_covers_most_chats_and_says_the_average():
    advice = suggest_buffer([0, 3, 4, 8, 9, 11, 12, -2, 6, 30], 10)
    assert advice is not None
    assert advice.average_past_end == 8  # early ends count as on time: 83 / 10
    assert advice.suggested == 15
    assert advice.covered == 9
    assert advice.raise_it


def test_chats_that_end_on_time_keep_the_smallest_buffer():
    advice = suggest_buffer([0, -1, 0, 1], 15)
    assert advice is not None
    assert advice.suggested == 5
    assert not advice.raise_it


def test_the_nearest_rank_percentile_is_a_value_that_occurred():
    assert nearest_rank([5, 1, 4, 2, 3], 80) == 4
    assert nearest_rank([7], 80) == 7


# The trainer.


def test_each_round_has_a_signed_error_and_a_moving_average_of_its_size():
    points = trial_trend([(600, 660), (600, 540), (300, 330), (300, 300)])
    assert [round(point.error_percent) for point in points] == [10, -10, 10, 0]
    assert [round(point.trend_percent, 2) for point in points] == [10, 10, 10, 6.67]
    assert points[0].error_seconds == 60


@given(
    st.lists(
        st.tuples(st.integers(min_value=10, max_value=3600), st.integers(1, 3 * 3600)),
        max_size=30,
    )
)
def test_the_trend_is_never_negative_and_follows_every_round(rounds):
    points = trial_trend(rounds)
    assert len(points) == len(rounds)
    assert all(point.trend_percent >= 0 for point in points)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (45, "45 seconds"),
        (1, "1 second"),
        (60, "1 minute"),
        (600, "10 minutes"),
        (150, "2 min 30 s"),
    ],
)
def test_lengths_read_as_people_say_them(seconds, words):
    assert describe_seconds(seconds) == words
