"""The phone form: which address of this computer paired phones use."""

from __future__ import annotations

from typing import cast

from django import forms

from coffeechat.web.forms import Form


class LanForm(Form):
    """Which of this computer's addresses phones use: one found, or another typed in."""

    address = forms.ChoiceField(
        label="Address on your network", widget=forms.RadioSelect, required=False
    )
    other_address = forms.CharField(
        label="Or type another address", required=False, max_length=45, strip=True
    )

    def __init__(self, *args, found=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(entry.address, f"{entry.address} ({entry.interface})") for entry in found]
        cast(forms.ChoiceField, self.fields["address"]).choices = choices
        self.fields["address"].initial = choices[0][0] if choices else None
        self.fields["other_address"].widget.attrs.update(
            {"inputmode": "decimal", "placeholder": "192.168.1.20", "autocomplete": "off"}
        )

    def clean(self):
        data = super().clean() or {}
        if not (data.get("other_address") or data.get("address")):
            raise forms.ValidationError("Pick an address of this computer, or type one.")
        return data

    def chosen(self) -> str:
        """What was typed, else what was picked: typing is the deliberate act."""
        return self.cleaned_data["other_address"] or self.cleaned_data["address"]

    def field_of(self) -> str:
        return "other_address" if self.cleaned_data["other_address"] else "address"
