"""LinkedIn's Connections.csv: preamble, BOM, quoting, the older layout, nameless rows, dates."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.parsers import ParseError, parse_linkedin
from coffeechat.core.parsers.linkedin import parse_connected_on

PREAMBLE = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses are '
    "missing. You will only see email addresses for connections who have allowed it, see "
    'https://www.linkedin.com/psettings/privacy/email."\r\n'
    "\r\n"
)
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
ROWS = (
    "Ada,Lovelace,https://www.linkedin.com/in/ada,,Analytical Engines,"
    '"Head of Research, Notes ""G""",15 Mar 2024\r\n'
    "Grace,Hopper,https://www.linkedin.com/in/grace,grace@navy.example,US Navy,Rear Admiral,"
    "2023-12-09\r\n"
)


def test_it_finds_the_header_after_the_notes_preamble():
    result = parse_linkedin((PREAMBLE + HEADER + ROWS).encode())
    ada, grace = result.records
    assert (ada.name, ada.first_name, ada.last_name) == ("Ada Lovelace", "Ada", "Lovelace")
    assert ada.linkedin_url == "https://www.linkedin.com/in/ada"
    assert ada.organisation == "Analytical Engines"
    assert grace.emails == ("grace@navy.example",)
    assert result.skipped == ()


def test_it_keeps_quoted_commas_and_quotes_in_a_cell():
    ada = parse_linkedin((PREAMBLE + HEADER + ROWS).encode()).records[0]
    assert ada.role == 'Head of Research, Notes "G"'


def test_mostly_empty_emails_give_no_email_at_all():
    ada = parse_linkedin((PREAMBLE + HEADER + ROWS).encode()).records[0]
    assert ada.emails == ()


def test_line_numbers_count_the_preamble_and_the_quoted_note():
    result = parse_linkedin((PREAMBLE + HEADER + ROWS).encode())
    assert [record.line for record in result.records] == [5, 6]


def test_it_reads_a_file_with_a_byte_order_mark():
    result = parse_linkedin(codecs.BOM_UTF8 + (HEADER + ROWS).encode())
    assert [record.name for record in result.records] == ["Ada Lovelace", "Grace Hopper"]


def test_it_reads_utf16_with_a_byte_order_mark():
    data = ("First Name,Last Name,Company,Position,Connected On\nJosé,Núñez,Ñandú,CEO,\n").encode(
        "utf-16"
    )
    assert parse_linkedin(data).records[0].name == "José Núñez"


def test_latin1_bytes_are_read_rather_than_refused():
    data = "First Name,Last Name,Company,Position\nJosé,Núñez,Acme,CEO\n".encode("latin-1")
    assert parse_linkedin(data).records[0].last_name == "Núñez"


def test_it_reads_the_older_layout_without_url():
    data = (
        b"First Name,Last Name,Email Address,Company,Position,Connected On\n"
        b"Alan,Turing,alan@example.org,Bletchley Park,Cryptanalyst,01 Jun 2019\n"
    )
    alan = parse_linkedin(data).records[0]
    assert alan.linkedin_url == ""
    assert alan.emails == ("alan@example.org",)
    assert alan.connected_on == date(2019, 6, 1)


def test_rows_without_names_are_skipped_with_their_line_and_reason():
    data = (PREAMBLE + HEADER + ",,https://www.linkedin.com/in/x,,Acme,CTO,\r\n" + ROWS).encode()
    result = parse_linkedin(data)
    assert [skip.line for skip in result.skipped] == [5]
    assert "name" in result.skipped[0].reason
    assert result.total == 3


def test_blank_rows_are_neither_records_nor_skips():
    result = parse_linkedin((HEADER + "\r\n" + ROWS + "\r\n,,,,,,\r\n").encode())
    assert (len(result.records), len(result.skipped)) == (2, 0)


def test_the_raw_row_is_kept_by_column():
    ada = parse_linkedin((HEADER + ROWS).encode()).records[0]
    assert ada.raw["Connected On"] == "15 Mar 2024"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("15 Mar 2024", date(2024, 3, 15)),
        ("5 March 2024", date(2024, 3, 5)),
        ("2024-03-15", date(2024, 3, 15)),
        ("Mar 15, 2024", date(2024, 3, 15)),
        (" 15  Mar 2024 ", date(2024, 3, 15)),
        ("", None),
        ("sometime", None),
    ],
)
def test_connected_on_dates_are_read_leniently(cell, expected):
    assert parse_connected_on(cell) == expected


def test_an_unreadable_date_keeps_the_row():
    data = (HEADER + "Ada,Lovelace,,,,,last spring\n").encode()
    record = parse_linkedin(data).records[0]
    assert record.connected_on is None


@pytest.mark.parametrize(
    "data",
    [
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEND:VCARD\r\n",
        b"First Name,Last Name,E-mail 1 - Value,Labels\nAda,Lovelace,a@b.c,\n",
        b"just, some, text\n",
    ],
)
def test_a_file_of_another_kind_is_refused_with_a_clear_message(data):
    with pytest.raises(ParseError, match="not LinkedIn's Connections.csv"):
        parse_linkedin(data)


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"  \r\n"])
def test_an_empty_file_is_refused(data):
    with pytest.raises(ParseError, match="empty"):
        parse_linkedin(data)


def test_a_binary_file_is_refused():
    with pytest.raises(ParseError, match="binary"):
        parse_linkedin(b"PK\x03\x04\x00\x00binary")


cells = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=30
).map(str.strip)


@given(st.lists(st.tuples(cells, cells, cells, cells), max_size=20))
def test_every_written_row_comes_back_as_a_record_or_a_skip(rows):
    out = io.StringIO()
    out.write(PREAMBLE)
    writer = csv.writer(out)
    writer.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position"])
    for first, last, company, position in rows:
        writer.writerow([first, last, "", "", company, position])
    result = parse_linkedin(out.getvalue().encode())
    assert result.total == sum(1 for first, last, *rest in rows if first or last or any(rest))
    for record in result.records:
        first, last, company, position = rows[record.line - 5]
        assert record.organisation == company
        assert record.role == position
        assert record.name == " ".join(f"{first} {last}".split())
