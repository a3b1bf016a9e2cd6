"""File sizes as people read them, and the sentence that says a file is too large."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.sizes import size_text, too_large

MB = 1024 * 1024


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (1023, "1023 bytes"),
        (1024, "1 KB"),
        (1536, "1.5 KB"),
        (MB - 1, "1 MB"),
        (5 * MB, "5 MB"),
        (64 * MB, "64 MB"),
        (int(64.3 * MB), "64.3 MB"),
        (3 * 1024 * MB, "3 GB"),
    ],
)
def test_a_size_reads_in_the_largest_fitting_unit(count, text):
    assert size_text(count) == text


def test_a_file_just_over_the_limit_says_by_how_much():
    assert too_large("contacts.csv", 64 * MB, 64 * MB + 1) == (
        "contacts.csv is 1 byte over the limit of 64 MB"
    )
    assert too_large("contacts.csv", 64 * MB, 64 * MB + 2048) == (
        "contacts.csv is 2 KB over the limit of 64 MB"
    )


def test_a_file_well_over_the_limit_says_its_size():
    assert too_large("big.ics", 5 * MB, 300 * MB) == "big.ics is 300 MB, over the limit of 5 MB"


def test_a_file_stopped_while_it_arrived_is_larger_than_the_limit():
    assert too_large("big.ics", 5 * MB) == "big.ics is larger than the limit of 5 MB"


@given(st.integers(min_value=1, max_value=2**40), st.integers(min_value=1, max_value=2**30))
def test_the_size_said_is_never_the_limit_said(limit, over):
    message = too_large("The file", limit, limit + over)
    assert f"is {size_text(limit)}," not in message
    assert message.endswith(f"over the limit of {size_text(limit)}")
