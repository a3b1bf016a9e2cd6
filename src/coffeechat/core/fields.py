"""What coffeechat accepts as a day, a web address and an email address: each rule once.

Forms, restore, imports, templates and delivery all ask these functions, so a value one way in
refuses is refused by every other, and what is stored can always be linked, mailed and written
into a calendar.

- A day lies between 1 January 1900 and 31 December 2200. Beyond that nobody plans a chat, and
  near the ends of Python's calendar (years 1 and 9999) turning a local time into UTC, or adding
  a day for the thank-you, overflows.
- A web address is http or https with a host, as a link may open it: never ``javascript:``.
- An email address is exactly one plain address: no second one after a comma, no name in angle
  brackets, no line break that would start a new header. It is stored with its domain in lower
  case and its local part (before the @) as written, which a mail server may treat as
  case-sensitive; matching compares addresses without case (core.contact_keys).
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from datetime import date, datetime, time, timedelta, timezone
from urllib.parse import urlsplit, urlunsplit

EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2200, 12, 31)
# A moment is in range when it falls on an accepted day somewhere on Earth: local days run from
# UTC+14 (the first to start) to UTC-12 (the last to end). So a day the forms accept, at any
# time in any zone, is a moment restore accepts too.
_EARLIEST_MOMENT = datetime.combine(EARLIEST_DAY, time.min, tzinfo=timezone(timedelta(hours=14)))
_LATEST_MOMENT = datetime.combine(LATEST_DAY, time.max, tzinfo=timezone(timedelta(hours=-12)))
WEB_SCHEMES = frozenset({"http", "https"})
# A host name is dot-separated labels of letters (any script), digits and inner hyphens, each at
# most 63 characters; the last label, the top-level domain, is letters (or punycode, "xn--...").
_LONGEST_LABEL = 63
_LONGEST_HOST = 253


def _is_label(label: str) -> bool:
    return (
        0 < len(label) <= _LONGEST_LABEL
        and not label.startswith("-")
        and not label.endswith("-")
        and all(char == "-" or char.isalnum() or not char.isascii() for char in label)
    )


def _is_top_level(label: str) -> bool:
    if label.lower().startswith("xn--"):
        return label[4:].isascii() and label[4:].isalnum()
    return len(label) >= 2 and all(
        char == "-" or not char.isascii() or char.isalpha() for char in label
    )


def _is_host_name(name: str) -> bool:
    """Whether ``name`` is a host name with a top-level domain, such as ``mail.example.org``."""
    labels = name.split(".")
    return (
        len(name) <= _LONGEST_HOST
        and len(labels) >= 2
        and all(_is_label(label) for label in labels)
        and _is_top_level(labels[-1])
    )


# The local part of an address: dot-separated atoms of the characters RFC 5322 allows unquoted.
_ATOM = r"[-!#$%&'*+/=?^_`{}|~0-9a-z]+"
_LOCAL_PART = re.compile(rf"{_ATOM}(?:\.{_ATOM})*", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_LIST_SEPARATORS = re.compile(r"[,;\s]+")
# A display name (quoted, or plain words without separators) and one address in angle brackets.
_DISPLAY_NAME = re.compile(r'(?:"[^"]*"|[^"<>,;]*?)\s*<\s*(?P<address>[^<>\s,;]+@[^<>\s,;]+)\s*>')


class FieldError(ValueError):
    """A value is not what coffeechat accepts; the message says what is wrong, in plain words."""


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


DAY_RANGE = f"between {_long(EARLIEST_DAY)} and {_long(LATEST_DAY)}"


# Days and moments ----------------------------------------------------------------------------


def day_in_range(day: date) -> bool:
    """Whether ``day`` is one coffeechat accepts (1900 to 2200)."""
    return EARLIEST_DAY <= day <= LATEST_DAY


def check_day(day: date) -> date:
    """``day`` itself, or FieldError when it is outside 1900 to 2200."""
    if not day_in_range(day):
        raise FieldError(f"Give a day {DAY_RANGE}.")
    return day


def moment_in_range(moment: datetime) -> bool:
    """Whether ``moment`` falls on an accepted day; a naive moment is judged by its own day.

    Aware moments are compared as instants, which never overflows, so this is safe to ask before
    converting a moment to UTC.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        return day_in_range(moment.date())
    return _EARLIEST_MOMENT <= moment <= _LATEST_MOMENT


# Web addresses -------------------------------------------------------------------------------


def _host_is_valid(host: str) -> bool:
    if host.startswith("["):
        if not host.endswith("]"):
            return False
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return False
        return True
    if host.lower() == "localhost":
        return True
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        pass
    else:
        return True
    name = host[:-1] if host.endswith(".") else host
    return _is_host_name(name)


def _has_blank(value: str) -> bool:
    return any(char.isspace() or unicodedata.category(char) == "Cc" for char in value)


def check_web_address(value: str) -> str:
    """``value`` itself when it is an http(s) address with a host, else FieldError saying why."""
    if not value:
        raise FieldError("The web address is empty.")
    if _has_blank(value):
        raise FieldError("A web address has no spaces, line breaks or control characters.")
    try:
        parts = urlsplit(value)
    except ValueError:
        raise FieldError("This is not a web address, such as https://example.com.") from None
    if parts.scheme.lower() not in WEB_SCHEMES or not value[len(parts.scheme) :].startswith("://"):
        raise FieldError(
            "A web address must start with http:// or https://, such as https://example.com."
        )
    host = parts.netloc.rpartition("@")[2]
    if host.startswith("["):
        host, _bracket, port = host.partition("]")
        host += _bracket
    else:
        host, _colon, port = host.partition(":")
    if not host:
        raise FieldError("A web address needs a host after https://, such as example.com.")
    if (port or parts.netloc.endswith(":")) and not (port.isdigit() and 0 < int(port) < 65536):
        raise FieldError("The port after the host is not a number from 1 to 65535.")
    if not _host_is_valid(host):
        raise FieldError(f"{host} is not a host name, such as example.com.")
    return value


def web_address(value: str) -> str:
    """A web address as the forms read one: trimmed, https:// assumed when no scheme is given.

    Raises FieldError like check_web_address. ``javascript:...`` names its scheme, so nothing is
    assumed for it and it is refused.
    """
    text = value.strip()
    if text.startswith("//"):
        text = "https:" + text
    elif text and not _SCHEME.match(text):
        text = "https://" + text
    return check_web_address(text)


def linkable(value: object) -> str:
    """What a link to a stored ``value`` may open: the web address (https:// assumed when
    bare, as the forms assume it), or empty when it is not one (``javascript:...``)."""
    if not isinstance(value, str):
        return ""
    try:
        return web_address(value)
    except FieldError:
        return ""


FEED_SCHEMES = {"webcal": "https", "http": "http", "https": "https"}
LONGEST_FEED_ADDRESS = 1000


def feed_address(value: str) -> str:
    """A calendar feed's address as it is fetched, or FieldError saying why it cannot be.

    Looser than a link about the host: a calendar on the user's own network (``http://nas/...``)
    is theirs to subscribe to. ``webcal://`` is how calendar programs spell a subscription; the
    calendar itself is on https.
    """
    text = value.strip()
    if _has_blank(text):
        raise FieldError("A web address has no spaces, line breaks or control characters.")
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        host = None
    scheme = FEED_SCHEMES.get(parts.scheme.lower()) if host else None
    if scheme is None:
        raise FieldError(
            "Give the calendar's address starting with https:// (or http://), such as the "
            "secret iCal address your calendar program shows."
        )
    if len(text) > LONGEST_FEED_ADDRESS:
        raise FieldError(f"That address is longer than {LONGEST_FEED_ADDRESS:,} characters.")
    return urlunsplit(parts._replace(scheme=scheme))


# Email addresses -----------------------------------------------------------------------------


def _domain_is_valid(domain: str) -> bool:
    return domain.lower() == "localhost" or (_is_host_name(domain))


def check_email(value: str) -> str:
    """``value`` as stored when it is exactly one plain address, else FieldError saying why.

    Stored means trimmed, with the domain in lower case and the local part kept as written:
    ``Omega.Smith@Example.COM`` is ``Omega.Smith@example.com``.
    """
    address = value.strip()
    if not address:
        raise FieldError("The email address is empty.")
    if "\r" in address or "\n" in address:
        raise FieldError("An email address is one line; this one has a line break in it.")
    if "<" in address or ">" in address:
        raise FieldError(
            "Give the address alone, without a name or angle brackets, such as sam@example.com."
        )
    if any(char in ",;" or char.isspace() for char in address):
        raise FieldError(
            "Give one address only: an email address has no commas, semicolons or spaces."
        )
    if address.count("@") != 1:
        raise FieldError("An email address has exactly one @, such as sam@example.com.")
    local, domain = address.split("@")
    if (
        len(address) > 320
        or len(local) > 64
        or _LOCAL_PART.fullmatch(local) is None
        or not _domain_is_valid(domain)
    ):
        raise FieldError("This is not an email address; write one such as sam@example.com.")
    return f"{local}@{domain.lower()}"


def is_email(value: object) -> bool:
    """Whether ``value`` is exactly one plain email address (see check_email)."""
    if not isinstance(value, str):
        return False
    try:
        check_email(value)
    except FieldError:
        return False
    return True


def _without_display_names(value: str) -> str:
    """``value`` with each ``"Name" <address>`` or ``Name <address>`` reduced to the address.

    Address books and phones write an address with its owner's name; a phone may even fold the
    line between the two, which unfolding turns into spaces. Only a name followed by one address
    in angle brackets is reduced; anything else is left for check_email to judge.
    """
    if "<" not in value:
        return value
    return _DISPLAY_NAME.sub(lambda match: f" {match['address']} ", value)


def split_emails(value: str) -> tuple[list[str], list[str]]:
    """The addresses in a cell that may list several (commas, semicolons or spaces between).

    Display-name forms (``"Omega" <omega@example.com>``) count as their address. Returns the
    good addresses as stored (see check_email) and, separately, the pieces that are not one
    address.
    """
    good: list[str] = []
    bad: list[str] = []
    for piece in _LIST_SEPARATORS.split(_without_display_names(value)):
        if not piece:
            continue
        try:
            good.append(check_email(piece))
        except FieldError:
            bad.append(piece)
    return good, bad
