"""Small helpers every views module shares: methods, preferences, pages, form errors, going back."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import cast

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.forms import Form, ModelChoiceField
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.http.response import HttpResponseRedirectBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify

from coffeechat.core.clock import zone
from coffeechat.core.search import clean_query
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.errors import DomainError
from coffeechat.store.owners import Owner

PER_PAGE = 50
# The header the notes script sends; a view answers it with just the changed piece of the page.
PARTIAL_HEADER = "X-Coffeechat-Partial"
# A form that comes back with problems answers 400, so scripts and tests can tell it from success.
INVALID = 400
# Longer than any path of ours with its query; a longer "next" is not one we wrote.
LONGEST_NEXT = 2000


class OwnerRequest(HttpRequest):
    """A request from a signed-in owner, for annotations: ``user`` is never anonymous.

    LoginRequiredMiddleware lets no other request reach a view that is not marked
    login_not_required, so such views and their helpers may pass ``request.user`` as an owner.
    """

    user: Owner


def wants_json(request: HttpRequest) -> bool:
    """Whether a page's script asked for JSON (the live page's queue and buttons do)."""
    return "application/json" in request.headers.get("Accept", "")


def allow(*methods: str) -> Callable:
    """Like require_http_methods, but the refusal is a readable page instead of an empty body."""

    # HEAD is GET without the body; link checkers and monitors use it.
    accepted = (*methods, "HEAD") if "GET" in methods else methods

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in accepted:
                body = render_to_string(
                    "coffeechat/errors/405.html", {"allowed": methods}, request=request
                )
                return HttpResponseNotAllowed(methods, body)
            return view(request, *args, **kwargs)

        # Read by the authorization test, which tries every page with each method it accepts.
        guarded.allowed_methods = accepted  # type: ignore[attr-defined]
        return guarded

    return decorator


def next_path(request: HttpRequest) -> str:
    """The page to go back to that the request names in ``next`` (form, then query), or "".

    Only a path on this site is taken: it starts with one ``/`` (``//host`` and ``/\\host`` are
    other sites to a browser) and holds no control characters (browsers drop tabs and line breaks
    from an address, which would turn ``/<tab>/host`` into ``//host``). Anything else, such as
    ``foo`` or ``https://elsewhere``, gives "", so the caller's own page is used instead.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not target.startswith("/") or target[1:2] in ("/", "\\") or len(target) > LONGEST_NEXT:
        return ""
    if any(ord(character) < 32 or ord(character) == 127 for character in target):
        return ""
    # Django's own check as well, so anything it knows to be unsafe is refused here too.
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts=None) else ""


def go_back(request: HttpRequest, fallback: str, *args, **kwargs) -> HttpResponseRedirect:
    """Redirect to the request's ``next`` page when it is one of ours, else to ``fallback``.

    ``fallback`` is a URL pattern name (with its ``args``) or a path, as for ``redirect``; what the
    user sent is never read as a pattern name.
    """
    target = next_path(request)
    if target:
        return HttpResponseRedirect(target)
    return redirect(fallback, *args, **kwargs)


def preferences_of(request: OwnerRequest):
    """The signed-in user's preferences, read once per request."""
    cached = getattr(request, "_coffeechat_preferences", None)
    if cached is None:
        cached = ensure_preferences(request.user)
        request._coffeechat_preferences = cached  # type: ignore[attr-defined]  # per request
    return cached


def user_zone(request: OwnerRequest):
    """The ZoneInfo the user reads times in."""
    return zone(preferences_of(request).time_zone)


def page_of(request: HttpRequest, items) -> Page:
    """The page of ``items`` named by ?page=; a bad or too-large number gives a real page."""
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page"))


def offers_choices(form: Form, name: str) -> bool:
    """Whether the form's choice field ``name`` has anything to choose (a page says so when not)."""
    field = cast(ModelChoiceField, form.fields[name])
    return field.queryset is not None and field.queryset.exists()


def search_query(request: HttpRequest) -> str:
    """The words of a search box (?q=), cleaned as every search cleans them (see core.search)."""
    return clean_query(request.GET.get("q", ""))


def show_domain_error(form: Form, error: DomainError) -> None:
    """Attach a service's refusal to the field it names, or to the whole form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


# Set on a request whose answer depends on PARTIAL_HEADER; middleware.vary_on_partial reads it.
PARTIAL_CONSULTED = "_coffeechat_partial_consulted"


def wants_partial(request: HttpRequest, name: str) -> bool:
    """Whether the page's script asked for just the piece called ``name``.

    Asking marks the request, so its answer, piece or whole page, says ``Vary`` on the header
    (middleware.vary_on_partial): a cache must never give the piece to someone who asked for the
    page, or the page to the script.
    """
    setattr(request, PARTIAL_CONSULTED, True)
    return request.headers.get(PARTIAL_HEADER) == name


def save_note(
    request: OwnerRequest,
    *,
    contact,
    chat,
    template: str,
    context_for: Callable[..., dict],
    back_to: str,
) -> HttpResponse:
    """Add a note from the notes form of a contact's or a chat's page.

    The page's script gets just the notes piece back; a plain form post is redirected to the page;
    a note with problems shows the page again with what was typed.
    """
    from coffeechat.services.chats import add_note
    from coffeechat.web.forms import NoteForm

    form = NoteForm(request.POST)
    partial = wants_partial(request, "notes")
    template = template + ("#notes" if partial else "")
    if form.is_valid():
        try:
            add_note(
                request.user,
                contact,
                form.cleaned_data["text"],
                kind=form.cleaned_data["kind"],
                chat=chat,
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            if partial:
                return render(request, template, context_for(NoteForm(), note_saved=True))
            messages.success(request, "Note added.")
            return redirect(back_to + "#notes")
    return render(request, template, context_for(form), status=INVALID)


def show_form(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """Render a form page: 200 the first time, 400 when a sent form came back with problems."""
    status = INVALID if context["form"].is_bound else 200
    return render(request, template, context, status=status)


# What each "I sent it" button of a composer records; the service refuses anything else.
SENT_LABELS = {
    "copy": "Marked as sent (copied).",
    "mailto": "Marked as sent from your mail program.",
    "eml": "Marked as sent (.eml).",
    "elsewhere": "Marked as sent elsewhere.",
}


def eml_download(payload: bytes, name: str) -> HttpResponse:
    """A drafted message as an .eml attachment, which mail programs open as a draft to send."""
    response = HttpResponse(payload, content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="{slugify(name) or "message"}.eml"'
    return response


# The header value the composer's script sends when it saves alongside copying or the mail link.
SAVED = "saved"
# Both composers call their message box "body"; a plain copy lands on it.
MESSAGE_BOX = "#id_body"


class MailtoRedirect(HttpResponseRedirectBase):
    """A redirect to a mailto: link, which the browser hands to the user's mail program."""

    status_code = 302
    allowed_schemes = ["mailto"]


def deliver(
    request: HttpRequest,
    action: str,
    *,
    back: str,
    eml: Callable[[], HttpResponse],
    mailto: Callable[[], str],
    send: Callable[[], object],
    mark_sent: Callable[[str], object],
    sent_message: str,
) -> HttpResponse:
    """Carry out a composer's button once its draft is saved, on the text just saved.

    One form, many buttons, so what leaves is what was on the screen: "eml" downloads it, "mailto"
    redirects to a mailto: link carrying it, "copy" shows it to copy, "send" sends it through the
    mail server, each "I sent it" names its channel as ``sent:<channel>``, anything else only
    saved. The page's script copies and opens the link itself and saves alongside: it asks for
    just a note back. A refusal becomes an error message; the draft was saved before, so nothing
    typed is lost.
    """
    if wants_partial(request, SAVED) and action in ("save", "copy", "mailto"):
        return render(request, "coffeechat/includes/delivery_ways.html#saved")
    try:
        if action == "eml":
            return eml()
        if action == "mailto":
            return MailtoRedirect(mailto())
        if action == "copy":
            messages.success(
                request,
                "Your draft is saved. Select the message in the box and copy it "
                "(Ctrl+A, then Ctrl+C; on a Mac ⌘A, then ⌘C).",
            )
            return HttpResponseRedirect(back + MESSAGE_BOX)
        if action == "send":
            send()
            messages.success(request, sent_message)
        elif action.startswith("sent:"):
            channel = action.removeprefix("sent:")
            mark_sent(channel)
            messages.success(request, SENT_LABELS.get(channel, "Marked as sent."))
        else:
            messages.success(request, "Draft saved.")
    except DomainError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(back)
