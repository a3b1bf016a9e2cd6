"""Search: contacts, organisations and notes from the box in every page's header."""

from __future__ import annotations

from django.shortcuts import render

from coffeechat.services.errors import DomainError
from coffeechat.services.rate_limits import SEARCH, RateLimited, check_rate
from coffeechat.services.search import search
from coffeechat.web.limits import limited
from coffeechat.web.shortcuts import allow, search_query

PER_PAGE = 20
# Deep pages of a search are never read; a cap keeps a hand-made ?page=99999 cheap.
MOST_PAGES = 50


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
        "problem": problem,
        "page_number": page,
    }
    response = render(request, "coffeechat/search/results.html", context)
    # The words stay in the box, so trying again later is one press.
    return limited(response, refusal) if refusal else response
