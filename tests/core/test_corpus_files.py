"""Our own corpus of real exports (tests/corpus, see its README): each file read as users expect.

Calendars go through core.ics.read_busy with a window that holds their events; contacts
through the vCard parser. Where today's reader falls short of what a user expects, the test
says what is expected.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from coffeechat.core.calendar import Span
from coffeechat.core.ics import BusyEvent, read_busy
from coffeechat.core.parsers import ParsedContact, parse_vcard

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
CALENDARS = CORPUS / "calendars"
CONTACTS = CORPUS / "contacts"
# All-day events are placed in the user's zone; UTC keeps the expected instants plain.
ZONE = ZoneInfo("UTC")


def at(text: str) -> datetime:
    """An instant in UTC written as "2024-10-04 18:15"."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


def busy(name: str, start: str, days: int) -> list[BusyEvent]:
    """The busy blocks of corpus calendar ``name`` in ``days`` days from ``start``."""
    since = at(start)
    window = Span(since, since + timedelta(days=days))
    return list(read_busy((CALENDARS / name).read_bytes(), window, ZONE).events)


def spans(events: list[BusyEvent]) -> list[tuple[datetime, datetime]]:
    return [(event.starts_at, event.ends_at) for event in events]


def cards(name: str) -> list[ParsedContact]:
    result = parse_vcard((CONTACTS / name).read_bytes())
    assert result.skipped == ()
    return list(result.records)


def test_every_corpus_file_and_licence_is_named_in_the_readme():
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "README.md")
    assert len([p for p in files if p.suffix in {".ics", ".vcf", ".csv"}]) >= 20
    missing = [p.relative_to(CORPUS).as_posix() for p in files]
    missing = [name for name in missing if f"`{name}`" not in readme]
    assert missing == []


# Calendars


def test_google_event_with_alarms_is_one_busy_block():
    (event,) = busy("google-event-with-alarms.ics", "2024-10-01 00:00", 7)
    assert spans([event]) == [(at("2024-10-04 18:15"), at("2024-10-04 19:00"))]
    assert (event.title, event.uid) == (
        "event with alarms",
        "79fs7pkqvht9m5igs0vjv1sfra@google.com",
    )
    assert not event.all_day


def test_google_weekday_sync_follows_zurich_across_the_end_of_summer_time():
    events = busy("google-weekdays-apple-location.ics", "2016-10-28 00:00", 15)
    assert len(events) == 11  # Friday 28 October, then two weeks of weekdays
    assert {event.title for event in events} == {"Daily Sync"}
    assert spans(events[:2]) == [
        (at("2016-10-28 12:00"), at("2016-10-28 12:30")),  # CEST, UTC+2
        (at("2016-10-31 13:00"), at("2016-10-31 13:30")),  # CET, UTC+1
    ]
    assert all(event.starts_at.weekday() < 5 for event in events)


def test_google_calendar_with_an_empty_exdate_keeps_its_good_event():
    # Two all-day daily events, 3 to 23 March 2008 but the 11th; the second also has an
    # "EXDATE;VALUE=DATE:" with no value. The first must come in whatever becomes of the second.
    days = {
        event.starts_at.date() for event in busy("google-empty-exdate.ics", "2008-03-01 00:00", 30)
    }
    expected = {date(2008, 3, 3) + timedelta(days=n) for n in range(21)} - {date(2008, 3, 11)}
    assert expected <= days


def test_thunderbird_event_with_alarms_is_one_busy_hour():
    (event,) = busy("thunderbird-event-with-alarms.ics", "2024-10-20 00:00", 7)
    assert spans([event]) == [(at("2024-10-23 14:00"), at("2024-10-23 15:00"))]  # 15:00 BST
    assert event.title == "event with alarms"


def test_thunderbird_event_with_an_invalid_alarm_trigger_still_comes_in():
    (event,) = busy("thunderbird-invalid-alarm-trigger.ics", "2024-10-01 00:00", 7)
    assert spans([event]) == [(at("2024-10-04 10:00"), at("2024-10-04 11:00"))]
    assert event.title == "event"


def test_etar_android_event_with_alarms_is_one_busy_hour():
    (event,) = busy("etar-android-event-with-alarms.ics", "2024-10-01 00:00", 7)
    assert spans([event]) == [(at("2024-10-05 12:00"), at("2024-10-05 13:00"))]
    assert event.title == "event with alarms android"


def test_exchange_standup_with_spaces_between_its_weekdays_comes_in():
    # "BYDAY=MO, TU, WE, TH, FR" folded before ";WKST=SU": daily at 10:00 (UTC+2) on
    # weekdays from Friday 3 July 2015 until 22 July 08:00 UTC, which is included.
    events = busy("exchange-cdo-byday-with-spaces.ics", "2015-07-01 00:00", 30)
    assert len(events) == 14
    assert spans(events[:2]) == [
        (at("2015-07-03 08:00"), at("2015-07-03 08:30")),
        (at("2015-07-06 08:00"), at("2015-07-06 08:30")),
    ]
    assert events[-1].starts_at == at("2015-07-22 08:00")
    assert {event.title for event in events} == {"Sprint 25 Daily Standup"}


def test_exchange_2010_event_in_a_windows_zone_name():
    (event,) = busy("exchange-2010-windows-zone.ics", "2017-02-20 00:00", 7)
    assert spans([event]) == [(at("2017-02-24 20:00"), at("2017-02-24 20:30"))]  # 12:00 PST
    assert event.title == "Test 4"


def test_exchange_2010_bin_collections_marked_free_block_nothing():
    # Two fortnightly all-day rules and three moved occurrences, all TRANSP:TRANSPARENT.
    assert busy("exchange-2010-rrule-until-utc.ics", "2020-04-01 00:00", 200) == []


def test_sixt_car_rental_marked_free_blocks_nothing():
    # A VFREEBUSY and a transparent pick-up event: nothing here takes the user's time.
    assert busy("sixt-rental-with-freebusy.ics", "2019-06-20 00:00", 10) == []


def test_podio_appointment_with_a_comment_after_the_calendar_comes_in():
    (event,) = busy("podio-text-after-end.ics", "2022-02-20 00:00", 7)
    assert spans([event]) == [(at("2022-02-22 18:30"), at("2022-02-22 19:30"))]
    assert event.title == 'Termin 4353 und"so"'


def test_blackberry_meeting_is_read_as_an_all_day_event():
    # No TRANSP: whether it blocks the day is the all-day setting's call (issue 17 point 3).
    (event,) = busy("blackberry-all-day-meeting.ics", "2012-08-10 00:00", 10)
    assert event.all_day
    assert spans([event]) == [(at("2012-08-14 00:00"), at("2012-08-15 00:00"))]
    assert event.title == "Test meeting from BB"


def test_khal_moved_meeting_is_read_at_its_new_start():
    events = busy("khal-rdate-period.ics", "2018-03-25 00:00", 3)
    assert spans(events) == [(at("2018-03-27 13:00"), at("2018-03-27 14:00"))]  # 08:00 CDT


def test_khal_moved_meeting_keeps_every_period_of_its_rdate():
    # "This and future" moved to Tuesdays 08:00-09:00 Chicago: 19 periods, 27 March to 31 July.
    events = busy("khal-rdate-period.ics", "2018-03-25 00:00", 140)
    assert len(events) == 19
    assert events[-1].starts_at == at("2018-07-31 13:00")


def test_sabredav_weekly_event_with_one_week_deleted():
    events = busy("sabredav-weekly-one-deleted.ics", "2019-03-01 00:00", 60)
    assert len(events) == 7  # COUNT=8, one EXDATE
    assert at("2019-03-10 23:30") not in {event.starts_at for event in events}
    assert spans(events[:1] + events[-1:]) == [
        (at("2019-03-03 23:30"), at("2019-03-04 00:00")),  # 00:30 CET
        (at("2019-04-21 22:30"), at("2019-04-21 23:00")),  # 00:30 CEST
    ]


def test_sabredav_ten_events_at_the_same_time_are_ten_blocks():
    events = busy("sabredav-ten-events-at-once.ics", "2019-03-01 00:00", 14)
    assert spans(events) == [(at("2019-03-04 07:00"), at("2019-03-04 07:30"))] * 10  # 08:00 CET
    assert sorted(event.uid for event in events) == sorted(f"event-{n}" for n in range(1, 11))


def test_thunderbird_events_with_deleted_moved_and_free_occurrences():
    events = busy("thunderbird-seven-events.ics", "2024-03-24 00:00", 14)
    assert [(event.title, event.starts_at, event.ends_at) for event in events] == [
        ("event 1", at("2024-03-26 01:00"), at("2024-03-30 07:00")),
        ("event 2", at("2024-03-26 03:00"), at("2024-03-26 07:00")),
        ("event 3", at("2024-03-27 03:00"), at("2024-03-27 07:00")),  # moved, same day
        ("event 4", at("2024-03-27 04:00"), at("2024-03-28 16:00")),
        ("event 5", at("2024-03-27 16:00"), at("2024-03-27 20:00")),  # 29 March's, moved
    ]  # the other days of "event 2" are deleted; "event 6" and "event 7" are marked free


def test_evolution_weekly_all_day_event_with_one_occurrence_edited():
    events = busy("evolution-moved-occurrence.ics", "2020-09-07 00:00", 30)
    assert [(event.starts_at.date(), event.title) for event in events] == [
        (date(2020, 9, 8), "Base event"),
        (date(2020, 9, 15), "Base event"),
        (date(2020, 9, 22), "Modified event"),
        (date(2020, 9, 29), "Base event"),
        (date(2020, 10, 6), "Base event"),
    ]
    assert all(event.all_day for event in events)


def test_google_monthly_karaoke_marked_free_blocks_nothing():
    assert busy("google-moved-occurrence.ics", "2021-11-20 00:00", 60) == []


def test_outlook_2003_weekday_standup_in_sydney_time():
    events = busy("outlook-2003-weekday-standup.ics", "2009-03-09 00:00", 30)
    assert len(events) == 22  # weekdays from Tuesday 10 March to Wednesday 8 April, local time
    assert spans(events[:1]) == [(at("2009-03-09 22:30"), at("2009-03-09 22:45"))]  # UTC+11
    assert events[-1].starts_at == at("2009-04-07 23:30")  # UTC+10 after 5 April
    assert {event.title for event in events} == {"Standup"}


# Contacts


def test_outlook_2003_card_with_quoted_printable_note():
    (antoni,) = cards("outlook-2003-antoni.vcf")
    assert (antoni.name, antoni.first_name, antoni.last_name) == (
        "Antoni Jozef Mylka jun.",
        "Antoni",
        "Mylka",
    )
    assert (antoni.organisation, antoni.role) == ("DFKI", "Intern")
    assert antoni.emails == ("antoni_mylka@somedomain.com",)
    assert antoni.phones == ("49 631 234 341", "48 691 342 341", "48 91 3 175 234")
    assert antoni.websites == ("http://antoni.mylka.com",)
    assert antoni.notes == "These are some notes about antoni."
    assert antoni.warnings == ()


def test_outlook_style_card_with_a_one_part_name():
    (dirk,) = cards("outlook-2003-dirk.vcf")
    assert (dirk.name, dirk.last_name) == ("Dirk", "dirk")
    assert dirk.emails == ("dirk@sap.com",)
    assert dirk.notes == "The canonical Dirk"


def test_apple_address_book_card_with_a_grouped_address():
    (card,) = cards("apple-address-book-work-address.vcf")
    assert (card.name, card.first_name, card.last_name) == (
        "Default Thompson",
        "Default",
        "Thompson",
    )
    assert card.emails == ("lthompson@example.com",)
    assert card.phones == ("1-555-555-5555", "1-444-444-4444")
    assert card.uid == "ED7A5AEC-AB19-4CE0-AD6A-2923A3E5C4E1:ABPerson"


def test_apple_address_book_card_with_an_address_folded_after_a_space():
    (card,) = cards("apple-address-book-folded-address.vcf")
    assert card.name == "Default Thompson"
    assert card.emails == ("lthompson@example.com",)
    assert card.uid == "ED7A5AEC-AB19-4CE0-AD6A-2923A3E5C4EE-12"
    assert "On \n The Hill" in str(card.raw)  # the raw card keeps the fold as written


def test_calendar_server_group_card_is_skipped_with_a_note_naming_the_group():
    # A group (X-ADDRESSBOOKSERVER-KIND:group), not a person: left out, and the preview says so.
    result = parse_vcard((CONTACTS / "calendarserver-group-card.vcf").read_bytes())
    assert result.records == ()
    (skip,) = result.skipped
    assert skip.line == 1
    assert skip.reason.startswith('"Shared Group" is a contact group, not a person')
    assert "It lists no members." in skip.reason


def test_android_card_keeps_both_notes_without_a_stray_equals_sign():
    # Quoted-printable soft breaks, one of them before a line that starts with a space.
    (joe,) = cards("android-2.1-complicated.vcf")
    assert (joe.name, joe.organisation, joe.role) == ("Joe Due", "Gump Shrimp Co.", "Shrimp Man")
    assert joe.emails == ("forrestgump@walladalla.com", "cell@example.com")
    assert len(joe.phones) == 5
    assert joe.websites == ("http://www.example.com/",)
    assert joe.notes == (
        "The following note is the example from RFC 2045.\n\n"
        "Now's the time for all folk to come to the aid of their country."
    )
    assert joe.warnings == ()
