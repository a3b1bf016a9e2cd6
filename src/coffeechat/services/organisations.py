"""Organisations: found by name, created on first mention."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from coffeechat.core.text import clean_line
from coffeechat.services.errors import InvalidInput
from coffeechat.store.models import Organisation
from coffeechat.store.owners import Owner


def organisation_named(owner: Owner, name: str) -> Organisation | None:
    """The owner's organisation called ``name`` (any case), created if new; None if blank."""
    name = clean_line(name)
    if not name:
        return None
    if len(name) > 200:
        raise InvalidInput("An organisation name has at most 200 characters.", field="organisation")
    existing = Organisation.objects.for_owner(owner).filter(name__iexact=name).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Organisation.objects.create(owner=owner, name=name)
    except IntegrityError:
        # Another process created it between our look-up and our insert.
        return Organisation.objects.for_owner(owner).get(name__iexact=name)


def update_organisation(
    owner: Owner, organisation: Organisation, *, name: str, website: str = "", notes: str = ""
) -> Organisation:
    """Rename or describe an organisation; names stay unique per owner."""
    name = clean_line(name)
    if not name:
        raise InvalidInput("Give the organisation a name.", field="name")
    clash = (
        Organisation.objects.for_owner(owner)
        .filter(name__iexact=name)
        .exclude(pk=organisation.pk)
        .exists()
    )
    if clash:
        raise InvalidInput(f"You already have an organisation called {name}.", field="name")
    organisation.name = name
    organisation.website = website.strip()
    organisation.notes = notes
    organisation.save()
    return organisation
