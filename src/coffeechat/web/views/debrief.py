"""The debrief of a held chat: memorable notes, next steps, referrals, and how it went.

One page, one plain form with a few empty rows of each kind, so it works without JavaScript.
Everything is saved in one go by services.debrief.save_debrief, or nothing is: any problem
brings the page back with what was typed, and the problem next to the row it came from.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from coffeechat.core.text import counted
from coffeechat.services.capture import names_to_add
from coffeechat.services.debrief import (
    TO_COMPLETE,
    ConfirmedLive,
    Debriefed,
    PossibleDuplicate,
    confirmed_live,
    debrief_problem,
    debriefs_of,
    look_alikes,
    save_debrief,
)
from coffeechat.services.errors import DomainError
from coffeechat.store.models import Chat, Contact
from coffeechat.web.debrief_forms import (
    ADD_NEW,
    DebriefForm,
    ReferralFormSet,
    StepFormSet,
    yes_no_initial,
)
from coffeechat.web.shortcuts import INVALID, allow, show_domain_error

TEMPLATE = "coffeechat/debrief/page.html"
# Refused because of the chat's state (not held yet), not because of what was typed.
CONFLICT = 409
DUPLICATE_HELP = (
    "Already in your contacts? Choose below: link to the existing contact, or add someone new. "
    "Then save again."
)


def _chat(request, code) -> Chat:
    return get_object_or_404(
        Chat.objects.for_owner(request.user).select_related("contact", "contact__organisation"),
        code=code,
    )


def _forms(request, chat: Chat, confirmed: ConfirmedLive | None):
    data = request.POST if request.method == "POST" else None
    initial = {
        "talk_share": chat.talk_share,
        "time_confirmed": yes_no_initial(chat.time_confirmed),
        "ask_made": yes_no_initial(chat.ask_made),
    }
    return (
        DebriefForm(data, initial=initial, ask_time=confirmed is None),
        StepFormSet(data, prefix="steps"),
        # The names typed into the capture on the live page, ready to add or link.
        ReferralFormSet(
            data,
            prefix="referrals",
            initial=None
            if data is not None
            else [
                {"name": person.name, "organisation": person.organisation}
                for person in names_to_add(request.user, chat)
            ],
        ),
    )


def _chosen_contact(request, row):
    """The existing contact a row was linked to; None (and a row error) when it is gone."""
    value = row.cleaned_data["existing"]
    if not value or value == ADD_NEW:
        return None
    try:
        code = uuid.UUID(value)
    except ValueError:
        code = None
    # code None (not a code at all) matches no contact.
    contact = Contact.objects.for_owner(request.user).active().filter(code=code).first()  # type: ignore[misc]
    if contact is None:
        row.add_error(None, "The contact chosen to link to is gone; choose again.")
    return contact


def _place(error: DomainError, form, step_rows: list, referral_rows: list) -> None:
    """Put a service's refusal next to the row and field it names (``referrals.1.email``)."""
    kind, _, rest = (error.field or "").partition(".")
    index, _, name = rest.partition(".")
    rows = {"next_steps": step_rows, "referrals": referral_rows}.get(kind)
    if kind == "memorable" and index.isdigit():
        form.add_error("memorable", f"Line {int(index) + 1}: {error.message}")
    elif rows is not None and index.isdigit() and int(index) < len(rows):
        row = rows[int(index)]
        row.add_error(name if name in row.fields else None, error.message)
    else:
        show_domain_error(form, error)


def _save(request, chat: Chat, form, steps, referrals) -> Debriefed | None:
    # Validate all three, so every problem shows at once.
    valid = [form.is_valid(), steps.is_valid(), referrals.is_valid()]
    if not all(valid):
        return None
    step_rows = [row for row in steps if row.has_changed()]
    referral_rows = [row for row in referrals if row.has_changed()]
    links = [_chosen_contact(request, row) for row in referral_rows]
    if any(row.errors for row in referral_rows):
        return None
    details = form.details(
        [row.details() for row in step_rows],
        [row.details(link) for row, link in zip(referral_rows, links, strict=True)],
    )
    try:
        return save_debrief(request.user, chat, details)
    except PossibleDuplicate as error:
        for index, matches in error.candidates.items():
            referral_rows[index].matches = matches
            referral_rows[index].add_error(None, DUPLICATE_HELP)
    except DomainError as error:
        _place(error, form, step_rows, referral_rows)
    return None


def _offer_choices_again(request, chat: Chat, referrals) -> None:
    """Rows whose look-alike choice was made keep showing it when the page comes back."""
    if not referrals.is_bound:
        return
    for row in referrals:
        if row.matches or not row.has_changed() or not row.is_valid():
            continue
        if row.cleaned_data["existing"]:
            row.matches = look_alikes(request.user, chat, row.details())


def _problems(form, steps, referrals) -> list[tuple[str, str]]:
    """Every problem on the page as (anchor, text), for the summary at the top."""
    found = [("", str(message)) for message in form.non_field_errors()]
    found += [
        (form[name].auto_id, f"{form[name].label}: {message}")
        for name, errors in form.errors.items()
        if name != "__all__"
        for message in errors
    ]
    for label, formset in (("Next step", steps), ("Referral", referrals)):
        found += [("", str(message)) for message in formset.non_form_errors()]
        for number, row in enumerate(formset, start=1):
            for name, errors in row.errors.items():
                if name == "__all__":
                    anchor, field = f"{formset.prefix}-{number - 1}", ""
                else:
                    anchor, field = row[name].auto_id, f" ({row[name].label})"
                found += [(anchor, f"{label} {number}{field}: {message}") for message in errors]
    return found


def _summary(done: Debriefed) -> str:
    parts = []
    for count, one, many in (
        (len(done.notes), "memorable note", "memorable notes"),
        (len(done.next_steps), "next step", "next steps"),
        (len(done.referrals), "referral", "referrals"),
    ):
        if count:
            parts.append(counted(count, one, many))
    if not parts:
        return "Debrief saved."
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"Debrief saved: {listed}."


def _tell(request, done: Debriefed) -> None:
    messages.success(request, _summary(done))
    for contact in done.linked_contacts:
        messages.info(request, f"Linked to your existing contact {contact.name}; no copy made.")
    for contact in done.to_complete:
        messages.warning(
            request,
            f"{contact.name} is saved with a first name only and tagged “{TO_COMPLETE}”. When you "
            f"know more, add a surname and a way to reach them on {contact.name}'s page; search "
            f"Contacts for “{TO_COMPLETE}” to find everyone still to finish.",
        )
    if done.chat.follow_ups.filter(kind="thank_you", sent_at__isnull=True).exists():
        messages.info(request, "Next: write the thank-you while the chat is fresh.")


@allow("GET", "POST")
def debrief(request, code):
    chat = _chat(request, code)
    problem = debrief_problem(chat)
    confirmed = confirmed_live(chat)
    form, steps, referrals = _forms(request, chat, confirmed)
    status = 200
    if problem:
        status = CONFLICT if request.method == "POST" else 200
    elif request.method == "POST":
        done = _save(request, chat, form, steps, referrals)
        if done is not None:
            _tell(request, done)
            return redirect(reverse("web:chat", args=[chat.code]) + "#debrief")
        status = INVALID
        _offer_choices_again(request, chat, referrals)
    context = {
        "chat": chat,
        "problem": problem,
        "confirmed_live": confirmed,
        "form": form,
        "steps": steps,
        "referrals": referrals,
        "problems": _problems(form, steps, referrals) if form.is_bound and not problem else [],
        # What the debrief kept already, shown above the form.
        "kept": debriefs_of(request.user, [chat]).get(chat.pk) if not problem else None,
    }
    return render(request, TEMPLATE, context, status=status)
