"""What became of a chat: held (with its real clock) or a no-show, and its debrief."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from coffeechat.core import chat_limits
from coffeechat.core.clock import zone
from coffeechat.core.contact_keys import (
    EMAIL,
    LINKEDIN,
    NAME,
    email_key,
    keyed,
    linkedin_key,
    name_key,
)
from coffeechat.core.followups import thank_you_due
from coffeechat.core.text import clean_line, counted, fold
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.chats import add_note
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.errors import DomainError, InvalidInput
from coffeechat.services.network import add_referral
from coffeechat.services.nextsteps import add_step
from coffeechat.services.ownership import ensure_owned
from coffeechat.store.models import (
    Chat,
    ChatEvent,
    Contact,
    ContactKey,
    FollowUp,
    NextStep,
    Note,
    Referral,
)
from coffeechat.store.owners import Owner

# Longer than any real informational interview; a bigger span is a typing mistake.
LONGEST_HELD = chat_limits.LONGEST_HELD


@dataclass(frozen=True)
class HeldChat:
    """What really happened at a chat that took place."""

    actual_start: datetime
    actual_end: datetime
    extension: str = "none"
    extension_minutes: int = 0
    felt_minutes: int | None = None
    talk_share: int | None = None  # percent of the time I talked
    time_confirmed: bool | None = None
    ask_made: bool | None = None


def _checked(held: HeldChat, now: datetime) -> dict:
    if timezone.is_naive(held.actual_start) or timezone.is_naive(held.actual_end):
        raise InvalidInput("The real start and end need a time zone.", field="actual_start")
    if held.actual_end <= held.actual_start:
        raise InvalidInput("The chat must end after it started.", field="actual_end")
    if held.actual_end - held.actual_start > LONGEST_HELD:
        hours = counted(LONGEST_HELD // timedelta(hours=1), "hour")
        raise InvalidInput(f"A chat lasts at most {hours}; check the end time.", field="actual_end")
    if held.actual_end > now:
        raise InvalidInput("A chat cannot have ended in the future.", field="actual_end")
    if held.extension not in Chat.Extension.values:
        raise InvalidInput("Say who asked to continue, if anyone.", field="extension")
    if not 0 <= held.extension_minutes <= chat_limits.LONGEST_OVERRUN:
        raise InvalidInput(
            f"An extension lasts 0 to {chat_limits.LONGEST_OVERRUN} minutes.",
            field="extension_minutes",
        )
    if held.extension == Chat.Extension.NONE and held.extension_minutes:
        raise InvalidInput(
            "Minutes of extension need someone who asked to continue.", field="extension"
        )
    if held.felt_minutes is not None and not 1 <= held.felt_minutes <= 600:
        raise InvalidInput("How long it felt: 1 to 600 minutes.", field="felt_minutes")
    if held.talk_share is not None and not 0 <= held.talk_share <= 100:
        raise InvalidInput("Your share of the talking is 0 to 100 percent.", field="talk_share")
    return {
        "actual_start": held.actual_start,
        "actual_end": held.actual_end,
        "extension": held.extension,
        "extension_minutes": held.extension_minutes,
        "felt_minutes": held.felt_minutes,
        "talk_share": held.talk_share,
        "time_confirmed": held.time_confirmed,
        "ask_made": held.ask_made,
    }


@transaction.atomic
def record_held(owner: Owner, chat: Chat, held: HeldChat, *, now: datetime | None = None) -> Chat:
    """Mark a planned or live chat as held and owe its thank-you 24 hours after it ended."""
    ensure_owned(owner, chat)
    if chat.status not in (Chat.Status.PLANNED, Chat.Status.LIVE):
        raise InvalidInput(
            f"This chat is {chat.get_status_display().lower()}; only a planned or live chat "
            "can be marked as held."
        )
    fields = _checked(held, now or timezone.now())
    for name, value in fields.items():
        setattr(chat, name, value)
    chat.status = Chat.Status.HELD
    chat.save()
    thank_you = FollowUp.objects.filter(owner=owner, chat=chat, kind=FollowUp.Kind.THANK_YOU)
    if not thank_you.exists():
        FollowUp.objects.create(
            owner=owner,
            contact=chat.contact,
            chat=chat,
            kind=FollowUp.Kind.THANK_YOU,
            due_at=thank_you_due(held.actual_end),
        )
    return chat


@transaction.atomic
def record_no_show(owner: Owner, chat: Chat, *, now: datetime | None = None) -> Chat:
    """Mark a planned chat whose start has passed as a no-show."""
    ensure_owned(owner, chat)
    if chat.status != Chat.Status.PLANNED:
        raise InvalidInput(
            f"This chat is {chat.get_status_display().lower()}; only a planned chat can be a "
            "no-show."
        )
    if chat.starts_at > (now or timezone.now()):
        raise InvalidInput("This chat has not started yet; cancel it instead.")
    chat.status = Chat.Status.NO_SHOW
    chat.save(update_fields=["status", "updated_at"])
    return chat


# The debrief: what to keep from a chat that took place.

# A tag on a referral known only by a first name, so the contacts search finds the ones to finish.
TO_COMPLETE = "to complete"


@dataclass(frozen=True)
class StepDetails:
    """A promise made in the chat: whose it is (``me`` or ``them``), what, and by when."""

    text: str
    side: str = "me"
    due_on: date | None = None


@dataclass(frozen=True)
class ReferralDetails:
    """Someone the other person suggested I talk to, and how to reach them.

    ``link_to`` is an existing contact the user chose instead of adding a new one; ``add_new``
    says the look-alike the debrief found is someone else.
    """

    name: str
    organisation: str = ""
    role: str = ""
    email: str = ""
    phone: str = ""
    linkedin_url: str = ""
    may_use_name: bool = False
    link_to: Contact | None = None
    add_new: bool = False

    @property
    def first_name_only(self) -> bool:
        """Only one word of a name: enough to remember them, not to find them."""
        return len(clean_line(self.name).split(" ")) == 1


@dataclass(frozen=True)
class DebriefDetails:
    """Everything the debrief form holds; empty rows are left out by the caller."""

    memorable: tuple[str, ...] = ()
    next_steps: tuple[StepDetails, ...] = ()
    referrals: tuple[ReferralDetails, ...] = ()
    talk_share: int | None = None  # percent of the time I talked
    time_confirmed: bool | None = None
    ask_made: bool | None = None


@dataclass(frozen=True)
class Match:
    """An existing contact a referral looks like, and why."""

    contact: Contact
    reason: str  # "same email", "same LinkedIn URL", "same name and organisation"


class PossibleDuplicate(DomainError):
    """Some referrals look like people already in the contacts; nothing was saved.

    ``candidates`` maps the index of each such referral (in ``DebriefDetails.referrals``) to the
    contacts it may be, so the page can offer to link to one of them or to add a new contact.
    """

    def __init__(self, message: str, candidates: dict[int, tuple[Match, ...]]) -> None:
        super().__init__(message)
        self.candidates = candidates


@dataclass(frozen=True)
class Debriefed:
    """What a debrief wrote, for the message the user sees afterwards."""

    chat: Chat
    notes: list[Note] = field(default_factory=list)
    next_steps: list[NextStep] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    new_contacts: list[Contact] = field(default_factory=list)
    linked_contacts: list[Contact] = field(default_factory=list)
    to_complete: list[Contact] = field(default_factory=list)


def _matches(owner: Owner, chat: Chat, referrals: tuple[ReferralDetails, ...]) -> dict[int, tuple]:
    """Existing contacts each referral may already be, by email, LinkedIn URL or name."""
    wanted = [
        (index, referral)
        for index, referral in enumerate(referrals)
        if referral.link_to is None and not referral.add_new
    ]
    if not wanted:
        return {}
    # The contacts' matching keys are indexed: one query, however many contacts there are.
    keys = {
        index: (
            keyed(EMAIL, email_key(referral.email)),
            keyed(LINKEDIN, linkedin_key(referral.linkedin_url)),
            keyed(NAME, name_key(referral.name)),
        )
        for index, referral in wanted
    }
    asked = {key for triple in keys.values() for key in triple if key}
    sharing: dict[int, tuple[Contact, set[str]]] = {}
    for row in (
        ContactKey.objects.for_owner(owner)
        .filter(key__in=asked, contact__merged_into__isnull=True)
        .exclude(contact=chat.contact_id)
        .select_related("contact__organisation")
        .order_by("contact__name", "contact__pk")
    ):
        sharing.setdefault(row.contact_id, (row.contact, set()))[1].add(row.key)
    found: dict[int, tuple[Match, ...]] = {}
    for index, referral in wanted:
        email, linkedin, name = keys[index]
        organisation = fold(referral.organisation)
        matches = []
        for contact, held in sharing.values():
            if email and email in held:
                matches.append(Match(contact, "same email"))
            elif linkedin and linkedin in held:
                matches.append(Match(contact, "same LinkedIn URL"))
            elif (
                name
                and name in held
                and organisation == fold(contact.organisation.name if contact.organisation else "")
            ):
                matches.append(Match(contact, "same name and organisation"))
        if matches:
            found[index] = tuple(matches)
    return found


def debrief_problem(chat: Chat) -> str:
    """Why ``chat`` cannot be debriefed yet, or an empty string when it can."""
    if chat.status == Chat.Status.HELD:
        return ""
    if chat.status == Chat.Status.PLANNED:
        advice = "start it from its live page, or wait until it has taken place."
    elif chat.status == Chat.Status.LIVE:
        advice = "end it on its live page first."
    else:
        advice = "only a chat that took place has a debrief."
    return f"This chat is {chat.get_status_display().lower()}: {advice}"


@dataclass(frozen=True)
class ConfirmedLive:
    """The time the live page's confirm line gave when the chat started there."""

    minutes: int
    until: datetime


def confirmed_live(chat: Chat) -> ConfirmedLive | None:
    """What the live page confirmed at Start, or None for a chat not started there."""
    started = chat.events.filter(kind=ChatEvent.Kind.STARTED).first()
    if started is None or started.minutes is None:
        return None
    return ConfirmedLive(started.minutes, started.at + timedelta(minutes=started.minutes))


def look_alikes(owner: Owner, chat: Chat, referral: ReferralDetails) -> tuple[Match, ...]:
    """The existing contacts a referral may be, whatever the user chose about them before."""
    unchosen = ReferralDetails(
        name=referral.name,
        organisation=referral.organisation,
        email=referral.email,
        linkedin_url=referral.linkedin_url,
    )
    return _matches(owner, chat, (unchosen,)).get(0, ())


def _story_of(owner: Owner, chat: Chat) -> str:
    day = chat.starts_at.astimezone(zone(ensure_preferences(owner).time_zone))
    return f"Suggested by {chat.contact.name} in our chat on {day.day} {day:%B %Y}."


def _in_row(kind: str, index: int, error: DomainError) -> InvalidInput:
    """The same refusal, naming the form row it came from (``referrals.2.email``)."""
    return InvalidInput(error.message, field=f"{kind}.{index}.{error.field or ''}".rstrip("."))


@transaction.atomic
def save_debrief(owner: Owner, chat: Chat, details: DebriefDetails) -> Debriefed:
    """Keep a held chat's debrief: memorable notes, next steps, referrals and self-assessment.

    All or nothing: any refusal (a bad row, a possible duplicate) leaves nothing written.
    """
    ensure_owned(owner, chat)
    problem = debrief_problem(chat)
    if problem:
        raise InvalidInput(problem)
    if details.talk_share is not None and not 0 <= details.talk_share <= 100:
        raise InvalidInput("Your share of the talking is 0 to 100 percent.", field="talk_share")
    for index, referral in enumerate(details.referrals):
        ensure_owned(owner, referral.link_to)
        if referral.link_to is None and not clean_line(referral.name):
            raise InvalidInput("Give the person a name.", field=f"referrals.{index}.name")
    candidates = _matches(owner, chat, details.referrals)
    if candidates:
        names = ", ".join(clean_line(details.referrals[index].name) for index in candidates)
        raise PossibleDuplicate(
            f"Already in your contacts? {names}. Choose to link to the existing contact or to "
            "add a new one, then save again.",
            candidates,
        )

    chat.talk_share = details.talk_share
    # Start on the live page shows the line that confirms the time, so the debrief does not ask.
    chat.time_confirmed = True if confirmed_live(chat) else details.time_confirmed
    chat.ask_made = details.ask_made
    chat.save(update_fields=["talk_share", "time_confirmed", "ask_made", "updated_at"])
    done = Debriefed(chat=chat)
    for index, text in enumerate(details.memorable):
        try:
            done.notes.append(add_note(owner, chat.contact, text, kind="memorable", chat=chat))
        except DomainError as error:
            raise _in_row("memorable", index, error) from error
    for index, step in enumerate(details.next_steps):
        try:
            done.next_steps.append(
                add_step(
                    owner, chat.contact, step.text, side=step.side, due_on=step.due_on, chat=chat
                )
            )
        except DomainError as error:
            raise _in_row("next_steps", index, error) from error
    for index, referral in enumerate(details.referrals):
        try:
            person = referral.link_to or _new_contact(owner, chat, referral, done)
            done.referrals.append(
                add_referral(
                    owner, chat.contact, person, chat=chat, may_use_name=referral.may_use_name
                )
            )
        except DomainError as error:
            raise _in_row("referrals", index, error) from error
        if referral.link_to is not None:
            done.linked_contacts.append(person)
    return done


def _new_contact(owner: Owner, chat: Chat, referral: ReferralDetails, done: Debriefed) -> Contact:
    incomplete = referral.first_name_only
    person = add_contact(
        owner,
        ContactDetails(
            name=referral.name,
            role=referral.role,
            organisation=referral.organisation,
            emails=(referral.email,) if referral.email.strip() else (),
            phones=(referral.phone,) if referral.phone.strip() else (),
            linkedin_url=referral.linkedin_url,
            how_we_met=_story_of(owner, chat),
            tags=(TO_COMPLETE,) if incomplete else (),
        ),
    )
    done.new_contacts.append(person)
    if incomplete:
        done.to_complete.append(person)
    return person


@dataclass(frozen=True)
class DebriefSummary:
    """A held chat's memorable notes, next steps and referrals."""

    notes: list[Note]
    steps: list[NextStep]
    referrals: list[Referral]

    @property
    def is_empty(self) -> bool:
        return not (self.notes or self.steps or self.referrals)


def debriefs_of(owner: Owner, chats: Iterable[Chat]) -> dict[int, DebriefSummary]:
    """What the debrief of each held chat kept so far, by chat id; other chats are left out.

    Three queries however many chats a page shows (a template tag asking per chat would run
    three for each).
    """
    held = [chat.pk for chat in chats if chat.status == Chat.Status.HELD]
    if not held:
        return {}
    kept: dict[int, DebriefSummary] = {pk: DebriefSummary([], [], []) for pk in held}
    notes = (
        Note.objects.for_owner(owner)
        .filter(kind=Note.Kind.MEMORABLE, chat_id__in=held)
        .order_by("taken_at", "pk")
    )
    # chat_id__in=held: every row below has its chat.
    for note in notes:
        kept[note.chat_id].notes.append(note)  # type: ignore[index]
    steps = NextStep.objects.for_owner(owner).filter(chat_id__in=held)
    for step in steps.order_by("done_at", "due_on", "pk"):
        kept[step.chat_id].steps.append(step)  # type: ignore[index]
    referrals = (
        Referral.objects.for_owner(owner)
        .filter(chat_id__in=held)
        .select_related("to_contact", "to_contact__organisation")
        .order_by("created_at", "pk")
    )
    for referral in referrals:
        kept[referral.chat_id].referrals.append(referral)  # type: ignore[index]
    return kept
