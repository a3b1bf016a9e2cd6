"""Keys that say two records are the same person: LinkedIn profile, email address, name.

An import matches each row against existing contacts by these keys, in that order of trust; the
database keeps them in an indexed table so matching costs one query per chunk of rows, however
many contacts the user already has.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from coffeechat.core.text import fold

LINKEDIN = "li:"
EMAIL = "em:"
NAME = "nm:"
# The longest key stored; longer values cannot be matched reliably and are left out.
MAX_KEY = 320
_NOT_DIGITS = re.compile(r"[^0-9]")


def linkedin_key(url: str) -> str:
    """A LinkedIn profile address reduced to its path (``in/jane-doe``); empty if not LinkedIn.

    Scheme, ``www.`` or country host (``uk.linkedin.com``), case, query, fragment, percent
    escapes and a trailing slash do not make two addresses different people.
    """
    text = url.strip()
    if not text:
        return ""
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    host = (parts.hostname or "").casefold()
    if host != "linkedin.com" and not host.endswith(".linkedin.com"):
        return ""
    path = unquote(parts.path).casefold().strip("/")
    return "/".join(segment for segment in path.split("/") if segment)


def email_key(email: str) -> str:
    """An email address compared without case or surrounding spaces."""
    value = email.strip().casefold()
    return value if "@" in value else ""


def website_key(url: str) -> str:
    """A web address compared without scheme, case or a trailing slash.

    ``http://Example.org/ada/`` and ``https://example.org/ada`` are one website listed twice.
    """
    text = url.strip().casefold()
    for prefix in ("https://", "http://", "//"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    return text.rstrip("/")


def phone_key(phone: str) -> str:
    """A phone number compared by its digits ("+44 20 7946 0000" ~ "+442079460000").

    A value without digits stays itself (case aside), so it is never the same as another.
    """
    digits = _NOT_DIGITS.sub("", phone)
    return digits or phone.casefold()


def name_key(name: str) -> str:
    """A name compared without case, accents or spacing."""
    return fold(name)


def keyed(prefix: str, value: str) -> str:
    """A stored key (``prefix`` + ``value``), or "" when there is nothing to match on."""
    key = prefix + value if value else ""
    return key if len(key) <= MAX_KEY else ""


def contact_keys(name: str, emails: Iterable[str], linkedin_url: str) -> set[str]:
    """Every key of one contact, each prefixed by its kind."""
    keys = {keyed(LINKEDIN, linkedin_key(linkedin_url)), keyed(NAME, name_key(name))}
    keys.update(keyed(EMAIL, email_key(email)) for email in emails)
    keys.discard("")
    return keys
