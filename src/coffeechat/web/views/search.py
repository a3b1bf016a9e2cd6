"""Search: contacts, organisations and notes from the box in every page's header."""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from coffeechat.core.search import marked_html
from coffeechat.services.errors import DomainError
from coffeechat.services.rate_limits import SEARCH, RateLimited, check_rate
from coffeechat.services.search import Hit, search
from coffeechat.web.limits import limited
from coffeechat.web.shortcuts import allow, search_query

PER_PAGE = 20
# Deep pages of a search are never read; a cap keeps a hand-made ?page=99999 cheap.
MOST_PAGES = 50


@dataclass(frozen=True)
class ShownHit:
    """A hit as the page shows it: its link and its texts as HTML with the matches marked.

    Drawn here rather than in the template: 20 hits with a link tag and three filters each cost
    the template more than the rest of the page (issue 18, search as you type).
    """

    kind: str
    kind_label: str
    href: str
    title: SafeString
    context: SafeString
    snippet: SafeString


def _link(hit: Hit) -> str:
    if hit.kind == "organisation":
        return reverse("web:organisation", args=[hit.code])
    if hit.kind == "note" and hit.chat_code:
        return reverse("web:chat", args=[hit.chat_code]) + "#notes"
    if hit.kind == "note":
        return reverse("web:contact", args=[hit.code]) + "#notes"
    return reverse("web:contact", args=[hit.code])


def _shown(hit: Hit) -> ShownHit:
    # Safe because marked_html escapes every character of the text before adding the marks.
    return ShownHit(
        kind=hit.kind,
        kind_label=hit.kind_label,
        href=_link(hit),
        title=mark_safe(marked_html(hit.title)),
        context=mark_safe(marked_html(hit.context)),
        snippet=mark_safe(marked_html(hit.snippet)),
    )


def _page_number(request) -> int:
    value = request.GET.get("page", "1").strip()
    if value.isascii() and value.isdigit():
        return min(max(int(value), 1), MOST_PAGES)
    return 1


@allow("GET")
def search_page(request):
    query = search_query(request)
    page = _page_number(request)
    results, problem, refusal = None, "", None
    if query:
        try:
            check_rate(request.user, SEARCH)
            results = search(request.user, query, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
        except RateLimited as error:
            problem, refusal = error.message, error
        except DomainError as error:
            problem = error.message
    context = {
        "site_query": query,
        "results": results,
        "hits": [_shown(hit) for hit in results.hits] if results else [],
        "problem": problem,
        "page_number": page,
    }
    response = render(request, "coffeechat/search/results.html", context)
    # The words stay in the box, so trying again later is one press.
    return limited(response, refusal) if refusal else response
