"""The debrief form and the next-step forms: read what was typed into the services' values."""

from __future__ import annotations

from django import forms

from coffeechat.services.debrief import DebriefDetails, ReferralDetails, StepDetails
from coffeechat.store.models import NextStep
from coffeechat.web.forms import DayField, EmailAddressField, Form, linkedin_url_field

# Three empty rows of each kind fit most chats; a debrief can be saved again to add more.
EXTRA_ROWS = 3
# The value of the look-alike choice that means "someone new, not the contact you found".
ADD_NEW = "new"

YES_NO = [("", "Not sure"), ("yes", "Yes"), ("no", "No")]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def yes_no_initial(value: bool | None) -> str:
    """The choice that shows a stored yes/no/unknown."""
    shown: dict[bool | None, str] = {True: "yes", False: "no"}
    return shown.get(value, "")


class DebriefForm(Form):
    memorable = forms.CharField(
        label="What was memorable",
        required=False,
        max_length=20_000,
        help_text="One note per line: something specific they said, worth citing in the "
        "thank-you. Markdown works.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    talk_share = forms.IntegerField(
        label="How much of the time did I talk? (percent)",
        required=False,
        min_value=0,
        max_value=100,
        help_text="A guess is fine. Letting them talk most is the aim: a third or less.",
        error_messages={
            "invalid": "Give a whole number from 0 to 100.",
            "min_value": "Give a number from 0 to 100.",
            "max_value": "Give a number from 0 to 100.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    time_confirmed = forms.ChoiceField(
        label="Did I confirm the time at the start?",
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect,
    )
    ask_made = forms.ChoiceField(
        label="Did I make my Ask?", choices=YES_NO, required=False, widget=forms.RadioSelect
    )

    def __init__(self, *args, ask_time: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not ask_time:
            # The live page gave the confirm line at Start (services.debrief.confirmed_live).
            del self.fields["time_confirmed"]

    def details(self, steps: list[StepDetails], referrals: list[ReferralDetails]):
        data = self.cleaned_data
        memorable = tuple(line.strip() for line in data["memorable"].splitlines() if line.strip())
        return DebriefDetails(
            memorable=memorable,
            next_steps=tuple(steps),
            referrals=tuple(referrals),
            talk_share=data["talk_share"],
            time_confirmed=_yes_no(data.get("time_confirmed", "")),
            ask_made=_yes_no(data["ask_made"]),
        )


class StepForm(Form):
    side = forms.ChoiceField(
        label="Whose step",
        choices=[(NextStep.Side.ME, "Mine"), (NextStep.Side.THEM, "Theirs")],
        initial=NextStep.Side.ME,
    )
    text = forms.CharField(label="Next step", max_length=500)
    due_on = DayField(
        label="Due",
        required=False,
        error_messages={"invalid": "Enter a date such as 2030-01-31."},
    )

    def details(self) -> StepDetails:
        data = self.cleaned_data
        return StepDetails(text=data["text"], side=data["side"], due_on=data["due_on"])


class ReferralForm(Form):
    name = forms.CharField(label="Name", max_length=200)
    organisation = forms.CharField(label="Organisation", max_length=200, required=False)
    role = forms.CharField(label="Role", max_length=200, required=False)
    email = EmailAddressField(
        label="Email",
        required=False,
        error_messages={"invalid": "Enter an email address such as sam@example.com."},
    )
    phone = forms.CharField(label="Phone", max_length=100, required=False)
    linkedin_url = linkedin_url_field()
    may_use_name = forms.BooleanField(label="I may say who sent me", required=False)
    # Shown only when the row looks like someone already in the contacts (see views.debrief):
    # a contact's code to link to, or ADD_NEW. A plain text field so a choice survives a page
    # that comes back for another reason.
    existing = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.matches: tuple = ()

    def has_changed(self) -> bool:
        # The look-alike choice alone does not make an empty row worth saving.
        return any(name in self.changed_data for name in self.fields if name != "existing")

    def details(self, link_to=None) -> ReferralDetails:
        data = self.cleaned_data
        return ReferralDetails(
            name=data["name"],
            organisation=data["organisation"],
            role=data["role"],
            email=data["email"],
            phone=data["phone"],
            linkedin_url=data["linkedin_url"],
            may_use_name=data["may_use_name"],
            link_to=link_to,
            add_new=data["existing"] == ADD_NEW,
        )


StepFormSet = forms.formset_factory(StepForm, extra=EXTRA_ROWS)


class ReferralRows(forms.BaseFormSet):
    """Referral rows, some prefilled with the names from the chat's capture.

    A prefilled row counts as a new row, not a stored one: cleared, it is simply not saved.
    """

    def initial_form_count(self) -> int:
        return super().initial_form_count() if self.is_bound else 0

    def total_form_count(self) -> int:
        if self.is_bound:
            return super().total_form_count()
        return len(self.initial or ()) + self.extra


ReferralFormSet = forms.formset_factory(ReferralForm, formset=ReferralRows, extra=EXTRA_ROWS)


class DueForm(Form):
    due_on = DayField(
        label="Due",
        required=False,
        error_messages={"invalid": "Enter a date such as 2030-01-31."},
    )
