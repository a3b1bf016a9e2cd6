"""The funnel: outreach, reply, chat, referral, opportunity, overall and per target."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.safestring import mark_safe

from coffeechat.core.funnel import STAGES, funnel_picture
from coffeechat.services.funnel import funnels
from coffeechat.web.shortcuts import allow, page_of


@allow("GET")
def funnel(request):
    overall, targets = funnels(request.user)
    # A career centre's student or a wide search can have a hundred targets: the table shows
    # them a page at a time, top five and most motivated first.
    page = page_of(request, targets)
    context = {
        "funnel": overall,
        "stages": STAGES,
        "targets": page,
        "page": page,
        # Built with ElementTree, which escapes every text: safe to place as markup.
        "picture": mark_safe(
            funnel_picture(
                overall,
                title="Your funnel, from a request to an opportunity",
                id_prefix="funnel-overall",
            )
        ),
    }
    return render(request, "coffeechat/funnel/page.html", context)
