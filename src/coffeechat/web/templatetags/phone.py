"""Template tags that put a calendar on the user's phone: a QR code to scan from the screen."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils.safestring import SafeString, mark_safe

from coffeechat.core.qr import qr_svg
from coffeechat.store.models import Chat
from coffeechat.web.views.calendar import feed_address, phone_base

register = template.Library()


@dataclass(frozen=True)
class PhoneCode:
    """What a page shows to get a calendar onto the phone."""

    reachable: bool  # False on this computer's own address while LAN access is off
    url: str = ""  # what the code holds; "" while the private feed is off
    svg: SafeString = mark_safe("")


def _webcal(url: str) -> str:
    # webcal:// asks the phone to subscribe (and keep up to date) rather than import once.
    return "webcal://" + url.split("://", 1)[1]


@register.simple_tag(takes_context=True)
def phone_calendar(context, chat: Chat | None = None) -> PhoneCode:
    """The QR code for the private feed, or for one ``chat`` under the feed's secret."""
    request = context["request"]
    base = phone_base(request)
    if not base:
        return PhoneCode(reachable=False)
    url = feed_address(request, context["preferences"].calendar_token, chat, base=base)
    if not url:
        return PhoneCode(reachable=True)
    if chat is None:
        url = _webcal(url)
        title = "QR code: subscribe to your chats"
    else:
        title = f"QR code: this chat with {chat.contact.name} for your phone's calendar"
    # qr_svg escapes the title; segno writes the rest from the code's modules alone.
    return PhoneCode(reachable=True, url=url, svg=mark_safe(qr_svg(url, title=title)))
