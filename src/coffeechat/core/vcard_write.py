"""Contacts as vCard 4.0 (RFC 6350) text, for phones, mail clients and a later re-import.

Version 4.0 because it fixes the character set to UTF-8: a 3.0 file on disk says nothing about
its encoding, and names such as "Zoë Ng" or "王伟" must arrive intact. The properties written here
(FN, N, ORG, TITLE, EMAIL, TEL, URL, ADR, TZ, NOTE, CATEGORIES, UID) mean the same in 3.0, so a
3.0-only reader loses little. Lines end in CRLF and are folded at 75 octets, never inside a UTF-8
character.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

LINE_OCTETS = 75
PRODID = "-//coffeechat//coffeechat//EN"
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Card:
    """One contact's plain values, as the vCard carries them."""

    uid: str  # the contact's code
    name: str
    role: str = ""
    organisation: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    linkedin_url: str = ""
    websites: tuple[str, ...] = ()
    location: str = ""
    time_zone: str = ""
    tags: tuple[str, ...] = ()
    how_we_met: str = ""
    research_notes: str = ""


def escape(text: str) -> str:
    """A text value with backslash, comma, semicolon and line breaks escaped (RFC 6350 3.4)."""
    text = text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    # Any line break, Windows or old Mac style included, becomes one escaped newline.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Other control characters are not allowed in a vCard line at all; readers choke on them.
    text = _CONTROLS.sub("", text)
    return text.replace("\n", "\\n")


def fold(line: str) -> str:
    """``line`` folded into CRLF-ended pieces of at most 75 octets, each UTF-8 character whole."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    limit = LINE_OCTETS
    for character in line:
        width = len(character.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            # A continuation line starts with a space, which counts towards its 75 octets.
            current, size, limit = [" "], 1, LINE_OCTETS
        current.append(character)
        size += width
    pieces.append("".join(current))
    return "".join(piece + "\r\n" for piece in pieces)


def split_name(name: str) -> tuple[str, str]:
    """(family, given) guessed from a full name: the last word is taken as the family name."""
    words = name.split()
    if len(words) < 2:
        return "", name.strip()
    return words[-1], " ".join(words[:-1])


def _lines(card: Card) -> Iterator[str]:
    yield "BEGIN:VCARD"
    yield "VERSION:4.0"
    yield f"PRODID:{PRODID}"
    yield f"UID:urn:uuid:{card.uid}"
    yield f"FN:{escape(card.name)}"
    family, given = split_name(card.name)
    yield f"N:{escape(family)};{escape(given)};;;"
    if card.organisation:
        yield f"ORG:{escape(card.organisation)}"
    if card.role:
        yield f"TITLE:{escape(card.role)}"
    # The first address and number are the ones the user listed first: the preferred ones.
    for index, email in enumerate(card.emails):
        yield ("EMAIL;PREF=1:" if index == 0 else "EMAIL:") + escape(email)
    for index, phone in enumerate(card.phones):
        yield ("TEL;PREF=1:" if index == 0 else "TEL:") + escape(phone)
    if card.linkedin_url:
        # A URI value is not text: RFC 6350 does not escape it, and a comma stays a comma.
        url = card.linkedin_url.replace("\r", "").replace("\n", "")
        yield f"URL;TYPE=x-linkedin:{url}"
    for website in card.websites:
        yield "URL:" + website.replace("\r", "").replace("\n", "")
    if card.location:
        # Free text such as "Berlin, Germany": kept whole as the address's locality.
        yield f"ADR:;;;{escape(card.location)};;;"
    if card.time_zone:
        yield f"TZ:{escape(card.time_zone)}"
    note = _note(card)
    if note:
        yield f"NOTE:{escape(note)}"
    if card.tags:
        yield "CATEGORIES:" + ",".join(escape(tag) for tag in card.tags)
    yield "END:VCARD"


def _note(card: Card) -> str:
    # One NOTE: many readers keep only the first of several.
    parts = []
    if card.how_we_met:
        parts.append(f"How we met: {card.how_we_met}")
    if card.research_notes:
        parts.append(card.research_notes)
    return "\n\n".join(parts)


def write_card(card: Card) -> str:
    """One vCard, folded, with CRLF line ends."""
    return "".join(fold(line) for line in _lines(card))


def write_cards(cards: Iterable[Card]) -> Iterator[str]:
    """Each card's text in turn, so a long list streams instead of building one big string."""
    for card in cards:
        yield write_card(card)
