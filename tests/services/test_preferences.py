"""Preferences as a service: the holiday calendar is checked against the holidays library."""

from __future__ import annotations

import pytest

from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.errors import InvalidInput
from coffeechat.services.preferences import holiday_choices, holiday_code
from tests.services.prefs import set_preferences


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("gb-sct", "GB-SCT"), ("United Kingdom — Scotland", "GB-SCT"), ("USA", "US"), (" ", "")],
)
def test_a_holiday_calendar_is_kept_as_its_code(alice, typed, kept):
    set_preferences(alice, holiday_country=typed)
    assert ensure_preferences(alice).holiday_country == kept


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Narnia", "'Narnia' is not a country we know public holidays for"),
        ("GB-XYZ", "has no region 'XYZ' that we know; use one of GB-ENG"),
    ],
)
def test_an_unknown_calendar_is_refused_with_the_librarys_reason(alice, typed, message):
    with pytest.raises(InvalidInput, match=message) as refused:
        set_preferences(alice, holiday_country=typed)
    assert refused.value.field == "holiday_country"
    assert ensure_preferences(alice).holiday_country == ""


def test_every_choice_is_a_calendar_the_library_knows():
    choices = dict(holiday_choices())
    assert choices["FR"] == "France" and choices["US-CA"] == "United States — California"
    assert holiday_code("France") == "FR"
    assert holiday_code("XX") == "XX"  # left for the check to refuse
