"""Pure readers for the contact files users bring: LinkedIn and Google CSV, and vCards.

Each parser takes the file's bytes and returns a ParseResult; none of them touches a database.
"""

from __future__ import annotations

from coffeechat.core.parsers.google import parse_google
from coffeechat.core.parsers.linkedin import parse_linkedin
from coffeechat.core.parsers.records import ParsedContact, ParseError, ParseResult, Skip
from coffeechat.core.parsers.vcard import parse_vcard

__all__ = [
    "ParseError",
    "ParseResult",
    "ParsedContact",
    "Skip",
    "parse_google",
    "parse_linkedin",
    "parse_vcard",
]
