"""Target organisations: the sortable board, adding one, bulk-adding, and editing a target."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from coffeechat.core.text import clean_line, counted
from coffeechat.services.errors import DomainError
from coffeechat.services.targets import (
    DEFAULT_SORT,
    SORTS,
    active_contact_count,
    add_target,
    bulk_add_targets,
    mark_target,
    remove_target,
    sort_direction,
    target_candidates,
    target_summary,
)
from coffeechat.services.targets import (
    target_board as board_rows,
)
from coffeechat.store.models import Contact, Organisation
from coffeechat.web.forms import BulkTargetsForm, TargetAddForm, TargetPriorityForm
from coffeechat.web.shortcuts import allow, show_domain_error, show_form

# Targets a page: a short list is the point of targets; a long one is read a page at a time.
TARGETS_PER_PAGE = 25

# The board's columns: the sort each header asks for, and its label.
COLUMNS = [
    ("name", "Organisation"),
    ("priority", "Top 5"),
    ("motivation", "Motivation"),
    ("knows", "Know someone"),
    ("hiring", "Hiring"),
    ("contacts", "Contacts"),
    ("requests", "Requests"),
    ("last_request", "Last request"),
]
SORT_LABELS = {
    "priority": "Priority (top five, motivation, hiring)",
    **{key: label for key, label in COLUMNS if key != "priority"},
}


def _organisation(request, code) -> Organisation:
    return get_object_or_404(Organisation.objects.for_owner(request.user), code=code)


def _board_url(**params) -> str:
    query = urlencode({key: value for key, value in params.items() if value})
    return reverse("web:targets") + (f"?{query}" if query else "")


@allow("GET")
def target_board(request):
    sort = request.GET.get("sort", DEFAULT_SORT)
    if sort not in SORTS:
        sort = DEFAULT_SORT
    asked = {"asc": False, "desc": True}.get(request.GET.get("dir", ""))
    descending = sort_direction(sort, asked)
    top = request.GET.get("top") == "1"
    hiring = request.GET.get("hiring", "")
    if hiring not in Organisation.Hiring.values:
        hiring = ""
    rows = board_rows(
        request.user,
        sort=sort,
        descending=descending,
        only_top_five=top,
        hiring=hiring or None,
    )
    summary = target_summary(request.user)
    # A page of the sorted board at a time: every target counts, a readable number shows.
    page = Paginator(rows, TARGETS_PER_PAGE).get_page(request.GET.get("page"))
    filters = {"top": "1" if top else "", "hiring": hiring}
    columns = []
    for key, label in COLUMNS:
        current = key == sort
        # A header sorts by its column; on the current column it turns the order round.
        flip = not descending if current else sort_direction(key)
        columns.append(
            {
                "key": key,
                "label": label,
                "url": _board_url(sort=key, dir="desc" if flip else "asc", **filters),
                "current": current,
                "aria_sort": ("descending" if descending else "ascending") if current else "",
                "numeric": key in ("contacts", "requests"),
            }
        )
    context = {
        "rows": page.object_list,
        "page": page,
        "matching": len(rows),
        "summary": summary,
        "columns": columns,
        "sort": sort,
        "direction": "desc" if descending else "asc",
        "sort_choices": SORT_LABELS.items(),
        "top": top,
        "hiring": hiring,
        "hiring_choices": Organisation.Hiring.choices,
        "filtered": top or bool(hiring),
        "clear_url": _board_url(sort=sort if sort != DEFAULT_SORT else ""),
        "has_contacts": (
            summary.targets > 0 or Contact.objects.for_owner(request.user).active().exists()
        ),
    }
    return render(request, "coffeechat/targets/board.html", context)


def _after_adding(request, organisation: Organisation) -> None:
    messages.success(request, f"Added {organisation.name} as a target.")
    if active_contact_count(request.user, organisation) == 0:
        messages.info(
            request,
            f"You know nobody at {organisation.name} yet. Ask the people you know who they "
            f"know there, or look for people there on LinkedIn; its page has a link.",
        )


@allow("GET", "POST")
def target_add(request):
    form = TargetAddForm(
        request.POST if request.method == "POST" else None,
        initial={"name": request.GET.get("name", "")[:200], "motivation": 2},
    )
    existing = None
    if form.is_bound and form.is_valid():
        name = form.cleaned_data["name"]
        try:
            organisation = add_target(request.user, name, **form.priority())
        except DomainError as error:
            show_domain_error(form, error)
            existing = (
                Organisation.objects.for_owner(request.user)
                .filter(name__iexact=clean_line(name), is_target=True)
                .first()
            )
        else:
            _after_adding(request, organisation)
            return redirect("web:targets")
    names = (
        Organisation.objects.for_owner(request.user)
        .filter(is_target=False)
        .order_by("name")
        .values_list("name", flat=True)
    )
    context = {"form": form, "organisation_names": names, "existing": existing}
    return show_form(request, "coffeechat/targets/add.html", context)


@allow("GET", "POST")
def targets_bulk(request):
    picked = request.POST.getlist("organisations") if request.method == "POST" else []
    form = BulkTargetsForm(
        request.POST if request.method == "POST" else None, initial={"motivation": 2}
    )
    if form.is_bound and form.is_valid():
        try:
            result = bulk_add_targets(
                request.user, picked, motivation=form.cleaned_data["motivation"]
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            added = counted(result.added, "organisation")
            messages.success(request, f"Added {added} as targets.")
            if result.skipped:
                were = "was" if result.skipped == 1 else "were"
                messages.warning(
                    request,
                    f"{result.skipped} of the ticked {were} left alone: a target already, "
                    "or no longer among your organisations.",
                )
            return redirect("web:targets")
    candidates = target_candidates(request.user)
    context = {
        "form": form,
        "candidates": candidates,
        "picked": set(picked),
        # With nothing to pick: do they have contacts at organisations (all targets already)?
        "has_contacts": bool(candidates)
        or Contact.objects.for_owner(request.user)
        .active()
        .filter(organisation__isnull=False)
        .exists(),
    }
    return show_form(request, "coffeechat/targets/bulk.html", context)


@allow("GET", "POST")
def target_edit(request, code):
    organisation = _organisation(request, code)
    # Edit from the board goes back to the board; from the organisation's page, back there.
    back_to_board = request.GET.get("from") == "board" or request.POST.get("from") == "board"
    if request.method == "POST" and "remove" in request.POST:
        remove_target(request.user, organisation)
        messages.success(
            request,
            f"{organisation.name} is no longer a target. Its people, notes and requests stay.",
        )
        return _leave(organisation, back_to_board)
    contacts = active_contact_count(request.user, organisation)
    was_target = organisation.is_target
    form = TargetPriorityForm(
        request.POST if request.method == "POST" else None,
        initial=TargetPriorityForm.initial_for(organisation),
        contacts=contacts,
    )
    if form.is_bound and form.is_valid():
        try:
            mark_target(request.user, organisation, **_has_advocate(form.priority()))
        except DomainError as error:
            show_domain_error(form, error)
            organisation = _organisation(request, code)
        else:
            if was_target:
                messages.success(request, f"Saved the priority of {organisation.name}.")
            else:
                _after_adding(request, organisation)
            return _leave(organisation, back_to_board)
    context = {
        "form": form,
        "organisation": organisation,
        "contacts": contacts,
        "back_to_board": back_to_board,
    }
    return show_form(request, "coffeechat/targets/edit.html", context)


def _leave(organisation: Organisation, to_board: bool):
    if to_board:
        return redirect("web:targets")
    return redirect("web:organisation", code=organisation.code)


def _has_advocate(priority: dict) -> dict:
    # mark_target names it after the model field; the form says it the way the user reads it.
    priority = dict(priority)
    priority["has_advocate"] = priority.pop("knows_someone")
    return priority
