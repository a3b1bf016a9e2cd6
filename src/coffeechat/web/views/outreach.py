"""Requests for a chat: the list, the composer with its linter, sending, and the reply.

The composer works like the thank-you composer: every button sits in one form with the subject,
the connection and the body, so whatever the user presses, what they typed is saved first.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from coffeechat.core.outreach_lint import DEFAULT_JOB_WORDS, RULES, Verdict
from coffeechat.core.outreach_templates import (
    AFTER_TEMPLATE,
    DEFAULT_TEMPLATE,
    TEMPLATES,
    template_named,
)
from coffeechat.core.outreach_timers import Stage
from coffeechat.core.text import counted, first_name
from coffeechat.services import mail
from coffeechat.services import outreach as service
from coffeechat.services.errors import DomainError
from coffeechat.services.outreach_timers import close_quietly, settled_board
from coffeechat.services.rate_limits import SEND, RateLimited, check_rate
from coffeechat.store.models import Contact, Outreach
from coffeechat.web.forms import (
    LinterSettingsForm,
    OutreachComposeForm,
    OutreachReplyForm,
    OutreachStartForm,
)
from coffeechat.web.limits import limited
from coffeechat.web.shortcuts import (
    INVALID,
    allow,
    deliver,
    eml_download,
    offers_choices,
    page_of,
    preferences_of,
    show_domain_error,
    show_form,
    wants_partial,
)

VERDICT_LABELS = {
    Verdict.PASS: "Passes",
    Verdict.FAIL: "Fails",
    Verdict.CANNOT_JUDGE: "Cannot judge",
    Verdict.OFF: "Off",
}


def _outreach(request, code) -> Outreach:
    return get_object_or_404(
        Outreach.objects.for_owner(request.user).select_related("contact", "contact__organisation"),
        code=code,
    )


def _named(request, model, name: str):
    """The owner's row named by ?<name>=<code>; None when absent, 404 when it names nothing."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        code = uuid.UUID(raw)
    except ValueError:
        raise Http404 from None
    queryset = model.objects.for_owner(request.user)
    if model is Contact:
        queryset = queryset.active().select_related("organisation")
    else:
        queryset = queryset.select_related("contact", "contact__organisation")
    return get_object_or_404(queryset, code=code)


def stage_text(row: service.Row) -> str:
    """Where a sent request stands, in a few words, counted in business days."""
    timers = row.timers
    waited = counted(timers.waited, "business day")
    organisation = row.outreach.contact.organisation
    there = f" at {organisation.name}" if organisation else ""
    return {
        Stage.WAITING: f"Waiting, {waited} so far.",
        Stage.TRY_SECOND: f"{waited} without a reply: try a second person{there}.",
        Stage.NUDGE_DUE: f"{waited} without a reply: one short nudge is due.",
        Stage.NUDGED: f"Nudged; waiting a last while ({waited}).",
        Stage.CLOSED: f"No reply after {waited}; stopped waiting. A late reply still counts.",
        Stage.ANSWERED: "Answered.",
        Stage.DRAFT: "Not sent yet.",
    }[timers.stage]


# Waiting requests a page: the most urgent, enough to work through at one sitting.
WAITING_PER_PAGE = 25


@allow("GET")
def outreach_list(request):
    if request.GET.get("show") == "past":
        close_quietly(request.user)
        return _past_requests(request)
    # Requests whose wait is over are closed first, as on the home page, so none shows as due.
    board = settled_board(request.user, preferences=preferences_of(request))
    # Every waiting request counts, but a page of them shows, most urgent first; only the rows
    # shown are read in full, all in one query.
    page = Paginator(board.waiting, WAITING_PER_PAGE).get_page(request.GET.get("page"))
    drafts, waiting, answered, closed = service.read_rows(
        request.user, board.drafts, list(page.object_list), board.answered, board.closed
    )
    for row in [*waiting, *closed]:
        # The row template reads it off the request, as on the page of past requests.
        row.outreach.stage_text = stage_text(row)  # type: ignore[attr-defined]
    context = {
        "board": board,
        "drafts": drafts,
        "waiting": waiting,
        "answered": answered,
        "closed": closed,
        "page": page,
    }
    return render(request, "coffeechat/outreach/list.html", context)


def _past_requests(request):
    page = page_of(request, service.past_requests(request.user))
    now, preferences = timezone.now(), preferences_of(request)
    for outreach in page:
        if outreach.status == Outreach.Status.CLOSED:
            row = service.Row(outreach, service.timers_of(outreach, now, preferences))
            outreach.stage_text = stage_text(row)
    return render(request, "coffeechat/outreach/past.html", {"page": page})


def _default_template(contact: Contact | None, after: Outreach | None) -> str:
    # Writing after an unanswered request is most often to someone at the same organisation.
    same_place = after is not None and (
        contact is None
        or (
            contact.organisation_id is not None
            and after.contact.organisation_id == contact.organisation_id
        )
    )
    return AFTER_TEMPLATE if same_place else DEFAULT_TEMPLATE


def _colleagues(request, after: Outreach | None) -> list[Contact]:
    """The user's other contacts at the organisation of an unanswered request."""
    if after is None or after.contact.organisation_id is None:
        return []
    return list(
        Contact.objects.for_owner(request.user)
        .active()
        .filter(organisation_id=after.contact.organisation_id)
        .exclude(pk=after.contact_id)
        .order_by("name")[:20]
    )


@allow("GET", "POST")
def outreach_new(request):
    # ?contact= fixes whom to write to; ?after= names the unanswered request this follows.
    contact = _named(request, Contact, "contact")
    after = _named(request, Outreach, "after")
    initial = {"template": _default_template(contact, after)}
    if contact is not None:
        initial["contact"] = contact
    data = request.POST if request.method == "POST" else None
    form = OutreachStartForm(data, owner=request.user, templates=TEMPLATES, initial=initial)
    if contact is not None and form.is_bound:
        # The address names the person; the page sends the same code in a hidden field.
        data = request.POST.copy()
        data["contact"] = str(contact.code)
        form.data = data
    if form.is_bound and form.is_valid():
        chosen = form.cleaned_data["contact"]
        existing = service.existing_draft(request.user, chosen)
        try:
            draft = service.start_outreach(
                request.user, chosen, template_id=form.cleaned_data["template"], after=after
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            if existing is not None:
                messages.info(
                    request,
                    f"You had an unsent request to {chosen.name} already; here it is, as you "
                    "left it.",
                )
            else:
                messages.success(request, f"A draft to {chosen.name}: make it yours, then check.")
            if after is not None:
                messages.info(
                    request,
                    f"Your request to {after.contact.name} keeps waiting for an answer and its "
                    "nudge.",
                )
            return redirect("web:outreach_detail", code=draft.code)
    context = {
        "form": form,
        "contact": contact,
        "after": after,
        "existing": service.existing_draft(request.user, contact) if contact else None,
        "colleagues": _colleagues(request, after) if contact is None else [],
        "no_contacts": contact is None and not offers_choices(form, "contact"),
    }
    return show_form(request, "coffeechat/outreach/new.html", context)


def _page(request, item: Outreach, form=None, *, status: int = 200, report=None):
    """The composer (a draft) or the request as it went out, with the reply form."""
    is_draft = item.status == Outreach.Status.DRAFT
    if form is None and is_draft:
        form = OutreachComposeForm(
            initial={"subject": item.subject, "connection": item.connection, "body": item.message}
        )
    if report is None and is_draft:
        text = form["body"].value() or ""
        connection = form["connection"].value() or ""
        report = service.check_text(request.user, text, connection)
    preferences = preferences_of(request)
    config = mail.smtp_settings()
    context = {
        "item": item,
        "form": form,
        "report": report,
        "verdict_labels": VERDICT_LABELS,
        "max_words": preferences.outreach_max_words,
        "templates": TEMPLATES,
        "recipient": mail.recipient(item.contact),
        "mailto": service.outreach_mailto(request.user, item),
        "smtp_ready": config is not None,
        "sender": mail.sender(request.user),
        "first_name": first_name(item.contact.name),
        "reply_form": OutreachReplyForm(),
    }
    if item.sent_at is not None:
        row = service.Row(item, service.timers_of(item, timezone.now(), preferences))
        context["stage"] = stage_text(row)
        context["timers"] = row.timers
        context["answered"] = item.status in service.ANSWERED
    template = "coffeechat/outreach/detail.html"
    if wants_partial(request, "check"):
        template += "#check"
    return render(request, template, context, status=status)


@allow("GET", "POST")
def outreach_detail(request, code):
    item = _outreach(request, code)
    if request.method == "GET":
        return _page(request, item)
    if item.status != Outreach.Status.DRAFT:
        messages.error(request, "This request was sent; it is kept as it went out.")
        return redirect("web:outreach_detail", code=item.code)
    action = request.POST.get("action", "save")
    form = OutreachComposeForm(request.POST)
    if not form.is_valid():
        return _page(request, item, form, status=INVALID)
    if action == "check" and wants_partial(request, "check"):
        # The page's script asks as the user types: check the text without saving it.
        return _page(request, item, form)
    try:
        service.save_outreach_draft(
            request.user,
            item,
            subject=form.cleaned_data["subject"],
            message=form.cleaned_data["body"],
            connection=form.cleaned_data["connection"],
        )
    except DomainError as error:
        show_domain_error(form, error)
        return _page(request, item, form, status=INVALID)
    if action == "check":
        return _page(request, item, form, report=service.check_outreach(request.user, item))
    if action.startswith("template:"):
        try:
            fresh = service.draft_from_template(
                request.user, item, action.removeprefix("template:")
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("web:outreach_detail", code=item.code)
        name = template_named(action.removeprefix("template:")).name
        messages.info(
            request,
            f"Started again from “{name}”. Your earlier draft stays saved until you save this one.",
        )
        form = OutreachComposeForm(
            initial={"subject": fresh.subject, "connection": item.connection, "body": fresh.body}
        )
        return _page(request, item, form)
    if action == "delete":
        try:
            service.delete_draft(request.user, item)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Deleted the draft to {item.contact.name}.")
            return redirect("web:outreach")
        return redirect("web:outreach_detail", code=item.code)
    if action == "send":
        try:
            check_rate(request.user, SEND)
        except RateLimited as error:
            # The draft was saved above and comes back as typed; only the sending waits.
            messages.error(request, error.message)
            return limited(_page(request, item, form), error)
    # Every way out carries the text just saved, so what leaves is what was on the screen.
    return deliver(
        request,
        action,
        back=reverse("web:outreach_detail", args=[item.code]),
        eml=lambda: _eml(request, item),
        mailto=lambda: mail.mailto_link(item.contact, item.subject, item.message),
        send=lambda: service.send_outreach_by_smtp(request.user, item),
        mark_sent=lambda channel: service.mark_outreach_sent(request.user, item, channel),
        sent_message=f"Sent to {item.contact.name}. The 3-and-7 timers start now.",
    )


def _eml(request, item: Outreach):
    payload = service.outreach_eml(request.user, item)
    return eml_download(payload, f"request {item.contact.name}")


@allow("GET")
def outreach_eml(request, code):
    # The saved request (or the one sent) as a file; the composer's button posts the screen's text.
    item = _outreach(request, code)
    try:
        return _eml(request, item)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("web:outreach_detail", code=item.code)


@allow("POST")
def outreach_reply(request, code):
    item = _outreach(request, code)
    answer = request.POST.get("answer", "")
    name = first_name(item.contact.name)
    try:
        if answer == "close":
            service.close_outreach(request.user, item)
            messages.success(request, f"Stopped waiting for {name}. A late reply still counts.")
            return redirect("web:outreach_detail", code=item.code)
        if answer not in ("yes", "no"):
            messages.error(request, "Say whether they said yes or no.")
            return redirect("web:outreach_detail", code=item.code)
        form = OutreachReplyForm(request.POST)
        if not form.is_valid():
            messages.error(request, str(form.errors["replied_on"][0]))
            return redirect("web:outreach_detail", code=item.code)
        replied_at = service.reply_moment(request.user, item, form.cleaned_data["replied_on"])
        service.record_reply(request.user, item, accepted=answer == "yes", replied_at=replied_at)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("web:outreach_detail", code=item.code)
    if answer == "no":
        messages.success(
            request,
            f"Recorded {name}'s no. Thank them for answering; it keeps the door open.",
        )
        return redirect("web:outreach_detail", code=item.code)
    messages.success(request, f"Recorded {name}'s yes. Plan the chat while it is fresh.")
    query = urlencode({"contact": item.contact.code, "outreach": item.code})
    return redirect(f"{reverse('web:chat_new')}?{query}")


@allow("GET", "POST")
def outreach_settings(request):
    if request.method == "POST" and request.POST.get("reset"):
        service.reset_linter_settings(request.user)
        messages.success(request, "The linter uses our defaults again: 100 words, every rule on.")
        return redirect("web:outreach_settings")
    preferences = preferences_of(request)
    words = preferences.outreach_job_words
    initial = {
        "max_words": preferences.outreach_max_words,
        "job_words": "\n".join(DEFAULT_JOB_WORDS if words is None else words),
    }
    off = set(preferences.outreach_rules_off or [])
    initial.update({f"rule_{rule.id}": rule.id not in off for rule in RULES})
    data = request.POST if request.method == "POST" else None
    form = LinterSettingsForm(data, rules=RULES, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            service.save_linter_settings(request.user, **form.settings())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "Saved the linter's settings.")
            return redirect("web:outreach_settings")
    context = {"form": form, "uses_our_words": words is None}
    return show_form(request, "coffeechat/outreach/settings.html", context)
