"""Reading the capture typed where a chat ends: the steps agreed, and the names suggested.

Each line is read on its own and shown back to the user as it was read, so a line read the
wrong way is seen and fixed; nothing here guesses wildly. A step's due words are read into a
date only when they say one plainly ("Friday", "by 10 Dec", "in 2 weeks"); anything else is kept
as typed, with no date, so the draft can still repeat it and the page can say it was not read.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from coffeechat.core.text import clean_line, first_name, fold

__all__ = [
    "AgreedStep",
    "SuggestedName",
    "capture_lines",
    "read_agreed",
    "read_due",
    "read_suggested",
    "step_words",
]

# A due phrase longer than this is not a due phrase (NextStep.due_text holds 100 characters).
DUE_TEXT_MAX = 100


@dataclass(frozen=True)
class AgreedStep:
    """One step agreed in the chat, as read from one line of the capture."""

    side: str  # "me" or "them"
    text: str  # the step, without its side marker and its due words
    due_on: date | None  # None when no due words, or when they could not be read
    due_text: str  # the due words as typed ("Friday", "by 10 Dec"); "" when none


@dataclass(frozen=True)
class SuggestedName:
    """Someone they suggested talking to, as read from one line of the capture."""

    name: str
    organisation: str  # "" when not given ("Tom Lee at Acme" -> "Tom Lee", "Acme")


_BULLET = re.compile(r"^(?:[-*•‣◦–—+]+|\(?\d{1,3}[.)])\s*")

_WEEKDAYS = {
    "monday": 0, "mon": 0,
    "tuesday": 1, "tue": 1, "tues": 1,
    "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip
_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_COUNTS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "a couple of": 2, "couple of": 2,
}  # fmt: skip

_WEEKDAY = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_COUNT = r"\d{1,3}|" + "|".join(sorted(_COUNTS, key=len, reverse=True))
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?"

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_MONTH = re.compile(
    rf"(?:(?:{_WEEKDAY}),?\s+)?(?:the\s+)?{_ORDINAL}(?:\s+of)?\s+({_MONTH})\.?(?:,?\s+(\d{{4}}))?"
)
_MONTH_DAY = re.compile(
    rf"(?:(?:{_WEEKDAY}),?\s+)?({_MONTH})\.?\s+(?:the\s+)?{_ORDINAL}(?:,?\s+(\d{{4}}))?"
)
_DAY_OF_MONTH = re.compile(r"(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)")
_ON_WEEKDAY = re.compile(rf"(?:(?:next|this|coming|the)\s+)?({_WEEKDAY})")
_IN_COUNT = re.compile(rf"(?:in\s+)?({_COUNT})\s+(day|week|month|year)s?(?:\s+time)?")
_END_OF = re.compile(r"(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(next\s+)?(week|month|year)")
_END_OF_MONTH_NAME = re.compile(rf"(?:the\s+)?end\s+of\s+({_MONTH})")
_NEXT = re.compile(r"(?:(next|this|the)\s+)?(week|month|weekend)")

# Words that start a due phrase; the ones in _LOOSE also keep a phrase they cannot read, when it
# sounds like a time ("by the end of Q1"), while "in" and "on" need a date they can read ("in
# Figma", "on the call" are not due words).
_MARKERS = ("by", "on", "before", "until", "till", "due", "in")
_LOOSE = ("by", "before", "until", "till", "due")
_TIMEISH = re.compile(
    rf"\b(?:{_WEEKDAY}|{_MONTH}|today|tonight|tomorrow|week|weekend|month|year|end|eod|eow|"
    r"morning|afternoon|evening|q[1-4]|quarter|christmas|holidays?|summer|spring|autumn|"
    r"winter)\b|\d"
)


def _normalise(words: str) -> str:
    phrase = clean_line(words).casefold().replace("’", "'")
    return phrase.rstrip(".,;:!?")


def _without_markers(phrase: str) -> str:
    parts = phrase.split(" ")
    while len(parts) > 1 and parts[0] in _MARKERS:
        parts = parts[1:]
    return " ".join(parts)


def _next_weekday(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _next_day_month(today: date, month: int, day: int) -> date | None:
    """The next ``day month`` on or after today; 29 Feb waits for a leap year."""
    for year in range(today.year, today.year + 9):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def _day_month(today: date, day: str, month: str, year: str | None) -> date | None:
    if year is None:
        return _next_day_month(today, _MONTHS[month], int(day))
    try:
        return date(int(year), _MONTHS[month], int(day))
    except ValueError:
        return None


def _parse(phrase: str, today: date) -> date | None:
    """The day a normalised phrase names, past or not; None when it names no day plainly."""
    simple = {
        "today": 0,
        "tonight": 0,
        "eod": 0,
        "end of day": 0,
        "end of today": 0,
        "tomorrow": 1,
        "the day after tomorrow": 2,
        "a fortnight": 14,
        "a fortnight's time": 14,
    }
    if phrase in simple:
        return today + timedelta(days=simple[phrase])
    if phrase == "eow":
        return _end_of(today, "week", ahead=False)
    if match := _ISO.fullmatch(phrase):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    if match := _DAY_MONTH.fullmatch(phrase):
        return _day_month(today, match[1], match[2], match[3])
    if match := _MONTH_DAY.fullmatch(phrase):
        return _day_month(today, match[2], match[1], match[3])
    if match := _ON_WEEKDAY.fullmatch(phrase):
        return _next_weekday(today, _WEEKDAYS[match[1]])
    if match := _END_OF_MONTH_NAME.fullmatch(phrase):
        first = _next_day_month(today, _MONTHS[match[1]], 1) or today
        month_end = _month_end(today.year, _MONTHS[match[1]])
        return month_end if month_end >= today else _month_end(first.year, first.month)
    if match := _END_OF.fullmatch(phrase):
        return _end_of(today, match[2], ahead=bool(match[1]))
    if match := _NEXT.fullmatch(phrase):
        if match[2] == "weekend":
            saturday = today + timedelta(days=(5 - today.weekday()) % 7)
            if today.weekday() == 6:
                saturday = today
            return saturday + timedelta(days=7) if match[1] == "next" else saturday
        if match[1] is None:
            return None
        return _end_of(today, match[2], ahead=match[1] == "next")
    if match := _IN_COUNT.fullmatch(phrase):
        count = int(match[1]) if match[1].isdigit() else _COUNTS[match[1]]
        unit = match[2]
        if unit == "day":
            return today + timedelta(days=count)
        if unit == "week":
            return today + timedelta(weeks=count)
        return _add_months(today, count * (12 if unit == "year" else 1))
    if match := _DAY_OF_MONTH.fullmatch(phrase):
        wanted = int(match[1])
        for step in range(12):
            month = _add_months(today.replace(day=1), step)
            if wanted <= calendar.monthrange(month.year, month.month)[1]:
                candidate = month.replace(day=wanted)
                if candidate >= today:
                    return candidate
        return None
    return None


def _end_of(today: date, unit: str, *, ahead: bool) -> date:
    """The last working day of this or next week; the last day of this or next month, or year."""
    if unit == "week":
        friday = today + timedelta(days=4 - today.weekday())
        if friday < today:
            friday += timedelta(days=7)
        return friday + timedelta(days=7) if ahead else friday
    if unit == "month":
        month = _add_months(today.replace(day=1), 1 if ahead else 0)
        return _month_end(month.year, month.month)
    return date(today.year + (1 if ahead else 0), 12, 31)


def read_due(words: str, *, today: date) -> date | None:
    """The day due words name ("Friday", "by 10 Dec", "in 2 weeks"), never before ``today``.

    Weekday names mean the next such day after today; a day and month without a year, the next
    one on or after today; "next week" and "end of the week" its Friday. None when the words do
    not plainly name a day, or name one already past.
    """
    phrase = _without_markers(_normalise(words))
    if not phrase or len(phrase) > DUE_TEXT_MAX:
        return None
    try:
        day = _parse(phrase, today)
    except (ValueError, OverflowError):
        return None
    return day if day is not None and day >= today else None


def _split_due(line: str, today: date) -> tuple[str, str, date | None]:
    """A step line split into its text and its trailing due words: (text, due_text, due_on)."""
    words = line.split(" ")
    found: int | None = None
    for start in range(1, len(words)):
        suffix = " ".join(words[start:])
        if len(suffix) > DUE_TEXT_MAX:
            continue
        phrase = _without_markers(_normalise(suffix))
        try:
            named = _parse(phrase, today)
        except (ValueError, OverflowError):
            named = None
        if named is not None:
            found = start
            break
    if found is None:
        # Unread due words: the shortest trailing "by ..." that sounds like a time.
        for start in range(len(words) - 1, 0, -1):
            suffix = " ".join(words[start:])
            if len(suffix) > DUE_TEXT_MAX:
                break
            if words[start].casefold() in _LOOSE and _TIMEISH.search(suffix.casefold()):
                found = start
                break
    if found is None:
        return line, "", None
    due_text = " ".join(words[found:]).rstrip(".,;:!?")
    text = " ".join(words[:found]).rstrip(" ,;:-–—")
    if not text:
        return line, "", None
    return text, due_text, read_due(due_text, today=today)


def capture_lines(text: str) -> list[str]:
    """The capture's non-blank lines, bullets and numbering removed, spacing cleaned."""
    lines = []
    for raw in text.splitlines():
        line = clean_line(_BULLET.sub("", raw.strip()))
        if line:
            lines.append(line)
    return lines


_MODAL_TAIL = (
    r"(?:(?:'ll|'d)\s+|'ve\s+(?:got\s+to\s+)?|'m\s+(?!going\s+to\b|gonna\b)|"
    r"(?:'m|'s|'re|\s+am|\s+is|\s+are)\s+(?:going\s+to|gonna)\s+|"
    r"\s+(?:will|would|shall|can|could|should|must|may|might)\s+"
    r"(?:(?:try|need|have|want|offered|promised|agreed)\s+to\s+)?|"
    r"\s+(?:offered|offers|promised|promises|agreed|agrees|need|needs|have|has|want|wants|"
    r"plan|plans|intend|intends)\s+to\s+|"
    r"\s+to\s+|\s+)"
)
_LABEL = r"(?:me|mine|my\s+side|them|theirs|their\s+side)"
_MINE_LABELS = ("me", "mine", "my side")


def _side_and_rest(line: str, their_first: str) -> tuple[str, str]:
    """Whose step a line is, and the line without the words that said so."""
    plain = line.replace("’", "'")
    side = ""
    label = re.match(rf"({_LABEL}|{re.escape(their_first) or '(?!)'})\s*:\s*", plain, re.IGNORECASE)
    if label and plain[label.end() :]:
        side = "me" if clean_line(label[1]).casefold() in _MINE_LABELS else "them"
        plain = plain[label.end() :]
    if side in ("", "me"):
        mine = re.match(rf"i{_MODAL_TAIL}", plain, re.IGNORECASE)
        if mine and plain[mine.end() :]:
            return "me", plain[mine.end() :]
    if side in ("", "them"):
        subjects = "they|she|he" + (f"|{re.escape(their_first)}" if their_first else "")
        theirs = re.match(rf"(?:{subjects}){_MODAL_TAIL}", plain, re.IGNORECASE)
        if theirs and plain[theirs.end() :]:
            return "them", plain[theirs.end() :]
    return side or "me", plain


def step_words(text: str, their_name: str = "") -> str:
    """A step as written without the words that said whose it is ("I'll", "She will", "me:")."""
    line = clean_line(text)
    return clean_line(_side_and_rest(line, first_name(clean_line(their_name)))[1]) or line


def read_agreed(text: str, *, today: date, their_name: str = "") -> list[AgreedStep]:
    """The steps agreed, one a line: whose each is (mine unless it says theirs) and when it is due.

    Lines that start with I, I'll, I will, I'm, "me:", "mine:" are mine; "they", "she", "he",
    "them:", "theirs:" or their first name make a line theirs; any other line is mine.
    """
    their_first = first_name(clean_line(their_name))
    steps = []
    for line in capture_lines(text):
        side, rest = _side_and_rest(line, their_first)
        step_text, due_text, due_on = _split_due(clean_line(rest) or line, today)
        steps.append(AgreedStep(side=side, text=step_text, due_on=due_on, due_text=due_text))
    return steps


_ORGANISATION = re.compile(
    r"^(.+?)\s+(?:at|from|@)\s+(.+)$|^(.+?)\s*\((.+)\)$|^(.+?),\s*(.+)$", re.I
)


def read_suggested(text: str) -> list[SuggestedName]:
    """The names they suggested, one a line, each with an organisation after "at" if given.

    "Tom Lee at Acme", "Tom Lee (Acme)" and "Tom Lee, Acme" all read as Tom Lee of Acme; a name
    given twice is kept once.
    """
    names: list[SuggestedName] = []
    seen: set[str] = set()
    for line in capture_lines(text):
        match = _ORGANISATION.match(line)
        if match:
            name, organisation = next(
                (match[i], match[i + 1]) for i in (1, 3, 5) if match[i] is not None
            )
        else:
            name, organisation = line, ""
        name = clean_line(name).strip(" ,;:-–—")
        organisation = clean_line(organisation).strip(" ,;:-–—.")
        if not name:
            name, organisation = line, ""
        key = fold(name)
        if key in seen:
            continue
        seen.add(key)
        names.append(SuggestedName(name=name, organisation=organisation))
    return names
