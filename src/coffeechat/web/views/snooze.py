"""The "snooze a day" link from a reminder: opens without signing in, snoozes on a button.

Opening the link (GET) only shows what it would snooze and a button: mail scanners, link
previews in chat apps and antivirus proxies fetch every link in a message, and a GET that
snoozed would spend the link before the user ever saw it. Pressing the button (POST) snoozes.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from coffeechat.services.errors import DomainError, NotFound
from coffeechat.services.snooze_links import SnoozeLinkExpired, read_snooze_link, use_snooze_link
from coffeechat.web.shortcuts import allow

TEMPLATE = "coffeechat/snooze/link.html"
PLAIN_TEXT = "text/plain; charset=utf-8"
GONE = 410


def _status_of(error: DomainError) -> int:
    if isinstance(error, NotFound):  # an altered link, or an item that is gone
        return 404
    if isinstance(error, SnoozeLinkExpired):
        return GONE
    # Used already, or the item was sent or done meanwhile: what the user wanted holds (the
    # item will not nag them), so it is answered calmly.
    return 200


def _wants_page(request) -> bool:
    # A browser's form asks for HTML. The ntfy phone app's action button asks for nothing in
    # particular and wants a 2xx, not a page: it gets one line of plain text.
    return "text/html" in request.headers.get("Accept", "")


def _answer(request, token: str, context: dict, status: int = 200) -> HttpResponse:
    if request.method == "POST" and not _wants_page(request):
        text = context.get("outcome") or context.get("refusal")
        message = text.message if text is not None else ""
        return HttpResponse(message + "\n", content_type=PLAIN_TEXT, status=status)
    return render(request, TEMPLATE, {"token": token, **context}, status=status)


# No session is needed: the signed one-time token in the address is the proof, and it names
# one item of one user. The CSRF check is off because the ntfy app posts the button straight
# from the notification, with no cookie to match; a forged cross-site post would need the
# token, and whoever has the token may snooze with it anyway. The page's form still carries
# the CSRF token, as every form does.
@login_not_required
@csrf_exempt
@allow("GET", "POST")
def snooze_link(request, token: str):
    try:
        if request.method == "POST":
            return _answer(request, token, {"outcome": use_snooze_link(token)})
        return _answer(request, token, {"preview": read_snooze_link(token)})
    except DomainError as error:
        status = _status_of(error)
        return _answer(request, token, {"refusal": error, "calm": status == 200}, status)
