"""Chats: upcoming and past, plan, read, change, cancel, and notes taken during them."""

from __future__ import annotations

import contextlib
import dataclasses
import uuid
from datetime import date, time

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from coffeechat.core.clock import local_today, zone
from coffeechat.core.fields import check_day
from coffeechat.services.capture import read_capture
from coffeechat.services.chats import cancel_chat, change_chat, plan_chat, span_of
from coffeechat.services.debrief import debriefs_of
from coffeechat.services.errors import DomainError, SlotTaken
from coffeechat.services.prep import readiness_of
from coffeechat.services.ranking import ranked_stories
from coffeechat.services.reflection import buffer_suggestion, reflection_for
from coffeechat.services.thanks import thank_yous_of
from coffeechat.store.models import Chat, Contact, Note, Outreach
from coffeechat.web.forms import CancelForm, ChatForm, NoteForm
from coffeechat.web.shortcuts import (
    allow,
    offers_choices,
    page_of,
    preferences_of,
    save_note,
    show_domain_error,
    show_form,
    user_zone,
)


def _chat(request, code) -> Chat:
    return get_object_or_404(
        Chat.objects.for_owner(request.user).select_related("contact", "contact__organisation"),
        code=code,
    )


@allow("GET")
def chat_list(request):
    past = request.GET.get("when") == "past"
    now = timezone.now()
    chats = Chat.objects.for_owner(request.user).select_related("contact", "contact__organisation")
    if past:
        chats = chats.filter(starts_at__lt=now).order_by("-starts_at", "pk")
    else:
        chats = chats.filter(starts_at__gte=now).order_by("starts_at", "pk")
    context = {"page": page_of(request, chats), "past": past}
    return render(request, "coffeechat/chats/list.html", context)


def _save(
    request, form: ChatForm, chat: Chat | None, outreach: Outreach | None = None
) -> Chat | None:
    """Plan or change the chat; on a refusal, put the reason on the form and return None."""
    plan = form.plan(user_zone(request))
    if outreach is not None and outreach.contact_id == plan.contact.pk:
        # Planned from a "they said yes": the chat remembers the request that led to it.
        plan = dataclasses.replace(plan, outreach=outreach)
    try:
        if chat is None:
            return plan_chat(request.user, plan, allow_overlap=form.allow_overlap)
        return change_chat(request.user, chat, plan, allow_overlap=form.allow_overlap)
    except SlotTaken as error:
        form.offer_overlap()
        show_domain_error(form, error)
    except DomainError as error:
        show_domain_error(form, error)
    return None


def _form_page(request, form: ChatForm, chat: Chat | None):
    context = {
        "form": form,
        "chat": chat,
        "time_zone": preferences_of(request).time_zone,
        "no_contacts": chat is None and not offers_choices(form, "contact"),
        "buffer_advice": buffer_suggestion(request.user),
    }
    return show_form(request, "coffeechat/chats/form.html", context)


def _initial_for_new(request) -> dict:
    preferences = preferences_of(request)
    initial = {
        "date": local_today(timezone.now(), user_zone(request)),
        "agreed_minutes": preferences.chat_minutes,
        "buffer_minutes": preferences.buffer_minutes,
    }
    initial.update(_date_and_time_asked(request))
    outreach = _outreach_named_by(request)
    if outreach is not None:
        initial["contact"] = outreach.contact
        initial["time_zone"] = outreach.contact.time_zone
    wanted = request.GET.get("contact", "").strip()
    if wanted:
        contact = _contact_named_by(request, wanted)
        if contact is None:
            messages.warning(request, "That contact was not found; choose one from the list.")
        else:
            initial["contact"] = contact
            initial["time_zone"] = contact.time_zone
    return initial


def _date_and_time_asked(request) -> dict:
    """?date=YYYY-MM-DD and ?time=HH:MM from a free slot link; anything unreadable is ignored.

    So is a day outside 1900 to 2200 (core.fields.FieldError is a ValueError).
    """
    asked: dict[str, date | time] = {}
    with contextlib.suppress(ValueError):
        asked["date"] = check_day(date.fromisoformat(request.GET.get("date", "")))
    with contextlib.suppress(ValueError):
        asked["start_time"] = time.fromisoformat(request.GET.get("time", "")).replace(
            second=0, microsecond=0, tzinfo=None
        )
    return asked


def _outreach_named_by(request) -> Outreach | None:
    """The request for a chat named by ?outreach= (the form posts back to the same address)."""
    try:
        parsed = uuid.UUID(request.GET.get("outreach", ""))
    except ValueError:
        return None
    return (
        Outreach.objects.for_owner(request.user)
        .select_related("contact")
        .filter(code=parsed)
        .first()
    )


def _contact_named_by(request, code: str) -> Contact | None:
    try:
        parsed = uuid.UUID(code)
    except ValueError:
        return None
    return Contact.objects.for_owner(request.user).filter(code=parsed).first()


@allow("GET", "POST")
def chat_new(request):
    if request.method == "POST":
        form = ChatForm(request.POST, owner=request.user)
        outreach = _outreach_named_by(request)
        if form.is_valid() and (chat := _save(request, form, None, outreach)) is not None:
            messages.success(request, f"Planned your chat with {chat.contact.name}.")
            return redirect("web:chat", code=chat.code)
    else:
        form = ChatForm(owner=request.user, initial=_initial_for_new(request))
    return _form_page(request, form, None)


@allow("GET", "POST")
def chat_edit(request, code):
    chat = _chat(request, code)
    data = request.POST if request.method == "POST" else None
    initial = ChatForm.initial_for(chat, user_zone(request))
    form = ChatForm(data, owner=request.user, current=chat.contact, initial=initial)
    if form.is_bound and form.is_valid() and _save(request, form, chat) is not None:
        messages.success(request, f"Saved the chat with {chat.contact.name}.")
        return redirect("web:chat", code=chat.code)
    if form.is_bound:
        chat = _chat(request, code)  # the refused change may have touched the instance
    return _form_page(request, form, chat)


def _detail(request, chat: Chat, note_form: NoteForm, **extra) -> dict:
    # The other person's clock is worth showing only when it differs from the user's.
    their_zone = chat.time_zone or chat.contact.time_zone
    if their_zone == preferences_of(request).time_zone:
        their_zone = ""
    their_day = chat.starts_at.astimezone(zone(their_zone)).date() if their_zone else None
    my_day = chat.starts_at.astimezone(user_zone(request)).date()
    notes = Note.objects.for_owner(request.user).filter(chat=chat).order_by("-taken_at", "-pk")
    return {
        "chat": chat,
        "span": span_of(chat),
        "their_zone": their_zone,
        "their_day_differs": their_day is not None and their_day != my_day,
        "notes": notes,
        "note_form": note_form,
        "note_action": reverse("web:chat_note", args=[chat.code]),
        "reflection": reflection_for(request.user, chat),
        "prep_readiness": readiness_of(request.user, chat),
        "ranked_stories": ranked_stories(request.user, chat),
        "capture": read_capture(request.user, chat) if chat.status == Chat.Status.HELD else None,
        # Looked up here, not by template tags, so a page's queries are counted where it is made.
        "thank_you": thank_yous_of(request.user, [chat]).get(chat.pk),
        "thank_you_now": timezone.now(),
        "kept": debriefs_of(request.user, [chat]).get(chat.pk),
        **extra,
    }


@allow("GET")
def chat_detail(request, code):
    chat = _chat(request, code)
    return render(request, "coffeechat/chats/detail.html", _detail(request, chat, NoteForm()))


@allow("POST")
def chat_note(request, code):
    chat = _chat(request, code)
    return save_note(
        request,
        contact=chat.contact,
        chat=chat,
        template="coffeechat/chats/detail.html",
        context_for=lambda form, **extra: _detail(request, chat, form, **extra),
        back_to=reverse("web:chat", args=[chat.code]),
    )


@allow("GET", "POST")
def chat_cancel(request, code):
    chat = _chat(request, code)
    form = CancelForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            cancel_chat(request.user, chat, form.cleaned_data["reason"])
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, f"Cancelled the chat with {chat.contact.name}.")
            return redirect("web:chat", code=chat.code)
    return show_form(request, "coffeechat/chats/cancel.html", {"form": form, "chat": chat})
