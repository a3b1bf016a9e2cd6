"""Merging two contacts by hand: pick the other one, choose each field, confirm."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from coffeechat.core.text import counted
from coffeechat.services.contacts import find_contacts
from coffeechat.services.errors import DomainError, NotFound
from coffeechat.services.merge import (
    BOTH,
    KEEP,
    LIST,
    OTHER,
    FieldComparison,
    MergePlan,
    merge_candidates,
    merge_contacts,
    merge_plan,
    survivor_of,
)
from coffeechat.store.models import Contact
from coffeechat.web.shortcuts import INVALID, allow, page_of, search_query


def _contact(request, code) -> Contact:
    return get_object_or_404(
        Contact.objects.for_owner(request.user).select_related("organisation"), code=code
    )


@allow("GET")
def contact_merge_pick(request, code):
    contact = _contact(request, code)
    if contact.merged_into_id is not None:
        survivor = survivor_of(request.user, contact)
        messages.info(request, f"{contact.name} was merged into {survivor.name} already.")
        return redirect("web:contact", code=survivor.code)
    query = search_query(request)
    others = find_contacts(request.user, query).exclude(pk=contact.pk)
    context = {
        "contact": contact,
        "candidates": merge_candidates(request.user, contact),
        "page": page_of(request, others),
        "merge_query": query,
    }
    return render(request, "coffeechat/contacts/merge_pick.html", context)


@allow("GET", "POST")
def contact_merge(request, code, other):
    try:
        plan = merge_plan(request.user, code, other)
    except NotFound as missing:
        raise Http404(missing.message) from None
    except DomainError as error:
        # Itself, or already merged: say so where the user can pick again.
        messages.error(request, error.message)
        return redirect("web:contact_merge_pick", code=code)
    chosen = plan.defaults()
    problem = None
    if request.method == "POST":
        posted = {
            comparison.field.name: request.POST[comparison.field.name]
            for comparison in plan.differing
            if comparison.field.name in request.POST
        }
        try:
            merged = merge_contacts(request.user, code, other, posted)
        except NotFound as missing:
            raise Http404(missing.message) from None
        except DomainError as error:
            problem = error
            # Keep every choice the user made, except the refused one, which goes back to its
            # default so the page never shows a choice it cannot honour.
            chosen.update({name: value for name, value in posted.items() if name != error.field})
        else:
            messages.success(
                request, f"Merged {merged.other.name} into {merged.kept.name}: nothing was lost."
            )
            return redirect("web:contact", code=merged.kept.code)
    context = {
        "plan": plan,
        "rows": [_row(plan, comparison, chosen, problem) for comparison in plan.differing],
        "same": [_shown(c, c.kept) for c in plan.same if c.kept not in (None, "", [])],
        "problem": problem,
    }
    status = INVALID if problem else 200
    return render(request, "coffeechat/contacts/merge.html", context, status=status)


def _row(plan: MergePlan, comparison: FieldComparison, chosen: dict, problem) -> dict:
    name = comparison.field.name
    labels = {
        KEEP: plan.kept.name,
        OTHER: plan.other.name,
        BOTH: "Both, united" if comparison.field.kind == LIST else "Both, joined",
    }
    sides = {KEEP: "A", OTHER: "B", BOTH: "A+B"}
    return {
        "name": name,
        "label": comparison.field.label,
        "error": problem.message if problem is not None and problem.field == name else "",
        "options": [
            {
                "choice": option.choice,
                "side": sides[option.choice],
                "label": labels[option.choice],
                "text": _shown(comparison, option.value)["text"],
                "checked": chosen.get(name) == option.choice,
            }
            for option in comparison.options
        ],
    }


def _shown(comparison: FieldComparison, value) -> dict:
    """A field's value as the page shows it: plain text, escaped by the template."""
    if value is None or value == "" or value == []:
        text = ""
    elif comparison.field.name == "organisation":
        text = value.name
    elif comparison.field.name == "keep_in_touch_days":
        text = counted(value, "day")
    elif isinstance(value, list):
        text = ", ".join(value)
    else:
        text = str(value)
    return {"label": comparison.field.label, "text": text}
