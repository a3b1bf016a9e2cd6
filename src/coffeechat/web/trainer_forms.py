"""The clock trainer's form: how long a round aims for."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from coffeechat.web.forms import Form


class TrialForm(Form):
    """The length of a round, in minutes: a preset button or any length typed in."""

    minutes = forms.DecimalField(
        label="Other length (minutes)",
        max_digits=6,
        decimal_places=2,
        help_text="From 10 seconds (0.17) to 60 minutes; 2.5 is two and a half minutes.",
        error_messages={
            "required": "Enter how many minutes to aim for.",
            "invalid": "Enter a number of minutes, such as 7 or 2.5.",
            "max_digits": "Enter a number of minutes, such as 7 or 2.5.",
            "max_decimal_places": "Use at most two decimals, such as 2.25.",
        },
        # step=any lets a phone keyboard offer the decimal point and the browser accept 2.5.
        widget=forms.NumberInput(attrs={"step": "any", "min": "0.17", "max": "60"}),
    )

    def seconds(self) -> int:
        return round(self.cleaned_data["minutes"] * Decimal(60))
