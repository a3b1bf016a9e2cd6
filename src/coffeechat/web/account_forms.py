"""Forms for accounts on a server: joining, passwords, deleting, inviting. They save nothing."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from coffeechat.services.invitations import COACH, STUDENT
from coffeechat.web.forms import Form

NEW_PASSWORD_HELP = (
    "At least 8 characters, not only digits, not a common password, and not like your address."
)


def _password(label: str, *, autocomplete: str, help_text: str = "") -> forms.CharField:
    # strip=False: spaces are part of a password as typed.
    return forms.CharField(
        label=label,
        strip=False,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        error_messages={"required": f"Enter {label[0].lower()}{label[1:]}."},
    )


class NewPasswordForm(Form):
    """A new password, typed twice; the service checks how strong it is."""

    new_password1 = _password(
        "New password", autocomplete="new-password", help_text=NEW_PASSWORD_HELP
    )
    new_password2 = _password("New password again", autocomplete="new-password")

    def clean(self):
        # Form.clean returns cleaned_data (the stubs allow None for overrides that return none).
        cleaned = cast(dict[str, Any], super().clean())
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", "The two passwords differ; type the same one twice.")
        return cleaned


class ChangePasswordForm(NewPasswordForm):
    old_password = _password("Current password", autocomplete="current-password")
    field_order = ["old_password", "new_password1", "new_password2"]


class ForgotPasswordForm(Form):
    email = forms.CharField(
        label="Your email address",
        max_length=320,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": "Enter the email address you sign in with."},
    )


class DeleteAccountForm(Form):
    password = _password("Your password", autocomplete="current-password")

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if self.user is None or not self.user.check_password(password):
            raise ValidationError(
                "That is not your password. Nothing was deleted; type it again to confirm."
            )
        return password


class InviteForm(Form):
    email = forms.CharField(
        label="Email address",
        max_length=320,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Enter the address to send the invitation to."},
    )
    role = forms.ChoiceField(
        label="Invite as",
        choices=[(STUDENT, "Student"), (COACH, "Coach")],
        initial=STUDENT,
        required=False,  # a student when left out
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, may_invite_coaches: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not may_invite_coaches:
            # A coach invites students only: the choice would offer what the service refuses.
            del self.fields["role"]

    @property
    def as_coach(self) -> bool:
        return self.cleaned_data.get("role") == COACH


class InvitationActionForm(Form):
    """Resend or withdraw the open invitation of one address (named by it: one open per address)."""

    email = forms.CharField(max_length=320, widget=forms.HiddenInput)
