"""Landing conversations: requests for a chat, and the organisations worth reaching."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from typing import NamedTuple, TypeVar

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from coffeechat.core import outreach_lint as lint
from coffeechat.core import outreach_templates
from coffeechat.core.clock import format_day, zone
from coffeechat.core.outreach_timers import Stage, Timers, outreach_timers
from coffeechat.core.text import clean_line, distinct, first_name
from coffeechat.services import mail
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.errors import InvalidInput
from coffeechat.services.ownership import ensure_owned
from coffeechat.services.preferences import calendar_of
from coffeechat.store.models import Contact, FollowUp, Outreach, Preferences, SendChannel
from coffeechat.store.owners import Owner

MAX_MESSAGE = 5_000


@transaction.atomic
def log_outreach(
    owner: Owner, contact: Contact, message: str, *, sent_at: datetime | None = None
) -> Outreach:
    """Record a request for a chat: a draft, or waiting for a reply once ``sent_at`` is given."""
    ensure_owned(owner, contact)
    message = message.strip()
    if len(message) > MAX_MESSAGE:
        raise InvalidInput(f"A request has at most {MAX_MESSAGE:,} characters.", field="message")
    if sent_at is not None and (timezone.is_naive(sent_at) or sent_at > timezone.now()):
        raise InvalidInput("Give a sending time that has passed.", field="sent_at")
    status = Outreach.Status.DRAFT if sent_at is None else Outreach.Status.WAITING
    return Outreach.objects.create(
        owner=owner, contact=contact, message=message, sent_at=sent_at, status=status
    )


@transaction.atomic
def record_reply(
    owner: Owner,
    outreach: Outreach,
    *,
    accepted: bool = True,
    replied_at: datetime | None = None,
    now: datetime | None = None,
) -> Outreach:
    """Record the answer to a sent request, yes or no, once.

    A late answer still counts: a request that moved on, was nudged or closed quietly can be
    answered. A second recording is refused with the first answer and its date, and changes
    nothing. Any nudge still unsent for this request is set aside, since it has its answer.
    """
    ensure_owned(owner, outreach)
    # Read the row afresh and lock it: two quick clicks must not record two answers.
    current = Outreach.objects.select_for_update().select_related("contact").get(pk=outreach.pk)
    name = first_name(current.contact.name)
    if current.sent_at is None:
        raise InvalidInput(
            f"This request to {name} has not been sent yet, so there is no reply to record."
        )
    if current.status in ANSWERED:
        answer = "yes" if current.status == Outreach.Status.REPLIED else "no"
        when = _day(owner, current.replied_at) if current.replied_at else "an earlier day"
        raise InvalidInput(f"You recorded {name}'s {answer} on {when} already.")
    now = now or timezone.now()
    replied_at = replied_at or now
    if timezone.is_naive(replied_at) or not current.sent_at <= replied_at <= now:
        raise InvalidInput(
            f"The reply comes after the request (sent {_day(owner, current.sent_at)}) and "
            "before now.",
            field="replied_at",
        )
    outreach.status = Outreach.Status.REPLIED if accepted else Outreach.Status.DECLINED
    outreach.replied_at = replied_at
    outreach.save(update_fields=["status", "replied_at", "updated_at"])
    FollowUp.objects.for_owner(owner).filter(
        outreach=outreach,
        kind=FollowUp.Kind.OUTREACH_NUDGE,
        sent_at__isnull=True,
        dismissed_at__isnull=True,
    ).update(dismissed_at=now)
    return outreach


def reply_moment(owner: Owner, outreach: Outreach, day: date | None, now: datetime | None = None):
    """When to record a reply given on ``day`` (the user's calendar): now for today or no day.

    An earlier day counts from noon, kept between the sending and now, so a reply the same day
    as the request still comes after it. A day still to come is left for record_reply to refuse.
    """
    now = now or timezone.now()
    tz = zone(ensure_preferences(owner).time_zone)
    if day is None or day == now.astimezone(tz).date():
        return now
    moment = datetime.combine(day, time(12), tzinfo=tz)
    if outreach.sent_at is not None and day == outreach.sent_at.astimezone(tz).date():
        moment = max(moment, outreach.sent_at)
    return moment


# Statuses of a request that is out and has had no answer yet.
AWAITING = (Outreach.Status.WAITING, Outreach.Status.MOVED_ON, Outreach.Status.NUDGED)


@transaction.atomic
def move_on(owner: Owner, outreach: Outreach, *, now: datetime | None = None) -> Outreach:
    """Record that the user acted on the 3-business-day suggestion for this request.

    They wrote to a second person at the organisation, or chose not to. The request itself keeps
    waiting for its reply and its 7-day nudge; only the suggestion stops showing.
    """
    ensure_owned(owner, outreach)
    if outreach.sent_at is None:
        raise InvalidInput("This request has not been sent yet, so nothing is waiting on it.")
    if outreach.moved_on_at is not None:
        return outreach
    outreach.moved_on_at = now or timezone.now()
    if outreach.status == Outreach.Status.WAITING:
        outreach.status = Outreach.Status.MOVED_ON
    outreach.save(update_fields=["moved_on_at", "status", "updated_at"])
    return outreach


# Statuses of a request that has its answer.
ANSWERED = (Outreach.Status.REPLIED, Outreach.Status.DECLINED)


def _day(owner: Owner, moment: datetime) -> str:
    """``Tue 1 Dec`` in the owner's time zone, with the year when it is not this year's."""
    tz = zone(ensure_preferences(owner).time_zone)
    local = moment.astimezone(tz)
    shown = format_day(local)
    return shown if local.year == timezone.now().astimezone(tz).year else f"{shown} {local.year}"


# --- The composer: drafts from templates, the linter's settings, sending -----------------------

MAX_SUBJECT = 300
MAX_CONNECTION = 200
WORD_LIMITS = (20, 500)
MAX_JOB_WORDS = 200
LONGEST_JOB_WORD = 60


def _must_be_draft(owner: Owner, outreach: Outreach) -> None:
    if outreach.status != Outreach.Status.DRAFT:
        when = f" on {_day(owner, outreach.sent_at)}" if outreach.sent_at else ""
        raise InvalidInput(f"This request was sent{when}; it is kept as it went out.")


def _must_have_words(outreach: Outreach) -> None:
    if not outreach.message.strip():
        raise InvalidInput(
            "The request is empty. Write it, or start from a template, then send it.",
            field="body",
        )


def _template_values(owner: Owner, contact: Contact, connection: str = "") -> dict[str, str]:
    return {
        "first_name": first_name(contact.name),
        "connection": connection,
        "organisation": contact.organisation.name if contact.organisation else "",
        "interest": "",
        "my_name": mail.my_name(owner),
    }


def _template(template_id: str) -> outreach_templates.OutreachTemplate:
    try:
        return outreach_templates.template_named(template_id)
    except outreach_templates.TemplateError as error:
        raise InvalidInput(str(error), field="template") from None


def existing_draft(owner: Owner, contact: Contact) -> Outreach | None:
    """The unsent request to this contact, if there is one (the newest)."""
    return (
        Outreach.objects.for_owner(owner)
        .filter(contact=contact, status=Outreach.Status.DRAFT)
        .order_by("-created_at")
        .first()
    )


@transaction.atomic
def start_outreach(
    owner: Owner,
    contact: Contact,
    *,
    template_id: str | None = None,
    after: Outreach | None = None,
) -> Outreach:
    """A draft request to ``contact``, written from a template; an unsent one is reused.

    ``after``: the request this one follows up on, to someone else at the same organisation; it
    is marked as moved on once the new draft exists. Without a template the draft starts from
    the "second person" one after another request there, and the "no connection yet" one else.
    """
    ensure_owned(owner, contact, after)
    if contact.merged_into_id is not None:
        raise InvalidInput(f"{contact.name} was merged into another contact; write to them there.")
    if after is not None and after.contact_id == contact.pk:
        raise InvalidInput(
            f"That request went to {contact.name} already; choose someone else to write to.",
            field="contact",
        )
    if template_id:
        template = _template(template_id)
    elif (
        after is not None
        and contact.organisation_id is not None
        and after.contact.organisation_id == contact.organisation_id
    ):
        template = _template(outreach_templates.AFTER_TEMPLATE)
    else:
        template = _template(outreach_templates.DEFAULT_TEMPLATE)
    draft = existing_draft(owner, contact)
    if draft is None:
        filled = outreach_templates.render(template, _template_values(owner, contact))
        draft = Outreach.objects.create(
            owner=owner, contact=contact, subject=filled.subject, message=filled.body
        )
    if after is not None:
        move_on(owner, after)
    return draft


@transaction.atomic
def save_outreach_draft(
    owner: Owner, outreach: Outreach, *, subject: str, message: str, connection: str
) -> Outreach:
    """Keep the draft as typed (line ends normalised); refused once it has been sent."""
    ensure_owned(owner, outreach)
    _must_be_draft(owner, outreach)
    subject = clean_line(subject)
    message = message.replace("\r\n", "\n").replace("\r", "\n").strip()
    connection = clean_line(connection)
    if len(subject) > MAX_SUBJECT:
        raise InvalidInput(f"A subject line has at most {MAX_SUBJECT} characters.", field="subject")
    if len(message) > MAX_MESSAGE:
        raise InvalidInput(f"A request has at most {MAX_MESSAGE:,} characters.", field="body")
    if len(connection) > MAX_CONNECTION:
        raise InvalidInput(
            f"Say what you share in at most {MAX_CONNECTION} characters.", field="connection"
        )
    if (subject, message, connection) != (outreach.subject, outreach.message, outreach.connection):
        outreach.subject, outreach.message, outreach.connection = subject, message, connection
        outreach.save(update_fields=["subject", "message", "connection", "updated_at"])
    return outreach


def draft_from_template(
    owner: Owner, outreach: Outreach, template_id: str
) -> outreach_templates.Filled:
    """A template filled for this request's contact and connection, for the user to keep or not.

    Nothing is written: the composer shows it in place of the saved draft until they save it.
    """
    ensure_owned(owner, outreach)
    _must_be_draft(owner, outreach)
    template = _template(template_id)
    return outreach_templates.render(
        template, _template_values(owner, outreach.contact, outreach.connection)
    )


@transaction.atomic
def delete_draft(owner: Owner, outreach: Outreach) -> None:
    """Throw away a request that was never sent; a sent one stays in the history."""
    ensure_owned(owner, outreach)
    _must_be_draft(owner, outreach)
    outreach.delete()


# The linter's settings.


def linter_options(owner: Owner, connection: str = "") -> lint.Options:
    """The owner's linter settings (word limit, job words, rules off) for one request."""
    preferences = ensure_preferences(owner)
    job_words = preferences.outreach_job_words
    rules_off = preferences.outreach_rules_off or []
    return lint.Options(
        max_words=max(1, preferences.outreach_max_words),
        job_words=lint.DEFAULT_JOB_WORDS if job_words is None else tuple(job_words),
        connection=connection,
        # An id from an older version that no longer names a rule is ignored, not an error.
        skip=frozenset(rule for rule in rules_off if rule in lint.RULE_IDS),
    )


def check_outreach(owner: Owner, outreach: Outreach) -> lint.Report:
    """Every rule's verdict on the request's saved body."""
    ensure_owned(owner, outreach)
    return lint.lint(outreach.message, linter_options(owner, outreach.connection))


def check_text(owner: Owner, text: str, connection: str = "") -> lint.Report:
    """Every rule's verdict on a request as typed, with the owner's settings."""
    return lint.lint(text, linter_options(owner, connection))


def _cleaned_job_words(job_words: list[str]) -> list[str]:
    words = distinct((clean_line(word) for word in job_words), key=str.casefold)
    too_long = [word for word in words if len(word) > LONGEST_JOB_WORD]
    if too_long:
        raise InvalidInput(
            f"Keep each job word or phrase under {LONGEST_JOB_WORD} characters "
            f"('{too_long[0][:20]}…' is longer); put one per line.",
            field="job_words",
        )
    if len(words) > MAX_JOB_WORDS:
        raise InvalidInput(f"Keep the list to {MAX_JOB_WORDS} words or fewer.", field="job_words")
    return words


@transaction.atomic
def save_linter_settings(
    owner: Owner, *, max_words: int, job_words: list[str], rules_off: list[str]
) -> Preferences:
    """Set the word limit, the job words and the rules switched off, after checking each."""
    low, high = WORD_LIMITS
    if not low <= max_words <= high:
        raise InvalidInput(f"Choose a word limit between {low} and {high}.", field="max_words")
    unknown = sorted(set(rules_off) - set(lint.RULE_IDS))
    if unknown:
        raise InvalidInput(
            f"No rule is called {', '.join(unknown)}; the rules are {', '.join(lint.RULE_IDS)}.",
            field="rules_off",
        )
    words = _cleaned_job_words(job_words)
    if not words and lint.NO_JOB_WORDS.id not in rules_off:
        raise InvalidInput(
            "The list of job words is empty, so that rule could not find anything. Add a word "
            "or two, switch the rule off, or use our defaults.",
            field="job_words",
        )
    preferences = ensure_preferences(owner)
    preferences.outreach_max_words = max_words
    # Our list, even reordered, is stored as "ours", so improvements to it reach this user.
    same_as_ours = {word.casefold() for word in words} == {
        word.casefold() for word in lint.DEFAULT_JOB_WORDS
    }
    preferences.outreach_job_words = None if same_as_ours else words
    preferences.outreach_rules_off = [rule for rule in lint.RULE_IDS if rule in rules_off]
    preferences.save(
        update_fields=["outreach_max_words", "outreach_job_words", "outreach_rules_off"]
    )
    return preferences


@transaction.atomic
def reset_linter_settings(owner: Owner) -> Preferences:
    """Back to our word limit, our job words, and every rule on."""
    preferences = ensure_preferences(owner)
    preferences.outreach_max_words = lint.DEFAULT_MAX_WORDS
    preferences.outreach_job_words = None
    preferences.outreach_rules_off = []
    preferences.save(
        update_fields=["outreach_max_words", "outreach_job_words", "outreach_rules_off"]
    )
    return preferences


# Sending: the same ways out as a thank-you (services.mail).


def outreach_mailto(owner: Owner, outreach: Outreach) -> str:
    """A mailto: link with the saved request, or empty when the contact has no email."""
    ensure_owned(owner, outreach)
    return mail.mailto(outreach.contact, outreach.subject, outreach.message)


def outreach_eml(owner: Owner, outreach: Outreach, now: datetime | None = None) -> bytes:
    """The saved request as an .eml file for a mail program to open as a draft."""
    ensure_owned(owner, outreach)
    _must_have_words(outreach)
    return mail.eml(
        owner, outreach.contact, outreach.subject, outreach.message, now or timezone.now()
    )


@transaction.atomic
def mark_outreach_sent(
    owner: Owner, outreach: Outreach, channel: str, now: datetime | None = None
) -> Outreach:
    """Record that the request went out, when and how; its 3-and-7 timers start now."""
    ensure_owned(owner, outreach)
    if channel not in SendChannel.values:
        raise InvalidInput("Say how the request went out.", field="channel")
    current = Outreach.objects.select_for_update().get(pk=outreach.pk)
    _must_be_draft(owner, current)
    _must_have_words(outreach)
    outreach.status = Outreach.Status.WAITING
    outreach.sent_at = now or timezone.now()
    outreach.sent_via = channel
    outreach.save(update_fields=["status", "sent_at", "sent_via", "updated_at"])
    return outreach


def send_outreach_by_smtp(
    owner: Owner, outreach: Outreach, now: datetime | None = None
) -> Outreach:
    """Send the saved request through the configured mail server, then record it as sent.

    A failure (mail.SendFailed, explained) leaves the draft as it was and marks nothing.
    """
    ensure_owned(owner, outreach)
    _must_be_draft(owner, outreach)
    _must_have_words(outreach)
    now = now or timezone.now()
    mail.send(outreach.contact, outreach.subject, outreach.message, now)
    return mark_outreach_sent(owner, outreach, SendChannel.SMTP, now)


@transaction.atomic
def close_outreach(owner: Owner, outreach: Outreach, now: datetime | None = None) -> Outreach:
    """Stop waiting for an answer by hand; a reply can still be recorded later."""
    ensure_owned(owner, outreach)
    if outreach.status == Outreach.Status.DRAFT:
        raise InvalidInput("This request was never sent; delete the draft instead.")
    if outreach.status in ANSWERED:
        raise InvalidInput("This request has its answer; there is nothing to stop waiting for.")
    if outreach.status == Outreach.Status.CLOSED:
        return outreach
    outreach.status = Outreach.Status.CLOSED
    outreach.closed_at = now or timezone.now()
    outreach.save(update_fields=["status", "closed_at", "updated_at"])
    return outreach


# The list.


@dataclass(frozen=True)
class Row:
    """One request on the list, read in full, with its timers as they stand."""

    outreach: Outreach
    timers: Timers


class Waiting(NamedTuple):
    """What a request's timers read of it, as plain values: no model instance is built."""

    pk: int
    sent_at: datetime
    status: str
    moved_on_at: datetime | None
    replied_at: datetime | None
    nudged_at: datetime | None
    snoozed_until: datetime | None


class Listed(NamedTuple):
    """A draft or a request out, as plain values: what its timers and its place on the list read.

    ``contact_name`` is the order's tie-break; the contact itself is read for the rows a page
    shows only (``read_rows``).
    """

    pk: int
    sent_at: datetime | None
    status: str
    moved_on_at: datetime | None
    replied_at: datetime | None
    nudged_at: datetime | None
    snoozed_until: datetime | None
    created_at: datetime
    contact_name: str


# A request as plain values, of either shape: the timers read the same fields of both.
V = TypeVar("V", Waiting, Listed)
# ... or read in full: the timers and the due rule read the same fields of each.
A = TypeVar("A", Waiting, Listed, Outreach)


def request_values(requests: QuerySet[Outreach], shape: type[V]) -> list[V]:
    """``requests`` as plain values of ``shape``'s fields, in the query's order.

    Pages read hundreds of requests to count and sort them and show a few: building a model
    instance for each cost more than their timers.
    """
    return [shape._make(row) for row in requests.values_list(*shape._fields)]


def timed(requests: Iterable[A], now: datetime, preferences: Preferences) -> list[tuple[A, Timers]]:
    """Each request with its timers at ``now`` (as ``timers_of``), the owner's zone and calendar
    looked up once for all of them."""
    tz, calendar = zone(preferences.time_zone), calendar_of(preferences)
    closed = Outreach.Status.CLOSED
    return [
        (
            request,
            outreach_timers(
                request.sent_at,
                now,
                tz=tz,
                calendar=calendar,
                answered=request.status in ANSWERED or request.replied_at is not None,
                moved_on=request.moved_on_at is not None,
                nudged_at=request.nudged_at,
                closed=request.status == closed,
            ),
        )
        for request in requests
    ]


def closing(requests: Iterable[tuple[V, Timers]], now: datetime) -> list[Outreach]:
    """The requests whose wait is over, as their closing writes them (for a bulk update).

    Only the primary key and the written fields are needed to close a request.
    """
    return [
        Outreach(
            pk=request.pk, status=Outreach.Status.CLOSED, closed_at=timers.close_at, updated_at=now
        )
        for request, timers in requests
        if timers.stage == Stage.CLOSED
    ]


@dataclass(frozen=True)
class Listing:
    """A request on the list before it is read in full: enough to sort, count and page it.

    The list shows a page of the few hundred requests waiting in a big network; the rest only
    count, and building each one's request, contact and organisation cost more than the rest
    of the page. ``read_rows`` reads those shown, all in one query.
    """

    request: Listed
    timers: Timers


@dataclass(frozen=True)
class Board:
    """The owner's requests by where they stand; answered and closed ones, the latest few.

    None is read in full (see ``Listing``). ``waiting``: every request out and unanswered, most
    urgent first (see ``urgency``), for the page to show a page of at a time; ``due``: how many
    of them have something due now.
    """

    drafts: list[Listing] = field(default_factory=list)
    waiting: list[Listing] = field(default_factory=list)
    answered: list[Listing] = field(default_factory=list)
    closed: list[Listing] = field(default_factory=list)
    past_total: int = 0  # answered or closed, all of them
    due: int = 0

    @property
    def empty(self) -> bool:
        return not (self.drafts or self.waiting or self.answered or self.closed)

    @property
    def past_shown(self) -> int:
        return len(self.answered) + len(self.closed)


# The board shows the latest answered and closed requests; the rest are a page away.
PAST_SHOWN = 10
PAST = (*ANSWERED, Outreach.Status.CLOSED)
OPEN = (Outreach.Status.DRAFT, *AWAITING)
# Sorts after every real moment.
_LAST = datetime.max.replace(tzinfo=UTC)


def timers_of(outreach: Outreach, now: datetime, preferences: Preferences) -> Timers:
    """The request's 3-and-7 timers at ``now``, in the zone and calendar of ``preferences``."""
    [(_, timers)] = timed([outreach], now, preferences)
    return timers


def is_due(row: Listing, now: datetime) -> bool:
    """Something of the request is for the user to do now (a request snoozed waits)."""
    snoozed = row.request.snoozed_until is not None and row.request.snoozed_until > now
    return row.timers.is_due and not snoozed


def urgency(row: Listing, now: datetime) -> tuple[int, datetime, str]:
    """Sort key of a waiting request: nudges due, then second people to try, each longest due
    first; then the rest by when their next timer fires.

    A nudge is the last step before the request closes, so it leads.
    """
    timers, name = row.timers, row.request.contact_name.casefold()
    if is_due(row, now) and timers.nudge_due:
        return (0, timers.nudge_at or _LAST, name)
    if is_due(row, now):
        return (1, timers.second_contact_at or _LAST, name)
    return (2, timers.next_at or _LAST, name)


# What the timers and the order of the list read of each request: reading every column of
# hundreds of requests cost more than the page's queries themselves.
TIMER_FIELDS = (
    "owner_id",
    "code",
    "created_at",
    "contact_id",
    "subject",
    "status",
    "sent_at",
    "moved_on_at",
    "replied_at",
    "nudged_at",
    "closed_at",
    "snoozed_until",
)
# And of its contact and organisation, for a row shown (the list, the rows owed, suggestions).
ROW_FIELDS = (
    *TIMER_FIELDS,
    "contact__code",
    "contact__name",
    "contact__owner_id",
    "contact__merged_into_id",
    "contact__organisation_id",
    "contact__organisation__code",
    "contact__organisation__name",
    "contact__organisation__owner_id",
)


def _listed(requests: QuerySet[Outreach]) -> list[Listed]:
    return request_values(requests.annotate(contact_name=F("contact__name")), Listed)


def listed_requests(owner: Owner) -> list[Listed]:
    """Every draft and every request out and unanswered, as plain values: one query.

    The timers are worked out by the caller (``timed``), who may close some first.
    """
    # Named statuses, not "not past", so the (owner, status, sent_at) index finds them; no order,
    # since board_of sorts them here anyway.
    return _listed(Outreach.objects.for_owner(owner).filter(status__in=OPEN).order_by())


def read_rows(owner: Owner, *groups: Sequence[Listing]) -> list[list[Row]]:
    """Each group read in full (request, contact, organisation), in its order: one query for
    all of them."""
    wanted = [row.request.pk for group in groups for row in group]
    if not wanted:
        return [[] for _ in groups]
    found = (
        Outreach.objects.for_owner(owner)
        .filter(pk__in=wanted)
        .select_related("contact", "contact__organisation")
        .only(*ROW_FIELDS)
        .in_bulk()
    )
    return [[Row(found[row.request.pk], row.timers) for row in group] for group in groups]


def board_of(
    owner: Owner, rows: list[tuple[Listed, Timers]], now: datetime, preferences: Preferences
) -> Board:
    """The board from the open requests and their timers (worked out once, by the caller).

    Two more queries, whatever the number of requests: the latest past requests (as plain
    values, read in full with the rows a page shows) and a count.
    Rows whose timers closed them are read back with the past ones, so the caller closes them
    first (services.outreach_timers.settled_board).
    """
    requests = Outreach.objects.for_owner(owner).filter(status__in=PAST)
    # The latest few picked by their keys alone, then read whole: sorting every past request
    # with its contact's columns was most of the page's database time.
    # Ties broken by the key, not the creation time, so the (owner, status, sent_at) index
    # holds all it sorts by.
    latest = requests.order_by("-sent_at", "-pk").values("pk")[:PAST_SHOWN]
    past = _listed(requests.filter(pk__in=latest).order_by("-sent_at", "-pk"))
    board = Board(past_total=requests.count())
    for request, timers in sorted(rows, key=lambda row: row[0].created_at, reverse=True):
        if request.status == Outreach.Status.DRAFT:
            board.drafts.append(Listing(request, timers))
        elif timers.stage not in (Stage.ANSWERED, Stage.CLOSED):
            board.waiting.append(Listing(request, timers))
    for request, timers in timed(past, now, preferences):
        answered = timers.stage == Stage.ANSWERED
        (board.answered if answered else board.closed).append(Listing(request, timers))
    board.waiting.sort(key=lambda row: urgency(row, now))
    return replace(board, due=sum(1 for row in board.waiting if is_due(row, now)))


def outreach_board(owner: Owner, now: datetime | None = None) -> Board:
    """Every draft and waiting request, and the latest answered and closed ones.

    Reads only: a request whose wait is over shows as closed until something closes it (the
    list page settles them first, with services.outreach_timers.settled_board).
    """
    now = now or timezone.now()
    preferences = ensure_preferences(owner)
    rows = timed(listed_requests(owner), now, preferences)
    board = board_of(owner, rows, now, preferences)
    over = [Listing(request, timers) for request, timers in rows if timers.stage == Stage.CLOSED]
    return replace(board, closed=[*over, *board.closed])


def past_requests(owner: Owner):
    """Every answered or closed request, latest first, to be shown a page at a time."""
    return (
        Outreach.objects.for_owner(owner)
        .filter(status__in=PAST)
        .select_related("contact", "contact__organisation")
        .order_by("-sent_at", "-pk")
    )
