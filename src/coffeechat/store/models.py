"""The whole data model (DESIGN §2). Every row has an owner and a UUID ``code`` for URLs."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from coffeechat.core.contact_keys import contact_keys
from coffeechat.store.managers import (
    ChatManager,
    ContactManager,
    FollowUpManager,
    OwnedManager,
)


def choices_check(field: str, values: list[str]) -> models.CheckConstraint:
    """A check that keeps ``field`` to ``values``: its choices, and "" when it may be blank.

    Every field with choices carries one: the forms and services check the value too, but a bulk
    write or a script goes past them. The values are written out because a model's Meta cannot
    see the model's own choices classes; tests/store/test_constraints.py walks every field with
    choices and fails when its check is missing or its values differ from the choices.
    """
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__in": values}), name=f"%(class)s_{field}_known"
    )


class Owned(models.Model):
    """Fields every user-owned row carries."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedManager()

    class Meta:
        abstract = True


class Preferences(models.Model):
    """One user's settings for the method: chat length, buffer, cues, locale."""

    class ClockFormat(models.TextChoices):
        H24 = "24", "24-hour (13:20)"
        H12 = "12", "12-hour (1:20 pm)"

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences"
    )
    chat_minutes = models.PositiveSmallIntegerField(default=20)
    buffer_minutes = models.PositiveSmallIntegerField(default=15)
    wrapup_minutes = models.PositiveSmallIntegerField(default=5)
    time_zone = models.CharField(max_length=64, default="UTC")
    locale = models.CharField(max_length=16, default="en-GB")
    clock_format = models.CharField(max_length=2, choices=ClockFormat, default=ClockFormat.H24)
    words_per_minute = models.PositiveSmallIntegerField(default=150)
    # A holidays-library code such as "GB" or "US-CA" (see core.business_days.holiday_calendar).
    holiday_country = models.CharField(max_length=64, blank=True)
    # The outreach linter (core.outreach_lint): its word limit, job words and switched-off rules.
    outreach_max_words = models.PositiveSmallIntegerField(default=100)
    outreach_job_words = models.JSONField(null=True, blank=True)  # None: our default list
    outreach_rules_off = models.JSONField(default=list, blank=True)  # ids of rules switched off
    # The live chat page.
    extend_minutes = models.PositiveSmallIntegerField(default=5)  # the "+N min" of one tap
    vibrate = models.BooleanField(default=False)
    keep_screen_awake = models.BooleanField(default=False)
    # The private calendar subscription: the secret in the feed's URL; empty when revoked.
    calendar_token = models.CharField(max_length=64, blank=True, db_index=True)
    # Who the user is, for the letters they send: the sender of .eml and SMTP messages and the
    # mailto draft, and the signature under a thank-you. Asked once after the first sign-in.
    your_name = models.CharField(max_length=200, blank=True)
    your_email = models.CharField(max_length=320, blank=True)  # one address (core.fields)
    signature = models.TextField(blank=True)
    identity_asked_at = models.DateTimeField(null=True, blank=True)  # asked (or skipped) then
    # "Use on my phone" (local mode): the address on this computer's network where paired phones
    # reach the app; empty while LAN access is off. `coffeechat serve` listens there again on start.
    lan_address = models.CharField(max_length=45, blank=True)
    # Reminders that reach the user (services.reminders), each channel opt-in. Email: a digest
    # each day at ``digest_hour`` where they live, and a message a few hours before a thank-you
    # deadline. Push: to an ntfy-compatible topic URL (empty: off). Quiet hours (from and until,
    # local hours; both empty: none) hold back everything but the digest.
    email_digest = models.BooleanField(default=False)
    email_due_soon = models.BooleanField(default=False)
    digest_hour = models.PositiveSmallIntegerField(default=8)
    push_url = models.CharField(max_length=500, blank=True)
    quiet_from = models.PositiveSmallIntegerField(null=True, blank=True)
    quiet_until = models.PositiveSmallIntegerField(null=True, blank=True)
    # Where links in reminders point: this app's address as the user reaches it ("https://…/").
    link_address = models.CharField(max_length=300, blank=True)
    # A reminder run works for this user until then; runs on other app servers pass them by.
    reminders_busy_until = models.DateTimeField(null=True, blank=True)
    # Server mode: a coach (invited as one) may be granted access to students' aggregates.
    is_coach = models.BooleanField(default=False)
    # "Sign out everywhere": every session signed in before this moment is signed out.
    signed_out_at = models.DateTimeField(null=True, blank=True)

    objects = OwnedManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(digest_hour__lte=23), name="preferences_digest_hour_0_to_23"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(quiet_from__isnull=True, quiet_until__isnull=True)
                    | models.Q(quiet_from__lte=23, quiet_until__lte=23)
                ),
                name="preferences_quiet_hours_both_or_neither",
            ),
            choices_check("clock_format", ["24", "12"]),
        ]

    def __str__(self) -> str:
        return f"Preferences of {self.owner}"


class Organisation(Owned):
    """An employer or group; a target organisation carries a priority."""

    class Hiring(models.TextChoices):
        UNKNOWN = "unknown", "Unknown"
        NONE = "none", "Not hiring"
        SOME = "some", "Some openings"
        ACTIVE = "active", "Hiring actively"

    name = models.CharField(max_length=200)
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)
    is_target = models.BooleanField(default=False)
    motivation = models.PositiveSmallIntegerField(null=True, blank=True)  # 1 (low) to 3 (high)
    has_advocate = models.BooleanField(null=True, blank=True)  # None: work it out from contacts
    hiring_signal = models.CharField(max_length=16, choices=Hiring, default=Hiring.UNKNOWN)
    # One of the owner's top five targets: its place, 1 to 5; None for every other organisation.
    # A place rather than a flag, so that the database itself keeps the top five to five.
    top_slot = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "owner", name="organisation_name_unique"),
            models.CheckConstraint(
                condition=models.Q(motivation__isnull=True) | models.Q(motivation__range=(1, 3)),
                name="organisation_motivation_1_to_3",
            ),
            models.CheckConstraint(
                condition=models.Q(top_slot__isnull=True) | models.Q(top_slot__range=(1, 5)),
                name="organisation_top_slot_1_to_5",
            ),
            # Five places and one organisation a place: never a sixth top target, even when two
            # tabs flag one at the same moment.
            models.UniqueConstraint(
                "owner",
                "top_slot",
                condition=models.Q(top_slot__isnull=False),
                name="organisation_top_slot_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(top_slot__isnull=True) | models.Q(is_target=True),
                name="organisation_top_five_is_a_target",
            ),
            choices_check("hiring_signal", ["unknown", "none", "some", "active"]),
        ]
        indexes = [models.Index(fields=["owner", "is_target"])]

    def __str__(self) -> str:
        return self.name

    @property
    def top_five(self) -> bool:
        """Whether this is one of the owner's top five targets."""
        return self.top_slot is not None


class Contact(Owned):
    """A person in the user's network."""

    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    emails = models.JSONField(default=list, blank=True)
    phones = models.JSONField(default=list, blank=True)
    linkedin_url = models.URLField(max_length=500, blank=True)
    # Websites and profiles other than LinkedIn's, as the imported file or the user wrote them.
    websites = models.JSONField(default=list, blank=True)
    location = models.CharField(max_length=200, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    tags = models.JSONField(default=list, blank=True)
    how_we_met = models.TextField(blank=True)
    research_notes = models.TextField(blank=True)
    # Markdown rendered and sanitised when saved: rendering costs far more than reading it back.
    research_notes_html = models.TextField(blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    keep_in_touch_days = models.PositiveSmallIntegerField(null=True, blank=True)
    # A keep-in-touch or add-value reminder put off by the user shows again after this moment.
    reminders_snoozed_until = models.DateTimeField(null=True, blank=True)
    # The furthest funnel stage they reached (core.funnel.Stage), NULL if never sent a request.
    # Only the database writes it, by triggers (migration 0021), so no write can leave it behind.
    funnel_stage = models.SmallIntegerField(null=True, editable=False)

    objects: ClassVar[ContactManager] = ContactManager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["owner", "name"]),
            models.Index(fields=["owner", "organisation"]),
            # The home page looks for contacts with a keep-in-touch cadence: usually few or none,
            # found here without reading every contact.
            models.Index(fields=["owner", "keep_in_touch_days"], name="contact_cadence"),
            # The network page names the first people of the 1st degree in the order they were
            # added, stopping after a dozen instead of sorting everyone.
            models.Index(fields=["owner", "created_at"], name="contact_added"),
            # Counting the contacts not merged into anyone (the contact list) reads the index only.
            models.Index(fields=["owner", "merged_into"], name="contact_active"),
            # The targets board counts each target's people not merged away from this index
            # alone (through the organisation's own index it read every one of their rows).
            models.Index(
                fields=["organisation", "merged_into"], name="contact_organisation_active"
            ),
            # The funnel page counts people per organisation and stage from this index alone.
            # ">= 0" rather than "IS NOT NULL": SQLite's planner uses a partial index for it.
            models.Index(
                fields=["owner", "organisation", "funnel_stage"],
                condition=models.Q(merged_into__isnull=True, funnel_stage__gte=0),
                name="contact_funnel",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(funnel_stage__isnull=True)
                | models.Q(funnel_stage__range=(0, 4)),
                name="contact_funnel_stage_0_to_4",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        # Matching imports and referrals relies on the keys; every ORM save keeps them in step.
        # Bulk writes (imports, restore) call sync_contact_keys themselves.
        fields = kwargs.get("update_fields")
        if fields is None or {"name", "emails", "linkedin_url", "merged_into"} & set(fields):
            sync_contact_keys([self])

    @property
    def email(self) -> str:
        return self.emails[0] if self.emails else ""

    @property
    def phone(self) -> str:
        return self.phones[0] if self.phones else ""


class SendChannel(models.TextChoices):
    """How a message coffeechat drafted went out."""

    COPY = "copy", "Copied"
    MAILTO = "mailto", "Mail program"
    EML = "eml", "Downloaded .eml"
    SMTP = "smtp", "Sent by coffeechat"
    ELSEWHERE = "elsewhere", "Sent elsewhere"


class Outreach(Owned):
    """A request for a chat sent to a contact, with its 3-and-7 business-day timers.

    Waiting starts at ``sent_at``. After 3 business days without a reply the user is offered a
    second person at the same organisation; ``moved_on_at`` records that they acted on it (wrote
    to someone else, or said not now). After 7 a nudge to this person is due (a FollowUp of
    kind outreach_nudge pointing here; ``nudged_at`` once sent). Then it closes quietly.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        WAITING = "waiting", "Waiting for a reply"
        REPLIED = "replied", "Replied"
        DECLINED = "declined", "Declined"
        MOVED_ON = "moved_on", "Moved on"
        NUDGED = "nudged", "Nudged"
        CLOSED = "closed", "Closed"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="outreaches")
    subject = models.CharField(max_length=300, blank=True)
    message = models.TextField(blank=True)
    # What the user shares with them (a person who suggested writing, a school): the linter
    # checks that it comes first.
    connection = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.DRAFT)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_via = models.CharField(max_length=16, choices=SendChannel, blank=True)
    moved_on_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    nudged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Its timers are put off until then (a reminder's "snooze a day").
    snoozed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            choices_check(
                "status",
                ["draft", "waiting", "replied", "declined", "moved_on", "nudged", "closed"],
            ),
            choices_check("sent_via", ["copy", "mailto", "eml", "smtp", "elsewhere", ""]),
        ]
        ordering = ["-sent_at", "-created_at"]
        indexes = [
            models.Index(fields=["owner", "status", "sent_at"]),
            # The funnel asks of each person written to when the first request went out and
            # whether one was answered, and the targets board counts each target's requests
            # sent, waiting and answered: this answers all of them without reading the requests.
            models.Index(
                fields=["contact", "sent_at", "replied_at", "status"], name="outreach_contact_sent"
            ),
            # A contact's page lists their requests, the latest first: without this SQLite reads
            # every request of the owner to find one person's few.
            models.Index(fields=["contact", "created_at"], name="outreach_contact_recent"),
        ]

    def __str__(self) -> str:
        return f"Outreach to {self.contact}"


class Story(Owned):
    """A short success story from the user's library."""

    title = models.CharField(max_length=200)
    situation = models.TextField(blank=True)
    action = models.TextField(blank=True)
    result = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.title


class Pitch(Owned):
    """The elevator pitch and the career-change story: one of each per user."""

    class Kind(models.TextChoices):
        ELEVATOR = "elevator", "Elevator pitch"
        CAREER_CHANGE = "career_change", "Career-change story"

    kind = models.CharField(max_length=16, choices=Kind)
    text = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "pitches"
        constraints = [
            models.UniqueConstraint("owner", "kind", name="pitch_one_per_kind"),
            choices_check("kind", ["elevator", "career_change"]),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Question(Owned):
    """A question of the user's own for their question bank, filed under a theme."""

    class Theme(models.TextChoices):
        TRENDS = "trends", "Trends"
        INSIGHTS = "insights", "Insights"
        ADVICE = "advice", "Advice"
        RESOURCES = "resources", "Resources"
        ASSIGNMENTS = "assignments", "Assignments"
        CULTURE = "culture", "Culture"
        OWN = "own", "My own"

    theme = models.CharField(max_length=16, choices=Theme, default=Theme.OWN)
    text = models.CharField(max_length=500)

    class Meta:
        constraints = [
            choices_check(
                "theme",
                ["trends", "insights", "advice", "resources", "assignments", "culture", "own"],
            ),
        ]
        ordering = ["theme", "text"]

    def __str__(self) -> str:
        return self.text


class Chat(Owned):
    """One informational interview, with its plan, its clock and its prep."""

    class Medium(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIDEO = "video", "Video call"
        PHONE = "phone", "Phone call"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        LIVE = "live", "Live"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"
        NO_SHOW = "no_show", "No-show"

    class Extension(models.TextChoices):
        NONE = "none", "Not extended"
        THEY_ASKED = "they_asked", "They asked to continue"
        I_OFFERED = "i_offered", "I asked to continue"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="chats")
    outreach = models.ForeignKey(
        Outreach, null=True, blank=True, on_delete=models.SET_NULL, related_name="chats"
    )
    medium = models.CharField(max_length=16, choices=Medium, default=Medium.VIDEO)
    starts_at = models.DateTimeField()
    agreed_minutes = models.PositiveSmallIntegerField(default=20)
    buffer_minutes = models.PositiveSmallIntegerField(default=15)
    venue = models.CharField(max_length=300, blank=True)
    link = models.URLField(max_length=500, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)  # the other person's, when remote
    status = models.CharField(max_length=16, choices=Status, default=Status.PLANNED)
    cancelled_reason = models.CharField(max_length=300, blank=True)
    # The clock: what really happened.
    actual_start = models.DateTimeField(null=True, blank=True)
    actual_end = models.DateTimeField(null=True, blank=True)
    check_in_at = models.DateTimeField(null=True, blank=True)
    # The end confirmed at the start (the agreed length, capped by the next commitment), moved
    # on by each extension.
    target_end_at = models.DateTimeField(null=True, blank=True)
    extension = models.CharField(max_length=16, choices=Extension, default=Extension.NONE)
    extension_minutes = models.PositiveSmallIntegerField(default=0)
    felt_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    # Prep: what the user brings. Markdown, rendered and sanitised into the *_html fields on save.
    research_notes = models.TextField(blank=True)
    research_notes_html = models.TextField(blank=True, editable=False)
    hypothesis = models.TextField(blank=True)
    hypothesis_html = models.TextField(blank=True, editable=False)
    ask = models.TextField(blank=True)
    ask_html = models.TextField(blank=True, editable=False)
    questions = models.JSONField(default=list, blank=True)
    logistics = models.JSONField(default=dict, blank=True)
    stories = models.ManyToManyField(Story, blank=True, related_name="chats")
    # The capture at the end of the live page, as typed (saved while the user types): what stuck
    # with them, what was agreed (a line a step) and who they suggested (a line a name).
    capture_stuck = models.TextField(blank=True)
    capture_agreed = models.TextField(blank=True)
    capture_suggested = models.TextField(blank=True)
    # Debrief.
    talk_share = models.PositiveSmallIntegerField(null=True, blank=True)  # % of time I talked
    time_confirmed = models.BooleanField(null=True, blank=True)
    ask_made = models.BooleanField(null=True, blank=True)

    objects: ClassVar[ChatManager] = ChatManager()

    class Meta:
        constraints = [
            choices_check("medium", ["in_person", "video", "phone"]),
            choices_check("status", ["planned", "live", "held", "cancelled", "no_show"]),
            choices_check("extension", ["none", "they_asked", "i_offered"]),
            models.CheckConstraint(
                condition=models.Q(talk_share__isnull=True) | models.Q(talk_share__lte=100),
                name="chat_talk_share_0_to_100",
            ),
        ]
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["owner", "starts_at"]),
            models.Index(fields=["owner", "status", "starts_at"]),
            models.Index(fields=["owner", "contact", "starts_at"]),
            # The funnel asks of each person written to whether a chat with them was held after
            # a request: this answers it without reading the chats.
            models.Index(
                fields=["contact", "status", "starts_at", "outreach"], name="chat_contact_held"
            ),
        ]

    def __str__(self) -> str:
        return f"Chat with {self.contact} at {self.starts_at:%Y-%m-%d %H:%M}"


class ChatEvent(Owned):
    """One thing that happened on the live chat page, in order: the chat's own clock log."""

    class Kind(models.TextChoices):
        STARTED = "started", "Started"
        THEY_EXTENDED = "they_extended", "They wanted to continue"
        I_EXTENDED = "i_extended", "I asked to continue"
        WRAP_UP = "wrap_up", "Wrapping up now"
        ENDED = "ended", "Ended"
        FELT = "felt", "Felt length given"

    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind)
    at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            choices_check(
                "kind", ["started", "they_extended", "i_extended", "wrap_up", "ended", "felt"]
            ),
        ]
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["owner", "chat", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%H:%M}"


class SyncedAction(Owned):
    """One action a phone kept while offline and sent later, with the answer it got.

    The action's id is made by the phone; the database keeps each one once per owner, so an
    action sent again (a retry, a duplicated batch) gets the first answer and changes nothing.
    Kept for this computer only: not exported.
    """

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        REFUSED = "refused", "Refused"

    action = models.UUIDField()
    chat = models.ForeignKey(
        Chat, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16)
    happened_at = models.DateTimeField(null=True, blank=True)  # empty when it could not be read
    received_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=Status)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["received_at", "pk"]
        constraints = [
            models.UniqueConstraint("owner", "action", name="synced_action_once"),
            choices_check("status", ["applied", "refused"]),
        ]
        indexes = [models.Index(fields=["owner", "chat", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.action}: {self.status}"


class MessageTemplate(Owned):
    """The user's own wording for a message coffeechat drafts; absent means our default."""

    class Kind(models.TextChoices):
        THANK_YOU = "thank_you", "Thank-you"
        NUDGE = "nudge", "Gentle nudge"
        ADD_VALUE = "add_value", "Add value"
        KEEP_IN_TOUCH = "keep_in_touch", "Keep in touch"

    kind = models.CharField(max_length=16, choices=Kind)
    subject = models.CharField(max_length=300)
    body = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint("owner", "kind", name="message_one_per_kind"),
            choices_check("kind", ["thank_you", "nudge", "add_value", "keep_in_touch"]),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class ScriptTemplate(Owned):
    """The user's own wording for one of the live page's scripts; absent means our default."""

    class Kind(models.TextChoices):
        CONFIRM = "confirm", "Confirm the time"
        CONFIRM_CAPPED = "confirm_capped", "Confirm an earlier end"
        WRAP_UP = "wrap_up", "Wrap-up cue"
        CHECK_IN_ROOM = "check_in_room", "Check-in with room to continue"
        CHECK_IN_CLOSE = "check_in_close", "Check-in without room"
        NON_VERBAL = "non_verbal", "Non-verbal hint"

    kind = models.CharField(max_length=16, choices=Kind)
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint("owner", "kind", name="script_one_per_kind"),
            choices_check(
                "kind",
                [
                    "confirm",
                    "confirm_capped",
                    "wrap_up",
                    "check_in_room",
                    "check_in_close",
                    "non_verbal",
                ],
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Note(Owned):
    """A timestamped line captured during or after a chat."""

    class Kind(models.TextChoices):
        INSIGHT = "insight", "Insight"
        MEMORABLE = "memorable", "Memorable"
        NEXT_STEP = "next_step", "Next step"
        REFERRAL = "referral", "Referral"
        QUESTION = "question", "Question"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="notes")
    chat = models.ForeignKey(
        Chat, null=True, blank=True, on_delete=models.CASCADE, related_name="notes"
    )
    kind = models.CharField(max_length=16, choices=Kind, default=Kind.INSIGHT)
    text = models.TextField()
    text_html = models.TextField(blank=True, editable=False)  # rendered Markdown, sanitised
    taken_at = models.DateTimeField()

    class Meta:
        constraints = [
            choices_check("kind", ["insight", "memorable", "next_step", "referral", "question"]),
        ]
        ordering = ["taken_at"]
        indexes = [
            models.Index(fields=["owner", "chat", "taken_at"]),
            models.Index(fields=["owner", "contact", "taken_at"]),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class NextStep(Owned):
    """A commitment from a chat, by me or by them."""

    class Side(models.TextChoices):
        ME = "me", "Me"
        THEM = "them", "Them"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="next_steps")
    chat = models.ForeignKey(
        Chat, null=True, blank=True, on_delete=models.CASCADE, related_name="next_steps"
    )
    side = models.CharField(max_length=8, choices=Side, default=Side.ME)
    text = models.CharField(max_length=500)
    due_on = models.DateField(null=True, blank=True)
    # The due date as the user typed it ("Friday", "by 10 Dec"); kept when it cannot be read.
    due_text = models.CharField(max_length=100, blank=True)
    # Made from the chat's capture, and kept in step with it while the user edits the capture.
    from_capture = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    # Out of the lists of what is owed until then (a reminder's "snooze a day").
    snoozed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            choices_check("side", ["me", "them"]),
        ]
        ordering = ["due_on", "created_at"]
        indexes = [models.Index(fields=["owner", "done_at", "due_on"])]

    def __str__(self) -> str:
        return self.text


class Referral(Owned):
    """A directed edge: ``from_contact`` suggested or introduced ``to_contact``."""

    class Status(models.TextChoices):
        SUGGESTED = "suggested", "Suggested"
        INTRO_ASKED = "intro_asked", "Intro asked"
        INTRODUCED = "introduced", "Introduced"
        MET = "met", "Met"

    from_contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="referrals_given"
    )
    to_contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="referrals_received"
    )
    chat = models.ForeignKey(
        Chat, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    status = models.CharField(max_length=16, choices=Status, default=Status.SUGGESTED)
    may_use_name = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                "owner", "from_contact", "to_contact", name="referral_once_per_pair"
            ),
            models.CheckConstraint(
                condition=~models.Q(from_contact=models.F("to_contact")),
                name="referral_not_to_self",
            ),
            choices_check("status", ["suggested", "intro_asked", "introduced", "met"]),
        ]

    def __str__(self) -> str:
        return f"{self.from_contact} → {self.to_contact}"


class FollowUp(Owned):
    """A message owed: a thank-you, a nudge, a keep-in-touch note."""

    class Kind(models.TextChoices):
        THANK_YOU = "thank_you", "Thank-you"
        NEXT_STEP = "next_step", "Next step"
        ADD_VALUE = "add_value", "Add value"
        KEEP_IN_TOUCH = "keep_in_touch", "Keep in touch"
        OUTREACH_NUDGE = "outreach_nudge", "Outreach nudge"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="follow_ups")
    chat = models.ForeignKey(
        Chat, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )

    Channel = SendChannel

    kind = models.CharField(max_length=16, choices=Kind)
    next_step = models.ForeignKey(
        "NextStep", null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )
    # For an outreach nudge: the request it nudges about.
    outreach = models.ForeignKey(
        Outreach, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )
    due_at = models.DateTimeField()
    subject = models.CharField(max_length=300, blank=True)
    draft = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_via = models.CharField(max_length=16, choices=Channel, blank=True)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[FollowUpManager] = FollowUpManager()

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["owner", "sent_at", "due_at"])]
        constraints = [
            # One thank-you a chat: two would mean two letters for one conversation.
            models.UniqueConstraint(
                "chat",
                condition=models.Q(kind="thank_you"),
                name="one_thank_you_per_chat",
            ),
            choices_check(
                "kind", ["thank_you", "next_step", "add_value", "keep_in_touch", "outreach_nudge"]
            ),
            choices_check("sent_via", ["copy", "mailto", "eml", "smtp", "elsewhere", ""]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.contact}"


class Opportunity(Owned):
    """Something that came out of the network, credited to the contact it came through."""

    class Kind(models.TextChoices):
        LEAD = "lead", "Lead"
        INTERVIEW = "interview", "Interview"
        OFFER = "offer", "Offer"
        PROJECT = "project", "Project"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="opportunities")
    kind = models.CharField(max_length=16, choices=Kind)
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    arose_on = models.DateField()

    class Meta:
        constraints = [
            choices_check("kind", ["lead", "interview", "offer", "project"]),
        ]
        ordering = ["-arose_on"]
        verbose_name_plural = "opportunities"

    def __str__(self) -> str:
        return self.title


class CalendarSource(Owned):
    """An imported calendar: an uploaded file or a feed URL fetched on demand."""

    class Kind(models.TextChoices):
        FILE = "file", "Uploaded file"
        FEED = "feed", "Feed URL"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=8, choices=Kind)
    url = models.URLField(max_length=1000, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # Calendar apps show an all-day event as free unless it says otherwise; the user may differ.
    all_day_busy = models.BooleanField(default=False)
    # What the last import in this process brought and skipped, for its message; not stored.
    report: str = ""

    class Meta:
        constraints = [
            choices_check("kind", ["file", "feed"]),
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BusyBlock(Owned):
    """A span when the user is unavailable, from an imported calendar."""

    calendar = models.ForeignKey(
        CalendarSource, null=True, blank=True, on_delete=models.CASCADE, related_name="blocks"
    )
    title = models.CharField(max_length=300, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # An all-day event whose busy time follows its calendar's all_day_busy; one the file marks
    # busy (TRANSP:OPAQUE) is stored with all_day False, busy like a timed event.
    all_day = models.BooleanField(default=False)
    source = models.CharField(max_length=500, blank=True)  # file name or feed URL
    uid = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["owner", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="busy_block_positive"
            )
        ]

    def __str__(self) -> str:
        return self.title or "Busy"


class ClockTrial(Owned):
    """One round of the internal-clock trainer: the target, the felt and the true length."""

    target_seconds = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    elapsed_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Clock trial of {self.target_seconds} s"


class LoginLink(models.Model):
    """A one-time, short-lived sign-in link; only a hash of its secret is kept."""

    class Purpose(models.TextChoices):
        SIGN_IN = "sign_in", "Sign in on this computer"
        PAIR = "pair", "Pair a phone"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # A pairing link gives a phone a device session of its own; a sign-in link does not.
    purpose = models.CharField(max_length=8, choices=Purpose, default=Purpose.SIGN_IN)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = OwnedManager()

    class Meta:
        constraints = [
            choices_check("purpose", ["sign_in", "pair"]),
        ]

    def __str__(self) -> str:
        return f"Sign-in link for {self.owner}"


class Device(Owned):
    """A phone paired with this computer over the LAN: its own session, listed and revocable.

    The phone's session names its device by ``code``; a revoked device's session is refused at
    its next request. Devices belong to the computer they were paired with: not exported.
    """

    name = models.CharField(max_length=100)  # after its browser: "Chrome on Android"
    user_agent = models.CharField(max_length=400, blank=True)
    last_seen_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen_at", "pk"]
        indexes = [models.Index(fields=["owner", "revoked_at"])]

    def __str__(self) -> str:
        return self.name


class Reminder(Owned):
    """One reminder on one channel: claimed by the run that sends it, then sent or failed.

    The row is the claim: a run inserts it before sending (the unique key refuses a second), so
    two runs at once, or one run repeated, never send the same reminder twice. ``key`` names the
    reminder: the item and the moment it came due ("followup-<code>@2026-12-02T14:00"), or the
    day of a digest ("digest-2026-12-02"). A failure waits until ``next_try_at``; a claim whose
    run died is taken again once ``claimed_at`` is old. Kept on this install only: not exported.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        PUSH = "push", "Push"

    class Kind(models.TextChoices):
        DIGEST = "digest", "Daily digest"
        DUE_SOON = "due_soon", "Due soon"
        DUE = "due", "Due"

    class Status(models.TextChoices):
        CLAIMED = "claimed", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Nothing to send"

    key = models.CharField(max_length=200)
    channel = models.CharField(max_length=8, choices=Channel)
    kind = models.CharField(max_length=16, choices=Kind)
    status = models.CharField(max_length=8, choices=Status, default=Status.CLAIMED)
    subject = models.CharField(max_length=300, blank=True)
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-claimed_at", "-pk"]
        constraints = [
            models.UniqueConstraint("owner", "key", "channel", name="reminder_once_per_channel"),
            models.CheckConstraint(
                condition=models.Q(channel__in=["email", "push"]), name="reminder_channel_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["claimed", "sent", "failed", "skipped"]),
                name="reminder_status_known",
            ),
            choices_check("kind", ["digest", "due_soon", "due"]),
        ]
        indexes = [models.Index(fields=["owner", "status", "next_try_at"])]

    def __str__(self) -> str:
        return f"{self.key} by {self.channel}: {self.status}"


class SnoozeLink(Owned):
    """A "snooze a day" link in a reminder: works without signing in, once, for one item.

    The link carries this row's id, signed; the row names the item (an owed item's key, see
    services.owed.item_key), when the link stops working, and when it was used.
    """

    item_key = models.CharField(max_length=200)
    reminder = models.ForeignKey(
        Reminder, null=True, blank=True, on_delete=models.CASCADE, related_name="snooze_links"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Snooze {self.item_key}"


class Invitation(models.Model):
    """An invitation to an account on a coffeechat server: a link that works once, for a while.

    Only a hash of the link's secret is kept. At most one invitation per address is open (not
    used, not revoked) at a time; inviting again replaces it.
    """

    email = models.CharField(max_length=320)
    as_coach = models.BooleanField(default=False)
    as_admin = models.BooleanField(default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(used_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"


class LoginFailure(models.Model):
    """One wrong password, kept for a while to slow down guessing (services.throttle)."""

    username = models.CharField(max_length=150)  # casefolded, as typed
    address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["username", "at"]),
            models.Index(fields=["address", "at"]),
        ]

    def __str__(self) -> str:
        return f"Failed sign-in for {self.username} from {self.address}"


class RateEvent(models.Model):
    """One costly action by a user (an import, an export, a search, a message sent), counted in a
    window to keep one account from starving the others (services.rate_limits)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=16)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["owner", "action", "at"])]

    def __str__(self) -> str:
        return f"{self.action} at {self.at}"


class CoachGrant(models.Model):
    """A student's consent for a coach to see their aggregates, until revoked.

    Only aggregates: the notes of a chat reach the coach only when the student shares that chat
    (SharedChat). A revoked grant stays as a record; a new grant is a new row.
    """

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                "student",
                "coach",
                condition=models.Q(revoked_at__isnull=True),
                name="coach_grant_one_open_per_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(student=models.F("coach")), name="coach_grant_not_to_oneself"
            ),
        ]
        indexes = [models.Index(fields=["coach", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.student} lets {self.coach} see their progress"


class SharedChat(models.Model):
    """A chat whose notes the student shares with the coaches they granted access to."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    chat = models.OneToOneField(Chat, on_delete=models.CASCADE, related_name="shared")
    shared_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Shared: {self.chat}"


class CoachView(models.Model):
    """One look a coach took at a student's data, for the student to read."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    coach_name = models.CharField(max_length=200)  # kept when the coach's account is gone
    what = models.CharField(max_length=300)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["student", "at"])]

    def __str__(self) -> str:
        return f"{self.coach_name} viewed {self.what}"


class ContactKey(models.Model):
    """One way to recognise a contact (LinkedIn profile, email, folded name), indexed for imports.

    Derived from the contact on every save; not exported, rebuilt on restore.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="keys")
    key = models.CharField(max_length=320)

    objects = OwnedManager()

    class Meta:
        indexes = [models.Index(fields=["owner", "key"])]
        constraints = [
            models.UniqueConstraint(fields=["contact", "key"], name="contact_key_unique"),
        ]

    def __str__(self) -> str:
        return self.key


class NetworkStamp(models.Model):
    """A token that changes whenever anything the owner's referral network is built from changes.

    The network page and the contact list's degree filter build the whole referral graph; a
    process keeps the last graph it built and reuses it while the token stays the same
    (``services.network``). Only the database writes a new token, from triggers on referrals,
    opportunities, contacts and chats (migration 0022, ``store.stamps``), so no write path, bulk
    update, restore or script can change the network without changing the token. Derived: not
    exported; a missing row is made on the first read.
    """

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    token = models.BigIntegerField()

    objects: ClassVar[models.Manager[NetworkStamp]] = models.Manager()

    def __str__(self) -> str:
        return f"network stamp {self.token}"


def sync_contact_keys(contacts) -> None:
    """Replace the stored keys of ``contacts`` (saved Contact rows) with their current ones."""
    contacts = [contact for contact in contacts if contact.pk is not None]
    if not contacts:
        return
    ContactKey.objects.filter(contact__in=[contact.pk for contact in contacts]).delete()
    ContactKey.objects.bulk_create(
        [
            ContactKey(owner_id=contact.owner_id, contact_id=contact.pk, key=key)
            for contact in contacts
            # A contact merged into another gives up its keys: imports match the survivor.
            if contact.merged_into_id is None
            for key in sorted(contact_keys(contact.name, contact.emails, contact.linkedin_url))
        ],
        batch_size=500,
    )


class ImportBatch(Owned):
    """One file brought in: staged for a preview, then applied, and perhaps undone.

    The import history stays with the home it was made in: it is not part of an export.
    """

    class Source(models.TextChoices):
        LINKEDIN = "linkedin", "LinkedIn connections"
        GOOGLE = "google", "Google Contacts"
        VCARD = "vcard", "vCard"

    class Status(models.TextChoices):
        STAGED = "staged", "Waiting for confirmation"
        APPLIED = "applied", "Imported"
        UNDONE = "undone", "Undone"

    source = models.CharField(max_length=16, choices=Source)
    status = models.CharField(max_length=16, choices=Status, default=Status.STAGED)
    file_name = models.CharField(max_length=300)
    file_size = models.PositiveBigIntegerField(default=0)
    # The uploaded bytes, between the preview and the confirmation; emptied once applied.
    staged_file = models.BinaryField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)  # records in the file: the four counts' sum
    new_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    skips = models.JSONField(default=list, blank=True)  # [{"line": 12, "reason": "..."}]
    # Who changed organisation or title: [{"name", "contact", "changes": [[field, old, new]]}].
    changes = models.JSONField(default=list, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            choices_check("source", ["linkedin", "google", "vcard"]),
            choices_check("status", ["staged", "applied", "undone"]),
        ]
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.file_name}"


class ImportRow(models.Model):
    """One record of an applied import: the raw row as it was in the file, and what it did.

    ``before`` holds the fields an update replaced, so undoing the batch can put them back.
    """

    class Outcome(models.TextChoices):
        NEW = "new", "New"
        UPDATED = "updated", "Updated"
        UNCHANGED = "unchanged", "Unchanged"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField()
    outcome = models.CharField(max_length=16, choices=Outcome)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_rows"
    )
    raw = models.JSONField(default=dict, blank=True)  # header -> cell, or {"card": text}
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    objects = OwnedManager()

    class Meta:
        constraints = [
            choices_check("outcome", ["new", "updated", "unchanged"]),
        ]
        ordering = ["line"]
        indexes = [models.Index(fields=["batch", "line"])]

    def __str__(self) -> str:
        return f"line {self.line}: {self.outcome}"
