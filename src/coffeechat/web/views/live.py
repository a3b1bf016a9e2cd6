"""The live chat page: start, a calm countdown, the cues, one-tap outcomes and quick notes.

After End the same page asks how long it felt and offers the capture: what stuck, what was
agreed and who they suggested, saved as the user types (live.js posts the capture form a second
after the last key and swaps in how each line was read), with the thank-you one link away.

Every action is a real form post that redirects back to the page, so it works without
JavaScript. live.js posts the same forms with the partial header and swaps in the live panel it
gets back; a client asking for JSON gets the state as JSON instead. state.json is what live.js
polls so that two open tabs stay in step.

While the chat is planned, the page carries the live panel Start would show, inert in a
<template data-after-start>, with what live.js needs to confirm the end of a Start pressed with
no network (services.sync.start_steps); the scripts leave only the times to fill in.

Every answer carries the server's clock (the X-Coffeechat-Now header; the page itself in
data-server-now), so live.js can measure how far the device's clock is off and correct for it:
the server's clock decides when a cue comes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from coffeechat.core.live import (
    CHECK_IN_CLOSE,
    CHECK_IN_ROOM,
    CONFIRM,
    CONFIRM_CAPPED,
    NON_VERBAL,
    WRAP_UP,
    render_script,
)
from coffeechat.core.text import first_name
from coffeechat.services.capture import NothingToCapture, read_capture, save_capture
from coffeechat.services.errors import DomainError
from coffeechat.services.live import (
    LiveRefused,
    LiveState,
    end_chat,
    extend,
    live_state,
    record_felt,
    server_now,
    start_chat,
    wrap_up_now,
)
from coffeechat.services.scripts import scripts_of
from coffeechat.services.sync import MOST_ACTIONS, ChatGone, apply_actions, start_steps
from coffeechat.services.thanks import open_mailto, thank_yous_of
from coffeechat.store.models import Chat, Note
from coffeechat.store.owners import Owner
from coffeechat.web.capture_forms import CaptureForm
from coffeechat.web.forms import ExtendForm, FeltForm, NoteForm
from coffeechat.web.shortcuts import (
    INVALID,
    allow,
    save_note,
    show_domain_error,
    wants_json,
    wants_partial,
)

TEMPLATE = "coffeechat/live/page.html"
TOO_LARGE = 413
# A refusal because of the chat's state (started already, not started yet) is a conflict; a bad
# value is a plain invalid request.
CONFLICT = 409
RECENT_NOTES = 5
NOW_HEADER = "X-Coffeechat-Now"
# What live.js fills in for a Start pressed offline: the times, and the minutes they decide.
FILLED_BY_THE_PAGE = ("now", "end", "earlier_end", "minutes")
_MARK = "\x00"  # never in a script: Django's forms refuse the null character


def stamped(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Stamp the answer with the server's clock, read as it leaves."""

    @wraps(view)
    def answer(request, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response[NOW_HEADER] = server_now()
        return response

    return answer


def _chat(request, code) -> Chat:
    return get_object_or_404(
        Chat.objects.for_owner(request.user).select_related("contact"), code=code
    )


def countdown(seconds: float) -> str:
    """``19:59`` or ``1:05:00``: what is left (or how far over) as the page's clock shows it."""
    seconds = int(abs(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"


def _pieces(script: str, **known: str) -> list[tuple[str, str]]:
    """A script as (text, placeholder) pairs: ``known`` filled in, the rest left to live.js."""
    marked = {name: f"{_MARK}{name}{_MARK}" for name in FILLED_BY_THE_PAGE}
    parts = render_script(script, {**marked, **known}).split(_MARK)
    return [
        (parts[at], parts[at + 1] if at + 1 < len(parts) else "") for at in range(0, len(parts), 2)
    ]


def _running(state: LiveState) -> dict:
    """The scripts of a live chat, filled in by the server."""
    return {
        "confirms": [("", [(state.confirm_line, "")])],
        "wrap_up": [(state.wrap_up_line, "")],
        "check_ins": [(state.check_in, [(state.check_in_line, "")], [(state.non_verbal_line, "")])],
    }


def _running_offline(owner: Owner, chat: Chat, state: LiveState) -> dict:
    """The scripts a Start pressed offline shows: both confirm lines and both check-ins."""
    scripts = scripts_of(owner)
    name = first_name(chat.contact.name)
    offer = str(state.extend_minutes)
    hint = _pieces(scripts[NON_VERBAL], name=name, minutes=offer)
    return {
        "confirms": [
            ("agreed", _pieces(scripts[CONFIRM], name=name)),
            ("capped", _pieces(scripts[CONFIRM_CAPPED], name=name)),
        ],
        "wrap_up": _pieces(scripts[WRAP_UP], name=name),
        "check_ins": [
            (kind, _pieces(scripts[kind], name=name, minutes=offer), hint)
            for kind in (CHECK_IN_ROOM, CHECK_IN_CLOSE)
        ],
    }


def _context(request, chat: Chat, **extra) -> dict:
    state = live_state(request.user, chat)
    running, steps = None, ""
    if state.status == Chat.Status.LIVE:
        running = _running(state)
    elif state.phase == "ready" and not state.start_problem:
        running = _running_offline(request.user, chat, state)
        steps = json.dumps([step.as_dict() for step in start_steps(request.user, chat, state.now)])
    left = (state.target_end - state.now).total_seconds() if state.target_end else 0
    notes = (Note.objects.for_owner(request.user).filter(chat=chat).order_by("-taken_at", "-pk"))[
        :RECENT_NOTES
    ]
    # The capture comes once the chat has ended; a refused post shows its form whatever the state.
    capture_form = extra.pop("capture_form", None)
    if capture_form is None and state.status == Chat.Status.HELD:
        capture_form = CaptureForm.of(chat)
    # The way on to the thank-you, under the capture once the chat is held.
    thank_you = thank_yous_of(request.user, [chat]).get(chat.pk)
    return {
        "chat": chat,
        "state": state,
        # The real length waits for the felt one, unless the user chose to skip the question.
        "reveal": state.felt_minutes is not None or request.GET.get("reveal") == "1",
        "felt_form": extra.pop("felt_form", None) or FeltForm(),
        "note_form": extra.pop("note_form", None) or NoteForm(),
        "notes": notes,
        # Without JavaScript the clock shows what was left when the page was made.
        "countdown": countdown(left),
        "note_action": reverse("web:live_note", args=[chat.code]),
        "capture_form": capture_form,
        "capture": read_capture(request.user, chat) if capture_form is not None else None,
        "thank_you": thank_you,
        "thank_you_now": state.now,
        "thank_you_mailto": open_mailto(request.user, thank_you),
        "running": running,
        "start_steps": steps,
        # Until End, what End shows is on the page already (inert), to type into offline.
        "after_end_form": CaptureForm.of(chat) if running is not None else None,
        **extra,
    }


@allow("GET")
@stamped
def live_page(request, code):
    chat = _chat(request, code)
    piece = next(
        (name for name in ("live", "notes", "capture") if wants_partial(request, name)), ""
    )
    template = TEMPLATE + (f"#{piece}" if piece else "")
    return render(request, template, _context(request, chat))


@allow("GET")
@stamped
def live_state_json(request, code):
    chat = _chat(request, code)
    # Polled every few seconds; never cached (web.middleware.no_store), so no tab sees old state.
    return JsonResponse(live_state(request.user, chat).as_dict())


def _act(request, code, action: Callable[[Chat], object], done: str, *, form=None):
    """Run one live action and answer the way the caller asked: JSON, partial or redirect."""
    chat = _chat(request, code)
    problem = ""
    status = 200
    if form is not None and not form.is_valid():
        problem = " ".join(message for errors in form.errors.values() for message in errors)
        status = INVALID
    else:
        try:
            action(chat)
        except DomainError as error:
            problem = error.message
            status = CONFLICT if isinstance(error, LiveRefused) else INVALID
    chat = _chat(request, code)
    back = reverse("web:live", args=[chat.code])
    if wants_json(request):
        body = {"ok": not problem, "state": live_state(request.user, chat).as_dict()}
        if problem:
            body["error"] = problem
        return JsonResponse(body, status=status)
    if wants_partial(request, "live"):
        extra: dict = {"problem": problem} if problem else {"done": done}
        if problem and isinstance(form, FeltForm):
            extra["felt_form"] = form
        return render(request, TEMPLATE + "#live", _context(request, chat, **extra), status=status)
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, done)
    return redirect(back)


@allow("POST")
@stamped
def live_start(request, code):
    return _act(request, code, lambda chat: start_chat(request.user, chat), "Started. Say it now.")


@allow("POST")
@stamped
def live_extend(request, code):
    form = ExtendForm(request.POST)

    def action(chat: Chat) -> None:
        extend(request.user, chat, form.cleaned_data["who"], form.cleaned_data["minutes"])

    return _act(request, code, action, "Extension recorded.", form=form)


@allow("POST")
@stamped
def live_wrap(request, code):
    return _act(request, code, lambda chat: wrap_up_now(request.user, chat), "Wrapping up now.")


@allow("POST")
@stamped
def live_end(request, code):
    return _act(request, code, lambda chat: end_chat(request.user, chat), "Ended.")


@allow("POST")
@stamped
def live_felt(request, code):
    form = FeltForm(request.POST)

    def action(chat: Chat) -> None:
        record_felt(request.user, chat, form.cleaned_data["minutes"])

    return _act(request, code, action, "Thanks. Here is how long it really took.", form=form)


@allow("POST")
@stamped
def live_note(request, code):
    chat = _chat(request, code)
    return save_note(
        request,
        contact=chat.contact,
        chat=chat,
        template=TEMPLATE,
        context_for=lambda form, **extra: _context(request, chat, note_form=form, **extra),
        back_to=reverse("web:live", args=[chat.code]),
    )


@allow("POST")
@stamped
def live_capture(request, code):
    """Keep the capture as typed; live.js gets the capture piece back, a plain post a redirect."""
    chat = _chat(request, code)
    form = CaptureForm(request.POST)
    status = INVALID
    if form.is_valid():
        try:
            save_capture(request.user, chat, **form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
            if isinstance(error, NothingToCapture):
                status = CONFLICT
        else:
            if wants_partial(request, "capture"):
                chat = _chat(request, code)
                return render(
                    request, TEMPLATE + "#capture", _context(request, chat, capture_saved=True)
                )
            messages.success(request, "Saved.")
            return redirect(reverse("web:live", args=[chat.code]) + "#capture")
    piece = "#capture" if wants_partial(request, "capture") else ""
    return render(
        request, TEMPLATE + piece, _context(request, chat, capture_form=form), status=status
    )


@allow("POST")
@stamped
def live_sync(request, code):
    """Take what the phone kept while offline; answer each action and give the fresh state.

    A chat that is gone (deleted on another device, or never this user's) answers 404 in JSON,
    so the phone can say so and keep its notes on screen to copy.
    """
    chat = Chat.objects.for_owner(request.user).select_related("contact").filter(code=code).first()
    if chat is None:
        return JsonResponse({"gone": True, "error": ChatGone().message}, status=404)
    try:
        sent = json.loads(request.body)
    except RequestDataTooBig:
        return JsonResponse(
            {"error": f"That was too much to send at once; send at most {MOST_ACTIONS} actions."},
            status=TOO_LARGE,
        )
    except (ValueError, UnicodeDecodeError):
        return JsonResponse(
            {"error": "This sync could not be read: send the actions as JSON."}, status=INVALID
        )
    if not isinstance(sent, dict) or "actions" not in sent:
        return JsonResponse(
            {"error": "This sync could not be read: send the actions as a list."}, status=INVALID
        )
    try:
        answers = apply_actions(request.user, chat, sent["actions"])
    except ChatGone as error:
        return JsonResponse({"gone": True, "error": error.message}, status=404)
    except DomainError as error:
        return JsonResponse({"error": error.message}, status=INVALID)
    chat = _chat(request, code)
    return JsonResponse(
        {
            "answers": [answer.as_dict() for answer in answers],
            "state": live_state(request.user, chat).as_dict(),
        }
    )
