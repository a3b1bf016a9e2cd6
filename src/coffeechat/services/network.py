"""The network beyond first contacts: referrals between people, and what came out of them."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from coffeechat.core.text import clean_line
from coffeechat.services.errors import InvalidInput
from coffeechat.services.ownership import ensure_owned
from coffeechat.store.models import Chat, Contact, Opportunity, Referral


@transaction.atomic
def add_referral(
    owner,
    from_contact: Contact,
    to_contact: Contact,
    *,
    chat: Chat | None = None,
    status: str = "suggested",
    may_use_name: bool = False,
) -> Referral:
    """Record that ``from_contact`` suggested or introduced ``to_contact``."""
    ensure_owned(owner, from_contact, to_contact, chat)
    if from_contact.pk == to_contact.pk:
        raise InvalidInput("Someone cannot refer you to themselves.", field="to_contact")
    if chat is not None and chat.contact_id != from_contact.pk:
        raise InvalidInput(
            f"That chat was not with {from_contact.name}, who made the referral.", field="chat"
        )
    if status not in Referral.Status.values:
        raise InvalidInput("Choose how far the referral has gone.", field="status")
    already = Referral.objects.for_owner(owner).filter(
        from_contact=from_contact, to_contact=to_contact
    )
    if already.exists():
        raise InvalidInput(
            f"{from_contact.name} has already referred you to {to_contact.name}.",
            field="to_contact",
        )
    return Referral.objects.create(
        owner=owner,
        from_contact=from_contact,
        to_contact=to_contact,
        chat=chat,
        status=status,
        may_use_name=may_use_name,
    )


@transaction.atomic
def add_opportunity(
    owner, contact: Contact, kind: str, title: str, *, arose_on: date, notes: str = ""
) -> Opportunity:
    """Credit an opportunity (lead, interview, offer, project) to the contact it came through."""
    ensure_owned(owner, contact)
    if kind not in Opportunity.Kind.values:
        raise InvalidInput("Choose lead, interview, offer or project.", field="kind")
    title = clean_line(title)
    if not title:
        raise InvalidInput("Give the opportunity a title.", field="title")
    if len(title) > 200:
        raise InvalidInput("A title has at most 200 characters.", field="title")
    return Opportunity.objects.create(
        owner=owner, contact=contact, kind=kind, title=title, arose_on=arose_on, notes=notes.strip()
    )
