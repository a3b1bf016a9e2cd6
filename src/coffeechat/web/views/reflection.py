"""Reflection: how recent held chats went against their plan, taken together."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.safestring import mark_safe

from coffeechat.core.clock import format_day
from coffeechat.core.stats import OVERRUN_TOLERANCE, PROMPT_OVER
from coffeechat.core.svg import Bar, bar_chart
from coffeechat.core.text import counted
from coffeechat.services.reflection import (
    HeldChatReflection,
    ReflectionOverview,
    buffer_suggestion,
    overview,
)
from coffeechat.web.shortcuts import allow, user_zone


def over_words(minutes: float) -> str:
    """``7 min over``, ``2.5 min short`` or ``on time``."""
    if minutes == 0:
        return "on time"
    return f"{abs(minutes):g} min {'over' if minutes > 0 else 'short'}"


def _chart(items: list[HeldChatReflection], summary, tz) -> str:
    if not items:
        return ""
    bars = []
    for item in items:
        local = item.chat.starts_at.astimezone(tz)
        bars.append(
            Bar(
                item.reflection.overrun_minutes,
                f"{item.chat.contact.name}, {format_day(local)}: "
                f"{over_words(item.reflection.overrun_minutes)}",
            )
        )
    description = (
        f"Your last {counted(summary.held, 'held chat')}, oldest on the left. {summary.ran_over} "
        f"ran more than {counted(OVERRUN_TOLERANCE, 'minute')} over the agreed length; the "
        f"longest by {counted(summary.longest_overrun, 'minute')}."
    )
    return bar_chart(
        bars,
        title="Minutes over the agreed length, per chat",
        description=description,
        id_prefix="overrun-chart",
        unit=" min",
        guide=OVERRUN_TOLERANCE,
    )


@allow("GET")
def reflection(request):
    result: ReflectionOverview = overview(request.user)
    summary = result.summary
    context = {
        "summary": summary,
        "rows": [
            {
                "chat": item.chat,
                "reflection": item.reflection,
                "over": over_words(item.reflection.overrun_minutes),
            }
            for item in reversed(result.chats)
        ],
        "rate_percent": round(summary.overrun_rate * 100)
        if summary.overrun_rate is not None
        else None,
        "they_asked_percent": (
            round(summary.they_asked_share * 100) if summary.they_asked_share is not None else None
        ),
        "median": over_words(summary.median_overrun) if summary.median_overrun is not None else "",
        "tolerance": OVERRUN_TOLERANCE,
        "prompt_over": PROMPT_OVER,
        "buffer_advice": buffer_suggestion(request.user),
        # Built with ElementTree, which escapes every text: safe to place as markup.
        "chart": mark_safe(_chart(result.chats, summary, user_zone(request))),
    }
    return render(request, "coffeechat/reflection.html", context)
