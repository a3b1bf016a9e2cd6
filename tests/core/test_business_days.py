from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.business_days import (
    WEEKENDS_ONLY,
    HolidayCalendar,
    UnknownHolidayCalendar,
    add_business_days,
    count_business_days,
    holiday_calendar,
    is_business_day,
    supported_countries,
)

LONDON = ZoneInfo("Europe/London")
ENGLAND = holiday_calendar("GB-ENG")
SCOTLAND = holiday_calendar("GB-SCT")
CALIFORNIA = holiday_calendar("US-CA")
UNITED_STATES = holiday_calendar("US")
ISRAEL = holiday_calendar("IL")

calendars = st.sampled_from([WEEKENDS_ONLY, ENGLAND, SCOTLAND, CALIFORNIA, ISRAEL])
days = st.dates(min_value=date(1995, 1, 1), max_value=date(2060, 12, 31))
moments = st.datetimes(
    min_value=datetime(1995, 1, 1), max_value=datetime(2060, 12, 31), timezones=st.just(UTC)
)
counts = st.integers(min_value=0, max_value=40)


# Properties


@given(days, st.integers(min_value=1, max_value=40), calendars)
def test_adding_business_days_never_lands_on_a_weekend_or_holiday(start, count, calendar):
    assert calendar.is_business_day(add_business_days(start, count, calendar))


@given(moments, counts, calendars)
def test_a_due_moment_is_never_on_a_weekend_or_holiday(start, count, calendar):
    due = add_business_days(start, count, calendar)
    assert due >= start
    if count:
        assert calendar.is_business_day(due.date())


@given(days, counts, calendars)
def test_counting_undoes_adding_for_dates(start, count, calendar):
    assert count_business_days(start, add_business_days(start, count, calendar), calendar) == count


@given(moments, counts, calendars)
def test_counting_undoes_adding_for_moments(start, count, calendar):
    due = add_business_days(start, count, calendar)
    assert count_business_days(start, due, calendar) == count
    # A minute earlier, the last day has not yet run out (unless that minute is on a day off,
    # when the stopwatch already stood still at its final reading).
    before = due - timedelta(minutes=1)
    if count and calendar.is_business_day(before.date()):
        assert count_business_days(start, before, calendar) == count - 1


@given(days, counts, counts, calendars)
def test_adding_more_days_never_comes_earlier(start, fewer, more, calendar):
    fewer, more = sorted((fewer, more))
    assert add_business_days(start, fewer, calendar) <= add_business_days(start, more, calendar)


@given(moments, st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=60)), calendars)
def test_counting_to_a_later_moment_never_gives_less(start, step, calendar):
    end = start + timedelta(days=20)
    assert count_business_days(start, end, calendar) <= count_business_days(
        start, end + step, calendar
    )


@given(moments, moments, calendars)
def test_counting_is_never_negative(start, end, calendar):
    assert count_business_days(start, end, calendar) >= 0


@given(days, st.integers(min_value=1, max_value=30))
def test_the_weekend_alone_removes_two_days_a_week(start, weeks):
    assert count_business_days(start, start + timedelta(weeks=weeks)) == 5 * weeks


# Fixed examples with real calendars


def test_christmas_2026_in_england_rests_on_the_monday_after():
    # Christmas Day is a Friday, Boxing Day a Saturday: the 28th is the substitute day off.
    christmas_eve = date(2026, 12, 24)  # Thursday
    assert not ENGLAND.is_business_day(date(2026, 12, 25))
    assert not ENGLAND.is_business_day(date(2026, 12, 28))
    assert ENGLAND.holiday_name(date(2026, 12, 28)) == "Boxing Day (observed)"
    assert add_business_days(christmas_eve, 1, ENGLAND) == date(2026, 12, 29)
    assert add_business_days(christmas_eve, 1) == date(2026, 12, 25)  # weekends only


def test_a_request_sent_before_christmas_is_due_after_the_break():
    sent = datetime(2026, 12, 23, 15, 30, tzinfo=LONDON)  # Wednesday afternoon
    # Thursday 24th, then Tuesday 29th and Wednesday 30th.
    assert add_business_days(sent, 3, ENGLAND) == datetime(2026, 12, 30, 15, 30, tzinfo=LONDON)


def test_thanksgiving_2026_does_not_count_in_the_united_states():
    assert UNITED_STATES.holiday_name(date(2026, 11, 26)) == "Thanksgiving Day"
    wednesday = date(2026, 11, 25)
    assert add_business_days(wednesday, 1, UNITED_STATES) == date(2026, 11, 27)
    # California also rests on the day after Thanksgiving.
    assert add_business_days(wednesday, 1, CALIFORNIA) == date(2026, 11, 30)


def test_a_friday_evening_request_is_due_on_wednesday_evening():
    sent = datetime(2026, 3, 6, 19, 0, tzinfo=LONDON)  # Friday
    due = add_business_days(sent, 3, ENGLAND)
    assert due == datetime(2026, 3, 11, 19, 0, tzinfo=LONDON)
    assert count_business_days(sent, datetime(2026, 3, 11, 18, 59, tzinfo=LONDON), ENGLAND) == 2


def test_the_clock_only_starts_on_the_next_business_day():
    saturday = datetime(2026, 3, 7, 10, 0, tzinfo=LONDON)
    assert add_business_days(saturday, 3) == datetime(2026, 3, 12, 0, 0, tzinfo=LONDON)
    good_friday = datetime(2026, 4, 3, 11, 0, tzinfo=LONDON)
    # Easter Monday is a holiday in England too: the clock starts on Tuesday the 7th.
    assert add_business_days(good_friday, 3, ENGLAND) == datetime(2026, 4, 10, 0, 0, tzinfo=LONDON)


def test_seven_business_days_after_a_monday_morning():
    sent = datetime(2026, 6, 1, 9, 15, tzinfo=LONDON)
    assert add_business_days(sent, 7) == datetime(2026, 6, 10, 9, 15, tzinfo=LONDON)


def test_scotland_and_england_differ_on_the_second_of_january():
    # New Year's Day is a Friday; Scotland also rests on the 2nd, a Saturday, so on Monday.
    day = date(2027, 1, 1)
    assert add_business_days(day, 1, ENGLAND) == date(2027, 1, 4)
    assert add_business_days(day, 1, SCOTLAND) == date(2027, 1, 5)


def test_a_country_keeps_its_own_weekend():
    thursday = date(2026, 3, 5)
    assert ISRAEL.weekend == frozenset({4, 5})  # Friday and Saturday
    assert add_business_days(thursday, 1, ISRAEL) == date(2026, 3, 8)  # Sunday
    assert add_business_days(thursday, 1) == date(2026, 3, 6)


def test_counting_dates_excludes_the_first_day_and_includes_the_last():
    monday, friday = date(2026, 3, 2), date(2026, 3, 6)
    assert count_business_days(monday, friday) == 4
    assert count_business_days(friday, monday) == 0
    assert count_business_days(monday, monday) == 0


def test_zero_days_gives_the_start_back_and_negative_is_refused():
    sent = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
    assert add_business_days(sent, 0) == sent
    assert add_business_days(date(2026, 3, 4), 0) == date(2026, 3, 4)
    with pytest.raises(ValueError, match="negative"):
        add_business_days(sent, -1)


def test_counting_a_date_against_a_datetime_is_refused():
    with pytest.raises(TypeError):
        count_business_days(date(2026, 3, 4), datetime(2026, 3, 5, tzinfo=UTC))


def test_moments_in_different_zones_are_compared_in_the_first_ones():
    sent = datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)
    due = datetime(2026, 3, 5, 9, 0, tzinfo=LONDON).astimezone(ZoneInfo("America/New_York"))
    assert count_business_days(sent, due) == 3


def test_is_business_day_reads_a_datetime_by_its_date():
    assert is_business_day(datetime(2026, 12, 25, 10, tzinfo=LONDON), ENGLAND) is False
    assert is_business_day(date(2026, 12, 29), ENGLAND) is True


# Choosing a calendar


@pytest.mark.parametrize(
    ("code", "country", "subdivision"),
    [
        ("", "", ""),
        ("  ", "", ""),
        ("GB", "GB", ""),
        ("gb-sct", "GB", "SCT"),
        ("US-CA", "US", "CA"),
        ("UK", "GB", ""),  # an alias reads as the code it stands for
        ("USA-ca", "US", "CA"),
    ],
)
def test_a_preference_names_a_calendar(code, country, subdivision):
    calendar = holiday_calendar(code)
    assert (calendar.country, calendar.subdivision) == (country, subdivision)
    assert calendar.code == (f"{country}-{subdivision}" if subdivision else country)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("XX", "'XX' is not a country we know public holidays for"),
        ("Germany", "is not a country we know"),
        ("US-ZZ", "US (United States) has no region 'ZZ' that we know; use one of US-AK"),
        ("GB-XYZ", "use one of GB-ENG, GB-NIR, GB-SCT, GB-WLS."),
    ],
)
def test_an_unknown_country_or_region_is_a_clear_error(code, message):
    with pytest.raises(UnknownHolidayCalendar) as caught:
        holiday_calendar(code)
    assert message in caught.value.message
    assert isinstance(caught.value, ValueError)


def test_the_country_list_is_named_sorted_and_carries_regions():
    countries = supported_countries()
    by_code = {country.code: country for country in countries}
    assert by_code["GB"].name == "United Kingdom"
    assert by_code["US"].name == "United States"
    assert ("SCT", "Scotland") in by_code["GB"].subdivisions
    assert ("CA", "California") in by_code["US"].subdivisions
    names = [country.name.casefold() for country in countries]
    assert names == sorted(names)
    assert all(len(country.code) == 2 for country in countries)  # no aliases in a select box
    for country in countries:
        assert holiday_calendar(country.code).country == country.code


def test_a_week_without_working_days_is_refused():
    with pytest.raises(ValueError, match="at least one working day"):
        HolidayCalendar(weekend=frozenset(range(7)))


def test_the_default_calendar_knows_no_holidays():
    assert WEEKENDS_ONLY.holidays_in(2026) == frozenset()
    assert WEEKENDS_ONLY.holiday_name(date(2026, 12, 25)) is None
    assert date(2026, 12, 25) in ENGLAND.holidays_in(2026)
