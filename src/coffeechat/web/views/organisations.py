"""Organisations: the list with how many people you know at each, one organisation, and edit."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render

from coffeechat.services.errors import DomainError
from coffeechat.services.funnel import organisation_funnel
from coffeechat.services.organisations import update_organisation
from coffeechat.services.targets import MOTIVATIONS
from coffeechat.store.models import Contact, Organisation
from coffeechat.web.forms import OrganisationForm
from coffeechat.web.shortcuts import allow, page_of, show_domain_error, show_form


def _organisation(request, code) -> Organisation:
    return get_object_or_404(Organisation.objects.for_owner(request.user), code=code)


@allow("GET")
def organisation_list(request):
    organisations = (
        Organisation.objects.for_owner(request.user)
        # Merged contacts are duplicates of someone already counted.
        .annotate(contact_count=Count("contacts", filter=Q(contacts__merged_into__isnull=True)))
        .order_by("name", "pk")
    )
    context = {"page": page_of(request, organisations)}
    return render(request, "coffeechat/organisations/list.html", context)


@allow("GET")
def organisation_detail(request, code):
    organisation = _organisation(request, code)
    contacts = list(
        Contact.objects.for_owner(request.user)
        .active()
        .filter(organisation=organisation)
        .order_by("name", "pk")
    )
    # Knowing nobody there: a people search on LinkedIn is the usual way to find someone.
    people_search = "https://www.linkedin.com/search/results/people/?" + urlencode(
        {"keywords": organisation.name}
    )
    context = {
        "organisation": organisation,
        "contacts": contacts,
        "people_search": people_search,
        "motivation_label": MOTIVATIONS.get(organisation.motivation or 0, ""),
        "funnel": organisation_funnel(request.user, organisation),
    }
    return render(request, "coffeechat/organisations/detail.html", context)


@allow("GET", "POST")
def organisation_edit(request, code):
    organisation = _organisation(request, code)
    initial = {
        "name": organisation.name,
        "website": organisation.website,
        "notes": organisation.notes,
    }
    form = OrganisationForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            update_organisation(request.user, organisation, **form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, f"Saved {organisation.name}.")
            return redirect("web:organisation", code=organisation.code)
    context = {"form": form, "organisation": organisation}
    return show_form(request, "coffeechat/organisations/form.html", context)
