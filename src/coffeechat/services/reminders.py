"""Reminders that reach the user: the daily digest, due-soon emails and pushes, sent once each.

``remind()`` is the whole of a run, for ``coffeechat remind``, for ``coffeechat serve`` every
few minutes and for a server's timer. It reads what is owed from the one rule
(``services.owed.owed``), asks ``core.reminders.plan`` which reminders should exist by now, and
sends each one that no run has sent on that channel. The claim is a row (``Reminder``) inserted
before sending, whose unique key refuses a second: two runs at once, or one run repeated, never
send the same reminder twice. A failed reminder waits longer after each failure; a claim left by
a run that died is taken again after a lease, so nothing is lost.

In server mode one run serves every user who turned a channel on, in bounded batches; each user
is taken for the run by a short lease on their preferences, so runs on several app servers at
once share the users between them.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import formataddr
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from coffeechat.core import compose
from coffeechat.core import reminders as plans
from coffeechat.core.clock import format_clock, format_day, local_today, zone
from coffeechat.core.fields import is_email
from coffeechat.core.followups import describe_left
from coffeechat.core.text import counted, shorten
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.errors import DomainError, InvalidInput
from coffeechat.services.mail import deliver, explain, message_id_domain, smtp_settings
from coffeechat.store.models import Preferences, Reminder
from coffeechat.store.owners import Owner

log = logging.getLogger(__name__)

# Users served per batch in server mode: each batch reads its preferences in one query.
BATCH = 200
# How long one run holds a user: longer than a run takes for one user, short enough that a
# run that died does not hold them for long.
BUSY_FOR = timedelta(minutes=5)
# The record on the reminders page.
RECENT = 20
# A push shows a line or two: a draft's subject or opening, cut to this many characters.
PUSH_TEXT = 140
# Until the user gives the address they reach the app at, links point at the usual local one.
DEFAULT_LINK_ADDRESS = "http://127.0.0.1:8000/"
NOT_SENT_BY_EMAIL = (
    "Sending email is not set up here: set COFFEECHAT_SMTP_HOST and COFFEECHAT_SMTP_FROM "
    "(see docs/configuration.md), or turn email reminders off."
)


@dataclass(frozen=True)
class ReminderSettings:
    """What the reminders page lets a user set (see Preferences for each field's meaning)."""

    email_digest: bool = False
    email_due_soon: bool = False
    digest_hour: int = 8
    push_url: str = ""
    quiet_from: int | None = None
    quiet_until: int | None = None
    link_address: str = ""


def settings_of(preferences: Preferences) -> ReminderSettings:
    return ReminderSettings(
        email_digest=preferences.email_digest,
        email_due_soon=preferences.email_due_soon,
        digest_hour=preferences.digest_hour,
        push_url=preferences.push_url,
        quiet_from=preferences.quiet_from,
        quiet_until=preferences.quiet_until,
        link_address=preferences.link_address,
    )


def channels_of(preferences: Preferences) -> plans.Channels:
    """The plan's view of the user's reminder settings."""
    return plans.Channels(
        time_zone=zone(preferences.time_zone),
        email_digest=preferences.email_digest,
        email_due_soon=preferences.email_due_soon,
        push=bool(preferences.push_url),
        digest_hour=preferences.digest_hour,
        quiet_from=preferences.quiet_from,
        quiet_until=preferences.quiet_until,
    )


def check_link_address(address: str) -> str:
    """The web address reminders link to, tidied to end in "/", or InvalidInput."""
    address = address.strip()
    if not address:
        return ""
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(
            "Give the address you open coffeechat at, starting with https:// or http://, such "
            "as https://coffeechat.example.org/.",
            field="link_address",
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InvalidInput(
            "Give the address without a user name, password, ? or #: the one in your browser's "
            "address bar on coffeechat's home page.",
            field="link_address",
        )
    return address if address.endswith("/") else address + "/"


def email_address(owner: Owner) -> str:
    """Where email reminders go: the user's own address (Preferences), else their account's."""
    preferences = ensure_preferences(owner)
    for address in (preferences.your_email.strip(), (owner.email or "").strip()):
        if is_email(address):
            return address
    return ""


@transaction.atomic
def update_reminder_settings(owner: Owner, chosen: ReminderSettings) -> Preferences:
    """Save the owner's reminder settings after checking each, in plain words when one is wrong."""
    from coffeechat.services.push import check_push_url

    if not 0 <= chosen.digest_hour <= 23:
        raise InvalidInput("Choose an hour from 0 to 23 for the digest.", field="digest_hour")
    quiet = (chosen.quiet_from, chosen.quiet_until)
    if (quiet[0] is None) != (quiet[1] is None):
        raise InvalidInput(
            "Give both ends of the quiet hours, or neither.",
            field="quiet_until" if quiet[1] is None else "quiet_from",
        )
    for name, hour in (("quiet_from", quiet[0]), ("quiet_until", quiet[1])):
        if hour is not None and not 0 <= hour <= 23:
            raise InvalidInput("Choose an hour from 0 to 23.", field=name)
    if quiet[0] is not None and quiet[0] == quiet[1]:
        raise InvalidInput(
            "Quiet hours that start and end at the same hour are no quiet hours; choose two "
            "different hours, or leave both empty.",
            field="quiet_until",
        )
    push_url = check_push_url(chosen.push_url) if chosen.push_url.strip() else ""
    link_address = check_link_address(chosen.link_address)
    if chosen.email_digest or chosen.email_due_soon:
        if smtp_settings() is None:
            raise InvalidInput(NOT_SENT_BY_EMAIL, field="email_digest")
        if not email_address(owner):
            raise InvalidInput(
                "Give your email address under You in Preferences first: email reminders go there.",
                field="email_digest",
            )
    preferences = ensure_preferences(owner)
    preferences.email_digest = chosen.email_digest
    preferences.email_due_soon = chosen.email_due_soon
    preferences.digest_hour = chosen.digest_hour
    preferences.push_url = push_url
    preferences.quiet_from, preferences.quiet_until = quiet
    preferences.link_address = link_address
    preferences.save()
    return preferences


def recent(owner: Owner, limit: int = RECENT) -> list[Reminder]:
    """The latest reminders sent, failing or being sent, newest first (for the record)."""
    return list(
        Reminder.objects.for_owner(owner)
        .exclude(status=Reminder.Status.SKIPPED)
        .order_by("-claimed_at", "-pk")[:limit]
    )


# --- A run -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One reminder a run dealt with: sent, failed (and when it is tried again) or only listed."""

    who: str  # the user's account name, for a run that serves several
    channel: str
    kind: str
    subject: str
    status: str  # "sent", "failed", "skipped" (a digest with nothing in it) or "would send"
    error: str = ""
    next_try_at: datetime | None = None
    items: int = 0


@dataclass
class Report:
    """What a run did, for ``coffeechat remind`` to print."""

    outcomes: list[Outcome] = field(default_factory=list)
    users: int = 0
    busy: int = 0  # users another run was serving

    @property
    def failed(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]


@dataclass(frozen=True)
class Message:
    """A reminder ready to go: the email's subject and text, or the push's title and line."""

    subject: str
    text: str
    click: str = ""  # the item's page (a push opens it when tapped)
    snooze_url: str = ""  # for a single item: its "snooze a day" link


def remind(
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    owner: Owner | None = None,
    link_address: str = "",
    batch: int = BATCH,
) -> Report:
    """Send every reminder due by ``now`` that no run has sent on its channel; list them with
    ``dry_run``. ``owner`` limits the run to one user (local mode has only one); otherwise
    every user with a channel on is served, ``batch`` at a time. ``link_address`` is where links
    point when the user has not set theirs (``coffeechat serve`` passes its own address)."""
    now = now or timezone.now()
    report = Report()
    for preferences in _users(owner, batch):
        if not channels_of(preferences).any:
            continue
        report.users += 1
        if dry_run:
            _serve_user(preferences, now, report, dry_run=True, link_address=link_address)
            continue
        if not _take(preferences, now):
            report.busy += 1
            continue
        try:
            _serve_user(preferences, now, report, dry_run=False, link_address=link_address)
        finally:
            _release(preferences, now)
    return report


def _users(owner: Owner | None, batch: int) -> Iterator[Preferences]:
    """The users to serve, ``batch`` preferences per query, in a stable order."""
    if owner is not None:
        yield ensure_preferences(owner)
        return
    wanted = (
        Preferences.objects.filter(Q(email_digest=True) | Q(email_due_soon=True) | ~Q(push_url=""))
        .select_related("owner")
        .order_by("pk")
    )
    after = 0
    while True:
        rows = list(wanted.filter(pk__gt=after)[:batch])
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1].pk


def _take(preferences: Preferences, now: datetime) -> bool:
    """Hold the user for this run, unless another run holds them (one UPDATE: the database
    decides between runs on several servers)."""
    free = Q(reminders_busy_until__isnull=True) | Q(reminders_busy_until__lte=now)
    taken = Preferences.objects.filter(free, pk=preferences.pk).update(
        reminders_busy_until=now + BUSY_FOR
    )
    return taken == 1


def _release(preferences: Preferences, now: datetime) -> None:
    Preferences.objects.filter(pk=preferences.pk, reminders_busy_until=now + BUSY_FOR).update(
        reminders_busy_until=None
    )


def _dues(owing) -> list[plans.Due]:
    """What is owed with a date, as the plan sees it."""
    from coffeechat.services.owed import item_key

    dues = []
    for item in owing.open_items:
        key = item_key(item)
        if item.due_at is None or key is None:
            continue
        dues.append(
            plans.Due(
                key=key,
                due_at=item.due_at,
                is_thank_you=item.kind == "thank_you",
                snoozed_until=_snoozed_until(item),
                item=item,
            )
        )
    return dues


def _snoozed_until(item) -> datetime | None:
    """When the snooze that last put the item off ended (its new turn began), if it had one."""
    if item.request is not None:
        return item.request.outreach.snoozed_until
    if item.follow_up is not None:
        return item.follow_up.snoozed_until
    if item.step is not None:
        return item.step.snoozed_until
    if item.kind == "cadence":
        return item.contact.reminders_snoozed_until
    return None


def _serve_user(
    preferences: Preferences, now: datetime, report: Report, *, dry_run: bool, link_address: str
) -> None:
    from coffeechat.services.owed import owed

    owner = preferences.owner
    owing = owed(owner, now=now)
    links = Links(preferences.link_address or link_address or DEFAULT_LINK_ADDRESS, owner, now)
    for out in plans.plan(_dues(owing), channels_of(preferences), now):
        if dry_run:
            if _taken(owner, out, now).exists():
                continue
            message = compose_reminder(out, preferences, now, links.without_snooze())
            status = "skipped" if out.kind == plans.DIGEST and not out.items else "would send"
            report.outcomes.append(
                Outcome(
                    owner.get_username(),
                    out.channel,
                    out.kind,
                    message.subject,
                    status,
                    items=len(out.items),
                )
            )
            continue
        row = _claim(owner, out, now)
        if row is None:
            continue
        report.outcomes.append(_send(row, out, preferences, now, links))


def _claim(owner: Owner, out: plans.Outgoing, now: datetime) -> Reminder | None:
    """This run's claim on one reminder, or None when another run has it or sent it.

    A new reminder is claimed by inserting its row: the unique key lets one insert win. A failed
    one whose wait is over, or a claim whose run died, is claimed by one conditional UPDATE.
    """
    try:
        with transaction.atomic():
            return Reminder.objects.create(
                owner=owner, key=out.key, channel=out.channel, kind=out.kind, claimed_at=now
            )
    except IntegrityError:
        pass
    mine = _rows(owner, out)
    if mine.filter(_again(now)).update(status=Reminder.Status.CLAIMED, claimed_at=now) != 1:
        return None
    return mine.get()


def _rows(owner: Owner, out: plans.Outgoing):
    return Reminder.objects.for_owner(owner).filter(key=out.key, channel=out.channel)


def _again(now: datetime) -> Q:
    """Rows a run may take again: a failure whose wait is over, a claim whose run died."""
    return Q(status=Reminder.Status.FAILED, next_try_at__lte=now) | Q(
        status=Reminder.Status.CLAIMED, claimed_at__lte=now - plans.CLAIM_LEASE
    )


def _taken(owner: Owner, out: plans.Outgoing, now: datetime):
    """The reminder's row when no run may send it now (sent, waiting, or being sent)."""
    return _rows(owner, out).exclude(_again(now))


def _send(
    row: Reminder, out: plans.Outgoing, preferences: Preferences, now: datetime, links: Links
) -> Outcome:
    owner = preferences.owner
    if out.kind == plans.DIGEST and not out.items:
        # Nothing due today: no email, and no second look at today's digest.
        _finish(row, now, subject="Nothing due today", skipped=True)
        return Outcome(owner.get_username(), out.channel, out.kind, "Nothing due today", "skipped")
    message = compose_reminder(out, preferences, now, links.for_reminder(row))
    try:
        if out.channel == plans.EMAIL:
            _send_email(owner, message, now)
        else:
            _send_push(preferences, message)
    except DomainError as error:
        attempts = row.attempts + 1
        retry = now + plans.retry_wait(attempts)
        # Past the point where the plan stops offering it, there is no next try to promise.
        next_try = retry if _still_planned(out, preferences, retry) else None
        Reminder.objects.filter(pk=row.pk).update(
            status=Reminder.Status.FAILED,
            subject=message.subject[:300],
            attempts=attempts,
            next_try_at=next_try,
            error=error.message,
        )
        log.warning("Reminder %s (%s) failed: %s", row.key, row.channel, error.message)
        return Outcome(
            owner.get_username(),
            out.channel,
            out.kind,
            message.subject,
            "failed",
            error=error.message,
            next_try_at=next_try,
            items=len(out.items),
        )
    _finish(row, now, subject=message.subject)
    return Outcome(
        owner.get_username(), out.channel, out.kind, message.subject, "sent", items=len(out.items)
    )


def _still_planned(out: plans.Outgoing, preferences: Preferences, moment: datetime) -> bool:
    """Whether a run at ``moment`` would still offer this reminder (quiet hours aside)."""
    if out.kind == plans.DIGEST:
        assert out.day is not None
        return local_today(moment, zone(preferences.time_zone)) == out.day
    due = out.items[0]
    starts = plans.turn_starts(due, channels_of(preferences))
    if out.kind == plans.DUE_SOON and moment >= due.due_at:
        return False
    return moment < starts + plans.STALE_AFTER


def _finish(row: Reminder, now: datetime, *, subject: str, skipped: bool = False) -> None:
    """Record the reminder as sent (or, for an empty digest, as nothing to send)."""
    status = Reminder.Status.SKIPPED if skipped else Reminder.Status.SENT
    Reminder.objects.filter(pk=row.pk).update(
        status=status, subject=subject[:300], sent_at=now, next_try_at=None, error=""
    )


def _send_email(owner: Owner, message: Message, now: datetime) -> None:
    config = smtp_settings()
    if config is None:
        raise ReminderFailed(NOT_SENT_BY_EMAIL)
    to_addr = email_address(owner)
    if not to_addr:
        raise ReminderFailed(
            "There is no email address to send reminders to: give yours in Preferences, under You."
        )
    try:
        payload = compose.build_message(
            formataddr(("coffeechat", _bare(config.from_addr))),
            to_addr,
            message.subject,
            message.text,
            now,
            message_id_domain(config.from_addr),
        )
    except compose.MessageError as error:
        raise ReminderFailed(str(error)) from None
    try:
        deliver(config, to_addr, payload)
    except (smtplib.SMTPException, OSError) as error:
        raise ReminderFailed(explain(error, config, after=RETRIED)) from None


def _bare(from_addr: str) -> str:
    return from_addr.rsplit("<", 1)[-1].rstrip(">").strip()


def _send_push(preferences: Preferences, message: Message) -> None:
    from coffeechat.services.push import Push, PushFailed, send_push

    try:
        send_push(
            preferences.push_url,
            Push(
                title=message.subject,
                message=message.text,
                click=message.click,
                snooze_url=message.snooze_url,
            ),
        )
    except PushFailed as error:
        raise ReminderFailed(error.message) from None


class ReminderFailed(DomainError):
    """A reminder could not be sent; the message says why, for the user's record."""


# Ends an explanation of a failed email: the run's own next try is said in the record.
RETRIED = ""


# --- Links and words ---------------------------------------------------------------------------


class Links:
    """Web addresses in a reminder: each item's page, and its one-time "snooze a day" link."""

    def __init__(self, base: str, owner: Owner, now: datetime, reminder: Reminder | None = None):
        self.base, self.owner, self.now, self.reminder = base.rstrip("/"), owner, now, reminder
        self.snoozing = True

    def without_snooze(self) -> Links:
        """For a dry run: no snooze link is made (each one is a row that works once)."""
        links = Links(self.base, self.owner, self.now)
        links.snoozing = False
        return links

    def for_reminder(self, row: Reminder) -> Links:
        return Links(self.base, self.owner, self.now, reminder=row)

    def at(self, path: str) -> str:
        return self.base + path

    def page(self, due: plans.Due) -> str:
        from coffeechat.services.owed import item_path

        return self.at(item_path(due.item))

    def snooze(self, due: plans.Due) -> str:
        if not self.snoozing:
            return ""
        from coffeechat.services.snooze_links import issue_snooze_link, snooze_link_path

        token = issue_snooze_link(self.owner, due.key, reminder=self.reminder, now=self.now)
        return self.at(snooze_link_path(token))

    def settings(self) -> str:
        return self.at(reverse("web:reminders"))


def _when(due: plans.Due, now: datetime, tz, clock_format: str) -> str:
    """When the item is due, as a person says it: "due by 14:30 today (2 h 50 min left)"."""
    item = due.item
    left = describe_left(int((due.due_at - now).total_seconds()))
    # A step is due on a day, not at the midnight that ends it.
    by_day = item.step is not None and item.follow_up is None and item.request is None
    today = local_today(now, tz)
    local_day = local_today(due.due_at, tz)
    if by_day:
        day = item.step.due_on or local_day
        if day == today:
            return "due today"
        return f"was due {format_day(day)}" if day < today else f"due {format_day(day)}"
    clock = format_clock(due.due_at, tz, clock_format)
    if due.due_at < now:
        return f"was due {format_day(local_day)}, {clock} ({left})"
    day = "today" if local_day == today else format_day(local_day)
    return f"due by {clock} {day} ({left})"


def _line(due: plans.Due, now: datetime, tz, clock_format: str) -> str:
    from coffeechat.services.owed import item_summary

    return f"{item_summary(due.item)}: {_when(due, now, tz, clock_format)}"


def compose_reminder(
    out: plans.Outgoing, preferences: Preferences, now: datetime, links: Links
) -> Message:
    """The words of one reminder, in the user's zone and clock; what is sent is what this says."""
    tz = zone(preferences.time_zone)
    clock_format = preferences.clock_format
    footer = f"Change or stop these reminders: {links.settings()}"
    if out.kind == plans.DIGEST:
        return _digest(out, now, tz, clock_format, links, footer)
    due = out.items[0]
    from coffeechat.services.owed import item_summary

    summary = item_summary(due.item)
    when = _when(due, now, tz, clock_format)
    page, snooze = links.page(due), links.snooze(due)
    if out.channel == plans.PUSH:
        text = when[:1].upper() + when[1:] + "."
        if due.item.text and due.item.kind not in ("step", "promise", "outreach"):
            # What the message is about; a step's own words are in the summary already.
            text += "\n" + shorten(due.item.text, PUSH_TEXT)
        return Message(subject=summary, text=text, click=page, snooze_url=snooze)
    lines = [f"Your {summary[:1].lower()}{summary[1:]} is {when}."]
    if due.is_thank_you:
        lines.append("A short, specific note within the day is the one they remember.")
    lines += ["", f"Write it: {page}"]
    if snooze:
        lines.append(f"Snooze it a day: {snooze}")
    lines += ["", footer]
    return Message(subject=f"{summary}: {when}", text="\n".join(lines), click=page)


def _digest(out: plans.Outgoing, now: datetime, tz, clock_format: str, links: Links, footer: str):
    assert out.day is not None
    overdue = [due for due in out.items if due.due_at < now]
    today = [due for due in out.items if due.due_at >= now]
    count = counted(len(out.items), "thing")
    subject = f"coffeechat: {count} due today"
    if overdue:
        subject += f" ({len(overdue)} overdue)"
    lines = [f"What is due by the end of today, {format_day(out.day)}:"]
    for title, dues in (("Overdue", overdue), ("Due today", today)):
        if not dues:
            continue
        lines += ["", title]
        for due in dues:
            lines.append(f"* {_line(due, now, tz, clock_format)}")
            lines.append(f"  Open: {links.page(due)}")
            snooze = links.snooze(due)
            if snooze:
                lines.append(f"  Snooze a day: {snooze}")
    lines += ["", footer]
    return Message(subject=subject, text="\n".join(lines), click=links.at("/"))


def send_test(
    owner: Owner, channel: str, *, link_address: str = "", now: datetime | None = None
) -> str:
    """Send a test reminder on ``channel`` now; say where it went, or raise ReminderFailed."""
    now = now or timezone.now()
    preferences = ensure_preferences(owner)
    links = Links(preferences.link_address or link_address or DEFAULT_LINK_ADDRESS, owner, now)
    subject = "coffeechat: a test reminder"
    if channel == plans.EMAIL:
        text = (
            "This is how coffeechat's reminders reach you: a digest each morning you chose, and "
            "a note a few hours before a thank-you is due.\n\n"
            f"Change or stop these reminders: {links.settings()}"
        )
        _send_email(owner, Message(subject, text), now)
        return f"A test email went to {email_address(owner)}."
    if not preferences.push_url:
        raise ReminderFailed("Give a push topic address and save it first.")
    _send_push(
        preferences,
        Message(subject, "Reminders will come here.", click=links.at("/")),
    )
    # The host only: the topic's name is its secret (and the address may carry a token).
    return f"A test push went to your topic at {urlsplit(preferences.push_url).hostname}."
