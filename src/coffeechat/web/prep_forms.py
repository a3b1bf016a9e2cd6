"""The preparation form: research notes, the hypothesis, the Ask, questions and logistics."""

from __future__ import annotations

from typing import cast

from django import forms

from coffeechat.core.prep import checklist_for
from coffeechat.services.prep import (
    MAX_ASK,
    MAX_HYPOTHESIS,
    MAX_NOTES,
    MAX_QUESTION,
    PrepDetails,
)
from coffeechat.store.models import Chat
from coffeechat.web.forms import MARKDOWN_HELP, Form


class PrepForm(Form):
    research_notes = forms.CharField(
        label="Research notes",
        required=False,
        max_length=MAX_NOTES,
        help_text="Their path so far, and where it lines up with yours. " + MARKDOWN_HELP,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    hypothesis = forms.CharField(
        label="Problem and solution",
        required=False,
        max_length=MAX_HYPOTHESIS,
        help_text="A problem they may have, and how you could help with it. " + MARKDOWN_HELP,
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
        cast(forms.ChoiceField, self.fields["questions"]).choices = [(text, text) for text in texts]
        cast(forms.ChoiceField, self.fields["logistics"]).choices = [
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
