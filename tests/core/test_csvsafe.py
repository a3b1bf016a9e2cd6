from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.csvsafe import BOM, is_formula_like, neutralise, safe_row, write_rows


@pytest.mark.parametrize(
    "payload",
    [
        '=HYPERLINK("https://evil.example","Click")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
        " =1+1",
        "\n=1+1",
        "\u00a0=1+1",
        "\u3000=1+1",
        '\uff1dHYPERLINK("https://evil.example")',
        "\uff0b1",
        "\uff0d1",
        "\uff20SUM(A1)",
        "\ufe661+1",
    ],
)
def test_each_dangerous_start_gets_a_leading_apostrophe(payload):
    assert neutralise(payload) == "'" + payload


@pytest.mark.parametrize(
    "value", ["Ada Lovelace", "", "ada@example.org", "O'Brien", "Research = fun", "x-ray", "'"]
)
def test_harmless_values_are_left_as_they_are(value):
    assert neutralise(value) == value


def test_a_row_turns_none_and_numbers_into_text_cells():
    assert safe_row(["Ada", None, 3, "-1"]) == ["Ada", "", "3", "'-1"]


def test_rows_are_quoted_crlf_csv_after_a_byte_order_mark():
    out = io.StringIO()
    count = write_rows(out, ["name", "notes"], [["Ada", "line one\nline two, with a comma"]])
    text = out.getvalue()
    assert count == 1
    assert text.startswith(BOM + '"name","notes"\r\n')
    assert list(csv.reader(io.StringIO(text.removeprefix(BOM)))) == [
        ["name", "notes"],
        ["Ada", "line one\nline two, with a comma"],
    ]


def test_the_byte_order_mark_can_be_left_out():
    out = io.StringIO()
    write_rows(out, ["name"], [], bom=False)
    assert out.getvalue() == '"name"\r\n'


@given(st.lists(st.lists(st.text(), min_size=1, max_size=5), max_size=5))
def test_no_cell_read_back_starts_with_a_dangerous_character(rows):
    out = io.StringIO()
    write_rows(out, ["a"], rows, bom=False)
    # newline="" as the csv module asks, so carriage returns inside cells survive the reading.
    read = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    cells = [cell for row in read for cell in row]
    assert not any(is_formula_like(cell) for cell in cells)
    # Nothing else changes: every cell reads back as the value, neutralised.
    assert read[1:] == [[neutralise(value) for value in row] for row in rows]
