"""Reminders (in Preferences): which channels reach the user, a test of each, and the record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from coffeechat.core.clock import format_clock, format_day
from coffeechat.services import reminders as service
from coffeechat.services.errors import DomainError
from coffeechat.services.mail import smtp_settings
from coffeechat.services.rate_limits import SEND, RateLimited, check_rate
from coffeechat.store.models import Reminder
from coffeechat.web.limits import limited
from coffeechat.web.reminder_forms import ReminderForm
from coffeechat.web.shortcuts import (
    allow,
    preferences_of,
    show_domain_error,
    show_form,
    user_zone,
)

CHANNELS = ("email", "push")


@dataclass(frozen=True)
class RecordRow:
    """One line of the record, in the words and the clock the user reads."""

    at: datetime
    when: str
    channel: str
    what: str
    state: str  # sent, sending or failed: for styling
    status: str


def _moment(moment: datetime, tz: ZoneInfo, clock_format: str) -> str:
    return f"{format_day(moment, tz)}, {format_clock(moment, tz, clock_format)}"


def _status(reminder: Reminder, tz: ZoneInfo, clock_format: str, now: datetime) -> str:
    if reminder.status == Reminder.Status.SENT:
        return "Sent"
    if reminder.status == Reminder.Status.CLAIMED:
        return "Sending…"
    reason = reminder.error.strip().rstrip(".") or "no reason was given"
    if reminder.next_try_at is None:
        return f"Failed: {reason}. No more tries: it is in the next digest."
    # A retry later today needs only its time; one after midnight says its day too.
    same_day = reminder.next_try_at.astimezone(tz).date() == now.astimezone(tz).date()
    at = (
        format_clock(reminder.next_try_at, tz, clock_format)
        if same_day
        else _moment(reminder.next_try_at, tz, clock_format)
    )
    return f"Failed: {reason}. Trying again at {at} (attempt {reminder.attempts + 1})."


def record_rows(reminders: list[Reminder], tz: ZoneInfo, clock_format: str) -> list[RecordRow]:
    """The record's lines: when each went (or was tried), on which channel, and how it went."""
    now = timezone.now()
    rows = []
    for reminder in reminders:
        at = reminder.sent_at or reminder.claimed_at
        rows.append(
            RecordRow(
                at=at,
                when=_moment(at, tz, clock_format),
                channel=reminder.get_channel_display(),
                what=reminder.subject or reminder.get_kind_display(),
                state={"sent": "sent", "claimed": "sending"}.get(reminder.status, "failed"),
                status=_status(reminder, tz, clock_format, now),
            )
        )
    return rows


@allow("GET", "POST")
def reminders(request):
    preferences = preferences_of(request)
    email_on = smtp_settings() is not None
    # Until the user gives one, links point where they reach the app now; the first save keeps it.
    initial = ReminderForm.initial_for(
        service.settings_of(preferences), reached_at=request.build_absolute_uri("/")
    )
    form = ReminderForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        clock_format=preferences.clock_format,
        email_on=email_on,
    )
    if form.is_bound and form.is_valid():
        try:
            service.update_reminder_settings(request.user, form.chosen())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "Saved your reminder settings.")
            return redirect("web:reminders")
    context = {
        "form": form,
        "email_on": email_on,
        "email_address": service.email_address(request.user),
        "email_was_on": not email_on and (preferences.email_digest or preferences.email_due_soon),
        "record": record_rows(
            service.recent(request.user), user_zone(request), preferences.clock_format
        ),
    }
    return show_form(request, "coffeechat/reminders.html", context)


@allow("POST")
def reminders_test(request):
    """Send one test reminder on the channel named, with the saved settings, and say how it went."""
    channel = request.POST.get("channel", "")
    back = reverse("web:reminders") + "#try"
    if channel not in CHANNELS:
        messages.error(request, "Choose what to test: an email or a push.")
        return redirect(back)
    try:
        check_rate(request.user, SEND)
    except RateLimited as error:
        # Nothing was typed for a test, so a short page that says when to try again will do.
        context = {"status": 429, "title": "Wait a little", "reason": error.message, "back": back}
        return limited(render(request, "coffeechat/errors/429.html", context), error)
    try:
        said = service.send_test(
            request.user, channel, link_address=request.build_absolute_uri("/")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, said)
    return redirect(back)
