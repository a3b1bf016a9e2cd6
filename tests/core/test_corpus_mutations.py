"""Real files with one line damaged: the parsers answer or refuse plainly, and keep the rest.

Each example takes a real file (tests/corpus, and the shared corpus when it is checked out
beside this one), damages one content line in one of the ways exporters and hand edits do (the
line removed, a space added after its colon, its value cut short, the line repeated) and reads
the result. Whatever the damage, a parser answers or raises its own "unreadable" error; and
every card or event whose lines were not touched still comes in as before.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from coffeechat.core.calendar import Span
from coffeechat.core.ics import BusyEvent, CalendarUnreadable, read_busy
from coffeechat.core.parsers import ParseError, parse_vcard
from tests.shared_corpus import shared_files

ROOT = Path(__file__).resolve().parents[1] / "corpus"
ZONE = ZoneInfo("Europe/Berlin")
PER_EVENT = "per-event tolerance, issue 17 point 1"
# The same examples on every run (a strict xfail must fail every time), none stored on disk.
# A failing example is not shrunk: the strict xfails below fail by design, and shrinking one
# would read the calendar hundreds of times over.
EXAMPLES = settings(
    max_examples=60,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def found(*folders: Path, suffix: str) -> list[Path]:
    return sorted(path for folder in folders if folder.is_dir() for path in folder.glob(suffix))


VCARDS = [
    *found(ROOT / "contacts", suffix="*.vcf"),
    *shared_files("vcards", pattern="*.vcf"),
    *shared_files("more", "vcards", pattern="*.vcf"),
]
# Germany.ics holds 159 events over many years: slow to expand for every example.
CALENDARS = [
    path
    for path in [
        *found(ROOT / "calendars", suffix="*.ics"),
        *shared_files("calendars", pattern="*.ics"),
        *shared_files("more", "calendars", pattern="*.ics"),
    ]
    if path.name != "Germany.ics"
]


# Damage done to one physical line; the line keeps its own line end.


def _body(line: bytes) -> tuple[bytes, bytes]:
    body = line.rstrip(b"\r\n")
    return body, line[len(body) :]


def removed(lines: list[bytes], index: int, cut: int) -> list[bytes]:
    return lines[:index] + lines[index + 1 :]


def spaced(lines: list[bytes], index: int, cut: int) -> list[bytes]:
    return [*lines[:index], lines[index].replace(b":", b": ", 1), *lines[index + 1 :]]


def truncated(lines: list[bytes], index: int, cut: int) -> list[bytes]:
    body, end = _body(lines[index])
    value = body.index(b":") + 1
    keep = value + cut % max(1, len(body) - value)
    return [*lines[:index], body[:keep] + end, *lines[index + 1 :]]


def repeated(lines: list[bytes], index: int, cut: int) -> list[bytes]:
    return lines[: index + 1] + lines[index:]


Damage = Callable[[list[bytes], int, int], list[bytes]]
DAMAGES: dict[str, Damage] = {
    "a line removed": removed,
    "a space after the colon": spaced,
    "a value cut short": truncated,
    "a line repeated": repeated,
}
NEEDS_A_VALUE = {"a space after the colon", "a value cut short"}


def damageable(line: bytes, damage: str, *, structure: bool) -> bool:
    """Whether ``damage`` applies to ``line``; BEGIN/END lines only when ``structure``."""
    body, _end = _body(line)
    if not body.strip():
        return False
    if not structure and body.lstrip().upper().startswith((b"BEGIN:", b"END:")):
        return False
    if damage in NEEDS_A_VALUE:
        return b":" in body and not body.endswith(b":")
    return True


@dataclass(frozen=True)
class Damaged:
    path: Path
    index: int  # the damaged line, counted from 0 in the original
    data: bytes


def damaged(paths: list[Path], damage: str, *, structure: bool) -> st.SearchStrategy[Damaged]:
    """A file from ``paths`` with ``damage`` done to one of its lines."""

    @st.composite
    def build(draw: st.DrawFn) -> Damaged:
        path = draw(st.sampled_from(paths))
        lines = path.read_bytes().splitlines(keepends=True)
        candidates = [
            i for i, line in enumerate(lines) if damageable(line, damage, structure=structure)
        ]
        index = draw(st.sampled_from(candidates))
        cut = draw(st.integers(min_value=0, max_value=10_000))
        return Damaged(path, index, b"".join(DAMAGES[damage](lines, index, cut)))

    return build()


def marked(damages: dict[str, str]) -> list[object]:
    """Every damage as a parameter, those in ``damages`` marked xfail with their reason."""
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=False, reason=damages[name]))
        if name in damages
        else name
        for name in DAMAGES
    ]


# vCards


def component_ranges(lines: list[bytes], name: bytes) -> list[tuple[int, int]]:
    """The (first, last) line of each ``name`` component, BEGIN to END, as the parsers pair them."""
    ranges: list[tuple[int, int]] = []
    start: int | None = None
    for index, line in enumerate(lines):
        word = b"".join(line.split()).upper()
        if word == b"BEGIN:" + name:
            start = index
        elif word == b"END:" + name and start is not None:
            ranges.append((start, index))
            start = None
    return ranges


def card_ranges(lines: list[bytes]) -> list[tuple[int, int]]:
    return component_ranges(lines, b"VCARD")


@cache
def card_names(path: Path) -> tuple[str | None, ...]:
    """Each card's name in file order; None for a card left out on purpose (a group card)."""
    result = parse_vcard(path.read_bytes())
    assert all("contact group" in skip.reason for skip in result.skipped), (
        f"{path.name} is read whole before any damage"
    )
    by_line: dict[int, str | None] = {record.line: record.name for record in result.records}
    by_line.update((skip.line, None) for skip in result.skipped)
    return tuple(by_line[line] for line in sorted(by_line))


@pytest.mark.parametrize("damage", list(DAMAGES))
@EXAMPLES
@given(data=st.data())
def test_a_damaged_vcard_keeps_every_card_it_did_not_touch(damage, data):
    case = data.draw(damaged(VCARDS, damage, structure=True))
    try:
        result = parse_vcard(case.data)
    except ParseError as error:
        assert str(error)
        return
    lines = case.path.read_bytes().splitlines(keepends=True)
    names = card_names(case.path)
    ranges = card_ranges(lines)
    assert len(ranges) == len(names)
    untouched = Counter(
        name
        for name, (first, last) in zip(names, ranges, strict=True)
        if name is not None and not first <= case.index <= last
    )
    assert untouched <= Counter(record.name for record in result.records)
    assert all(record.name for record in result.records)


# Calendars


START = re.compile(rb"^DTSTART[^:]*:\s*(\d{8})")


@cache
def window(path: Path) -> Span:
    """A year from the file's first event start (not a VTIMEZONE's), a day before it to spare."""
    days: list[datetime] = []
    depth = 0
    for line in path.read_bytes().splitlines():
        word = b"".join(line.split()).upper()
        depth += (word == b"BEGIN:VEVENT") - (word == b"END:VEVENT")
        match = START.match(line)
        if depth > 0 and match:
            days.append(datetime.strptime(match[1].decode(), "%Y%m%d").replace(tzinfo=UTC))
    first = min(days) if days else datetime(2020, 1, 1, tzinfo=UTC)
    return Span(first - timedelta(days=1), first + timedelta(days=366))


def read(data: bytes, path: Path) -> list[BusyEvent]:
    return read_busy(data, window(path), ZONE)


@cache
def blocks(path: Path) -> tuple[BusyEvent, ...] | None:
    """The file's busy blocks before any damage; None when today's reader refuses it whole."""
    try:
        return tuple(read(path.read_bytes(), path))
    except CalendarUnreadable:
        return None


def event_uids(path: Path) -> list[tuple[int, int, str]]:
    """(first, last, UID) of each VEVENT, in file order."""
    ranges = component_ranges(path.read_bytes().splitlines(), b"VEVENT")
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    uids = [str(event.get("UID", "")).strip() for event in calendar.walk("VEVENT")]
    assert len(uids) == len(ranges)
    return [(first, last, uid) for (first, last), uid in zip(ranges, uids, strict=True)]


# Only our own files, so that what this test finds does not depend on the shared corpus.
READ_TODAY = [
    path for path in found(ROOT / "calendars", suffix="*.ics") if blocks(path) is not None
]


@pytest.mark.parametrize("damage", list(DAMAGES))
@EXAMPLES
@given(data=st.data())
def test_a_damaged_calendar_is_read_or_refused_plainly(damage, data):
    case = data.draw(damaged(CALENDARS, damage, structure=True))
    try:
        events = read(case.data, case.path)
    except CalendarUnreadable as error:
        assert str(error)
    else:
        assert all(event.starts_at < event.ends_at for event in events)


# One damaged line costs the event it is in, no other.
@pytest.mark.parametrize("damage", list(DAMAGES))
@settings(EXAMPLES, max_examples=120)
@given(data=st.data())
def test_a_damaged_calendar_keeps_the_blocks_of_every_event_it_did_not_touch(damage, data):
    case = data.draw(damaged(READ_TODAY, damage, structure=False))
    before = blocks(case.path)
    assert before is not None
    touched = {uid for first, last, uid in event_uids(case.path) if first <= case.index <= last}
    inside = any(first <= case.index <= last for first, last, _uid in event_uids(case.path))
    # A line outside every event (a VTIMEZONE, the header) may bear on all of them.
    kept = {event for event in before if event.uid not in touched} if inside else set()
    try:
        events = read(case.data, case.path)
    except CalendarUnreadable:
        # Refusing the file is fair only when the damage may bear on every busy block.
        assert not kept
    else:
        assert kept <= set(events)


def test_the_mutations_reach_several_producers():
    assert len(VCARDS) >= 5
    assert len(READ_TODAY) >= 12
    google = window(ROOT / "calendars" / "google-event-with-alarms.ics")
    assert google.starts_at.date() == date(2024, 10, 3)
