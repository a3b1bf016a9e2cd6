"""Coaches with consent (server mode): a student grants a coach access and revokes it at any time.

A coach reads aggregates only (see docs/coaching.md for each one's exact definition), and the notes
of a chat only when the student shared that chat. Two rules keep that honest:

- every read for a coach goes through ``_granted``, which looks up the open grant on each call,
  so a revocation applies to the very next request;
- every read for a coach writes what it showed to the student's record (``record_view``) before
  it returns, so no page can show a student's data without the student being able to see it.

Students and coaches appear in addresses as ``person_key``: a UUID made from the account with the
site's secret, so addresses carry no row numbers and say nothing to anyone without a grant.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import CharField, Count, F, Q, QuerySet, Value, Window
from django.db.models.functions import Cast, Concat, RowNumber
from django.utils import timezone
from django.utils.crypto import salted_hmac

from coffeechat.core.clock import format_day, zone
from coffeechat.core.coaching import TREND_WINDOW, OverrunTrend, overrun_trend, share
from coffeechat.core.fields import FieldError, check_email
from coffeechat.core.stats import HeldTimes, reflect
from coffeechat.services.errors import InvalidInput, NotFound
from coffeechat.services.outreach import AWAITING, timers_of
from coffeechat.services.outreach_timers import NOTHING_DUE_BEFORE, fold_nudges
from coffeechat.services.ownership import ensure_owned
from coffeechat.store.models import (
    Chat,
    CoachGrant,
    CoachView,
    FollowUp,
    Note,
    Outreach,
    Preferences,
    Referral,
    SharedChat,
)

_KEY_SALT = "coffeechat.services.coaching.person"
# CoachView.what holds at most this many characters.
_WHAT_LENGTH = 300
NO_SUCH_STUDENT = "No such student."


def person_key(user) -> uuid.UUID:
    """The UUID that names ``user`` in coaching addresses: stable, and not guessable."""
    digest = salted_hmac(_KEY_SALT, str(user.pk), algorithm="sha256").hexdigest()
    return uuid.UUID(hex=digest[:32])


def _preferences(user) -> Preferences:
    try:
        return user.preferences
    except ObjectDoesNotExist:
        return Preferences(owner=user)


def name_of(user) -> str:
    """How a student or a coach is shown to the other: their own name, else their address."""
    return (
        _preferences(user).your_name.strip()
        or user.get_full_name().strip()
        or user.email
        or user.username
    )


def is_coach(user) -> bool:
    """Whether ``user`` is a signed-in coach (invited as one)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return Preferences.objects.filter(owner=user, is_coach=True).exists()


# --- The student's side: grant, revoke, share, and the record --------------------------------


@dataclass(frozen=True)
class Coach:
    """A coach the student has let in, as the student's Coaches page lists them."""

    key: uuid.UUID
    name: str
    email: str
    since: datetime


def _open(grants: QuerySet[CoachGrant]) -> QuerySet[CoachGrant]:
    return grants.filter(revoked_at__isnull=True)


def grant(student, coach_email: str, *, now: datetime | None = None) -> CoachGrant:
    """Let the coach with ``coach_email`` see the student's aggregates until revoked."""
    if not coach_email.strip():
        raise InvalidInput("Give the email address your coach signs in with.", field="email")
    try:
        email = check_email(coach_email)
    except FieldError as error:
        raise InvalidInput(str(error), field="email") from None
    if email.casefold() == (student.email or "").casefold():
        raise InvalidInput(
            "That is your own address: give the address your coach signs in with.", field="email"
        )
    coach = (
        get_user_model()
        .objects.filter(email__iexact=email, preferences__is_coach=True, is_active=True)
        .exclude(pk=student.pk)
        .order_by("pk")
        .first()
    )
    if coach is None:
        raise InvalidInput(
            f"No coach signs in with {email}. Check the address with your coach; they need a "
            "coach's account here first.",
            field="email",
        )
    already = f"{name_of(coach)} can see your progress already."
    if _open(CoachGrant.objects.filter(student=student, coach=coach)).exists():
        raise InvalidInput(already, field="email")
    try:
        # A savepoint: two grants sent at once meet the one-open-grant constraint, not a crash.
        with transaction.atomic():
            return CoachGrant.objects.create(
                student=student, coach=coach, granted_at=now or timezone.now()
            )
    except IntegrityError:
        raise InvalidInput(already, field="email") from None


def grants_of(student) -> list[Coach]:
    """The coaches who may see the student's progress now, latest grant first."""
    grants = _open(CoachGrant.objects.filter(student=student)).select_related(
        "coach", "coach__preferences"
    )
    return [
        Coach(person_key(item.coach), name_of(item.coach), item.coach.email, item.granted_at)
        for item in grants
    ]


def open_grant(student, coach_key: uuid.UUID) -> CoachGrant:
    """The student's open grant to the coach named by ``coach_key``; NotFound when none."""
    for item in _open(CoachGrant.objects.filter(student=student)).select_related("coach"):
        if person_key(item.coach) == coach_key:
            return item
    raise NotFound("That coach cannot see your progress, or no longer.")


@transaction.atomic
def revoke(student, grant: CoachGrant, *, now: datetime | None = None) -> CoachGrant:
    """End a grant: from the coach's next request on, the student is gone from their pages."""
    if grant.student_id != student.pk:
        raise NotFound("That coach cannot see your progress, or no longer.")
    if grant.revoked_at is None:
        grant.revoked_at = now or timezone.now()
        grant.save(update_fields=["revoked_at"])
    return grant


def has_coach(student) -> bool:
    """Whether any coach may see the student's progress now."""
    return _open(CoachGrant.objects.filter(student=student)).exists()


def is_shared(student, chat: Chat) -> bool:
    """Whether the student shares this chat's notes with their coaches."""
    ensure_owned(student, chat)
    return SharedChat.objects.filter(owner=student, chat=chat).exists()


@transaction.atomic
def share_chat(student, chat: Chat, *, now: datetime | None = None) -> SharedChat:
    """Let the student's coaches read this chat's notes (sharing twice is sharing once)."""
    ensure_owned(student, chat)
    shared, _ = SharedChat.objects.get_or_create(
        chat=chat, defaults={"owner": student, "shared_at": now or timezone.now()}
    )
    return shared


@transaction.atomic
def unshare_chat(student, chat: Chat) -> None:
    """Keep this chat's notes from the student's coaches again."""
    ensure_owned(student, chat)
    SharedChat.objects.filter(owner=student, chat=chat).delete()


def views_of(student) -> QuerySet[CoachView]:
    """The record of what coaches viewed of the student's data, newest first."""
    return CoachView.objects.filter(student=student).order_by("-at", "-pk")


# A look at the same thing by the same coach within this long of the last one recorded adds
# nothing the student does not know: a coach reloading the cohort page must not write a line per
# student each time.
SAME_VIEW_WITHIN = timedelta(hours=1)


def record_view(coach, students: Iterable, what: str, *, now: datetime | None = None) -> None:
    """Write down that ``coach`` viewed ``what`` of each of ``students``.

    A student whose record already says so, within SAME_VIEW_WITHIN before ``now``, gets no new
    line. Two queries at most whatever the number of students: which were recorded lately, and
    one insert of the rest.
    """
    at = now or timezone.now()
    students = list(students)
    recent = set(
        CoachView.objects.filter(
            student__in=[student.pk for student in students],
            coach=coach,
            what=what,
            at__gt=at - SAME_VIEW_WITHIN,
            at__lte=at,
        ).values_list("student_id", flat=True)
    )
    fresh = [student for student in students if student.pk not in recent]
    if not fresh:
        return
    coach_name = name_of(coach)[:200]
    CoachView.objects.bulk_create(
        [
            CoachView(student=student, coach=coach, coach_name=coach_name, what=what, at=at)
            for student in fresh
        ]
    )


# --- The coach's side: the cohort, a student, a shared chat -----------------------------------


@dataclass(frozen=True)
class Progress:
    """One student's aggregates, each defined in docs/coaching.md."""

    planned: int  # planned chats still to come
    held: int
    thanks_on_time: int  # thank-yous sent within 24 hours of the chat's end
    thanks_counted: int  # thank-yous sent, or unsent past their 24 hours
    outreach_due: int  # requests whose 3-day suggestion or 7-day nudge is due now
    trend: OverrunTrend | None
    referrals: int  # distinct people suggested in held chats, counted per chat

    @property
    def thanks_rate(self) -> float | None:
        return share(self.thanks_on_time, self.thanks_counted)

    @property
    def referrals_per_chat(self) -> float | None:
        return share(self.referrals, self.held)


@dataclass(frozen=True)
class Student:
    """A student who granted the coach access, with their aggregates."""

    key: uuid.UUID
    name: str
    since: datetime
    progress: Progress


def _granted_grants(coach) -> QuerySet[CoachGrant]:
    """The coach's open grants, while the coach is a coach (one query with the students)."""
    return (
        _open(CoachGrant.objects.filter(coach=coach, coach__preferences__is_coach=True))
        # The coach's own preferences too: their name goes into each student's record.
        .select_related("student", "student__preferences", "coach", "coach__preferences")
        .order_by("pk")
    )


def _granted(coach, student_key: uuid.UUID) -> CoachGrant:
    """The open grant of the student named ``student_key`` to ``coach``, read now; else NotFound.

    Every read for a coach starts here, so a revoked grant stops the very next request.
    """
    if getattr(coach, "is_authenticated", False):
        for item in _granted_grants(coach):
            if person_key(item.student) == student_key:
                return item
    raise NotFound(NO_SUCH_STUDENT)


def _progress_of(grants: Sequence[CoachGrant], now: datetime) -> dict[int, Progress]:
    """The aggregates of the grants' students in a fixed number of queries, however many."""
    ids = [item.student_id for item in grants]
    if not ids:
        return {}
    preferences = {item.student_id: _preferences(item.student) for item in grants}
    chats = _chat_counts(ids, now)
    thanks = _thank_you_counts(ids, now)
    overruns = _recent_overruns(ids, now)
    referrals = _referral_counts(ids)
    due = _outreach_due(ids, preferences, now)
    progress = {}
    for student in ids:
        planned, held = chats.get(student, (0, 0))
        on_time, counted = thanks.get(student, (0, 0))
        progress[student] = Progress(
            planned=planned,
            held=held,
            thanks_on_time=on_time,
            thanks_counted=counted,
            outreach_due=due.get(student, 0),
            trend=overrun_trend(overruns.get(student, [])),
            referrals=referrals.get(student, 0),
        )
    return progress


def _chat_counts(ids: list[int], now: datetime) -> dict[int, tuple[int, int]]:
    rows = (
        Chat.objects.filter(owner__in=ids)
        .order_by()
        .values("owner")
        .annotate(
            planned=Count("pk", filter=Q(status=Chat.Status.PLANNED, starts_at__gte=now)),
            held=Count("pk", filter=Q(status=Chat.Status.HELD)),
        )
    )
    return {row["owner"]: (row["planned"], row["held"]) for row in rows}


def _thank_you_counts(ids: list[int], now: datetime) -> dict[int, tuple[int, int]]:
    # A thank-you's due_at is the chat's end plus 24 hours (core.followups.thank_you_due). One
    # still inside its 24 hours and unsent counts neither way yet.
    rows = (
        FollowUp.objects.filter(owner__in=ids, kind=FollowUp.Kind.THANK_YOU)
        .filter(Q(sent_at__isnull=False) | Q(due_at__lte=now))
        .order_by()
        .values("owner")
        .annotate(
            counted=Count("pk"),
            on_time=Count("pk", filter=Q(sent_at__lte=F("due_at"))),
        )
    )
    return {row["owner"]: (row["on_time"], row["counted"]) for row in rows}


def _recent_overruns(ids: list[int], now: datetime) -> dict[int, list[int]]:
    """Each student's overruns of their last held chats, oldest first (as services.reflection
    picks held chats: a real clock, ended by now, latest start first)."""
    ranked = (
        Chat.objects.filter(
            owner__in=ids,
            status=Chat.Status.HELD,
            actual_start__isnull=False,
            actual_end__isnull=False,
            actual_end__lte=now,
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("owner")],
                order_by=[F("actual_start").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=2 * TREND_WINDOW)
        .order_by()
        .values_list("owner", "rank", "starts_at", "agreed_minutes", "actual_start", "actual_end")
    )
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for owner, rank, starts_at, agreed, actual_start, actual_end in ranked:
        # actual_start and actual_end are filtered non-null above.
        times = HeldTimes(starts_at, agreed, actual_start, actual_end)  # type: ignore[arg-type]
        found[owner].append((rank, reflect(times).overrun_minutes))
    return {
        owner: [minutes for _, minutes in sorted(rows, reverse=True)]
        for owner, rows in found.items()
    }


def _referral_counts(ids: list[int]) -> dict[int, int]:
    # The network's referral yield (core.network.referral_yield): distinct people each held chat
    # led to. A merge moves referrals onto the surviving contact (services.merge), so the pair
    # (chat, person) is distinct in the rows as stored.
    pair = Concat(Cast("chat_id", CharField()), Value(":"), Cast("to_contact_id", CharField()))
    rows = (
        Referral.objects.filter(owner__in=ids, chat__status=Chat.Status.HELD)
        .order_by()
        .values("owner")
        .annotate(people=Count(pair, distinct=True))
    )
    return {row["owner"]: row["people"] for row in rows}


def _outreach_due(ids: list[int], preferences: dict[int, Preferences], now: datetime) -> dict:
    """How many requests have a timer due now, per student: services.outreach_timers.due_outreach
    counted for many students in two queries instead of two a student.

    Each request's timers come from the one rule (services.outreach.timers_of, in the student's
    zone and holiday calendar); what puts a due timer aside is as in due_outreach: the request
    snoozed, its nudge put aside (dismissed, and none open) or snoozed.
    """
    requests = list(
        Outreach.objects.filter(
            owner__in=ids,
            status__in=AWAITING,
            sent_at__isnull=False,
            sent_at__lte=now - NOTHING_DUE_BEFORE,
        ).order_by("sent_at", "pk")
    )
    due = []
    for request in requests:
        timers = timers_of(request, now, preferences[request.owner_id])
        snoozed = request.snoozed_until is not None and request.snoozed_until > now
        if timers.is_due and not snoozed:
            due.append((request, timers))
    nudges = _nudges_of(ids, [request.pk for request, timers in due if timers.nudge_due])
    counts: dict[int, int] = defaultdict(int)
    for request, timers in due:
        nudge, put_aside = nudges.get(request.pk, (None, False))
        nudge_snoozed = (
            nudge is not None and nudge.snoozed_until is not None and nudge.snoozed_until > now
        )
        if timers.second_contact_due or (timers.nudge_due and not put_aside and not nudge_snoozed):
            counts[request.owner_id] += 1
    return counts


def _nudges_of(ids: list[int], request_ids: list[int]) -> dict[int, tuple[FollowUp | None, bool]]:
    """Per request: its open nudge (or None), and whether a nudge was put aside with none open."""
    if not request_ids:
        return {}
    unsent = FollowUp.objects.filter(
        owner__in=ids,
        kind=FollowUp.Kind.OUTREACH_NUDGE,
        outreach__in=request_ids,
        sent_at__isnull=True,
    ).order_by("created_at", "pk")
    return fold_nudges(unsent)


def _student(item: CoachGrant, progress: Progress) -> Student:
    return Student(person_key(item.student), name_of(item.student), item.granted_at, progress)


@transaction.atomic
def students_of(coach, *, now: datetime | None = None) -> list[Student]:
    """The coach's cohort with everyone's aggregates, by name; each view is recorded.

    A fixed number of queries whatever the number of students (a test holds it to that).
    """
    now = now or timezone.now()
    grants = list(_granted_grants(coach)) if getattr(coach, "is_authenticated", False) else []
    progress = _progress_of(grants, now)
    if grants:
        seen = [item.student for item in grants]
        record_view(grants[0].coach, seen, "your progress in their cohort", now=now)
    students = [_student(item, progress[item.student_id]) for item in grants]
    return sorted(students, key=lambda student: (student.name.casefold(), str(student.key)))


@dataclass(frozen=True)
class SharedChatRow:
    """A chat the student shared, as the coach sees it: when, how, and nothing of the person."""

    code: uuid.UUID
    starts_at: datetime
    status: str
    status_label: str
    medium_label: str
    agreed_minutes: int
    notes: int


@dataclass(frozen=True)
class StudentPage:
    student: Student
    shared: list[SharedChatRow]


def _shared_rows(chats: Iterable[Chat]) -> list[SharedChatRow]:
    return [
        SharedChatRow(
            code=chat.code,
            starts_at=chat.starts_at,
            status=chat.status,
            status_label=chat.get_status_display(),
            medium_label=chat.get_medium_display(),
            agreed_minutes=chat.agreed_minutes,
            notes=chat.note_count,  # type: ignore[attr-defined]  # annotated by _shared_chats
        )
        for chat in chats
    ]


def _shared_chats(student) -> QuerySet[Chat]:
    return (
        Chat.objects.filter(owner=student, shared__isnull=False)
        .annotate(note_count=Count("notes"))
        .order_by("-starts_at", "-pk")
    )


@transaction.atomic
def student_detail(coach, student_key: uuid.UUID, *, now: datetime | None = None) -> StudentPage:
    """One student's aggregates and the chats they shared; NotFound without an open grant."""
    now = now or timezone.now()
    item = _granted(coach, student_key)
    progress = _progress_of([item], now)[item.student_id]
    record_view(item.coach, [item.student], "your progress page", now=now)
    return StudentPage(_student(item, progress), _shared_rows(_shared_chats(item.student)))


@dataclass(frozen=True)
class SharedNote:
    kind_label: str
    kind: str
    taken_at: datetime
    text: str
    text_html: str  # sanitised when saved (services.rendering)


@dataclass(frozen=True)
class SharedChatPage:
    student_key: uuid.UUID
    student_name: str
    chat: SharedChatRow
    notes: list[SharedNote]


@transaction.atomic
def shared_chat(
    coach, student_key: uuid.UUID, chat_code: uuid.UUID, *, now: datetime | None = None
) -> SharedChatPage:
    """The notes of one chat the student shares; NotFound unless granted and shared, both now."""
    now = now or timezone.now()
    item = _granted(coach, student_key)
    chat = _shared_chats(item.student).select_related("contact").filter(code=chat_code).first()
    if chat is None:
        raise NotFound("No such shared chat.")
    notes = Note.objects.filter(owner=item.student, chat=chat).order_by("taken_at", "pk")
    shown = [
        SharedNote(note.get_kind_display(), note.kind, note.taken_at, note.text, note.text_html)
        for note in notes
    ]
    # The record names the person for the student, who knows them; the coach's page does not.
    day = format_day(chat.starts_at, zone(_preferences(item.student).time_zone))
    what = f"the notes of your chat with {chat.contact.name} on {day}"
    record_view(item.coach, [item.student], what[:_WHAT_LENGTH], now=now)
    student = item.student
    return SharedChatPage(person_key(student), name_of(student), _shared_rows([chat])[0], shown)
