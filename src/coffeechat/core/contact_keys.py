"""Keys that say two records are the same person: LinkedIn profile, email address, name.

An import matches each row against existing contacts by these keys, in that order of trust; the
database keeps them in an indexed table so matching costs one query per chunk of rows, however
many contacts the user already has.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from coffeechat.core.text import fold

LINKEDIN = "li:"
EMAIL = "em:"
NAME = "nm:"
# The longest key stored; longer values cannot be matched reliably and are left out.
MAX_KEY = 320


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


def name_key(name: str) -> str:
    """A name compared without case, accents or spacing."""
    return fold(name)


def contact_keys(name: str, emails: Iterable[str], linkedin_url: str) -> set[str]:
    """Every key of one contact, each prefixed by its kind."""
    keys = set()
    profile = linkedin_key(linkedin_url)
    if profile:
        keys.add(LINKEDIN + profile)
    for email in emails:
        address = email_key(email)
        if address:
            keys.add(EMAIL + address)
    folded = name_key(name)
    if folded:
        keys.add(NAME + folded)
    return {key for key in keys if len(key) <= MAX_KEY}
