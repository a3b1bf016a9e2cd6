"""Preparing a chat: research notes, the hypothesis, the Ask, questions and the checklist."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect

from coffeechat.core.pitch import estimate
from coffeechat.core.prep import checklist_for
from coffeechat.services.errors import DomainError
from coffeechat.services.prep import (
    MAX_CHOSEN_QUESTIONS,
    question_groups,
    readiness_of,
    remove_question,
    save_prep,
)
from coffeechat.store.models import Chat, Pitch, Question
from coffeechat.web.prep_forms import PrepForm
from coffeechat.web.shortcuts import allow, preferences_of, show_domain_error, show_form


def _chat(request, code) -> Chat:
    return get_object_or_404(
        Chat.objects.for_owner(request.user).select_related("contact", "contact__organisation"),
        code=code,
    )


def _page(request, chat: Chat, form: PrepForm, groups):
    chosen = set(form["questions"].value() or ())
    own = {
        question.text: question
        for question in Question.objects.for_owner(request.user).order_by("created_at", "pk")
    }
    pitch = (
        Pitch.objects.for_owner(request.user)
        .filter(kind=Pitch.Kind.ELEVATOR)
        .values_list("text", flat=True)
        .first()
        or ""
    )
    context = {
        "form": form,
        "chat": chat,
        "groups": [
            {
                "theme": group.theme,
                "label": group.label,
                "questions": [
                    {"text": text, "chosen": text in chosen, "own": own.get(text)}
                    for text in group.questions
                ],
            }
            for group in groups
        ],
        "earlier": [text for text in chosen if not any(text in g.questions for g in groups)],
        "ticked": set(form["logistics"].value() or ()),
        "checklist": checklist_for(chat.medium),
        "prep_readiness": readiness_of(request.user, chat),
        "pitch": pitch.strip(),
        "pitch_estimate": estimate(pitch, preferences_of(request).words_per_minute),
        "max_questions": MAX_CHOSEN_QUESTIONS,
    }
    return show_form(request, "coffeechat/prep/page.html", context)


@allow("GET", "POST")
def prep(request, code):
    chat = _chat(request, code)
    groups = question_groups(request.user)
    if request.method != "POST":
        form = PrepForm(initial=PrepForm.initial_for(chat), chat=chat, groups=groups)
        return _page(request, chat, form, groups)
    removing = request.POST.get("remove_question", "").strip()
    if removing:
        return _remove(request, chat, removing)
    form = PrepForm(request.POST, chat=chat, groups=groups)
    if form.is_valid():
        try:
            save_prep(request.user, chat, form.details())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, f"Saved the prep for your chat with {chat.contact.name}.")
            return redirect("web:prep", code=chat.code)
    return _page(request, chat, form, groups)


def _remove(request, chat: Chat, code: str):
    """Remove one of the user's questions, then show the form again with what was typed."""
    try:
        question = Question.objects.for_owner(request.user).filter(code=uuid.UUID(code)).first()
    except ValueError:
        question = None
    data = request.POST.copy()
    if question is None:
        messages.warning(request, "That question was removed already.")
    else:
        remove_question(request.user, question)
        messages.success(request, f"Removed “{question.text}” from your questions.")
        data.setlist("questions", [q for q in data.getlist("questions") if q != question.text])
    groups = question_groups(request.user)
    # Nothing else is saved: the form comes back with what was typed so far.
    form = PrepForm(data, chat=chat, groups=groups)
    form.is_valid()
    page = _page(request, chat, form, groups)
    page.status_code = 200
    return page
