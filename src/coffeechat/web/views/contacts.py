"""Contacts: find, read, add, change, delete, and take notes about them."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from coffeechat.core.network import ordinal
from coffeechat.services.contacts import add_contact, change_contact, find_contacts, remove_contact
from coffeechat.services.errors import DomainError
from coffeechat.services.merge import survivor_of
from coffeechat.services.network import contacts_at_degree
from coffeechat.store.models import Chat, Contact, FollowUp, Note, Organisation, Outreach
from coffeechat.web.forms import ContactForm, NoteForm
from coffeechat.web.shortcuts import (
    allow,
    page_of,
    save_note,
    search_query,
    show_domain_error,
    show_form,
)
from coffeechat.web.views.network import standing_of


def _contact(request, code) -> Contact:
    return get_object_or_404(
        Contact.objects.for_owner(request.user).select_related("organisation"), code=code
    )


def _merged_away(request, contact: Contact):
    """An old link to a contact merged into another leads to the one it became."""
    if contact.merged_into_id is None:
        return None
    survivor = survivor_of(request.user, contact)
    if survivor.merged_into_id is not None:
        return None  # a broken chain (never made by coffeechat): show the page, never loop
    messages.info(request, f"{contact.name} was merged into {survivor.name}.")
    return redirect("web:contact", code=survivor.code)


# The columns a row of the list shows: reading and decoding a contact's emails, phones, tags and
# notes cost about as much as the rest of the list's query, and the list shows none of them.
LIST_FIELDS = (
    "owner_id",
    "code",
    "name",
    "role",
    "organisation__owner_id",
    "organisation__code",
    "organisation__name",
)


@allow("GET")
def contact_list(request):
    query = search_query(request)
    contacts = find_contacts(request.user, query)
    # ?degree=N keeps the contacts of one network degree (the network page links here).
    degree = request.GET.get("degree", "").strip()
    if degree.isascii() and degree.isdigit() and 0 < int(degree) < 1000:
        contacts = contacts_at_degree(request.user, contacts, int(degree))
        degree_label = ordinal(int(degree))
    else:
        if degree:
            messages.info(request, "A degree is a whole number from 1 up; showing everyone.")
        degree_label = ""
    page = page_of(request, contacts.only(*LIST_FIELDS))
    context = {"page": page, "search_query": query, "degree": degree_label}
    return render(request, "coffeechat/contacts/list.html", context)


def _form_page(request, form: ContactForm, contact: Contact | None):
    names = Organisation.objects.for_owner(request.user).values_list("name", flat=True)
    context = {"form": form, "contact": contact, "organisation_names": names}
    return show_form(request, "coffeechat/contacts/form.html", context)


@allow("GET", "POST")
def contact_new(request):
    # "Add contact" on an organisation's page names it already.
    initial = {"organisation": request.GET.get("organisation", "")[:200]}
    form = ContactForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            contact = add_contact(request.user, form.details())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, f"Saved {contact.name}.")
            return redirect("web:contact", code=contact.code)
    return _form_page(request, form, None)


@allow("GET", "POST")
def contact_edit(request, code):
    contact = _contact(request, code)
    if gone := _merged_away(request, contact):
        return gone
    data = request.POST if request.method == "POST" else None
    form = ContactForm(data, initial=ContactForm.initial_for(contact))
    if form.is_bound and form.is_valid():
        try:
            change_contact(request.user, contact, form.details())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, f"Saved {contact.name}.")
            return redirect("web:contact", code=contact.code)
        # The failed change may have touched the instance; show the stored name in the heading.
        contact = _contact(request, code)
    return _form_page(request, form, contact)


# What includes/chat_row.html shows of a chat.
CHAT_ROW_FIELDS = ("owner", "contact", "code", "starts_at", "agreed_minutes", "medium", "status")

# A contact's page shows their newest notes; "All N notes" pages through the rest (issue 18: a
# page draws what a person reads). Enough to see where things stand with them.
NOTES_SHOWN = 10


def _notes_of(request, contact: Contact):
    """The notes about ``contact``, newest first, with the chat each came from."""
    return (
        Note.objects.for_owner(request.user)
        .filter(contact=contact)
        .select_related("chat")
        # A note's row shows its chat's day only: a chat in full carries its whole prep.
        .only("code", "kind", "text", "text_html", "taken_at", "chat__code", "chat__starts_at")
        .order_by("-taken_at", "-pk")
    )


def _detail(request, contact: Contact, note_form: NoteForm, **extra) -> dict:
    now = timezone.now()
    # One read for both lists, of what a row shows (a chat in full carries its whole prep).
    chats = list(
        Chat.objects.for_owner(request.user)
        .filter(contact=contact)
        .only(*CHAT_ROW_FIELDS)
        .order_by("starts_at", "pk")
    )
    notes = _notes_of(request, contact)
    note_action = reverse("web:contact_note", args=[contact.code])
    return {
        "contact": contact,
        "now": now,
        "upcoming": [chat for chat in chats if chat.starts_at >= now],
        "past": [chat for chat in reversed(chats) if chat.starts_at < now],
        "notes": notes[:NOTES_SHOWN],
        "notes_total": notes.count(),
        # The notes' own address: a form posts a new note to it, a link opens them all.
        "all_notes_url": note_action,
        "note_form": note_form,
        "note_action": note_action,
        "network_standing": standing_of(request, contact),
        "requests": Outreach.objects.for_owner(request.user)
        .filter(contact=contact)
        .order_by("-created_at"),
        **extra,
    }


@allow("GET")
def contact_detail(request, code):
    contact = _contact(request, code)
    if gone := _merged_away(request, contact):
        return gone
    return render(request, "coffeechat/contacts/detail.html", _detail(request, contact, NoteForm()))


@allow("GET", "POST")
def contact_note(request, code):
    """Every note about a contact, a page at a time (GET); add one from their page (POST)."""
    contact = _contact(request, code)
    if request.method == "GET":
        if gone := _merged_away(request, contact):
            return gone
        page = page_of(request, _notes_of(request, contact))
        return render(
            request,
            "coffeechat/contacts/notes.html",
            {
                "contact": contact,
                "page": page,
                "first_number": page.paginator.count - page.start_index() + 1,
            },
        )
    if contact.merged_into_id is not None:
        # A note typed on a page opened before a merge belongs to the person: the survivor.
        contact = survivor_of(request.user, contact)
    return save_note(
        request,
        contact=contact,
        chat=None,
        template="coffeechat/contacts/detail.html",
        context_for=lambda form, **extra: _detail(request, contact, form, **extra),
        back_to=reverse("web:contact", args=[contact.code]),
    )


@allow("GET", "POST")
def contact_delete(request, code):
    contact = _contact(request, code)
    if gone := _merged_away(request, contact):
        return gone
    if request.method == "POST":
        remove_contact(request.user, contact)
        messages.success(request, f"Deleted {contact.name} with their chats and notes.")
        return redirect("web:contacts")
    owned = {"owner": request.user, "contact": contact}
    context = {
        "contact": contact,
        "chat_count": Chat.objects.filter(**owned).count(),
        "note_count": Note.objects.filter(**owned).count(),
        "follow_up_count": FollowUp.objects.filter(**owned).count(),
    }
    return render(request, "coffeechat/contacts/delete.html", context)
