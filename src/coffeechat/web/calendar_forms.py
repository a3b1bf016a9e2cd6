"""The calendar forms: a calendar file to import and a feed address to follow."""

from __future__ import annotations

from django import forms

from coffeechat.core.ics import MAX_BYTES
from coffeechat.core.sizes import size_text
from coffeechat.web.forms import Form


class UploadForm(Form):
    file = forms.FileField(
        label="Calendar file (.ics)",
        help_text=f"Exported from your calendar program; at most {size_text(MAX_BYTES)}.",
        error_messages={
            "required": "Choose an .ics file to import.",
            "empty": "The file is empty.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".ics,text/calendar"}),
    )
    all_day_busy = forms.BooleanField(
        label="All-day events are busy",
        required=False,
        help_text="Leave it off to treat holidays and birthdays as free, as calendar apps do; "
        "an all-day event the calendar itself marks busy counts either way.",
    )


class FeedForm(Form):
    url = forms.CharField(
        label="Feed address",
        max_length=1000,
        help_text="The secret iCal address from your calendar's settings (https:// or webcal://).",
        error_messages={"required": "Paste the calendar's address."},
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    name = forms.CharField(label="Name", max_length=200, required=False)
    all_day_busy = forms.BooleanField(
        label="All-day events are busy",
        required=False,
        help_text="Leave it off to treat holidays and birthdays as free, as calendar apps do; "
        "an all-day event the calendar itself marks busy counts either way.",
    )
