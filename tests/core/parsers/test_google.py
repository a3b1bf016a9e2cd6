"""Google Contacts CSV: current and legacy headers, numbered families, ' ::: ' values, labels."""

from __future__ import annotations

import codecs
import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.parsers import ParseError, parse_google


def _csv(header: list[str], *rows: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


CURRENT = [
    "First Name", "Middle Name", "Last Name", "Nickname", "File As", "Organization Name",
    "Organization Title", "Organization Department", "Birthday", "Notes", "Labels",
    "E-mail 1 - Label", "E-mail 1 - Value", "E-mail 2 - Label", "E-mail 2 - Value",
    "Phone 1 - Label", "Phone 1 - Value", "Website 1 - Label", "Website 1 - Value",
    "Website 2 - Label", "Website 2 - Value",
]  # fmt: skip
LEGACY = [
    "Name", "Given Name", "Additional Name", "Family Name", "Nickname", "Birthday", "Notes",
    "Group Membership", "E-mail 1 - Type", "E-mail 1 - Value", "Phone 1 - Type",
    "Phone 1 - Value", "Phone 2 - Type", "Phone 2 - Value", "Organization 1 - Type",
    "Organization 1 - Name", "Organization 1 - Title", "Website 1 - Type", "Website 1 - Value",
]  # fmt: skip


def current_row(**cells: str) -> list[str]:
    return [cells.get(column, "") for column in CURRENT]


def test_it_reads_the_current_headers():
    data = _csv(
        CURRENT,
        current_row(**{
            "First Name": "Ada", "Middle Name": "King", "Last Name": "Lovelace",
            "Organization Name": "Analytical Engines", "Organization Title": "Analyst",
            "Notes": "Met at the Babbage talk,\nask about looms",
            "E-mail 1 - Value": "ada@ae.example",
            "Phone 1 - Value": "+44 20 7946 0000",
        }),
    )  # fmt: skip
    ada = parse_google(data).records[0]
    assert (ada.name, ada.first_name, ada.last_name) == ("Ada King Lovelace", "Ada", "Lovelace")
    assert (ada.organisation, ada.role) == ("Analytical Engines", "Analyst")
    assert ada.emails == ("ada@ae.example",)
    assert ada.phones == ("+44 20 7946 0000",)
    assert ada.notes == "Met at the Babbage talk,\nask about looms"
    assert ada.line == 2


def test_it_reads_the_legacy_headers():
    data = _csv(
        LEGACY,
        ["Grace Hopper", "Grace", "", "Hopper", "", "", "Navy days", "* myContacts ::: Mentors",
         "* Work", "grace@navy.example", "Mobile", "555-0100", "Work", "555-0101", "",
         "US Navy", "Rear Admiral", "Profile", "https://www.linkedin.com/in/grace"],
    )  # fmt: skip
    grace = parse_google(data).records[0]
    assert grace.name == "Grace Hopper"
    assert (grace.first_name, grace.last_name) == ("Grace", "Hopper")
    assert (grace.organisation, grace.role) == ("US Navy", "Rear Admiral")
    assert grace.phones == ("555-0100", "555-0101")
    assert grace.linkedin_url == "https://www.linkedin.com/in/grace"
    assert grace.tags == ("Mentors",)


def test_numbered_families_are_read_in_order_whatever_their_count():
    header = ["First Name", "E-mail 3 - Value", "E-mail 1 - Value", "E-mail 12 - Value"]
    data = _csv(header, ["Ada", "three@x.example", "one@x.example", "twelve@x.example"])
    assert parse_google(data).records[0].emails == (
        "one@x.example",
        "three@x.example",
        "twelve@x.example",
    )


def test_multi_values_are_split_on_the_triple_colon():
    data = _csv(
        CURRENT,
        current_row(**{
            "First Name": "Ada", "E-mail 1 - Value": "a@x.example ::: b@x.example",
            "E-mail 2 - Value": "c@x.example", "Phone 1 - Value": "1 ::: 2",
            "Website 1 - Value": "https://ada.example ::: https://linkedin.com/in/ada",
        }),
    )  # fmt: skip
    ada = parse_google(data).records[0]
    assert ada.emails == ("a@x.example", "b@x.example", "c@x.example")
    assert ada.phones == ("1", "2")
    assert ada.linkedin_url == "https://linkedin.com/in/ada"
    assert ada.websites == ("https://ada.example",)


def test_system_labels_are_dropped_and_the_users_labels_kept():
    data = _csv(
        CURRENT,
        current_row(**{"First Name": "Ada", "Labels": "* myContacts ::: * starred ::: Mentors"}),
    )
    assert parse_google(data).records[0].tags == ("Mentors",)


def test_a_byte_order_mark_does_not_hide_the_first_column():
    data = codecs.BOM_UTF8 + _csv(["First Name", "Last Name", "Labels"], ["Ada", "Lovelace", ""])
    assert parse_google(data).records[0].first_name == "Ada"


def test_rows_without_a_name_or_an_email_are_skipped_with_their_line():
    data = _csv(
        CURRENT,
        current_row(**{"First Name": "Ada"}),
        current_row(**{"Organization Name": "Nameless Ltd"}),
        current_row(**{"Nickname": "Amazing Grace"}),
        current_row(**{"Phone 1 - Value": "+44 20 7946 0000"}),
    )
    result = parse_google(data)
    assert [record.name for record in result.records] == ["Ada", "Amazing Grace"]
    assert [skip.line for skip in result.skipped] == [3, 5]
    assert "no first or last name" in result.skipped[0].reason


def test_a_note_over_several_lines_keeps_the_next_rows_line_right():
    data = _csv(
        CURRENT,
        current_row(**{"First Name": "Ada", "Notes": "one\ntwo\nthree"}),
        current_row(**{"First Name": "Grace"}),
    )
    assert [record.line for record in parse_google(data).records] == [2, 5]


@pytest.mark.parametrize(
    "data",
    [
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEND:VCARD\r\n",
        b"Notes:\nabout\n\nFirst Name,Last Name,Company,Position\n",
        b"First Name,Last Name,Company,Position,Connected On\nAda,Lovelace,,,\n",
    ],
)
def test_a_file_of_another_kind_is_refused_with_a_clear_message(data):
    with pytest.raises(ParseError, match="not a Google Contacts CSV"):
        parse_google(data)


names = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Zs")), max_size=20
)


@given(st.lists(st.tuples(names, names, st.lists(names, max_size=3)), max_size=15))
def test_every_written_row_comes_back_as_a_record_or_a_skip(rows):
    header = ["First Name", "Last Name", "Labels", "E-mail 1 - Value"]
    data = _csv(header, *([first, last, "", " ::: ".join(mails)] for first, last, mails in rows))
    result = parse_google(data)
    # A row counts when anything was written in it, even a bare " ::: " between empty addresses.
    written = [first or last or " ::: ".join(mails).strip() for first, last, mails in rows]
    assert result.total == sum(1 for cell in written if cell)
    for record in result.records:
        first, last, _mails = rows[record.line - 2]
        assert (record.first_name, record.last_name) == (first, last)
