"""The follow-up forms: a thank-you or nudge being written, and the user's message templates."""

from __future__ import annotations

from django import forms

from coffeechat.core.compose import LONGEST_SUBJECT
from coffeechat.services import thanks
from coffeechat.web.forms import Form


class ComposeForm(Form):
    subject = forms.CharField(label="Subject", max_length=LONGEST_SUBJECT, required=False)
    body = forms.CharField(
        label="Message",
        required=False,
        max_length=thanks.MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "true"}),
    )


class TemplateForm(Form):
    subject = forms.CharField(label="Subject", max_length=LONGEST_SUBJECT)
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 14}))
