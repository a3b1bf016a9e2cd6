"""Template tags that show times the way the signed-in user reads them, and stored links safely."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from urllib.parse import quote
from zoneinfo import available_timezones

from django import template
from django.urls import reverse
from django.utils.html import format_html

from coffeechat.core.clock import format_clock, zone
from coffeechat.core.fields import is_email, linkable
from coffeechat.core.followups import describe_left, urgency

register = template.Library()


def _preferences(context):
    # The context processor puts the user's preferences in every page, read lazily.
    return context.get("preferences")


def _zone_name(context, zone_name: str) -> str:
    if zone_name:
        return zone_name
    preferences = _preferences(context)
    return preferences.time_zone if preferences is not None else "UTC"


def _clock_format(context) -> str:
    preferences = _preferences(context)
    return preferences.clock_format if preferences is not None else "24"


@register.simple_tag(takes_context=True)
def clock(context, moment: datetime | None, zone_name: str = "") -> str:
    """``13:20`` or ``1:20 pm`` in the user's zone (or in ``zone_name``)."""
    if moment is None:
        return ""
    return format_clock(moment, zone(_zone_name(context, zone_name)), _clock_format(context))


@register.simple_tag(takes_context=True)
def day(context, moment: datetime | None, zone_name: str = "") -> str:
    """``Mon 2 Mar 2026``: the calendar day of ``moment`` in the user's zone."""
    if moment is None:
        return ""
    local = moment.astimezone(zone(_zone_name(context, zone_name)))
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
