"""Preparing a chat: save the prep, manage the user's own questions, readiness, and the brief.

The brief is assembled here as plain values, so the web page and the CLI's Markdown show the
same things from one source. Its time plan reuses the live page's clock and scripts (core.live
and the user's own wording), so what the brief says matches what the live page will show.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from django.db import transaction
from django.utils import timezone

from coffeechat.core import live as clockwork
from coffeechat.core import pitch as spoken
from coffeechat.core import prep as method
from coffeechat.core.clock import ChatSpan, format_clock, zone
from coffeechat.core.stories import RankedStory
from coffeechat.core.text import first_name, fold
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.errors import DomainError, InvalidInput, NotFound
from coffeechat.services.live import next_commitment
from coffeechat.services.ownership import ensure_owned
from coffeechat.services.ranking import ranked_among, ranked_stories
from coffeechat.services.rendering import rendered
from coffeechat.services.scripts import scripts_of
from coffeechat.store.models import Chat, Contact, Pitch, Preferences, Question, Story
from coffeechat.store.owners import Owner

MAX_NOTES = 10_000
MAX_HYPOTHESIS = 5_000
MAX_ASK = 1_000
MAX_QUESTION = 500
# A brief holds about this many questions and still fits one page; more is rarely asked anyway.
MAX_CHOSEN_QUESTIONS = 12
MAX_OWN_QUESTIONS = 200
BRIEF_STORIES = 3
OWN = "own"  # Question.Theme.OWN: the user's questions filed under no theme
# Upcoming chats within this many days are flagged on the home page when not prepared.
FLAG_DAYS = 7
# An ambiguous name lists this many candidates at most, so a one-letter name stays readable.
MAX_CANDIDATES = 10


class AmbiguousChat(DomainError):
    """A name matches several contacts; ``candidates`` lists them, one line each."""

    def __init__(self, message: str, candidates: tuple[str, ...]) -> None:
        super().__init__(message, field="chat")
        self.candidates = candidates


@dataclass(frozen=True)
class PrepDetails:
    """What the prep form sends: Markdown fields, the chosen questions and the checklist."""

    research_notes: str = ""
    hypothesis: str = ""
    ask: str = ""
    questions: tuple[str, ...] = ()
    logistics: Mapping[str, bool] = field(default_factory=dict)
    # A question of the user's own, typed on the form: kept in their bank and chosen at once.
    new_question: str = ""


def _text(value: str, limit: int, name: str, label: str) -> str:
    value = value.strip()
    if len(value) > limit:
        raise InvalidInput(
            f"Keep {label} under {limit:,} characters (it has {len(value):,}).", field=name
        )
    return value


def _question_text(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > MAX_QUESTION:
        raise InvalidInput(
            f"Keep a question under {MAX_QUESTION} characters.", field="new_question"
        )
    return text


def _own_by_key(owner: Owner) -> dict[str, Question]:
    return {method.question_key(q.text): q for q in Question.objects.for_owner(owner)}


def _keep_question(owner: Owner, text: str, theme: str) -> str:
    """Store ``text`` in the owner's bank unless it is there already; the stored wording."""
    key = method.question_key(text)
    for bank_text in method.bank_questions():
        if method.question_key(bank_text) == key:
            return bank_text
    own = _own_by_key(owner)
    if key in own:
        return own[key].text
    if len(own) >= MAX_OWN_QUESTIONS:
        raise InvalidInput(
            f"You have {MAX_OWN_QUESTIONS} questions of your own; remove some before adding more.",
            field="new_question",
        )
    return Question.objects.create(owner=owner, theme=theme, text=text).text


@transaction.atomic
def save_prep(owner: Owner, chat: Chat, details: PrepDetails) -> Chat:
    """Keep the prep for ``chat``: Markdown rendered once here, questions de-duplicated."""
    ensure_owned(owner, chat)
    notes = _text(details.research_notes, MAX_NOTES, "research_notes", "the research notes")
    hypothesis = _text(details.hypothesis, MAX_HYPOTHESIS, "hypothesis", "the hypothesis")
    ask = _text(details.ask, MAX_ASK, "ask", "the Ask")
    unknown = sorted(set(details.logistics) - method.CHECKLIST_KEYS)
    if unknown:
        raise InvalidInput(
            "The checklist has no item called " + ", ".join(unknown) + ".", field="logistics"
        )
    chosen = [_question_text(text) for text in details.questions]
    new = _question_text(details.new_question)
    if new:
        chosen.append(_keep_question(owner, new, OWN))
    questions = method.distinct_questions(chosen)
    if len(questions) > MAX_CHOSEN_QUESTIONS:
        raise InvalidInput(
            f"Pick at most {MAX_CHOSEN_QUESTIONS} questions (you picked {len(questions)}); "
            "a short list fits the brief and leaves them room to talk.",
            field="questions",
        )
    chat.research_notes = notes
    chat.research_notes_html = rendered(notes)
    chat.hypothesis = hypothesis
    chat.hypothesis_html = rendered(hypothesis)
    chat.ask = ask
    chat.ask_html = rendered(ask)
    chat.questions = questions
    chat.logistics = {key: True for key, ticked in details.logistics.items() if ticked}
    chat.save(
        update_fields=[
            "research_notes",
            "research_notes_html",
            "hypothesis",
            "hypothesis_html",
            "ask",
            "ask_html",
            "questions",
            "logistics",
            "updated_at",
        ]
    )
    return chat


@transaction.atomic
def add_question(owner: Owner, text: str, theme: str = OWN) -> Question:
    """Add a question of the owner's own to their bank, filed under ``theme``."""
    if theme not in Question.Theme.values:
        raise InvalidInput("Choose one of the question themes.", field="theme")
    text = _question_text(text)
    if not text:
        raise InvalidInput("Write the question first.", field="new_question")
    if method.theme_of(text) is not None:
        raise InvalidInput("That question is in the bank already; tick it there.", field="text")
    if method.question_key(text) in _own_by_key(owner):
        raise InvalidInput("You have that question already.", field="text")
    stored = _keep_question(owner, text, theme)
    return Question.objects.for_owner(owner).get(text=stored)


@transaction.atomic
def remove_question(owner: Owner, question: Question) -> None:
    """Remove one of the owner's questions; chats that chose it keep its wording."""
    ensure_owned(owner, question)
    question.delete()


@dataclass(frozen=True)
class QuestionGroup:
    """The questions of one theme for the prep form: the bank's, then the user's own."""

    theme: str
    label: str
    questions: tuple[str, ...]


def question_groups(owner: Owner) -> list[QuestionGroup]:
    """The bank by theme with the owner's own questions added to their themes."""
    own: dict[str, list[str]] = {}
    for question in Question.objects.for_owner(owner).order_by("created_at", "pk"):
        own.setdefault(question.theme, []).append(question.text)
    groups = [
        QuestionGroup(theme, label, (*method.QUESTION_BANK[theme], *own.get(theme, ())))
        for theme, label in method.THEMES.items()
    ]
    if own.get(OWN):
        groups.append(QuestionGroup(OWN, "My own", tuple(own[OWN])))
    return groups


# Readiness.


@dataclass(frozen=True)
class Library:
    """What readiness needs from the user's library, read once for many chats."""

    has_pitch: bool
    stories: int


def _elevator_pitch(owner: Owner) -> str:
    pitch = (
        Pitch.objects.for_owner(owner)
        .filter(kind=Pitch.Kind.ELEVATOR)
        .values_list("text", flat=True)
        .first()
    )
    return (pitch or "").strip()


def _library(owner: Owner) -> Library:
    return Library(bool(_elevator_pitch(owner)), Story.objects.for_owner(owner).count())


class Shelf:
    """The owner's elevator pitch and stories, each read on first use and then kept.

    A page with pocket briefs and a "not prepared yet" list reads them once for both; nothing is
    read when neither needs them.
    """

    def __init__(self, owner: Owner) -> None:
        self.owner = owner

    @cached_property
    def pitch(self) -> str:
        return _elevator_pitch(self.owner)

    @cached_property
    def stories(self) -> list[Story]:
        return list(Story.objects.for_owner(self.owner).order_by("pk"))

    @property
    def library(self) -> Library:
        return Library(bool(self.pitch), len(self.stories))


def _facts(chat: Chat, library: Library) -> method.PrepFacts:
    return _facts_from(
        library,
        chat.ask,
        chat.research_notes,
        chat.contact.research_notes,
        chat.questions,
        chat.medium,
        chat.venue,
        chat.link,
        chat.logistics,
    )


# The columns _facts reads, in the order _facts_from takes them, to read them as plain values.
FACT_COLUMNS = (
    "ask",
    "research_notes",
    "contact__research_notes",
    "questions",
    "medium",
    "venue",
    "link",
    "logistics",
)


def _facts_from(
    library: Library,
    ask: str,
    research_notes: str,
    contact_notes: str,
    questions: list | None,
    medium: str,
    venue: str,
    link: str,
    logistics: dict | None,
) -> method.PrepFacts:
    return method.PrepFacts(
        ask=ask,
        # Notes kept on the person count too: research on their path often starts there.
        research_notes=research_notes or contact_notes,
        questions=len(questions or ()),
        medium=medium,
        venue=venue,
        link=link,
        ticked=frozenset(key for key, ticked in (logistics or {}).items() if ticked),
        has_pitch=library.has_pitch,
        stories=library.stories,
    )


def readiness_of(owner: Owner, chat: Chat) -> method.Readiness:
    """How prepared ``chat`` is, step by step."""
    ensure_owned(owner, chat)
    return method.readiness(_facts(chat, _library(owner)))


@dataclass(frozen=True)
class Unprepared:
    """An upcoming chat that is not prepared yet, and what is missing."""

    chat: Chat
    readiness: method.Readiness


# What readiness (``_facts``) and the home page's list of chats not prepared yet read.
UNPREPARED_FIELDS = (
    "owner_id",
    "code",
    "status",
    "starts_at",
    "ask",
    "research_notes",
    "questions",
    "medium",
    "venue",
    "link",
    "logistics",
    "contact__owner_id",
    "contact__code",
    "contact__name",
    "contact__research_notes",
)


def _planned_soon(owner: Owner, now: datetime, days: int):
    return (
        Chat.objects.for_owner(owner)
        .filter(
            status=Chat.Status.PLANNED,
            starts_at__gte=now,
            starts_at__lt=now + timedelta(days=days),
        )
        .order_by("starts_at", "pk")
    )


def _shown_chats(owner: Owner, pks: list[int]) -> dict[int, Chat]:
    return (
        Chat.objects.for_owner(owner)
        .filter(pk__in=pks)
        .select_related("contact")
        # What readiness and the list read: a busy week holds a hundred chats or more, and
        # their other columns (notes, the ask's HTML, the contact's details) are not needed.
        .only(*UNPREPARED_FIELDS)
        # No order (the caller has it): sorting by start makes SQLite walk the owner's whole
        # (owner, start) index instead of looking the few rows up by key.
        .order_by()
        .in_bulk()
    )


def unprepared_upcoming(
    owner: Owner, now: datetime | None = None, days: int = FLAG_DAYS
) -> list[Unprepared]:
    """Planned chats in the next ``days`` days that are not prepared, soonest first."""
    return unprepared_soonest(owner, None, now, days).items


@dataclass(frozen=True)
class SoonestUnprepared:
    """The soonest few of unprepared_upcoming, and how many it holds in all."""

    items: list[Unprepared]
    total: int


def unprepared_soonest(
    owner: Owner,
    rows: int | None,
    now: datetime | None = None,
    days: int = FLAG_DAYS,
    shelf: Shelf | None = None,
) -> SoonestUnprepared:
    """The first ``rows`` (None: all) planned chats in the next ``days`` days that are not
    prepared, soonest first, and how many there are in all.

    A busy week holds a hundred planned chats or more: readiness reads their columns as plain
    values, and only the chats shown are read as chats. Four queries whatever the number, two
    when the page's ``shelf`` was read already. The chats shown are read even when the page has
    some of them already: skipping that read when it had them all would make the page's number
    of queries depend on its data.
    """
    now = now or timezone.now()
    planned = list(_planned_soon(owner, now, days).values_list("pk", *FACT_COLUMNS))
    if not planned:
        return SoonestUnprepared([], 0)
    library = _library(owner) if shelf is None else shelf.library
    flagged = []
    for pk, *columns in planned:
        readiness = method.readiness(_facts_from(library, *columns))
        if not readiness.is_prepared:
            flagged.append((pk, readiness))
    shown = flagged if rows is None else flagged[:rows]
    chats = _shown_chats(owner, [pk for pk, _ in shown]) if shown else {}
    # A chat deleted between the two reads is left out of the list; the count stays as read.
    items = [Unprepared(chats[pk], readiness) for pk, readiness in shown if pk in chats]
    return SoonestUnprepared(items, len(flagged))


# Finding a chat from the command line.


def _chat_of(contact: Contact, now: datetime) -> Chat | None:
    chats = Chat.objects.for_owner(contact.owner).filter(contact=contact)
    upcoming = chats.upcoming(now).first()
    return upcoming or chats.order_by("-starts_at", "-pk").first()


def find_chat(owner: Owner, text: str, now: datetime | None = None) -> Chat:
    """The chat that ``text`` names: a chat code, or a contact's name (their next chat, else
    their latest). A name matching several contacts raises AmbiguousChat with the candidates."""
    now = now or timezone.now()
    wanted = text.strip()
    if not wanted:
        raise InvalidInput("Name the chat: give its code or the contact's name.", field="chat")
    try:
        code = uuid.UUID(wanted)
    except ValueError:
        code = None
    chats = Chat.objects.for_owner(owner).select_related("contact", "contact__organisation")
    if code is not None:
        found = chats.filter(code=code).first()
        if found is None:
            raise NotFound(f"No chat has the code {wanted}.", field="chat")
        return found
    key = fold(wanted)
    contacts = list(
        Contact.objects.for_owner(owner)
        .active()
        .filter(chats__isnull=False)
        .select_related("organisation")
        .distinct()
    )
    exact = [contact for contact in contacts if fold(contact.name) == key]
    matches = exact or [contact for contact in contacts if key in fold(contact.name)]
    if not matches:
        raise NotFound(
            f"No chat with anyone called “{wanted}”. Check the spelling, or plan a chat with "
            "them first.",
            field="chat",
        )
    if len(matches) > 1:
        candidates = tuple(_candidate(contact, now) for contact in matches[:MAX_CANDIDATES])
        more = len(matches) - len(candidates)
        listed = [f"  {line}" for line in candidates] + ([f"  …and {more} more"] if more else [])
        raise AmbiguousChat(
            f"“{wanted}” matches {len(matches)} contacts; give more of the name or a chat "
            "code:\n" + "\n".join(listed),
            candidates,
        )
    chat = _chat_of(matches[0], now)
    assert chat is not None  # the contact was chosen for having chats
    return chats.get(pk=chat.pk)


def _candidate(contact: Contact, now: datetime) -> str:
    chat = _chat_of(contact, now)
    where = f" ({contact.organisation.name})" if contact.organisation else ""
    when = f", chat {chat.code} on {chat.starts_at:%Y-%m-%d}" if chat else ""
    return f"{contact.name}{where}{when}"


# The one-page brief.


@dataclass(frozen=True)
class BriefStory:
    """A story worth telling in this chat, and the words that make it fit."""

    title: str
    situation: str
    action: str
    result: str
    matched_terms: tuple[str, ...]
    pinned: bool


@dataclass(frozen=True)
class BriefQuestion:
    text: str
    theme: str  # the theme's label, empty for the user's own


@dataclass(frozen=True)
class BriefCheck:
    label: str
    ticked: bool


@dataclass(frozen=True)
class TimePlan:
    """The chat's clock as planned: when to confirm, when to wrap up, when to check in."""

    start: str  # wall-clock times in the user's zone and clock format
    end: str
    wrap_up: str
    agreed_minutes: int
    confirmed_minutes: int
    capped: bool
    confirm_line: str
    wrap_up_line: str
    check_in_line: str
    non_verbal_line: str
    next_commitment: str  # "your chat with Bea at 11:00", or empty


@dataclass(frozen=True)
class Brief:
    """Everything the one-page brief shows, in plain values."""

    code: str
    name: str
    role: str
    organisation: str
    how_we_met: str
    when: str  # "Tue 3 Mar 2026, 10:00–10:20"
    time_zone: str
    their_time: str  # "17:00 in Asia/Singapore", or empty when it is the same zone
    medium: str
    place: str  # the venue or the link, whichever the medium uses
    status: str
    research_notes: str
    research_notes_html: str
    research_from_contact: bool  # the notes came from the contact page, not this chat
    pitch: str
    pitch_words: int
    pitch_seconds: int
    pitch_warning: str  # set when the pitch runs over 30 seconds
    stories: tuple[BriefStory, ...]
    hypothesis: str
    hypothesis_html: str
    questions: tuple[BriefQuestion, ...]
    ask: str
    ask_html: str
    logistics: tuple[BriefCheck, ...]
    time_plan: TimePlan
    readiness: method.Readiness


def _clock(moment: datetime, preferences: Preferences) -> str:
    return format_clock(moment, zone(preferences.time_zone), preferences.clock_format)


def _script(scripts: Mapping[str, str], kind: str, values: Mapping[str, str]) -> str:
    try:
        return clockwork.render_script(scripts[kind], values)
    except clockwork.ScriptError:
        # A script saved before a placeholder was retired: our wording still says something.
        return clockwork.render_script(clockwork.DEFAULT_SCRIPTS[kind], values)


def time_plan(owner: Owner, chat: Chat, preferences: Preferences) -> TimePlan:
    """The chat's planned clock with the live page's scripts filled in for its planned start."""
    start = chat.starts_at
    following = next_commitment(owner, start, excluding=chat)
    confirmed = clockwork.confirm_end(
        start,
        chat.agreed_minutes,
        following.starts_at if following else None,
        chat.buffer_minutes,
    )
    ends = confirmed.ends_at
    wrap_at = clockwork.wrap_up_at(start, ends, preferences.wrapup_minutes)
    scripts = scripts_of(owner)
    common = {
        "now": _clock(start, preferences),
        "end": _clock(ends, preferences),
        "earlier_end": _clock(ends, preferences),
        "name": first_name(chat.contact.name),
    }
    confirm_kind = clockwork.CONFIRM_CAPPED if confirmed.capped else clockwork.CONFIRM
    confirm_line = _script(
        scripts,
        confirm_kind,
        {
            **common,
            "end": _clock(confirmed.agreed_end, preferences),
            "minutes": str(confirmed.minutes),
        },
    )
    wrap_up_line = _script(
        scripts,
        clockwork.WRAP_UP,
        {**common, "minutes": str(clockwork.whole_minutes(wrap_at, ends))},
    )
    flexibility = clockwork.flexibility_minutes(ends, confirmed.latest_end)
    check_kind = clockwork.check_in_kind(flexibility, preferences.extend_minutes, wrapping=False)
    offer = {**common, "minutes": str(preferences.extend_minutes)}
    return TimePlan(
        start=_clock(start, preferences),
        end=_clock(ends, preferences),
        wrap_up=_clock(wrap_at, preferences),
        agreed_minutes=chat.agreed_minutes,
        confirmed_minutes=confirmed.minutes,
        capped=confirmed.capped,
        confirm_line=confirm_line,
        wrap_up_line=wrap_up_line,
        check_in_line=_script(scripts, check_kind, offer),
        non_verbal_line=_script(scripts, clockwork.NON_VERBAL, offer),
        next_commitment=(
            f"{following.label} at {_clock(following.starts_at, preferences)}"
            if following is not None
            else ""
        ),
    )


def _brief_stories(owner: Owner, chat: Chat) -> tuple[BriefStory, ...]:
    pinned = set(chat.stories.values_list("pk", flat=True))
    return _top_stories(ranked_stories(owner, chat), pinned)


def _top_stories(ranking: Iterable[RankedStory[Story]], pinned: set[int]) -> tuple[BriefStory, ...]:
    # Stories the user pinned to this chat come first (in ranked order), then the best of
    # the rest: their own choice outranks the ranking.
    ranked = [(r.story, r.matched_terms) for r in ranking if r.story]
    ranked.sort(key=lambda pair: pair[0].pk not in pinned)  # stable: ranked order kept
    return tuple(
        BriefStory(
            title=story.title,
            situation=story.situation,
            action=story.action,
            result=story.result,
            matched_terms=tuple(terms),
            pinned=story.pk in pinned,
        )
        for story, terms in ranked[:BRIEF_STORIES]
    )


def _questions(texts: Iterable[str]) -> tuple[BriefQuestion, ...]:
    out = []
    for text in texts:
        theme = method.theme_of(text)
        out.append(BriefQuestion(text, method.THEMES[theme] if theme else ""))
    return tuple(out)


def _place(chat: Chat) -> str:
    # The venue or the link, whichever the medium uses.
    return chat.venue if chat.medium == Chat.Medium.IN_PERSON else chat.link or chat.venue


def _logistics(chat: Chat) -> tuple[BriefCheck, ...]:
    ticked = chat.logistics or {}
    return tuple(
        BriefCheck(item.label, bool(ticked.get(item.key)))
        for item in method.checklist_for(chat.medium)
    )


def _when(chat: Chat, ends: datetime, preferences: Preferences) -> str:
    local = chat.starts_at.astimezone(zone(preferences.time_zone))
    day = f"{local:%a} {local.day} {local:%b %Y}"
    return f"{day}, {_clock(chat.starts_at, preferences)}–{_clock(ends, preferences)}"


def brief_for(owner: Owner, chat: Chat) -> Brief:
    """Everything the one-page brief of ``chat`` shows."""
    ensure_owned(owner, chat)
    chat = (
        Chat.objects.for_owner(owner)
        .select_related("contact", "contact__organisation")
        .get(pk=chat.pk)
    )
    contact = chat.contact
    preferences = ensure_preferences(owner)
    pitch = _elevator_pitch(owner)
    estimate = spoken.estimate(pitch, preferences.words_per_minute)
    span = ChatSpan(chat.starts_at, chat.agreed_minutes, chat.buffer_minutes)
    their_zone = chat.time_zone or contact.time_zone
    their_time = ""
    if their_zone and their_zone != preferences.time_zone:
        their_time = (
            f"{format_clock(chat.starts_at, zone(their_zone), preferences.clock_format)} "
            f"in {their_zone}"
        )
    from_contact = not chat.research_notes.strip() and bool(contact.research_notes.strip())
    return Brief(
        code=str(chat.code),
        name=contact.name,
        role=contact.role,
        organisation=contact.organisation.name if contact.organisation else "",
        how_we_met=contact.how_we_met,
        when=_when(chat, span.ends_at, preferences),
        time_zone=preferences.time_zone,
        their_time=their_time,
        medium=chat.get_medium_display(),
        place=_place(chat),
        status=chat.get_status_display(),
        research_notes=contact.research_notes if from_contact else chat.research_notes,
        research_notes_html=(
            contact.research_notes_html if from_contact else chat.research_notes_html
        ),
        research_from_contact=from_contact,
        pitch=pitch,
        pitch_words=estimate.words,
        pitch_seconds=estimate.seconds,
        pitch_warning=estimate.warning,
        stories=_brief_stories(owner, chat),
        hypothesis=chat.hypothesis,
        hypothesis_html=chat.hypothesis_html,
        questions=_questions(chat.questions or ()),
        ask=chat.ask,
        ask_html=chat.ask_html,
        logistics=_logistics(chat),
        time_plan=time_plan(owner, chat, preferences),
        readiness=method.readiness(_facts(chat, _library(owner))),
    )


# The pocket brief: the part of the brief to glance at on a phone, on the way to the chat.


@dataclass(frozen=True)
class PocketBrief:
    """The pieces of a chat's brief that fit a phone: pitch, Ask, stories, questions."""

    pitch: str
    pitch_seconds: int
    ask: str
    ask_html: str
    stories: tuple[BriefStory, ...]
    questions: tuple[BriefQuestion, ...]
    place: str
    logistics: tuple[BriefCheck, ...]
    is_next: bool  # the first of the chats that is live or still to come


@dataclass(frozen=True)
class PocketRow:
    """A chat on the home page, with its pocket brief while it is still to come.

    ``pocket`` is None for a chat that is over (held, a no-show, cancelled, or planned and past
    its end): there is nothing left to read on the way there. It is None too for a chat still to
    come after the few whose briefs a page shows (``brief_elsewhere``): its row links to its
    whole brief.
    """

    chat: Chat
    pocket: PocketBrief | None
    brief_elsewhere: bool = False


def still_to_come(chat: Chat, now: datetime) -> bool:
    """Whether ``chat`` is live, or planned and not yet past its end and buffer."""
    if chat.status == Chat.Status.LIVE:
        return True
    return (
        chat.status == Chat.Status.PLANNED
        and ChatSpan(chat.starts_at, chat.agreed_minutes, chat.buffer_minutes).ends_at > now
    )


def pocket_briefs(
    owner: Owner,
    chats: Sequence[Chat],
    now: datetime | None = None,
    preferences: Preferences | None = None,
    shelf: Shelf | None = None,
    most: int | None = None,
) -> list[PocketRow]:
    """One row per chat of ``chats`` (contacts and organisations loaded), in order, each with
    its pocket brief while the chat is still to come; with ``most``, the soonest ``most`` of
    those only (a later one's row links to its whole brief instead).

    A brief is built for those chats only. Four queries whatever the number of chats (the
    preferences unless given, the pitch and the stories unless ``shelf`` holds them already,
    and the stories each chat pinned), none when no chat is still to come.
    """
    now = now or timezone.now()
    to_come = [chat for chat in chats if still_to_come(chat, now)]
    upcoming = to_come[:most]
    later = {chat.pk for chat in to_come[len(upcoming) :]}
    if not upcoming:
        return [PocketRow(chat, None) for chat in chats]
    preferences = preferences or ensure_preferences(owner)
    shelf = shelf or Shelf(owner)
    pitch = shelf.pitch
    estimate = spoken.estimate(pitch, preferences.words_per_minute)
    stories = shelf.stories
    pinned: dict[int, set[int]] = {chat.pk: set() for chat in upcoming}
    for chat_id, story_id in Chat.stories.through.objects.filter(
        chat__owner=owner, chat__in=list(pinned)
    ).values_list("chat_id", "story_id"):
        pinned[chat_id].add(story_id)
    briefs = {
        chat.pk: PocketBrief(
            pitch=pitch,
            pitch_seconds=estimate.seconds,
            ask=chat.ask,
            ask_html=chat.ask_html,
            stories=_top_stories(ranked_among(stories, chat), pinned[chat.pk]),
            questions=_questions(chat.questions or ()),
            place=_place(chat),
            logistics=_logistics(chat),
            is_next=chat is upcoming[0],
        )
        for chat in upcoming
    }
    return [PocketRow(chat, briefs.get(chat.pk), chat.pk in later) for chat in chats]
