"""Contacts: add, change, remove, find."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, QuerySet

from coffeechat.core.clock import is_time_zone
from coffeechat.core.contact_keys import email_key, website_key
from coffeechat.core.fields import FieldError, check_email, web_address
from coffeechat.core.search import query_terms
from coffeechat.core.text import clean_line, distinct, split_list
from coffeechat.services.errors import InvalidInput
from coffeechat.services.organisations import organisation_named
from coffeechat.services.rendering import rendered
from coffeechat.store.models import Contact
from coffeechat.store.owners import Owner

# A cadence longer than ten years is a typing mistake, not a plan.
KEEP_IN_TOUCH_MAX_DAYS = 3650


@dataclass(frozen=True)
class ContactDetails:
    """What a user can say about a contact; every field but the name is optional."""

    name: str
    role: str = ""
    organisation: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    linkedin_url: str = ""
    websites: tuple[str, ...] = ()
    location: str = ""
    time_zone: str = ""
    tags: tuple[str, ...] = ()
    how_we_met: str = ""
    research_notes: str = ""
    keep_in_touch_days: int | None = None
    extra: dict = field(default_factory=dict)


def _cleaned(details: ContactDetails) -> dict:
    name = clean_line(details.name)
    if not name:
        raise InvalidInput("Give the contact a name.", field="name")
    if len(name) > 200:
        raise InvalidInput("A name has at most 200 characters.", field="name")
    time_zone = details.time_zone.strip()
    if time_zone and not is_time_zone(time_zone):
        raise InvalidInput(
            f"{time_zone!r} is not a time zone; use a name such as Europe/Paris.", field="time_zone"
        )
    every = details.keep_in_touch_days
    if every is not None and not 1 <= every <= KEEP_IN_TOUCH_MAX_DAYS:
        raise InvalidInput(
            f"Keep in touch every 1 to {KEEP_IN_TOUCH_MAX_DAYS} days, or leave it empty.",
            field="keep_in_touch_days",
        )
    return {
        "name": name,
        "role": clean_line(details.role),
        # Stored as check_email gives it (the local part as written); compared without case.
        "emails": distinct((_email(email) for email in details.emails), email_key),
        "phones": distinct(clean_line(phone) for phone in details.phones),
        "linkedin_url": _linkedin_url(details.linkedin_url),
        "websites": distinct((_website(url) for url in details.websites), website_key),
        "location": clean_line(details.location),
        "time_zone": time_zone,
        "tags": split_list(",".join(details.tags)),
        "how_we_met": details.how_we_met.strip(),
        "research_notes": details.research_notes.strip(),
        # Rendered once here, so every page shows the same sanitised HTML without re-rendering.
        "research_notes_html": rendered(details.research_notes),
        "keep_in_touch_days": details.keep_in_touch_days,
    }


def _email(value: str) -> str:
    """One address as stored (core.fields), or empty for an empty value."""
    if not value.strip():
        return ""
    try:
        return check_email(value)
    except FieldError as error:
        shown = " ".join(value.split())
        raise InvalidInput(f'"{shown}" is not one email address: {error}', field="emails") from None


def _linkedin_url(value: str) -> str:
    """A web address a link may open, https:// assumed as the form does; empty stays empty."""
    if not value.strip():
        return ""
    try:
        return web_address(value)
    except FieldError as error:
        raise InvalidInput(
            f"The LinkedIn URL is not usable: {error}", field="linkedin_url"
        ) from None


def _website(value: str) -> str:
    """A web address a link may open, https:// assumed as the form does; empty stays empty."""
    if not value.strip():
        return ""
    try:
        return web_address(value)
    except FieldError as error:
        shown = " ".join(value.split())
        raise InvalidInput(
            f'The website "{shown}" is not usable: {error}', field="websites"
        ) from None


@transaction.atomic
def add_contact(owner: Owner, details: ContactDetails) -> Contact:
    """Add a contact, creating its organisation on first mention."""
    fields = _cleaned(details)
    organisation = organisation_named(owner, details.organisation)
    return Contact.objects.create(owner=owner, organisation=organisation, **fields)


@transaction.atomic
def change_contact(owner: Owner, contact: Contact, details: ContactDetails) -> Contact:
    """Replace a contact's details with ``details``."""
    _check_owner(owner, contact)
    fields = _cleaned(details)
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.organisation = organisation_named(owner, details.organisation)
    contact.save()
    return contact


@transaction.atomic
def remove_contact(owner: Owner, contact: Contact) -> None:
    """Delete a contact with its chats, notes and follow-ups."""
    _check_owner(owner, contact)
    contact.delete()


def find_contacts(owner: Owner, query: str = "") -> QuerySet[Contact]:
    """The owner's contacts matching ``query`` in name, role, organisation, email or tags."""
    contacts = Contact.objects.for_owner(owner).active().select_related("organisation")
    for word in query_terms(query):
        contacts = contacts.filter(
            Q(name__icontains=word)
            | Q(role__icontains=word)
            | Q(organisation__name__icontains=word)
            | Q(emails__icontains=word)
            | Q(tags__icontains=word)
        )
    return contacts.order_by("name", "pk")


def _check_owner(owner: Owner, row) -> None:
    if row.owner_id != owner.pk:
        # Callers look rows up through for_owner(); reaching here is a programming error.
        raise InvalidInput("That record is not yours.")
