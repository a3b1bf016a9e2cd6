"""The 3-and-7 timers' actions: write the one nudge, or put off the second-person suggestion.

PLACEHOLDER while issue 7 is being built (helper C replaces every function).
"""

from __future__ import annotations

from django.http import Http404


def outreach_nudge(request, code):
    raise Http404


def outreach_move_on(request, code):
    raise Http404
