"""Business days: counting time that only runs on working days, skipping weekends and holidays.

A waiting period of N business days works like a stopwatch that runs only on business days.
"3 business days after sending" is the moment that stopwatch has run for three whole days:

- sent on Monday at 10:00, it is due on Thursday at 10:00 (the same time of day);
- sent on Friday at 19:00, it is due on Wednesday at 19:00 (the weekend does not run);
- sent on a Saturday, a Sunday or a public holiday, the stopwatch starts at the beginning of the
  next business day, so it is due at the start (00:00) of the third business day after that one;
  sent on Saturday, due first thing on Thursday.

Nothing is ever due on a weekend or a holiday: when a due moment would fall at midnight on a
day that does not count, it moves to the start of the next business day. Days are local: pass
datetimes in the user's time zone, since their date decides which day it is.

Public holidays come from the ``holidays`` library, by country (``"GB"``) and optionally a
region (``"US-CA"``, ``"GB-SCT"``), with the days it moves a holiday to when it falls on a weekend
(Christmas 2026 is on a Friday and Boxing Day on a Saturday, so England rests on Monday the 28th).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from typing import overload

import holidays

SATURDAY, SUNDAY = 5, 6
WEEKEND = frozenset({SATURDAY, SUNDAY})
ONE_DAY = timedelta(days=1)


class UnknownHolidayCalendar(ValueError):
    """A country or region code the holidays library has no calendar for."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class HolidayCalendar:
    """Which days do not count: the weekend and, for a country, its public holidays.

    Build one from a preference with :func:`holiday_calendar`; the default counts Monday to
    Friday and knows no holidays.
    """

    country: str = ""  # a code the holidays library knows, such as "GB"; "" for none
    subdivision: str = ""  # a region of that country, such as "SCT"; "" for the whole country
    weekend: frozenset[int] = field(default=WEEKEND)  # weekday numbers, Monday is 0

    def __post_init__(self) -> None:
        # A week with no working day would make every search for the next one endless.
        if len(self.weekend) >= 7:
            raise ValueError("a week needs at least one working day")

    @property
    def code(self) -> str:
        """The preference string this calendar stands for: ``""``, ``"GB"`` or ``"US-CA"``."""
        if not self.country:
            return ""
        return f"{self.country}-{self.subdivision}" if self.subdivision else self.country

    def holidays_in(self, year: int) -> frozenset[date]:
        """The public holidays (observed days included) of one year."""
        if not self.country:
            return frozenset()
        return _year(self.country, self.subdivision, year)[0]

    def holiday_name(self, day: date) -> str | None:
        """The name of the holiday on ``day`` (``"Boxing Day (observed)"``), or None."""
        if not self.country:
            return None
        return _year(self.country, self.subdivision, day.year)[2].get(day)

    def is_business_day(self, day: date) -> bool:
        """True when ``day`` counts: not a weekend day (unless made a working day), no holiday."""
        if isinstance(day, datetime):
            day = day.date()
        if self.country:
            held, worked, _ = _year(self.country, self.subdivision, day.year)
            if day in worked:
                # Some countries move a working day onto a weekend around a long holiday.
                return True
            if day in held:
                return False
        return day.weekday() not in self.weekend


WEEKENDS_ONLY = HolidayCalendar()


@dataclass(frozen=True)
class Country:
    """A country the holidays library knows, for a select box: its code, name and regions."""

    code: str
    name: str
    subdivisions: tuple[tuple[str, str], ...]  # (code, name) pairs; the name may be the code


def holiday_calendar(code: str) -> HolidayCalendar:
    """The calendar for a preference such as ``"GB"``, ``"us-ca"`` or ``""`` (weekends only).

    Raises UnknownHolidayCalendar, with a sentence a form can show, for a country or region
    the holidays library does not know.
    """
    text = code.strip()
    if not text:
        return WEEKENDS_ONLY
    country, _, region = text.partition("-")
    country = country.strip().upper()
    known = _supported()
    if country not in known:
        raise UnknownHolidayCalendar(
            f"{text!r} is not a country we know public holidays for; use a code such as "
            "GB, US or US-CA."
        )
    # Aliases (UK, USA, GBR) name the same calendar; keep the one code it answers to.
    country = getattr(getattr(holidays, country, None), "country", None) or country
    subdivision = ""
    if region.strip():
        regions = {sub.casefold(): sub for sub in known[country]}
        subdivision = regions.get(region.strip().casefold(), "")
        if not subdivision:
            raise UnknownHolidayCalendar(_unknown_region(region.strip(), country, known[country]))
    return HolidayCalendar(country, subdivision, _weekend(country))


def supported_countries() -> list[Country]:
    """Every country with a public-holiday calendar, by name, with its regions."""
    countries = [
        Country(code, name, _regions(code, _supported()[code]))
        for code, name in _country_names().items()
        if code in _supported()
    ]
    return sorted(countries, key=lambda country: country.name.casefold())


@overload
def add_business_days(start: datetime, count: int, calendar: HolidayCalendar = ...) -> datetime: ...
@overload
def add_business_days(start: date, count: int, calendar: HolidayCalendar = ...) -> date: ...
def add_business_days(
    start: date | datetime, count: int, calendar: HolidayCalendar = WEEKENDS_ONLY
) -> date | datetime:
    """``count`` business days after ``start`` (see the module's note for what that means).

    For a date: the ``count``-th business day after it; the day itself does not count, and
    zero gives the day back. For a datetime: when a stopwatch started at ``start`` and running
    only on business days reaches ``count`` days, in ``start``'s time zone.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    if not isinstance(start, datetime):
        return _nth_business_day_after(start, count, calendar)
    begin = _running_from(start, calendar)
    day = _nth_business_day_after(begin.date(), count, calendar)
    return datetime.combine(day, begin.timetz())


def count_business_days(
    start: date | datetime, end: date | datetime, calendar: HolidayCalendar = WEEKENDS_ONLY
) -> int:
    """Whole business days from ``start`` to ``end``; zero when ``end`` is not after ``start``.

    For dates: the business days after ``start`` up to and including ``end``. For datetimes:
    whole days on the business-day stopwatch, so ``count_business_days(t, add_business_days(t,
    n)) == n``. Both must be dates or both datetimes.
    """
    if isinstance(start, datetime) != isinstance(end, datetime):
        raise TypeError("compare two dates or two datetimes, not one of each")
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        return sum(1 for day in _days_after(start, end) if calendar.is_business_day(day))
    if start.tzinfo is not None and end.tzinfo is not None:
        end = end.astimezone(start.tzinfo)
    if end <= start:
        return 0
    begin, finish = _running_from(start, calendar), _running_from(end, calendar)
    days = _business_days_between(begin.date(), finish.date(), calendar)
    # The last day only completes once the stopwatch passes the time of day it started at.
    if finish.time() < begin.time():
        days -= 1
    return max(days, 0)


def is_business_day(day: date, calendar: HolidayCalendar = WEEKENDS_ONLY) -> bool:
    """True when ``day`` is neither a weekend day nor a public holiday of ``calendar``."""
    return calendar.is_business_day(day)


def _running_from(moment: datetime, calendar: HolidayCalendar) -> datetime:
    """``moment``, or the start of the next business day when it falls on a day off."""
    if calendar.is_business_day(moment.date()):
        return moment
    day = moment.date() + ONE_DAY
    while not calendar.is_business_day(day):
        day += ONE_DAY
    return datetime.combine(day, time(0), tzinfo=moment.tzinfo)


# Pages work out the timers of hundreds of requests sent over the same few weeks: the same days
# asked again and again. The answers never change (a calendar is a frozen value), so keep them.
@lru_cache(maxsize=8192)
def _nth_business_day_after(day: date, count: int, calendar: HolidayCalendar) -> date:
    while count:
        day += ONE_DAY
        if calendar.is_business_day(day):
            count -= 1
    return day


@lru_cache(maxsize=8192)
def _business_days_between(start: date, end: date, calendar: HolidayCalendar) -> int:
    """The business days after ``start`` up to and including ``end``."""
    return sum(1 for day in _days_after(start, end) if calendar.is_business_day(day))


def _days_after(start: date, end: date) -> Iterator[date]:
    day = start + ONE_DAY
    while day <= end:
        yield day
        day += ONE_DAY


# The holidays library computes a country's year on demand; keep each year as plain frozen
# sets so repeated questions are cheap and nothing mutable is shared between threads.
@lru_cache(maxsize=256)
def _year(
    country: str, subdivision: str, year: int
) -> tuple[frozenset[date], frozenset[date], dict[date, str]]:
    calendar = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    held = {day: name for day, name in calendar.items() if day.year == year}
    worked = frozenset(getattr(calendar, "weekend_workdays", ()) or ())
    return frozenset(held), worked, held


@cache
def _supported() -> dict[str, list[str]]:
    return holidays.list_supported_countries(include_aliases=True)


@cache
def _weekend(country: str) -> frozenset[int]:
    weekend = getattr(holidays.country_holidays(country), "weekend", None)
    return frozenset(weekend) if weekend else WEEKEND


# Module names of the holidays library read as English names once underscores become spaces;
# these few read better spelled out by hand.
_NAMES = {
    "dr_congo": "DR Congo",
    "guinea_bissau": "Guinea-Bissau",
    "timor_leste": "Timor-Leste",
}
_SMALL_WORDS = {"and", "of", "the", "da"}


@cache
def _country_names() -> dict[str, str]:
    from holidays.registry import COUNTRIES

    names: dict[str, str] = {}
    for module, entry in COUNTRIES.items():
        words = module.split("_")
        spelled = " ".join(
            word if index and word in _SMALL_WORDS else word.capitalize()
            for index, word in enumerate(words)
        )
        names[entry[1]] = _NAMES.get(module, spelled)
    return names


_CODE_LIKE = re.compile(r"[A-Z0-9]{1,3}")


def _regions(country: str, codes: list[str]) -> tuple[tuple[str, str], ...]:
    aliases = getattr(getattr(holidays, country, None), "subdivisions_aliases", None) or {}
    named: dict[str, str] = {}
    for alias, code in aliases.items():
        # Aliases mix names ("Scotland") with other codes ("GP"); the first name wins.
        if code not in named and not _CODE_LIKE.fullmatch(alias):
            named[code] = alias
    return tuple((code, named.get(code, code)) for code in codes)


def _unknown_region(region: str, country: str, codes: list[str]) -> str:
    name = f"{country} ({_country_names().get(country, country)})"
    if not codes:
        return f"We know no regions of {name}; use {country} on its own."
    shown = ", ".join(f"{country}-{code}" for code in codes[:6])
    more = f" and {len(codes) - 6} more" if len(codes) > 6 else ""
    return f"{name} has no region {region!r} that we know; use one of {shown}{more}."
