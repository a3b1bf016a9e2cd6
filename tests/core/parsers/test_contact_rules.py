"""Rules every contact importer shares (issue 17): websites, email addresses, days, rows with
only an email address, and files of the wrong kind."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from coffeechat.core.parsers import ParseError, parse_google, parse_linkedin, parse_vcard
from coffeechat.core.parsers.records import read_day
from coffeechat.core.parsers.sniff import kind_hint

LINKEDIN_HEADER = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position",
                   "Connected On"]  # fmt: skip
GOOGLE_HEADER = ["First Name", "Last Name", "Labels", "E-mail 1 - Value", "E-mail 2 - Value",
                 "Website 1 - Value", "Website 2 - Value"]  # fmt: skip


def csv_bytes(header: list[str], *rows: list[str], preamble: str = "") -> bytes:
    out = io.StringIO()
    out.write(preamble)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def linkedin(*rows: list[str]) -> bytes:
    return csv_bytes(LINKEDIN_HEADER, *rows, preamble="Notes:\r\n\r\n")


def google(*rows: list[str]) -> bytes:
    return csv_bytes(GOOGLE_HEADER, *rows)


def vcard(*lines: str) -> bytes:
    return ("\r\n".join(["BEGIN:VCARD", *lines, "END:VCARD"]) + "\r\n").encode("utf-8")


# Websites


def test_every_vcard_url_but_the_linkedin_profile_is_a_website_once():
    (card,) = parse_vcard(
        vcard(
            "VERSION:3.0",
            "FN:Ada",
            "item1.URL;type=pref:http://ada.example/",
            "item1.X-ABLabel:_$!<HomePage>!$_",
            "URL;TYPE=WORK:https://ADA.example",  # the same site again
            "URL;TYPE=x-linkedin:https://www.linkedin.com/in/ada",
            "X-SOCIALPROFILE;type=twitter:https://twitter.com/ada",
            "X-SOCIALPROFILE;type=github:x-apple:ada",  # a user name, not an address
            "URL:blog.ada.example",
        )
    ).records
    assert card.linkedin_url == "https://www.linkedin.com/in/ada"
    assert card.websites == (
        "http://ada.example/",
        "https://blog.ada.example",
        "https://twitter.com/ada",
    )
    assert card.warnings == ()


def test_a_vcard_url_that_is_no_web_address_is_left_out_with_a_warning():
    result = parse_vcard(vcard("VERSION:3.0", "FN:Ada", "URL:javascript:alert(1)"))
    (card,) = result.records
    assert card.websites == ()
    assert card.warnings[0].startswith('The website "javascript:alert(1)" was left out: ')
    assert "javascript:alert(1)" in str(card.raw)  # the raw card keeps it


def test_google_websites_other_than_linkedin_are_kept():
    (ada,) = parse_google(
        google(["Ada", "", "", "", "", "https://ada.example ::: linkedin.com/in/ada", "not one"])
    ).records
    assert ada.linkedin_url == "https://linkedin.com/in/ada"
    assert ada.websites == ("https://ada.example",)
    assert ada.warnings[0].startswith('The website "not one" was left out')


def test_a_linkedin_row_whose_url_is_not_linkedin_keeps_it_as_a_website():
    (ada, alan) = parse_linkedin(
        linkedin(
            ["Ada", "L", "https://ada.example/cv", "", "", "", ""],
            ["Alan", "T", "https://www.linkedin.com/in/alan", "", "", "", ""],
        )
    ).records
    assert (ada.linkedin_url, ada.websites) == ("", ("https://ada.example/cv",))
    assert (alan.linkedin_url, alan.websites) == ("https://www.linkedin.com/in/alan", ())


# Email addresses


def test_an_email_keeps_its_local_part_as_written_in_every_importer():
    address = "Omega.Smith@Example.COM"
    stored = ("Omega.Smith@example.com",)
    assert parse_vcard(vcard("VERSION:3.0", "FN:O", f"EMAIL:{address}")).records[0].emails == (
        stored
    )
    assert parse_google(google(["O", "", "", address, "", "", ""])).records[0].emails == stored
    assert parse_linkedin(linkedin(["O", "S", "", address, "", "", ""])).records[0].emails == (
        stored
    )


def test_an_email_a_phone_folded_between_name_and_address_is_reduced_to_the_address():
    result = parse_vcard(
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN:Omega;;;;\r\n"
        b'EMAIL;INTERNET:"omega"\r\n <omega@example.com>\r\n'
        b"EMAIL:Omega <Omega@Example.com>\r\nEND:VCARD\r\n"
    )
    (card,) = result.records
    # The second address is the first in other letters: matching ignores case, so it is one.
    assert card.emails == ("omega@example.com",)
    assert card.warnings == ()


def test_display_name_emails_in_a_google_row_are_reduced_to_the_address():
    (row,) = parse_google(
        google(["O", "", "", '"omega" <omega@example.com>', "Ada <ada@example.com>", "", ""])
    ).records
    assert row.emails == ("omega@example.com", "ada@example.com")


# A quoted-printable soft break before a line that starts with a space


def test_a_soft_break_before_a_line_starting_with_a_space_leaves_no_equals_sign():
    (card,) = parse_vcard(
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Ada\r\n"
        b"NOTE;ENCODING=QUOTED-PRINTABLE:for all folk to come=\r\n"
        b" to the aid of their country.\r\nEND:VCARD\r\n"
    ).records
    assert card.notes == "for all folk to come to the aid of their country."


# Days


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("15-Jan-24", date(2024, 1, 15)),
        ("05/14/23", date(2023, 5, 14)),
        ("14/05/2023", date(2023, 5, 14)),
        ("5/14/2023 0:00", date(2023, 5, 14)),
    ],
)
def test_days_are_read_in_the_formats_spreadsheets_write(written, day):
    # LinkedIn's own "14 May 2023", "May 14, 2023" and "2023-05-14" were read before already.
    assert read_day(written) == day


def test_a_connected_on_date_that_cannot_be_read_is_kept_as_written_with_a_warning():
    (ada, alan) = parse_linkedin(
        linkedin(
            ["Ada", "L", "", "", "", "", "15-Jan-24"],
            ["Alan", "T", "", "", "", "", "last spring"],
        )
    ).records
    assert (ada.connected_on, ada.how_we_met, ada.warnings) == (date(2024, 1, 15), "", ())
    assert alan.connected_on is None
    assert alan.how_we_met == "Connected on LinkedIn: last spring"
    assert alan.warnings == (
        'The "Connected On" date "last spring" could not be read as a day, so it is kept as '
        'written in "How we met".',
    )


# Rows with only an email address: one rule for every importer


WARNING = (
    "No name was given, so this contact was imported under its email address, "
    "omega@example.com. Add the name on the contact's page."
)


ONLY_AN_EMAIL = {
    "vcard": lambda: parse_vcard(vcard("VERSION:3.0", "EMAIL:omega@example.com")),
    "google": lambda: parse_google(google(["", "", "", "omega@example.com", "", "", ""])),
    "linkedin": lambda: parse_linkedin(linkedin(["", "", "", "omega@example.com", "", "", ""])),
}


@pytest.mark.parametrize("importer", list(ONLY_AN_EMAIL))
def test_a_record_with_only_an_email_comes_in_under_its_address_with_a_warning(importer):
    parsed = ONLY_AN_EMAIL[importer]()
    assert parsed.skipped == ()
    (record,) = parsed.records
    assert (record.name, record.emails) == ("omega@example.com", ("omega@example.com",))
    assert record.warnings == (WARNING,)


# Files of the wrong kind


VCALENDAR = (
    b"BEGIN:VCALENDAR\r\nVERSION:1.0\r\nBEGIN:VEVENT\r\nSUMMARY:Dentist\r\n"
    b"DTSTART:20240105T090000Z\r\nDTEND:20240105T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def test_a_calendar_given_as_a_vcard_is_told_to_go_to_the_calendar_page():
    with pytest.raises(ParseError) as caught:
        parse_vcard(VCALENDAR)
    assert "looks like a calendar" in str(caught.value)
    assert "Calendar page" in str(caught.value)


def test_a_calendar_given_as_a_csv_gets_the_same_hint():
    assert "Calendar page" in kind_hint(VCALENDAR, "utf-8", "google")


def test_a_group_card_is_skipped_with_a_note_naming_it_and_its_members():
    result = parse_vcard(
        vcard(
            "VERSION:4.0",
            "KIND:group",
            "FN:Mentors",
            "MEMBER:urn:uuid:03a0e51f-d1aa-4385-8a53-e29025acd8af",
            "MEMBER:mailto:ada@example.com",
        )
        + vcard("VERSION:3.0", "FN:Ada")
    )
    assert [record.name for record in result.records] == ["Ada"]
    (skip,) = result.skipped
    assert skip.line == 1
    assert skip.reason == (
        '"Mentors" is a contact group, not a person, so it was not imported; the people in it '
        "come in from their own cards. Its 2 members: 03a0e51f-d1aa-4385-8a53-e29025acd8af, "
        "mailto:ada@example.com."
    )


def test_in_a_vcard_3_a_soft_break_before_a_fold_drops_the_fold_space_and_the_equals_sign():
    (card,) = parse_vcard(
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\n"
        b"NOTE;ENCODING=QUOTED-PRINTABLE:Analytical=\r\n"
        b"  Engine\r\nEND:VCARD\r\n"
    ).records
    assert card.notes == "Analytical Engine"
