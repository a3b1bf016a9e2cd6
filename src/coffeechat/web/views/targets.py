"""Target organisations: the sortable board, adding one, bulk-adding, and editing a target.

PLACEHOLDER while issue 7 is being built (helper A replaces every function).
"""

from __future__ import annotations

from django.http import Http404


def target_board(request):
    raise Http404


def target_add(request):
    raise Http404


def targets_bulk(request):
    raise Http404


def target_edit(request, code):
    raise Http404
