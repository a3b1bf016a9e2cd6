"""The streaming forms of the parsers read a file as the whole-bytes forms do, a piece at a time."""

from __future__ import annotations

import codecs
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.parsers import ParseError, Skip, parse_linkedin, parse_vcard
from coffeechat.core.parsers.linkedin import iter_linkedin
from coffeechat.core.parsers.records import LATIN1, UTF8, UTF16, detect_encoding
from coffeechat.core.parsers.sniff import binary_kind, kind_hint, text_kind
from coffeechat.core.parsers.vcard import iter_vcard, stream_lines

LINKEDIN = (
    "Notes:\r\n\r\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    'Ada,Lovelace,,,"Analytical, Ltd",Engineer,15 Mar 2024\r\n,,,,,,\r\nGrace,,,,,,\r\n'
)


def blocks(data: bytes, size: int = 3):
    return [data[start : start + size] for start in range(0, len(data), size)]


def test_iter_linkedin_on_a_stream_matches_parse_linkedin():
    stream = io.TextIOWrapper(io.BytesIO(LINKEDIN.encode()), encoding="utf-8", newline="")
    streamed = list(iter_linkedin(stream))
    whole = parse_linkedin(LINKEDIN.encode())
    assert [item for item in streamed if not isinstance(item, Skip)] == list(whole.records)
    assert streamed[0].organisation == "Analytical, Ltd"


def test_iter_linkedin_raises_after_reading_a_file_without_header():
    with pytest.raises(ParseError, match="not LinkedIn"):
        list(iter_linkedin("a,b\r\n1,2\r\n"))


@given(st.integers(min_value=1, max_value=40))
def test_stream_lines_splits_like_the_whole_file_does(size):
    data = b"BEGIN:VCARD\r\nFN:Ada\r\r\n folded\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:B"
    stream = io.BytesIO(data)
    stream.read = lambda n=-1, read=stream.read: read(min(n, size))  # tiny blocks
    whole = parse_vcard(data)
    assert list(iter_vcard(stream_lines(stream))) == [*whole.records, *whole.skipped]


def test_stream_lines_reads_old_mac_line_ends():
    data = b"BEGIN:VCARD\rFN:Ada\rEND:VCARD\r"
    (record,) = list(iter_vcard(stream_lines(io.BytesIO(data))))
    assert record.name == "Ada"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Zoë".encode(), UTF8),
        (codecs.BOM_UTF8 + "Zoë".encode(), UTF8),
        ("Zoë".encode("latin-1"), LATIN1),
        ("Zoë".encode("utf-16"), UTF16),
        # A UTF-8 character cut by a block boundary is still UTF-8.
        (("ë" * 5).encode(), UTF8),
    ],
)
def test_detect_encoding_follows_decode_texts_rules(data, encoding):
    assert detect_encoding(blocks(data), "test") == encoding


def test_a_file_ending_inside_a_utf8_character_is_latin1():
    assert detect_encoding([b"abc\xc3"], "test") == LATIN1


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b" \r\n\t", "empty"),
        (codecs.BOM_UTF8, "empty"),
        (b"a\x00b", "binary"),
        (codecs.BOM_UTF16_LE + b"a\x00\x00\xd8", "damaged"),
    ],
)
def test_detect_encoding_refuses_empty_binary_and_damaged_files(data, words):
    with pytest.raises(ParseError, match=words):
        detect_encoding(blocks(data), "test")


def test_the_kind_of_a_file_is_told_from_its_start():
    assert binary_kind(b"\x89PNG\r\n") == "a PNG image"
    assert binary_kind(b"PK\x03\x04") == "a ZIP archive"
    assert binary_kind(b"First Name") is None
    assert text_kind(LINKEDIN) == "linkedin"
    assert text_kind("Name,Given Name,Family Name,E-mail 1 - Value\r\n") == "google"
    assert text_kind("begin:vcard\r\n") == "vcard"
    assert text_kind("just,some\r\ncsv,text\r\n") is None
    assert kind_hint(LINKEDIN.encode(), UTF8, "linkedin") == ""
    assert "import it as LinkedIn (linkedin)" in kind_hint(LINKEDIN.encode(), UTF8, "google")
