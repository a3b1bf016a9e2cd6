"""Forms: read what the user typed into the values services take. They never save anything."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.forms.renderers import DjangoTemplates
from django.forms.utils import ErrorDict

from coffeechat.core.fields import (
    EARLIEST_DAY,
    LATEST_DAY,
    FieldError,
    check_day,
    check_email,
    check_web_address,
    web_address,
)
from coffeechat.core.live import ScriptError, check_script
from coffeechat.core.text import split_list
from coffeechat.services.chats import MAX_BUFFER_MINUTES, MAX_CHAT_MINUTES, ChatPlan
from coffeechat.services.contacts import KEEP_IN_TOUCH_MAX_DAYS, ContactDetails
from coffeechat.services.library import StoryDetails
from coffeechat.services.live import LONGEST_EXTENSION, LONGEST_FELT
from coffeechat.services.preferences import (
    MAX_EXTEND_MINUTES,
    MAX_NAME,
    MAX_SIGNATURE,
    MAX_WRAPUP_MINUTES,
    MIN_CHAT_MINUTES,
    WORDS_PER_MINUTE,
    Identity,
    PreferenceChoices,
)
from coffeechat.services.targets import MOTIVATIONS, hiring_choices
from coffeechat.store.models import Chat, Contact, Note, Preferences, ScriptTemplate
from coffeechat.store.owners import Owner

LIST_HELP = "One per line, or separated by commas."
MARKDOWN_HELP = "Markdown works: *emphasis*, lists, links."


class Renderer(DjangoTemplates):
    """Our own field and form layout: label, help, errors, then the input."""

    form_template_name = "coffeechat/forms/form.html"
    field_template_name = "coffeechat/forms/field.html"


class Form(forms.Form):
    default_renderer = Renderer()

    def __init__(self, *args, **kwargs) -> None:
        # Labels are shown as written ("Name", not "Name:"); the layout separates them.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _validator(check, code: str):
    """A core.fields rule as a form validator: its message, under ``code``.

    A field's own error message for ``code`` replaces the rule's, so the URL and email fields
    keep their examples ("such as https://...") while every way in shares the one rule.
    """

    def validate(value) -> None:
        try:
            check(value)
        except FieldError as error:
            raise ValidationError(str(error), code=code) from None

    return validate


validate_day = _validator(check_day, "out_of_range")
validate_web_address = _validator(check_web_address, "invalid")
validate_email_address = _validator(check_email, "invalid")


class WebAddressField(forms.URLField):
    """A web address a link may open: http or https with a host (core.fields).

    Like Django's URLField it puts https:// in front of a bare ``example.com/page``; unlike it,
    ftp and every other scheme are refused, by the same rule restore and imports use.
    """

    default_validators = [validate_web_address]


class EmailAddressField(forms.EmailField):
    """Exactly one plain email address, by the rule imports, restore and delivery use."""

    default_validators = [validate_email_address]


class DayField(forms.DateField):
    """A day from 1900 to 2200 (core.fields), picked with the browser's date box."""

    default_validators = [validate_day]

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", date_input())
        super().__init__(**kwargs)


def date_input() -> forms.DateInput:
    """A browser date box that offers only the days coffeechat accepts."""
    return forms.DateInput(
        attrs={"type": "date", "min": EARLIEST_DAY.isoformat(), "max": LATEST_DAY.isoformat()},
        format="%Y-%m-%d",
    )


def minutes_field(label: str, low: int, high: int, **kwargs) -> forms.IntegerField:
    """A whole number of minutes with messages that say the allowed range."""
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        error_messages={
            "required": "Enter a number of minutes.",
            "invalid": f"Enter a whole number of minutes, from {low} to {high}.",
            "min_value": f"Use at least {low} minutes.",
            "max_value": f"Use at most {high} minutes.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        **kwargs,
    )


def linkedin_url_field() -> WebAddressField:
    """An optional LinkedIn address; a bare ``linkedin.com/in/…`` gets https:// in front."""
    return WebAddressField(
        label="LinkedIn URL",
        max_length=500,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address such as https://www.linkedin.com/in/…"},
    )


def time_zone_input() -> forms.TextInput:
    # "list" ties the box to the <datalist id="time-zones"> the page renders once: the browser
    # suggests zone names while the user can still type any of them.
    return forms.TextInput(
        attrs={"list": "time-zones", "autocomplete": "off", "spellcheck": "false"}
    )


class ContactForm(Form):
    name = forms.CharField(label="Name", max_length=200)
    role = forms.CharField(label="Role", max_length=200, required=False)
    organisation = forms.CharField(
        label="Organisation",
        max_length=200,
        required=False,
        help_text="Type a new name to add the organisation.",
        widget=forms.TextInput(attrs={"list": "organisation-names", "autocomplete": "off"}),
    )
    emails = forms.CharField(
        label="Emails",
        required=False,
        help_text=LIST_HELP,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
    )
    phones = forms.CharField(
        label="Phones",
        required=False,
        help_text=LIST_HELP,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
    )
    linkedin_url = linkedin_url_field()
    websites = forms.CharField(
        label="Websites",
        required=False,
        help_text="Other web pages and profiles, one per line, such as https://example.org/ada.",
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off", "spellcheck": "false"}),
    )
    location = forms.CharField(label="Location", max_length=200, required=False)
    time_zone = forms.CharField(
        label="Time zone",
        max_length=64,
        required=False,
        help_text="Where they live, such as Europe/Paris; used to show their local time.",
        widget=time_zone_input(),
    )
    tags = forms.CharField(
        label="Tags", max_length=1000, required=False, help_text="Separated by commas."
    )
    how_we_met = forms.CharField(
        label="How we met", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    research_notes = forms.CharField(
        label="Research notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=MARKDOWN_HELP,
    )
    keep_in_touch_days = forms.IntegerField(
        label="Keep in touch every … days",
        required=False,
        min_value=1,
        max_value=KEEP_IN_TOUCH_MAX_DAYS,
        help_text="Such as 60 for about every two months; leave it empty for no reminders. Any "
        "chat, note or message starts the count again, and a person gets at most 4 reminders "
        "a year.",
        error_messages={
            "min_value": "Give a number of days from 1 upwards, or leave it empty.",
            "max_value": f"Give at most {KEEP_IN_TOUCH_MAX_DAYS} days (ten years).",
        },
    )

    def clean_emails(self) -> list[str]:
        emails = split_list(self.cleaned_data["emails"])
        wrong = []
        for email in emails:
            try:
                check_email(email)
            except FieldError:
                wrong.append(email)
        if wrong:
            raise ValidationError(
                "Not an email address: " + ", ".join(wrong) + ". Write one address per line."
            )
        return emails

    def clean_websites(self) -> list[str]:
        # One per line: a web address may hold commas (``?id=1,2``), so only lines separate.
        urls = [line.strip() for line in self.cleaned_data["websites"].splitlines()]
        urls = [url for url in urls if url]
        wrong = []
        for url in urls:
            try:
                web_address(url)
            except FieldError:
                wrong.append(url)
        if wrong:
            raise ValidationError(
                "Not a web address: "
                + ", ".join(wrong)
                + ". Write one address per line, such as https://example.org."
            )
        return urls

    def clean_phones(self) -> list[str]:
        return split_list(self.cleaned_data["phones"])

    def clean_tags(self) -> list[str]:
        return split_list(self.cleaned_data["tags"])

    def details(self) -> ContactDetails:
        data = self.cleaned_data
        return ContactDetails(
            name=data["name"],
            role=data["role"],
            organisation=data["organisation"],
            emails=tuple(data["emails"]),
            phones=tuple(data["phones"]),
            linkedin_url=data["linkedin_url"],
            websites=tuple(data["websites"]),
            location=data["location"],
            time_zone=data["time_zone"],
            tags=tuple(data["tags"]),
            how_we_met=data["how_we_met"],
            research_notes=data["research_notes"],
            keep_in_touch_days=data["keep_in_touch_days"],
        )

    @staticmethod
    def initial_for(contact: Contact) -> dict:
        return {
            "name": contact.name,
            "role": contact.role,
            "organisation": contact.organisation.name if contact.organisation else "",
            "emails": "\n".join(contact.emails),
            "phones": "\n".join(contact.phones),
            "linkedin_url": contact.linkedin_url,
            "websites": "\n".join(contact.websites or ()),
            "location": contact.location,
            "time_zone": contact.time_zone,
            "tags": ", ".join(contact.tags),
            "how_we_met": contact.how_we_met,
            "research_notes": contact.research_notes,
            "keep_in_touch_days": contact.keep_in_touch_days,
        }


class ContactChoice(forms.ModelChoiceField):
    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            # A value that is not even a code would otherwise say "not a valid UUID".
            if error.code == "invalid_choice":
                raise
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None

    def label_from_instance(self, obj: Contact) -> str:
        if obj.organisation is not None:
            return f"{obj.name} ({obj.organisation.name})"
        return obj.name


class ChatForm(Form):
    contact = ContactChoice(
        label="Contact",
        queryset=Contact.objects.none(),
        # Choices carry the public code, never the row number.
        to_field_name="code",
        empty_label="Choose a contact",
        error_messages={
            "required": "Choose who the chat is with.",
            "invalid_choice": "Choose one of your contacts from the list.",
        },
    )
    date = DayField(
        label="Date",
        error_messages={
            "required": "Enter the day of the chat.",
            "invalid": "Enter a date such as 2026-03-02.",
        },
    )
    start_time = forms.TimeField(
        label="Start time",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": "Enter when the chat starts.",
            "invalid": "Enter a time such as 13:20.",
        },
    )
    agreed_minutes = minutes_field("Length (minutes)", MIN_CHAT_MINUTES, MAX_CHAT_MINUTES)
    buffer_minutes = minutes_field(
        "Buffer after (minutes)",
        0,
        MAX_BUFFER_MINUTES,
        help_text="Time kept free after the chat, so a good conversation can run on.",
    )
    medium = forms.ChoiceField(
        label="Medium", choices=Chat.Medium.choices, initial=Chat.Medium.VIDEO
    )
    venue = forms.CharField(
        label="Venue",
        max_length=300,
        required=False,
        help_text="For a chat in person: the café or office.",
    )
    link = WebAddressField(
        label="Video or call link",
        max_length=500,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address such as https://meet.example.com/abc."},
    )
    time_zone = forms.CharField(
        label="Their time zone",
        max_length=64,
        required=False,
        help_text="For a remote chat, such as America/New_York; leave empty if you share a zone.",
        widget=time_zone_input(),
    )

    def __init__(self, *args, owner: Owner, current: Contact | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        contacts = Contact.objects.for_owner(owner)
        # A merged contact is hidden from choices, except the one this chat is already with.
        active = Q(merged_into__isnull=True)
        if current is not None:
            active |= Q(pk=current.pk)
        cast(forms.ModelChoiceField, self.fields["contact"]).queryset = (
            contacts.filter(active).select_related("organisation").order_by("name", "pk")
        )
        if self.data.get("allow_overlap"):
            self.offer_overlap()

    def offer_overlap(self) -> None:
        """Show the "Plan it anyway" box, once the user has seen what it overrides."""
        self.fields["allow_overlap"] = forms.BooleanField(
            label="Plan it anyway",
            required=False,
            help_text="Keep this time even though it overlaps another chat or its buffer.",
        )

    def plan(self, tz: tzinfo) -> ChatPlan:
        data = self.cleaned_data
        return ChatPlan(
            contact=data["contact"],
            starts_at=datetime.combine(data["date"], data["start_time"], tzinfo=tz),
            agreed_minutes=data["agreed_minutes"],
            buffer_minutes=data["buffer_minutes"],
            medium=data["medium"],
            venue=data["venue"],
            link=data["link"],
            time_zone=data["time_zone"],
        )

    @property
    def allow_overlap(self) -> bool:
        return bool(self.cleaned_data.get("allow_overlap"))

    @staticmethod
    def initial_for(chat: Chat, tz: tzinfo) -> dict:
        local = chat.starts_at.astimezone(tz)
        return {
            "contact": chat.contact,
            "date": local.date(),
            "start_time": local.time().replace(second=0, microsecond=0),
            "agreed_minutes": chat.agreed_minutes,
            "buffer_minutes": chat.buffer_minutes,
            "medium": chat.medium,
            "venue": chat.venue,
            "link": chat.link,
            "time_zone": chat.time_zone,
        }


class CancelForm(Form):
    reason = forms.CharField(
        label="Reason (optional)",
        max_length=300,
        required=False,
        help_text="For your own record, such as “they had to travel”.",
    )


class NoteForm(Form):
    kind = forms.ChoiceField(label="Kind", choices=Note.Kind.choices, initial=Note.Kind.INSIGHT)
    text = forms.CharField(
        label="Note",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=MARKDOWN_HELP,
        error_messages={"required": "Write something before saving the note."},
    )


class OrganisationForm(Form):
    name = forms.CharField(label="Name", max_length=200)
    website = WebAddressField(
        label="Website",
        max_length=200,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address such as https://example.com."},
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 6}))


class IdentityForm(Form):
    """Who the user is, for the letters they send: asked after the first sign-in, kept in
    Preferences."""

    your_name = forms.CharField(
        label="Your name",
        max_length=MAX_NAME,
        required=False,
        help_text="The name your letters come from, such as Sam Rivera.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    # A plain text field with the rule as its validator, so the rule's own words say what is
    # wrong ("without a name or angle brackets"), not a general "Enter a valid email address".
    your_email = forms.CharField(
        label="Your email address",
        max_length=320,
        required=False,
        validators=[_validator(check_email, "not_one_address")],
        help_text="The .eml files you download are from it, and replies to the messages "
        "coffeechat sends come to it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    signature = forms.CharField(
        label="Signature",
        max_length=MAX_SIGNATURE,
        required=False,
        help_text="A few lines under each thank-you: your name, and a phone number or a link "
        "if you like.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    IDENTITY_FIELDS = ("your_name", "your_email", "signature")

    def identity(self) -> Identity:
        return Identity(**{name: self.cleaned_data[name] for name in self.IDENTITY_FIELDS})

    def identity_fields(self) -> list:
        """The bound fields of "You", for a page that shows them as a part of their own."""
        return [self[name] for name in self.IDENTITY_FIELDS]

    def other_fields(self) -> list:
        """Every other visible field, in order."""
        return [field for field in self if field.name not in self.IDENTITY_FIELDS]

    @staticmethod
    def initial_for(preferences: Preferences) -> dict:
        return {name: getattr(preferences, name) for name in IdentityForm.IDENTITY_FIELDS}


class PreferencesForm(IdentityForm):
    chat_minutes = minutes_field(
        "Chat length (minutes)",
        MIN_CHAT_MINUTES,
        MAX_CHAT_MINUTES,
        help_text="What you usually agree; 15 to 30 minutes suits most chats.",
    )
    buffer_minutes = minutes_field(
        "Buffer after a chat (minutes)",
        0,
        MAX_BUFFER_MINUTES,
        help_text="Kept free after each chat, so it can run on without wrecking your next one.",
    )
    wrapup_minutes = minutes_field(
        "Wrap-up cue (minutes before the end)",
        1,
        MAX_WRAPUP_MINUTES,
        help_text="When to make your Ask and ask for one or two names.",
    )
    time_zone = forms.CharField(
        label="Time zone",
        max_length=64,
        help_text="Times everywhere are shown in this zone, such as Europe/London.",
        widget=time_zone_input(),
    )
    locale = forms.CharField(
        label="Locale", max_length=16, help_text="A language tag such as en-GB or fr-FR."
    )
    clock_format = forms.ChoiceField(label="Clock", choices=Preferences.ClockFormat.choices)
    words_per_minute = forms.IntegerField(
        label="Speaking speed (words per minute)",
        min_value=WORDS_PER_MINUTE[0],
        max_value=WORDS_PER_MINUTE[1],
        help_text="Used to estimate how long your pitch takes to say; about 150 is typical.",
        error_messages={
            "invalid": "Enter a whole number of words per minute.",
            "min_value": f"Use at least {WORDS_PER_MINUTE[0]} words per minute.",
            "max_value": f"Use at most {WORDS_PER_MINUTE[1]} words per minute.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    holiday_country = forms.CharField(
        label="Public holidays of",
        max_length=64,
        required=False,
        help_text=(
            "A country or region, such as GB, US-CA or United States — California; its public "
            "holidays do not count as business days for the outreach timers. Leave it empty "
            "and only weekends are days off."
        ),
        # Tied to the page's <datalist id="holiday-calendars">: about 900 countries and regions
        # are suggested as the user types, which stays usable on a phone where a select of
        # that length would not; any code or name can still be typed.
        widget=forms.TextInput(
            attrs={"list": "holiday-calendars", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    extend_minutes = minutes_field(
        "Extension for one tap (minutes)",
        1,
        MAX_EXTEND_MINUTES,
        help_text="How much longer “They want to continue” and “I asked to continue” add.",
    )
    vibrate = forms.BooleanField(
        label="Vibrate at the cues",
        required=False,
        help_text="On a phone that can: a short buzz at the wrap-up and check-in cues.",
    )
    keep_screen_awake = forms.BooleanField(
        label="Keep the screen awake during a chat",
        required=False,
        help_text="So the countdown stays visible on a phone lying on the table.",
    )

    def choices(self) -> PreferenceChoices:
        return PreferenceChoices(**self.cleaned_data)

    @staticmethod
    def initial_for(preferences: Preferences) -> dict:
        return {name: getattr(preferences, name) for name in PreferencesForm.base_fields}


class SignInForm(AuthenticationForm):
    """Server mode's username and password, laid out like every other form."""

    default_renderer = Form.default_renderer

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # Accounts made from an invitation sign in with their email address (services.invitations).
        self.fields["username"].label = "Email address"

    def clean_username(self) -> str:
        # Invitations keep the address in lower case; an address typed with capitals is the same.
        typed = self.cleaned_data.get("username", "").strip()
        return typed.lower() if "@" in typed else typed

    def refuse(self, message: str) -> None:
        """Show ``message`` with what was typed, without validating: validating checks the
        password, and an attempt refused for going too fast must not cost (or reveal) that."""
        self._errors = ErrorDict(renderer=self.renderer)
        self.cleaned_data = {}
        self.add_error(None, message)

    def wrong_password(self) -> bool:
        """Whether the form failed on the username and password themselves (not a blank field)."""
        return self.has_error(NON_FIELD_ERRORS, "invalid_login")


# The live chat page and its scripts.


class ExtendForm(Form):
    who = forms.ChoiceField(
        choices=[("they", "They want to continue"), ("me", "I asked to continue")],
        error_messages={"required": "Say who asked to continue."},
    )
    minutes = minutes_field("Minutes more", 1, LONGEST_EXTENSION)


class FeltForm(Form):
    minutes = minutes_field(
        "How long did that feel?",
        1,
        LONGEST_FELT,
        help_text="In minutes, before you see the real length.",
    )


class ScriptsForm(Form):
    """One box per script; an empty box means "use the default"."""

    def __init__(self, *args, texts: dict[str, str], defaults: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in ScriptTemplate.Kind.choices:
            self.fields[kind] = forms.CharField(
                label=label,
                required=False,
                max_length=600,
                initial=texts.get(kind, ""),
                help_text=f"Default: {defaults[kind]}",
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def clean(self) -> dict:
        # Form.clean returns cleaned_data (the stubs allow None for overrides that return none).
        data = cast(dict[str, Any], super().clean())
        for kind, text in list(data.items()):
            try:
                check_script(" ".join((text or "").split()))
            except ScriptError as error:
                self.add_error(kind, str(error))
        return data


class PitchForm(Form):
    # Not required here: the service says what is wrong with an empty or enormous pitch, in the
    # same words the CLI would use.
    text = forms.CharField(
        label="Text",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class StoryForm(Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Give the story a title."},
        help_text="A few words you would recognise it by, e.g. “Rescued the spring launch”.",
    )
    situation = forms.CharField(
        label="Situation",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What was at stake, in a sentence or two.",
    )
    action = forms.CharField(
        label="What I did",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    result = forms.CharField(
        label="Result",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What came of it; numbers help.",
    )
    tags = forms.CharField(
        label="Tags",
        required=False,
        help_text=LIST_HELP + " Tags help rank the story for each chat.",
    )

    def details(self) -> StoryDetails:
        """The form's values as the library service takes them."""
        data = self.cleaned_data
        return StoryDetails(
            title=data["title"],
            situation=data["situation"],
            action=data["action"],
            result=data["result"],
            tags=tuple(split_list(data["tags"])),
        )


class SnoozeForm(Form):
    """How long to put a follow-up or a contact's reminders off: one of a few fixed spans."""

    CHOICES = [("1", "1 day"), ("7", "1 week"), ("30", "1 month")]

    days = forms.TypedChoiceField(
        choices=CHOICES,
        coerce=int,
        error_messages={"invalid_choice": "Snooze for 1 day, 1 week or 1 month."},
    )


# Knowing someone at a target: worked out from the contacts there, or what the user says.
KNOWS_CHOICES = [("auto", "Work it out from my contacts"), ("yes", "Yes"), ("no", "No")]
KNOWS_VALUES = {"auto": None, "yes": True, "no": False}


class TargetPriorityForm(Form):
    """A target's priority: motivation, hiring signal, top five, and whether you know someone."""

    motivation = forms.TypedChoiceField(
        label="Motivation",
        choices=[(str(value), label.capitalize()) for value, label in MOTIVATIONS.items()],
        coerce=int,
        widget=forms.RadioSelect,
        help_text="How much you want to work there.",
        error_messages={
            "required": "Choose your motivation: low, medium or high.",
            "invalid_choice": "Choose your motivation: low, medium or high.",
        },
    )
    hiring_signal = forms.ChoiceField(
        label="Hiring signal",
        choices=hiring_choices,
        initial="unknown",
        help_text="What you have seen: job posts, news, what people there say.",
        error_messages={"invalid_choice": "Choose one of the hiring signals in the list."},
    )
    top_five = forms.BooleanField(
        label="One of my top five",
        required=False,
        help_text="At most five targets carry this flag; they lead the board.",
    )
    knows_someone = forms.ChoiceField(
        label="Do you know someone there?",
        choices=KNOWS_CHOICES,
        initial="auto",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose whether you know someone there."},
    )

    def __init__(self, *args, contacts: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if contacts is not None:
            # Say what "work it out" means for this organisation today.
            there = "nobody there yet" if contacts == 0 else f"{contacts} there now"
            cast(forms.ChoiceField, self.fields["knows_someone"]).choices = [
                ("auto", f"Work it out from my contacts ({there})"),
                *KNOWS_CHOICES[1:],
            ]

    @staticmethod
    def initial_for(organisation) -> dict:
        """The form's starting values from an organisation (a target or not yet)."""
        knows = {None: "auto", True: "yes", False: "no"}[organisation.has_advocate]
        return {
            "motivation": organisation.motivation or 2,
            "hiring_signal": organisation.hiring_signal,
            "top_five": organisation.top_five,
            "knows_someone": knows,
        }

    def priority(self) -> dict:
        """The cleaned values as the targets services take them."""
        data = self.cleaned_data
        return {
            "motivation": data["motivation"],
            "hiring_signal": data["hiring_signal"],
            "top_five": data["top_five"],
            "knows_someone": KNOWS_VALUES[data["knows_someone"]],
        }


class TargetAddForm(TargetPriorityForm):
    name = forms.CharField(
        label="Organisation",
        max_length=200,
        help_text="Pick one you have, or type a new name to add it.",
        error_messages={"required": "Give the organisation's name."},
        widget=forms.TextInput(attrs={"list": "organisation-names", "autocomplete": "off"}),
    )

    field_order = ["name", "motivation", "hiring_signal", "top_five", "knows_someone"]


class BulkTargetsForm(Form):
    """One motivation for every organisation ticked; the ticks are read from the request."""

    motivation = TargetPriorityForm.base_fields["motivation"]


# --- Requests for a chat (outreach) ----------------------------------------------------------


def _name_and_organisation(contact: Contact) -> str:
    return f"{contact.name} ({contact.organisation.name})" if contact.organisation else contact.name


class OutreachStartForm(Form):
    """Whom to write to (unless the address names them) and which template to start from."""

    contact = forms.ModelChoiceField(
        label="Write to",
        queryset=Contact.objects.none(),
        to_field_name="code",
        empty_label="Choose a contact…",
        error_messages={
            "required": "Choose whom to write to.",
            "invalid_choice": "That contact was not found; choose one from the list.",
        },
    )
    template = forms.ChoiceField(label="Start from", widget=forms.RadioSelect)

    def __init__(self, *args, owner: Owner, templates, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        contacts = cast(forms.ModelChoiceField, self.fields["contact"])
        contacts.queryset = (
            Contact.objects.for_owner(owner).active().select_related("organisation")
        ).order_by("name")
        # Django's documented way to label a model field's choices.
        contacts.label_from_instance = _name_and_organisation  # type: ignore[method-assign,assignment]
        cast(forms.ChoiceField, self.fields["template"]).choices = [
            (template.id, f"{template.name}: {template.use_when}") for template in templates
        ]


class OutreachComposeForm(Form):
    subject = forms.CharField(label="Subject", max_length=300, required=False)
    connection = forms.CharField(
        label="What you share with them",
        max_length=200,
        required=False,
        help_text="The person who suggested you write, where you met, a school or team you "
        "share. The linter checks that it comes first.",
    )
    body = forms.CharField(
        label="Message",
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "true"}),
    )


class OutreachReplyForm(Form):
    replied_on = DayField(
        label="When they answered",
        required=False,
        help_text="Leave empty for today.",
        error_messages={"invalid": "Give the date as YYYY-MM-DD, or leave it empty for today."},
    )


class LinterSettingsForm(Form):
    """The outreach linter's word limit, job words, and one on/off box per rule."""

    max_words = forms.IntegerField(
        label="Word limit",
        min_value=20,
        max_value=500,
        help_text="Greeting and sign-off are not counted. Our default is 100.",
        error_messages={
            "required": "Give a word limit.",
            "invalid": "Give the word limit as a whole number, from 20 to 500.",
            "min_value": "Use a word limit of at least 20.",
            "max_value": "Use a word limit of at most 500.",
        },
    )
    job_words = forms.CharField(
        label="Job words",
        required=False,
        help_text="One word or phrase per line; matched as whole words, in any case.",
        widget=forms.Textarea(attrs={"rows": 10}),
    )

    def __init__(self, *args, rules, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rules = rules
        for rule in rules:
            self.fields[f"rule_{rule.id}"] = forms.BooleanField(
                label=rule.name, required=False, help_text=rule.why
            )

    def rule_fields(self):
        return [(rule, self[f"rule_{rule.id}"]) for rule in self.rules]

    def settings(self) -> dict:
        """The cleaned values as services.outreach.save_linter_settings takes them."""
        data = self.cleaned_data
        return {
            "max_words": data["max_words"],
            "job_words": data["job_words"].splitlines(),
            "rules_off": [rule.id for rule in self.rules if not data[f"rule_{rule.id}"]],
        }
