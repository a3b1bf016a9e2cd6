"""The one form of the Coaches page: whom to let in. The service checks the address itself."""

from __future__ import annotations

from django import forms


class GrantForm(forms.Form):
    email = forms.CharField(
        label="Your coach's email address",
        max_length=320,
        help_text="The address your coach signs in with. You can take access back at any time.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
