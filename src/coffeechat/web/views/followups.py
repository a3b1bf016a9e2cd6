"""The message composer for a follow-up (the thank-you above all), its .eml, and its template.

Every button of the composer sits in one form with the subject and body, so whatever the user
presses, what they typed is saved first: a failed send or a check never loses a draft. Each way
out (copy, the mail program, the .eml, sending) then carries the text just saved, never an older
one: what you send is what you see.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from coffeechat.core.compose import PLACEHOLDERS
from coffeechat.core.followups import describe_left, urgency
from coffeechat.services import thanks
from coffeechat.services.errors import DomainError
from coffeechat.services.messages import (
    get_template,
    is_customised,
    reset_template,
    save_template,
)
from coffeechat.services.rate_limits import SEND, RateLimited, check_rate
from coffeechat.store.models import FollowUp
from coffeechat.web.followup_forms import ComposeForm, TemplateForm
from coffeechat.web.limits import limited
from coffeechat.web.shortcuts import (
    INVALID,
    allow,
    deliver,
    eml_download,
    show_domain_error,
    show_form,
)

THANK_YOU = "thank_you"


def _follow_up(request, code) -> FollowUp:
    return get_object_or_404(
        FollowUp.objects.for_owner(request.user).select_related("contact", "chat"), code=code
    )


def _not_ready(request, item: FollowUp, error: DomainError) -> HttpResponse:
    # 409: the follow-up exists, but the chat it thanks for has not taken place yet.
    context = {"item": item, "reason": error.message}
    return render(request, "coffeechat/followups/not_ready.html", context, status=409)


def _page(request, item: FollowUp, form: ComposeForm, *, problems=None, status: int = 200):
    now = timezone.now()
    left = urgency(item.due_at, now)
    config = thanks.smtp_settings()
    context = {
        "item": item,
        "form": form,
        "problems": problems,
        "checked": problems is not None,
        "countdown": describe_left(left.seconds_left),
        "countdown_state": left.state,
        "recipient": thanks.recipient(item),
        "mailto": thanks.mailto_for(request.user, item),
        "smtp_ready": config is not None,
        "sender": thanks.sender(request.user),
        "is_open": item.sent_at is None and item.dismissed_at is None,
    }
    return render(request, "coffeechat/followups/compose.html", context, status=status)


@allow("GET", "POST")
def follow_up(request, code):
    item = _follow_up(request, code)
    try:
        message = thanks.current_message(request.user, item)
    except thanks.NotHeldYet as error:
        return _not_ready(request, item, error)
    if request.method == "GET":
        form = ComposeForm(initial={"subject": message.subject, "body": message.body})
        return _page(request, item, form)
    form = ComposeForm(request.POST)
    if not form.is_valid():
        return _page(request, item, form, status=INVALID)
    try:
        thanks.save_draft(
            request.user, item, form.cleaned_data["subject"], form.cleaned_data["body"]
        )
    except DomainError as error:
        show_domain_error(form, error)
        return _page(request, item, form, status=INVALID)
    action = request.POST.get("action", "save")
    if action == "check":
        return _page(request, item, form, problems=thanks.check(request.user, item))
    if action == "redraft":
        fresh = thanks.draft_for(request.user, item, value=request.POST.get("value", ""))
        messages.info(
            request,
            "A fresh draft from your template. Your earlier draft stays saved until you save "
            "this one.",
        )
        form = ComposeForm(initial={"subject": fresh.subject, "body": fresh.body})
        return _page(request, item, form)
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
        back=reverse("web:follow_up", args=[item.code]),
        eml=lambda: _eml(request, item),
        mailto=lambda: thanks.mailto_link(request.user, item),
        send=lambda: thanks.send_by_smtp(request.user, item),
        mark_sent=lambda channel: thanks.mark_sent(request.user, item, channel),
        sent_message=f"Sent to {item.contact.name}.",
    )


def _eml(request, item: FollowUp) -> HttpResponse:
    payload = thanks.eml_for(request.user, item)
    return eml_download(payload, f"{item.get_kind_display()} {item.contact.name}")


@allow("GET")
def follow_up_eml(request, code):
    # The saved draft as a file; the composer's own button posts the text on screen instead.
    item = _follow_up(request, code)
    try:
        return _eml(request, item)
    except thanks.NotHeldYet as error:
        return _not_ready(request, item, error)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("web:follow_up", code=item.code)


@allow("GET", "POST")
def message_templates(request):
    if request.method == "POST" and request.POST.get("reset"):
        reset_template(request.user, THANK_YOU)
        messages.success(request, "The thank-you uses our default wording again.")
        return redirect("web:message_templates")
    current = get_template(request.user, THANK_YOU)
    form = TemplateForm(
        request.POST if request.method == "POST" else None,
        initial={"subject": current.subject, "body": current.body},
    )
    if form.is_bound and form.is_valid():
        try:
            save_template(
                request.user, THANK_YOU, form.cleaned_data["subject"], form.cleaned_data["body"]
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "Saved your thank-you template.")
            return redirect("web:message_templates")
    context = {
        "form": form,
        "placeholders": PLACEHOLDERS,
        "customised": is_customised(request.user, THANK_YOU),
    }
    return show_form(request, "coffeechat/followups/templates.html", context)
