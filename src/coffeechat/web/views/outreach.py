"""Requests for a chat: the list, the composer with its linter, sending, and the reply.

PLACEHOLDER while issue 7 is being built (helper B replaces every function).
"""

from __future__ import annotations

from django.http import Http404


def outreach_list(request):
    raise Http404


def outreach_new(request):
    raise Http404


def outreach_detail(request, code):
    raise Http404


def outreach_eml(request, code):
    raise Http404


def outreach_reply(request, code):
    raise Http404


def outreach_settings(request):
    raise Http404
