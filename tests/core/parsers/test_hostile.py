"""Whatever bytes arrive, a parser answers with a result or a ParseError, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coffeechat.core.parsers import (
    ParseError,
    ParseResult,
    parse_google,
    parse_linkedin,
    parse_vcard,
)

PARSERS = [parse_linkedin, parse_google, parse_vcard]
# Pieces that make random bytes look enough like each format to reach the deeper code.
PIECES = [
    b"BEGIN:VCARD\r\n", b"END:VCARD\r\n", b"VERSION:2.1\r\n", b"FN;ENCODING=QUOTED-PRINTABLE:=",
    b"N:a\\;b;c\r\n", b" folded\r\n", b"=\r\n", b'"', b",", b"\r\n", b"First Name,Last Name,",
    b"Company,Position\r\n", b"E-mail 1 - Value,Labels\r\n", b" ::: ", b"\xff\xfe", b"\xc3",
    b"item1.EMAIL;TYPE=\"a,b\":x@y\r\n", b"ORG:;\r\n", b"CHARSET=nonsense:",
]  # fmt: skip


@pytest.mark.parametrize("parse", PARSERS, ids=lambda parse: parse.__name__)
@settings(max_examples=150)
@given(data=st.lists(st.sampled_from(PIECES) | st.binary(max_size=8), max_size=40).map(b"".join))
def test_hostile_bytes_give_a_result_or_a_clear_error(parse, data):
    try:
        result = parse(data)
    except ParseError as exc:
        assert str(exc)
    else:
        assert isinstance(result, ParseResult)
        assert all(record.name for record in result.records)
