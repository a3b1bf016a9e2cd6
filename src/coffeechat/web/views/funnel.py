"""The funnel: outreach, reply, chat, referral, opportunity, overall and per target.

PLACEHOLDER while issue 7 is being built (helper D replaces every function).
"""

from __future__ import annotations

from django.http import Http404


def funnel(request):
    raise Http404
