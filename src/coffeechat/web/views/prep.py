"""Preparing a chat: research notes, the hypothesis, the Ask, questions and the checklist."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect

from coffeechat.core.pitch import estimate
from coffeechat.core.prep import checklist_for
from coffeechat.services.errors import DomainError
from coffeechat.services.prep import (
    MAX_ASK,
    MAX_CHOSEN_QUESTIONS,
    MAX_HYPOTHESIS,
    MAX_NOTES,
    MAX_QUESTION,
    PrepDetails,
    question_groups,
    readiness_of,
    remove_question,
    save_prep,
)
from coffeechat.store.models import Chat, Pitch, Question
from coffeechat.web.forms import Form
from coffeechat.web.shortcuts import allow, preferences_of, show_domain_error, show_form

MARKDOWN = "Markdown works: *emphasis*, lists, links."


class PrepForm(Form):
    research_notes = forms.CharField(
        label="Research notes",
        required=False,
        max_length=MAX_NOTES,
        help_text="Their path so far, and where it lines up with yours. " + MARKDOWN,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    hypothesis = forms.CharField(
        label="Problem and solution",
        required=False,
        max_length=MAX_HYPOTHESIS,
        help_text="A problem they may have, and how you could help with it. " + MARKDOWN,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    ask = forms.CharField(
        label="The Ask",
        required=False,
        max_length=MAX_ASK,
        help_text="The one next step you hope for, such as an introduction. A chat is not "
        "prepared without it.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    questions = forms.MultipleChoiceField(
        label="Questions",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Pick questions from the list, or add your own below."},
    )
    new_question = forms.CharField(
        label="Add a question of your own",
        required=False,
        max_length=MAX_QUESTION,
        help_text="Kept in your question bank and ticked for this chat.",
    )
    logistics = forms.MultipleChoiceField(
        label="Logistics and manners", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, chat: Chat, groups, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Every question on offer, plus those already chosen (a removed question stays valid).
        texts = [text for group in groups for text in group.questions]
        texts += [text for text in chat.questions or () if text not in texts]
        self.fields["questions"].choices = [(text, text) for text in texts]
        self.fields["logistics"].choices = [
            (item.key, item.label) for item in checklist_for(chat.medium)
        ]

    def details(self) -> PrepDetails:
        data = self.cleaned_data
        return PrepDetails(
            research_notes=data["research_notes"],
            hypothesis=data["hypothesis"],
            ask=data["ask"],
            questions=tuple(data["questions"]),
            logistics=dict.fromkeys(data["logistics"], True),
            new_question=data["new_question"],
        )

    @staticmethod
    def initial_for(chat: Chat) -> dict:
        return {
            "research_notes": chat.research_notes,
            "hypothesis": chat.hypothesis,
            "ask": chat.ask,
            "questions": list(chat.questions or ()),
            "logistics": [key for key, ticked in (chat.logistics or {}).items() if ticked],
        }


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
