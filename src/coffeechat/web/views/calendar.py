"""Calendar: busy calendars in, free slots for a day, chats out as .ics and a private feed."""

from __future__ import annotations

import re
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from coffeechat.core.clock import local_today, zone
from coffeechat.core.fields import DAY_RANGE, EARLIEST_DAY, LATEST_DAY, day_in_range
from coffeechat.core.ics import MAX_BYTES, too_big
from coffeechat.core.qr import is_loopback
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.calendars import (
    add_feed,
    chat_calendar,
    delete_source,
    feed_calendar,
    fetch_feed,
    free_day,
    import_file,
    owner_of_feed,
    renew_feed_token,
    revoke_feed_token,
    set_all_day_busy,
)
from coffeechat.services.errors import DomainError
from coffeechat.services.lan import lan_status
from coffeechat.services.owed import item_path
from coffeechat.store.models import CalendarSource, Chat
from coffeechat.web.calendar_forms import FeedForm, UploadForm
from coffeechat.web.shortcuts import (
    INVALID,
    allow,
    go_back,
    preferences_of,
    show_domain_error,
    user_zone,
)
from coffeechat.web.uploads import capped_upload, explain_refusal

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def feed_address(request, token: str, chat: Chat | None = None, *, base: str = "") -> str:
    """The feed's full address on this site, or one chat's under it; "" when the feed is off.

    The secret opens both without signing in, which is what a phone's calendar needs. ``base``
    (``http://host:port``) puts it under another address of the site than the page's own.
    """
    if not token:
        return ""
    if chat is None:
        path = reverse("web:calendar_feed", args=[token])
    else:
        path = reverse("web:calendar_feed_chat", args=[token, chat.code])
    return base + path if base else request.build_absolute_uri(path)


def phone_base(request) -> str:
    """Where a phone opens this site (``http://host:port``), or "" when it cannot.

    The page's own address, unless that is this computer's (127.0.0.1, localhost), which a phone
    cannot open: then the LAN address while "Use on my phone" has it on.
    """
    if not is_loopback(request.get_host()):
        return request.build_absolute_uri("/").rstrip("/")
    return lan_status().base_url


def _day_asked(request) -> date:
    today = local_today(timezone.now(), user_zone(request))
    asked = request.GET.get("day", "").strip()
    if not asked:
        return today
    try:
        day = date.fromisoformat(asked)
    except ValueError:
        messages.warning(request, f"{asked!r} is not a day such as 2026-03-02; showing today.")
        return today
    if not day_in_range(day):
        messages.warning(
            request, f"{asked} is outside the days coffeechat shows ({DAY_RANGE}); showing today."
        )
        return today
    return day


def _page(request, *, upload=None, feed=None, status: int = 200):
    day = _day_asked(request)
    sources = (
        CalendarSource.objects.for_owner(request.user)
        # Blocks of all-day events count only where the calendar says they are busy.
        .annotate(
            block_count=Count("blocks", filter=Q(blocks__all_day=False) | Q(all_day_busy=True))
        )
        .order_by("name", "pk")
    )
    feed_url = feed_address(request, preferences_of(request).calendar_token)
    free = free_day(request.user, day)
    tz = user_zone(request)
    # The plan form reads its date and time in the user's zone, so the links carry local values.
    slots = [(slot, slot.starts_at.astimezone(tz)) for slot in free.slots]
    context = {
        "free": free,
        "slots": [
            {"span": slot, "date": local.date().isoformat(), "time": f"{local:%H:%M}"}
            for slot, local in slots
        ],
        "day": day,
        # No link past the first or last day coffeechat shows.
        "previous_day": date.fromordinal(day.toordinal() - 1) if day > EARLIEST_DAY else None,
        "next_day": date.fromordinal(day.toordinal() + 1) if day < LATEST_DAY else None,
        "earliest_day": EARLIEST_DAY,
        "latest_day": LATEST_DAY,
        "contact": request.GET.get("contact", "").strip(),
        "sources": sources,
        "upload_form": upload or UploadForm(),
        "feed_form": feed or FeedForm(),
        "feed_url": feed_url,
    }
    return render(request, "coffeechat/calendar/page.html", context, status=status)


@allow("GET")
def calendar_page(request):
    return _page(request)


@capped_upload(lambda: MAX_BYTES)
@allow("POST")
def calendar_upload(request):
    form = UploadForm(request.POST, request.FILES)
    explain_refusal(request, form, too_big)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            source = import_file(
                request.user,
                upload.name,
                upload.read(),
                all_day_busy=form.cleaned_data["all_day_busy"],
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, source.report)
            return redirect("web:calendar")
    return _page(request, upload=form, status=INVALID)


@allow("POST")
def calendar_feed_add(request):
    form = FeedForm(request.POST)
    if form.is_valid():
        try:
            source = add_feed(
                request.user,
                form.cleaned_data["url"],
                form.cleaned_data["name"],
                all_day_busy=form.cleaned_data["all_day_busy"],
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            # The feed is kept even when the first fetch fails: "Fetch now" can try again.
            try:
                fetch_feed(request.user, source)
            except DomainError as error:
                messages.error(
                    request, f"Added {source.name}, but could not fetch it yet: {error.message}"
                )
            else:
                messages.success(request, f"Added {source.name}. {source.report}")
            return redirect("web:calendar")
    return _page(request, feed=form, status=INVALID)


def _source(request, code) -> CalendarSource:
    return get_object_or_404(CalendarSource.objects.for_owner(request.user), code=code)


@allow("POST")
def calendar_source_fetch(request, code):
    source = _source(request, code)
    try:
        fetch_feed(request.user, source)
    except DomainError as error:
        messages.error(request, f"{source.name} was not updated: {error.message}")
    else:
        messages.success(request, source.report)
    return redirect("web:calendar")


@allow("POST")
def calendar_source_all_day(request, code):
    source = _source(request, code)
    busy = request.POST.get("all_day_busy") == "on"
    set_all_day_busy(request.user, source, busy)
    if busy:
        messages.success(request, f"All-day events in {source.name} now count as busy.")
    else:
        messages.success(request, f"All-day events in {source.name} now count as free.")
    return redirect("web:calendar")


@allow("POST")
def calendar_source_delete(request, code):
    source = _source(request, code)
    delete_source(request.user, source)
    messages.success(request, f"Removed {source.name} and its busy blocks.")
    return redirect("web:calendar")


@allow("POST")
def calendar_token(request):
    action = request.POST.get("action")
    if action == "revoke":
        revoke_feed_token(request.user)
        messages.success(request, "Turned the feed off; its old address no longer works.")
    elif action in ("create", "regenerate"):
        renew_feed_token(request.user)
        if action == "regenerate":
            messages.success(request, "Made a new feed address; the old one no longer works.")
        else:
            messages.success(request, "Your feed address is ready; add it to your calendar app.")
    else:
        messages.error(request, "Choose to create, renew or turn off the feed.")
    # A chat page offers to turn the feed on for its QR code, and comes back to it.
    return go_back(request, reverse("web:calendar") + "#subscribe")


def _ics(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CALENDAR_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@allow("GET")
def chat_ics(request, code):
    chat = get_object_or_404(
        Chat.objects.for_owner(request.user).select_related("contact"), code=code
    )
    try:
        data = chat_calendar(request.user, chat)
    except DomainError as error:
        # A chat an older coffeechat let through in year 9999: say so on its page.
        messages.error(request, error.message)
        return redirect("web:chat", code=chat.code)
    return _ics(data, _chat_file_name(chat, user_zone(request)))


def _chat_file_name(chat: Chat, tz) -> str:
    local = chat.starts_at.astimezone(tz)
    name = slugify(chat.contact.name) or "contact"
    return f"chat-{name}-{local:%Y-%m-%d}.ics"


_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _feed_owner(token: str):
    owner = owner_of_feed(token) if _TOKEN.match(token) else None
    if owner is None:
        raise Http404("No such calendar feed.")
    return owner


def _inline_ics(data: bytes, filename: str) -> HttpResponse:
    # Inline: a phone's browser hands it to the calendar app instead of saving a file.
    response = _ics(data, filename)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Robots-Tag"] = "noindex"
    return response


# The calendar app that subscribes has no session: the secret in the address is the key.
@login_not_required
@allow("GET")
def calendar_feed(request, token):
    owner = _feed_owner(token)
    # Each deadline links to its page on the host the calendar app reached the feed on.
    data = feed_calendar(owner, link=lambda item: request.build_absolute_uri(item_path(item)))
    return _inline_ics(data, "coffeechat.ics")


# One chat under the feed's secret: what a chat page's QR code opens on a phone, signed in or not.
@login_not_required
@allow("GET")
def calendar_feed_chat(request, token, code):
    owner = _feed_owner(token)
    chat = get_object_or_404(Chat.objects.for_owner(owner).select_related("contact"), code=code)
    try:
        data = chat_calendar(owner, chat)
    except DomainError:
        raise Http404("This chat cannot go into a calendar.") from None
    tz = zone(ensure_preferences(owner).time_zone)
    return _inline_ics(data, _chat_file_name(chat, tz))
