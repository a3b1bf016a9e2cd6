"""The contacts import form: where the file comes from, and the file."""

from __future__ import annotations

from django import forms

from coffeechat.core.sizes import size_text
from coffeechat.services.imports import MAX_IMPORT_BYTES
from coffeechat.store.models import ImportBatch
from coffeechat.web.forms import Form

FILE_TYPES = ".csv,.zip,.vcf,.vcard,text/csv,text/vcard,text/x-vcard,application/zip"


class ImportForm(Form):
    source = forms.ChoiceField(
        label="Where is the file from?",
        choices=ImportBatch.Source.choices,
        initial=ImportBatch.Source.LINKEDIN,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose where the file comes from.",
            "invalid_choice": "Choose LinkedIn, Google Contacts or vCard.",
        },
    )
    file = forms.FileField(
        label="File",
        help_text=f"A .csv, .vcf or LinkedIn's .zip; at most {size_text(MAX_IMPORT_BYTES)}.",
        error_messages={
            "required": "Choose the file to import.",
            "empty": "The file is empty; export it again and upload the new file.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": FILE_TYPES}),
    )
