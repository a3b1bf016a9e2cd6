"""The compact funnel picture, for the summary any page can include."""

from __future__ import annotations

import uuid

from django import template
from django.utils.safestring import SafeString, mark_safe

from coffeechat.core.funnel import Funnel, funnel_picture

register = template.Library()


@register.simple_tag
def funnel_svg(funnel: Funnel, title: str = "", picture_id: str = "") -> SafeString:
    """``funnel`` as a compact SVG; ``picture_id`` keeps ids unique when a page shows several."""
    # Without an id of its own, each picture gets a fresh one: two pictures sharing ids would
    # be read out with each other's title.
    prefix = f"funnel-{picture_id or uuid.uuid4().hex[:8]}"
    # Built with ElementTree, which escapes every text: safe to place as markup.
    return mark_safe(
        funnel_picture(funnel, title=title or "Funnel", id_prefix=prefix, compact=True)
    )
