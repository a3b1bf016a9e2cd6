"""The capture form at the end of the live page: three optional texts, kept as typed."""

from __future__ import annotations

from django import forms

from coffeechat.services.capture import LABELS
from coffeechat.web.forms import Form


def _text(name: str, help_text: str, placeholder: str, rows: int) -> forms.CharField:
    # No max_length here: the service owns the limit and says it in words; the text stays.
    return forms.CharField(
        label=LABELS[name],
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "placeholder": placeholder}),
    )


class CaptureForm(Form):
    stuck = _text(
        "stuck",
        "Written to them, as it will read in your thank-you.",
        "Hearing how you moved into UX through the clinic app…",
        3,
    )
    agreed = _text(
        "agreed",
        "One step a line, yours or theirs, with a date if there was one: "
        "“I'll send my case study by Friday”, “They'll introduce me to Tom”.",
        "I'll send my case study by Friday\nThey'll introduce me to Tom",
        3,
    )
    suggested = _text(
        "suggested",
        "One name a line, with “at” and their organisation if you know it.",
        "Tom Okafor at Monzo",
        2,
    )

    @classmethod
    def of(cls, chat) -> CaptureForm:
        """The form showing the chat's capture as it was last saved."""
        return cls(
            initial={
                "stuck": chat.capture_stuck,
                "agreed": chat.capture_agreed,
                "suggested": chat.capture_suggested,
            }
        )
