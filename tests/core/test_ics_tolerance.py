"""Reading a calendar event by event (core.ics): one odd event or line costs that event only."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from coffeechat.core.calendar import Span
from coffeechat.core.ics import CalendarUnreadable, counts_as_busy, import_summary, read_busy
from tests.shared_corpus import shared

WINDOW = Span(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 9, 1, tzinfo=UTC))
ZONE = ZoneInfo("UTC")
GOOD = ["UID:good", "SUMMARY:Good", "DTSTART:20260302T100000Z", "DTEND:20260302T110000Z"]
BAD = ["UID:bad", "SUMMARY:Bad", "DTSTART:2026XX02T100000Z", "DTEND:20260302T110000Z"]
CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "calendars"
# What a message must never show: library class names, escapes, tracebacks, error types.
INTERNALS = re.compile(r"v[A-Z][A-Za-z]{3,}|\\|Traceback|Error\b|Exception|expected '")


def calendar(*events: list[str], tail: str = "") -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0"]
    for event in events:
        lines += ["BEGIN:VEVENT", *event, "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n" + tail).encode()


def read(data: bytes):
    return read_busy(data, WINDOW, ZONE)


def spans(result) -> list[tuple[str, str]]:
    return [(e.starts_at.strftime("%m-%d %H:%M"), e.ends_at.strftime("%H:%M")) for e in result]


def test_a_bad_alarm_or_attendee_never_costs_the_event():
    event = [*GOOD, "BEGIN:VALARM", "TRIGGER:PT-2H", "END:VALARM", 'ATTENDEE;CN="x:mailto:y']
    result = read(calendar(event))
    assert spans(result) == [("03-02 10:00", "11:00")]
    assert result.skipped == ()


def test_a_space_after_the_colon_and_dtend_with_duration_use_the_end():
    event = [*GOOD[:3], "DTEND: 20260302T113000Z", "DURATION:PT3H"]
    assert spans(read(calendar(event))) == [("03-02 10:00", "11:30")]


def test_spaces_between_the_weekdays_of_a_rule_are_read():
    rule = "RRULE:FREQ=WEEKLY;COUNT=4;BYDAY=MO, TU"
    assert len(read(calendar([*GOOD, rule]))) == 4


def test_an_odd_rdate_or_an_empty_exdate_value_is_left_out_and_the_event_kept():
    extra = ["RDATE:2026x,20260310T100000Z", "EXDATE;VALUE=DATE:"]
    result = read(calendar([*GOOD, *extra]))
    assert spans(result) == [("03-02 10:00", "11:00"), ("03-10 10:00", "11:00")]


def test_an_event_that_cannot_be_read_is_skipped_and_named_with_its_line():
    result = read(calendar(GOOD, BAD))
    assert [e.title for e in result] == ["Good"]
    (skipped,) = result.skipped
    assert (skipped.title, skipped.line) == ("Bad", 12)
    assert str(skipped) == "“Bad” (line 12): its start cannot be read as a date or time"


def test_text_after_the_end_of_the_calendar_is_ignored():
    result = read(calendar(GOOD, tail="-- sent from my phone\r\n"))
    assert spans(result) == [("03-02 10:00", "11:00")]
    assert result.skipped == ()


def test_half_calendar_half_garbage_reads_the_calendar_and_reports_the_rest():
    data = calendar(GOOD).replace(b"END:VCALENDAR\r\n", b"\x00\x01 junk\r\n#### more\r\n")
    result = read(data)
    assert [e.title for e in result] == ["Good"]
    assert result.cut_off
    assert str(result.skipped[0]) == "lines 9 to 10: not calendar data, left out"


def test_a_runaway_rule_costs_its_own_event_only():
    tick = ["UID:tick", "SUMMARY:Tick", "DTSTART:20260302T100000Z", "RRULE:FREQ=SECONDLY"]
    result = read(calendar(GOOD, [*tick, "DURATION:PT1S"]))
    assert [e.title for e in result] == ["Good"]
    assert result.skipped[0].reason.startswith("repeats too often to read (every second")


def test_nothing_readable_refuses_the_file_with_the_events_reasons():
    with pytest.raises(CalendarUnreadable, match="none of its 2 events could be read. “Bad”"):
        read(calendar(BAD, BAD))


def test_all_day_events_are_busy_only_when_marked_or_chosen():
    holiday = ["UID:h", "SUMMARY:Holiday", "DTSTART;VALUE=DATE:20260303"]
    busy = ["UID:o", "SUMMARY:Conference", "DTSTART;VALUE=DATE:20260304", "TRANSP:OPAQUE"]
    events = {e.title: e for e in read(calendar(holiday, busy))}
    assert not counts_as_busy(events["Holiday"], False)
    assert counts_as_busy(events["Holiday"], True)
    assert counts_as_busy(events["Conference"], False)


def test_imported_zero_says_the_window_and_the_files_own_dates():
    old = ["UID:o", "SUMMARY:Old", "DTSTART:20080302T100000Z", "DTEND:20080302T110000Z"]
    older = [*old[:2], "DTSTART:20080101T100000Z", "DTEND:20080101T110000Z"]
    text = import_summary(read(calendar(old, [*older[:1], "UID:p", *older[1:]])), False, "w.ics")
    assert text == (
        "Imported 0 busy blocks from w.ics: all its events fall outside the dates kept, "
        "1 Mar 2026 to 1 Sep 2026 (they start between 1 Jan 2008 and 2 Mar 2008)."
    )


def test_imported_zero_says_free_cancelled_and_all_day():
    free = [*GOOD, "TRANSP:TRANSPARENT"]
    cancelled = ["UID:c", *GOOD[1:], "STATUS:CANCELLED"]
    holiday = ["UID:h", "SUMMARY:Holiday", "DTSTART;VALUE=DATE:20260303"]
    text = import_summary(read(calendar(free, cancelled, holiday)), False)
    assert text == (
        "Imported 0 busy blocks: 1 event marked free, 1 event cancelled, 1 all-day event not "
        "counted as busy (tick “All-day events are busy” to count them)."
    )


def test_many_skipped_events_list_a_few_then_how_many_more():
    bad = [[f"UID:{n}", f"SUMMARY:Bad {n}", "DTSTART:2026XX02"] for n in range(5)]
    text = import_summary(read(calendar(GOOD, *bad)), False)
    assert text.startswith("Imported 1 busy block; skipped 5 events: “Bad 0” (line 12)")
    assert text.endswith("; and 2 more.")


def corpus_files() -> list[Path]:
    folders = [CORPUS, shared("calendars"), shared("more", "calendars")]
    return sorted(p for folder in folders if folder.is_dir() for p in folder.glob("*.ics"))


DAMAGED = [
    calendar(BAD),
    calendar(BAD, BAD, BAD, BAD, BAD),
    calendar(["UID:t", "SUMMARY:T", "DTSTART:20260302T100000Z", "RRULE:FREQ=SECONDLY"]),
    calendar(["UID:z", "SUMMARY:Z", "DTSTART:20260302T100000Z", "RRULE:FREQ=DAILY;INTERVAL=0"]),
    calendar(["UID:r", "SUMMARY:R\\, x", "DTSTART:20260302T100000Z", "RRULE:FREQ=DAILY;BYDAY=X"]),
    calendar(["UID:d", "SUMMARY:D", "DTSTART:20260302T100000Z", "DURATION:forever"]),
    calendar(["UID:e", "SUMMARY:E", "DTSTART:20260302T100000Z", "RECURRENCE-ID:x"]),
    b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2026",
    calendar(GOOD).replace(b"END:VCALENDAR\r\n", b"\x00\\garbage\r\n"),
]


@pytest.mark.parametrize("path", corpus_files(), ids=lambda path: path.name)
def test_no_message_about_a_corpus_calendar_shows_internals(path):
    data = path.read_bytes()
    for start in (datetime(2010, 1, 1, tzinfo=UTC), datetime(2020, 1, 1, tzinfo=UTC)):
        window = Span(start, start + timedelta(days=3650))
        for version in (data, data.replace(b"BYDAY=", b"BYDAY=XX,"), data[: len(data) // 2]):
            try:
                text = import_summary(read_busy(version, window, ZONE), False, path.name)
            except CalendarUnreadable as error:
                text = str(error)
            assert not INTERNALS.search(text.replace(path.name, "")), text


@pytest.mark.parametrize("data", DAMAGED)
def test_no_message_about_a_damaged_calendar_shows_internals(data):
    try:
        text = import_summary(read(data), False)
    except CalendarUnreadable as error:
        text = str(error)
    assert not INTERNALS.search(text), text
    assert "Export it again" not in text
