"""Preferences: the user's defaults for the method (lengths, cues, zone, clock) and who they are."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.db import transaction
from django.utils import timezone

from coffeechat.core import chat_limits as limits
from coffeechat.core.business_days import (
    WEEKENDS_ONLY,
    HolidayCalendar,
    UnknownHolidayCalendar,
    holiday_calendar,
    supported_countries,
)
from coffeechat.core.clock import is_time_zone
from coffeechat.core.fields import FieldError, check_email
from coffeechat.core.text import clean_line
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.chats import MAX_BUFFER_MINUTES, MAX_CHAT_MINUTES
from coffeechat.services.errors import InvalidInput
from coffeechat.store.models import Preferences
from coffeechat.store.owners import Owner

# The limits live in core (core/chat_limits.py); the forms import these names from here.
MIN_CHAT_MINUTES = limits.SHORTEST_CHAT
MAX_WRAPUP_MINUTES = limits.LONGEST_WRAPUP
MAX_EXTEND_MINUTES = limits.LONGEST_EXTENSION
WORDS_PER_MINUTE = (60, 300)
# A language tag such as "en", "en-GB" or "pt-BR"; enough to pick date and number formats.
_LOCALE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# Between a country's name and a region's in the holiday calendar choices.
REGION_DASH = " — "
MAX_NAME = Preferences._meta.get_field("your_name").max_length or 200
# A few lines under a letter: a name, a phone number, a link. Longer is a letter of its own.
MAX_SIGNATURE = 500


@dataclass(frozen=True)
class PreferenceChoices:
    """Everything the preferences page lets a user set."""

    chat_minutes: int
    buffer_minutes: int
    wrapup_minutes: int
    time_zone: str
    locale: str
    clock_format: str
    words_per_minute: int
    holiday_country: str = ""
    # The live chat page: the "+N min" of one tap, and what a phone may do during a chat.
    extend_minutes: int = 5
    vibrate: bool = False
    keep_screen_awake: bool = False
    # Who the user is (see Identity); the page sets them with the rest.
    your_name: str = ""
    your_email: str = ""
    signature: str = ""


@dataclass(frozen=True)
class Identity:
    """Who the user is, for the letters they send: the sender's name and address, a signature."""

    your_name: str = ""
    your_email: str = ""
    signature: str = ""


def _checked_identity(identity: Identity) -> dict:
    your_name = clean_line(identity.your_name)
    if len(your_name) > MAX_NAME:
        raise InvalidInput(f"A name has at most {MAX_NAME} characters.", field="your_name")
    your_email = identity.your_email.strip()
    if your_email:
        try:
            your_email = check_email(your_email)
        except FieldError as error:
            raise InvalidInput(str(error), field="your_email") from None
    lines = identity.signature.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    signature = "\n".join(line.rstrip() for line in lines).strip("\n")
    if len(signature) > MAX_SIGNATURE:
        raise InvalidInput(
            f"A signature has at most {MAX_SIGNATURE} characters: a few lines under a letter.",
            field="signature",
        )
    return {"your_name": your_name, "your_email": your_email, "signature": signature}


def _checked(choices: PreferenceChoices) -> dict:
    if not MIN_CHAT_MINUTES <= choices.chat_minutes <= MAX_CHAT_MINUTES:
        raise InvalidInput(
            f"Choose a chat length between {MIN_CHAT_MINUTES} and {MAX_CHAT_MINUTES} minutes.",
            field="chat_minutes",
        )
    if not 0 <= choices.buffer_minutes <= MAX_BUFFER_MINUTES:
        raise InvalidInput(
            f"Choose a buffer between 0 and {MAX_BUFFER_MINUTES} minutes.", field="buffer_minutes"
        )
    if not 1 <= choices.wrapup_minutes <= MAX_WRAPUP_MINUTES:
        raise InvalidInput(
            f"Choose a wrap-up cue between 1 and {MAX_WRAPUP_MINUTES} minutes before the end.",
            field="wrapup_minutes",
        )
    if choices.wrapup_minutes >= choices.chat_minutes:
        raise InvalidInput(
            "The wrap-up cue must come before the chat ends; make it shorter than the chat.",
            field="wrapup_minutes",
        )
    time_zone = choices.time_zone.strip()
    if not is_time_zone(time_zone):
        raise InvalidInput(
            f"{time_zone!r} is not a time zone; use a name such as Europe/London.",
            field="time_zone",
        )
    locale = choices.locale.strip()
    if not _LOCALE.match(locale) or len(locale) > 16:
        raise InvalidInput(
            f"{locale!r} is not a language tag; use one such as en-GB or fr-FR.", field="locale"
        )
    if choices.clock_format not in Preferences.ClockFormat.values:
        raise InvalidInput("Choose a 12-hour or a 24-hour clock.", field="clock_format")
    low, high = WORDS_PER_MINUTE
    if not low <= choices.words_per_minute <= high:
        raise InvalidInput(
            f"Choose between {low} and {high} words per minute.", field="words_per_minute"
        )
    try:
        country = holiday_calendar(holiday_code(choices.holiday_country)).code
    except UnknownHolidayCalendar as error:
        raise InvalidInput(error.message, field="holiday_country") from None
    if not 1 <= choices.extend_minutes <= MAX_EXTEND_MINUTES:
        raise InvalidInput(
            f"Choose an extension between 1 and {MAX_EXTEND_MINUTES} minutes.",
            field="extend_minutes",
        )
    return {
        "chat_minutes": choices.chat_minutes,
        "buffer_minutes": choices.buffer_minutes,
        "wrapup_minutes": choices.wrapup_minutes,
        "time_zone": time_zone,
        "locale": locale,
        "clock_format": choices.clock_format,
        "words_per_minute": choices.words_per_minute,
        "holiday_country": country,
        "extend_minutes": choices.extend_minutes,
        "vibrate": bool(choices.vibrate),
        "keep_screen_awake": bool(choices.keep_screen_awake),
        **_checked_identity(
            Identity(
                your_name=choices.your_name,
                your_email=choices.your_email,
                signature=choices.signature,
            )
        ),
    }


@transaction.atomic
def update_preferences(owner: Owner, choices: PreferenceChoices) -> Preferences:
    """Replace the owner's preferences with ``choices`` after checking every range."""
    fields = _checked(choices)
    preferences = ensure_preferences(owner)
    for name, value in fields.items():
        setattr(preferences, name, value)
    if preferences.identity_asked_at is None and any(
        fields[name] for name in ("your_name", "your_email", "signature")
    ):
        # Told on this page already, so the question after signing in would ask it again.
        preferences.identity_asked_at = timezone.now()
    preferences.save()
    return preferences


def identity_asked(owner: Owner) -> bool:
    """Whether the user has been asked who they are (and answered or skipped it)."""
    return ensure_preferences(owner).identity_asked_at is not None


@transaction.atomic
def save_identity(owner: Owner, identity: Identity, now: datetime | None = None) -> Preferences:
    """Keep who the user is, checked (one email address, a short signature); it counts as asked."""
    fields = _checked_identity(identity)
    preferences = ensure_preferences(owner)
    for name, value in fields.items():
        setattr(preferences, name, value)
    preferences.identity_asked_at = preferences.identity_asked_at or now or timezone.now()
    preferences.save(update_fields=[*fields, "identity_asked_at"])
    return preferences


def skip_identity(owner: Owner, now: datetime | None = None) -> Preferences:
    """Record that the user chose not to say who they are now, so they are not asked again."""
    preferences = ensure_preferences(owner)
    if preferences.identity_asked_at is None:
        preferences.identity_asked_at = now or timezone.now()
        preferences.save(update_fields=["identity_asked_at"])
    return preferences


@cache
def holiday_choices() -> tuple[tuple[str, str], ...]:
    """Every public-holiday calendar as (code, name): countries, then each of their regions.

    ``("US-CA", "United States — California")``; the preferences page offers them as
    suggestions, and a name typed in full is understood as its code.
    """
    choices: list[tuple[str, str]] = []
    for country in supported_countries():
        choices.append((country.code, country.name))
        choices += [
            (f"{country.code}-{code}", f"{country.name}{REGION_DASH}{name}")
            for code, name in country.subdivisions
        ]
    return tuple(choices)


@cache
def _codes_by_name() -> dict[str, str]:
    return {name.casefold(): code for code, name in holiday_choices()}


def holiday_code(text: str) -> str:
    """A holiday calendar's code from what the user typed: a code, or a name from the list."""
    text = " ".join(text.split())
    # "United States - California" reads the same as the list's long dash.
    named = _codes_by_name().get(text.replace(" - ", REGION_DASH).casefold())
    return named or text


def calendar_of(preferences: Preferences) -> HolidayCalendar:
    """The business-day calendar of stored preferences; an unknown code counts weekends only.

    The form refuses unknown codes, but a code saved before that check (or a region the holidays
    library later dropped) must not break every page that counts business days.
    """
    try:
        return holiday_calendar(preferences.holiday_country or "")
    except UnknownHolidayCalendar:
        return WEEKENDS_ONLY


def holiday_calendar_for(owner: Owner) -> HolidayCalendar:
    """The owner's business-day calendar, from the holiday country in their preferences."""
    return calendar_of(ensure_preferences(owner))
