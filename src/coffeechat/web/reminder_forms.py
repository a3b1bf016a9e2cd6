"""The reminders form: channels, the digest hour, quiet hours and where links open.

It only reads what was chosen; services.reminders checks each value (the push address, the link
address, whether email can go out) and says in plain words what is wrong.
"""

from __future__ import annotations

from typing import cast

from django import forms

from coffeechat.services.reminders import ReminderSettings
from coffeechat.web.forms import Form

# Until the user picks quiet hours, "until" offers the hour most people are up by.
MORNING = 7
PUSH_PLACEHOLDER = "https://ntfy.sh/your-secret-topic"
HOURS = range(24)
HOUR_CHOICE = "Choose one of the hours in the list."


def hour_label(hour: int, clock_format: str) -> str:
    """A whole hour as the user reads times: ``08:00``, or ``8 am`` on a 12-hour clock."""
    if clock_format != "12":
        return f"{hour:02d}:00"
    # "12 am" alone is often misread, so the two twelves say which they are.
    if hour == 0:
        return "12 am (midnight)"
    if hour == 12:
        return "12 pm (noon)"
    return f"{hour % 12} {'am' if hour < 12 else 'pm'}"


def _hour_field(label: str, *, empty: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        required=not empty,
        empty_value=None,
        error_messages={"invalid_choice": HOUR_CHOICE, "required": HOUR_CHOICE},
    )


class ReminderForm(Form):
    email_digest = forms.BooleanField(
        label="A digest each day",
        required=False,
        help_text="What is due today and what is overdue, in one email.",
    )
    digest_hour = _hour_field("Digest hour")
    email_due_soon = forms.BooleanField(
        label="An email a few hours before a thank-you is due",
        required=False,
        help_text="So the 24 hours after a chat do not run out unnoticed.",
    )
    push_url = forms.CharField(
        label="Topic address",
        max_length=500,
        required=False,
        help_text="Install the free ntfy app, subscribe to a topic with a name nobody could "
        "guess, and paste its address here; ntfy can run on your own server too. Leave it "
        "empty for no pushes.",
        # A text box rather than type=url: the browser would refuse an address without https://
        # in its own words before ours could say what to change. inputmode still brings up the
        # keyboard for addresses on a phone.
        widget=forms.TextInput(
            attrs={
                "inputmode": "url",
                "autocomplete": "off",
                "spellcheck": "false",
                "placeholder": PUSH_PLACEHOLDER,
            }
        ),
    )
    quiet_from = _hour_field("Quiet from", empty="none")
    quiet_until = _hour_field("Quiet until")
    link_address = forms.CharField(
        label="Links in reminders open",
        max_length=300,
        required=False,
        help_text="The address you open coffeechat at, as your phone or mail program reaches it.",
        widget=forms.TextInput(
            attrs={"inputmode": "url", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, clock_format: str = "24", email_on: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        hours = [(str(hour), hour_label(hour, clock_format)) for hour in HOURS]
        cast(forms.ChoiceField, self.fields["digest_hour"]).choices = hours
        cast(forms.ChoiceField, self.fields["quiet_from"]).choices = [("", "none"), *hours]
        cast(forms.ChoiceField, self.fields["quiet_until"]).choices = hours
        if not email_on:
            # Nothing could be sent: the boxes show off and stay off whatever is posted.
            for name in ("email_digest", "email_due_soon"):
                field = self.fields[name]
                field.disabled = True
                # Screen readers hear why the box cannot be ticked (the page's #email-off).
                field.widget.attrs["aria-describedby"] = f"email-off id_{name}_helptext"
                self.initial[name] = False

    def chosen(self) -> ReminderSettings:
        """The settings as services.reminders.update_reminder_settings takes them."""
        data = self.cleaned_data
        quiet_from = data["quiet_from"]
        return ReminderSettings(
            email_digest=data["email_digest"],
            email_due_soon=data["email_due_soon"],
            digest_hour=data["digest_hour"],
            push_url=data["push_url"],
            quiet_from=quiet_from,
            # With no start, the end shown in its box means nothing: no quiet hours at all.
            quiet_until=None if quiet_from is None else data["quiet_until"],
            link_address=data["link_address"],
        )

    @staticmethod
    def initial_for(saved: ReminderSettings, *, reached_at: str) -> dict:
        """The form's starting values; an empty link address shows where the user is now."""
        return {
            "email_digest": saved.email_digest,
            "email_due_soon": saved.email_due_soon,
            "digest_hour": saved.digest_hour,
            "push_url": saved.push_url,
            "quiet_from": saved.quiet_from,
            "quiet_until": MORNING if saved.quiet_until is None else saved.quiet_until,
            "link_address": saved.link_address or reached_at,
        }
