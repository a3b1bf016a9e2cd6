"""Every parser keeps only what coffeechat accepts (core.fields) and warns about the rest.

An email cell that lists two addresses gives two addresses; anything that is not one address,
a profile address that is not http(s), a day outside 1900-2200 is left out of the record with a
warning on its line, never kept silently.
"""

from __future__ import annotations

from datetime import date

from coffeechat.core.parsers import parse_google, parse_linkedin, parse_vcard
from tests.core.parsers.test_google import CURRENT, _csv, current_row

LINKEDIN_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"


def card(*lines: str, version: str = "3.0") -> bytes:
    body = "\r\n".join(("BEGIN:VCARD", f"VERSION:{version}", "FN:Ada Lovelace", *lines))
    return (body + "\r\nEND:VCARD\r\n").encode()


def the_record(result):
    assert result.skipped == ()
    (record,) = result.records
    return record


def test_a_vcard_email_listing_two_addresses_gives_two_addresses():
    record = the_record(parse_vcard(card(r"EMAIL:x@example.com\, evil@example.com")))
    assert record.emails == ("x@example.com", "evil@example.com")
    assert record.warnings == ()


def test_a_vcard_email_that_is_not_one_address_is_left_out_with_a_warning():
    record = the_record(
        parse_vcard(card("EMAIL:ada@example.com", "EMAIL:Ada Lovelace", "EMAIL;TYPE=work:ada@"))
    )
    assert record.emails == ("ada@example.com",)
    assert record.warnings == (
        'The email "Ada" was left out: An email address has exactly one @, such as '
        "sam@example.com.",
        'The email "Lovelace" was left out: An email address has exactly one @, such as '
        "sam@example.com.",
        'The email "ada@" was left out: This is not an email address; write one such as '
        "sam@example.com.",
    )


def test_a_vcard_linkedin_address_that_is_not_http_is_left_out_with_a_warning():
    record = the_record(
        parse_vcard(card("X-SOCIALPROFILE;TYPE=linkedin:javascript:alert(1)", version="4.0"))
    )
    assert record.linkedin_url == ""
    assert record.warnings == (
        'The LinkedIn address "javascript:alert(1)" was left out: A web address must start '
        "with http:// or https://, such as https://example.com.",
    )


def test_a_bare_linkedin_address_gets_https_in_front():
    record = the_record(parse_vcard(card("URL:linkedin.com/in/ada")))
    assert record.linkedin_url == "https://linkedin.com/in/ada"
    assert record.warnings == ()


def test_a_card_named_by_its_email_alone_is_named_by_one_address():
    data = b"BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:x@example.com\\, y@example.com\r\nEND:VCARD\r\n"
    assert the_record(parse_vcard(data)).name == "x@example.com"


def test_a_linkedin_row_keeps_what_is_usable_and_warns_about_the_rest():
    row = 'Ada,Lovelace,javascript:alert(1),"a@example.com, b@example.com; nope",AE,Analyst,'
    row += "31 Dec 9999\r\n"
    record = the_record(parse_linkedin((LINKEDIN_HEADER + row).encode()))
    assert record.emails == ("a@example.com", "b@example.com")
    assert record.linkedin_url == ""
    assert record.connected_on is None
    assert record.warnings == (
        'The email "nope" was left out: An email address has exactly one @, such as '
        "sam@example.com.",
        'The LinkedIn address "javascript:alert(1)" was left out: A web address must start '
        "with http:// or https://, such as https://example.com.",
        'The "Connected On" day 9999-12-31 was left out: Give a day between 1 January 1900 '
        "and 31 December 2200.",
    )


def test_a_linkedin_day_in_range_is_kept():
    row = "Ada,Lovelace,https://www.linkedin.com/in/ada,,AE,Analyst,1 Jan 1900\r\n"
    record = the_record(parse_linkedin((LINKEDIN_HEADER + row).encode()))
    assert record.connected_on == date(1900, 1, 1)
    assert record.warnings == ()


def test_a_google_row_splits_listed_addresses_and_warns_about_the_rest():
    data = _csv(
        CURRENT,
        current_row(
            **{
                "First Name": "Ada",
                "E-mail 1 - Value": "a@example.com ::: b@example.com, c@example.com",
                "E-mail 2 - Value": "<d@example.com> ::: <e@>",
                "Website 1 - Value": "javascript://linkedin.com/in/ada%0aalert(1)",
            }
        ),
    )
    record = the_record(parse_google(data))
    assert record.emails == ("a@example.com", "b@example.com", "c@example.com", "d@example.com")
    assert record.warnings[0].startswith('The email "<e@>" was left out: Give the')
    assert record.linkedin_url == "" and record.websites == ()
    assert record.warnings[1].startswith('The website "javascript://linkedin.com/in/ada%0a')
