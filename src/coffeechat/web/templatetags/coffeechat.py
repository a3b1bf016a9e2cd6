"""Template tags that show times the way the signed-in user reads them, and stored links safely."""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import lru_cache
from urllib.parse import quote
from zoneinfo import ZoneInfo, available_timezones

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html

from coffeechat.core.clock import format_clock, zone
from coffeechat.core.fields import is_email, linkable
from coffeechat.core.followups import describe_left, urgency

register = template.Library()


# Where a page's reader reads times, worked out once per page: a long list of rows calls {% day %}
# and {% clock %} hundreds of times, and each lookup of the preferences walks the whole context.
READER = "_coffeechat_reader"


def _reader(context) -> tuple[ZoneInfo, str]:
    """The user's zone and clock format (UTC and 24 hours when no one is signed in)."""
    cached = getattr(context, READER, None)
    if cached is None:
        # The context processor puts the user's preferences in every page, read lazily.
        preferences = context.get("preferences")
        if preferences is None:
            cached = (zone("UTC"), "24")
        else:
            cached = (zone(preferences.time_zone), preferences.clock_format)
        # On the context object itself: includes, partials and {% with %} share it, and it
        # lives exactly as long as the page being drawn.
        setattr(context, READER, cached)
    return cached


def _zone(context, zone_name: str) -> ZoneInfo:
    return zone(zone_name) if zone_name else _reader(context)[0]


@register.simple_tag(takes_context=True)
def clock(context, moment: datetime | None, zone_name: str = "") -> str:
    """``13:20`` or ``1:20 pm`` in the user's zone (or in ``zone_name``)."""
    if moment is None:
        return ""
    return format_clock(moment, _zone(context, zone_name), _reader(context)[1])


@register.simple_tag(takes_context=True)
def day(context, moment: datetime | None, zone_name: str = "") -> str:
    """``Mon 2 Mar 2026``: the calendar day of ``moment`` in the user's zone."""
    if moment is None:
        return ""
    local = moment.astimezone(_zone(context, zone_name))
    return f"{local:%a} {local.day} {local:%b %Y}"


@register.filter
def left(due_at: datetime, now: datetime) -> str:
    """How long until (or since) ``due_at``: ``3 h left``, ``2 days overdue``."""
    return describe_left(urgency(due_at, now).seconds_left)


@register.filter
def urgency_state(due_at: datetime, now: datetime) -> str:
    """``overdue``, ``soon`` or ``later``, for styling."""
    return urgency(due_at, now).state


@lru_cache(maxsize=1)
def _zone_names() -> tuple[str, ...]:
    # The list only changes when the system's zone data does; read it once per process.
    return tuple(sorted(available_timezones()))


@register.inclusion_tag("coffeechat/includes/time_zones.html")
def time_zone_datalist() -> dict:
    """A <datalist id="time-zones"> that time zone boxes suggest from."""
    return {"zones": _zone_names()}


@register.simple_tag(takes_context=True)
def nav_link(context, url_name: str, label: str) -> str:
    """A header link that tells screen readers which section the page is in."""
    url = reverse(url_name)
    path = context["request"].path
    current = path == url if url == "/" else path.startswith(url)
    if current:
        return format_html('<a href="{}" aria-current="page">{}</a>', url, label)
    return format_html('<a href="{}">{}</a>', url, label)


# Stored addresses. Whatever a row holds (an older database, a restore, an import of earlier
# days), only an http(s) address goes into an href, and a mailto: names exactly one address.


@register.filter
def web_url(value) -> str:
    """What a link to ``value`` may open (http or https with a host, core.fields), else empty."""
    return linkable(value)


@register.simple_tag
def web_link(url, text=None) -> str:
    """A link to an http(s) ``url``, opened without a referrer; anything else as plain text."""
    shown = url if text is None else text
    href = web_url(url)
    if not href:
        return shown  # simple_tag escapes it
    return format_html('<a href="{}" rel="noreferrer noopener">{}</a>', href, shown)


@register.filter
def mailto(address) -> str:
    """A ``mailto:`` link to exactly one email address (core.fields), or empty."""
    if not is_email(address):
        return ""
    # Percent-encoded like core.compose.mailto_url: a "?" in the address starts no query.
    return "mailto:" + quote(address.strip(), safe="@")


@register.simple_tag
def email_link(address) -> str:
    """A mailto: link for one stored email address; anything else as plain text."""
    href = mailto(address)
    if not href:
        return address
    return format_html('<a href="{}">{}</a>', href, address)


# Lists draw a link or two per row to an object's page, named by its UUID: {% url %} works each
# one out from the URL patterns again (a third of the home page's drawing). The path of a named
# pattern around its codes never changes while the process runs, so it is worked out once and
# the codes are put in its place.
_PLACEHOLDER = "ffffffff-ffff-4fff-bfff-ffffffffffff"


@lru_cache(maxsize=512)
def _path_parts(name: str, arity: int, prefix: str, urlconf: str) -> tuple[str, ...] | None:
    """reverse(name) around ``arity`` UUIDs, cut where they go; None if that cannot be done."""
    path = reverse(name, args=[uuid.UUID(_PLACEHOLDER)] * arity, urlconf=urlconf)
    parts = tuple(path.split(_PLACEHOLDER))
    return parts if len(parts) == arity + 1 else None


@register.simple_tag
def path_of(name: str, *codes) -> str:
    """As ``{% url name code ... %}`` for UUID codes: the same path, worked out faster."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    parts = None
    if codes and all(isinstance(code, uuid.UUID) for code in codes):
        parts = _path_parts(name, len(codes), get_script_prefix(), urlconf)
    if parts is None:
        return reverse(name, args=codes, urlconf=urlconf)
    out = [parts[0]]
    for code, part in zip(codes, parts[1:], strict=True):
        out += (str(code), part)
    return "".join(out)
