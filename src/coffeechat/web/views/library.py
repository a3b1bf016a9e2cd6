"""The library: the elevator pitch, the career-change story and success stories."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from coffeechat.core import pitch as pitch_length
from coffeechat.core.stories import library_nudge
from coffeechat.services.errors import DomainError
from coffeechat.services.library import add_story, change_story, remove_story, save_pitch
from coffeechat.store.models import Pitch, Story
from coffeechat.web.forms import PitchForm, StoryForm
from coffeechat.web.shortcuts import INVALID, allow, preferences_of, show_domain_error, show_form

# Only the elevator pitch has a hard limit; the career-change story may take a minute.
LIMITS: dict[str, int] = {Pitch.Kind.ELEVATOR: pitch_length.LIMIT_SECONDS}


def _story(request, code) -> Story:
    return get_object_or_404(Story.objects.for_owner(request.user), code=code)


def _pitch_panels(request, bound: PitchForm | None = None) -> list[dict]:
    """One panel per pitch kind: its form, and the spoken length of what is saved."""
    wpm = preferences_of(request).words_per_minute
    saved = {p.kind: p.text for p in Pitch.objects.for_owner(request.user)}
    panels = []
    for kind, label in Pitch.Kind.choices:
        text = saved.get(kind, "")
        if bound is not None and bound.prefix == kind:
            form = bound
        else:
            form = PitchForm(prefix=kind, initial={"text": text})
        form.fields["text"].label = f"Your {label.lower()}"
        limit = LIMITS.get(kind)
        estimate = pitch_length.estimate(text, wpm, limit or pitch_length.LIMIT_SECONDS)
        panels.append(
            {
                "kind": kind,
                "label": label,
                "form": form,
                "estimate": estimate if text else None,
                "limit": limit,
                "warning": estimate.warning if text and limit else "",
            }
        )
    return panels


def _library_context(request, bound: PitchForm | None = None) -> dict:
    stories = list(Story.objects.for_owner(request.user).order_by("title", "pk"))
    return {
        "panels": _pitch_panels(request, bound),
        "words_per_minute": preferences_of(request).words_per_minute,
        "stories": stories,
        "nudge": library_nudge(len(stories)),
    }


@allow("GET")
def library(request):
    return render(request, "coffeechat/library/page.html", _library_context(request))


@allow("POST")
def pitch_save(request, kind):
    if kind not in Pitch.Kind.values:
        raise Http404("No such pitch.")
    form = PitchForm(request.POST, prefix=kind)
    if form.is_valid():
        try:
            save_pitch(request.user, kind, form.cleaned_data["text"])
        except DomainError as error:
            show_domain_error(form, error)
        else:
            label = Pitch.Kind(kind).label
            messages.success(request, f"Saved your {label.lower()}.")
            return redirect(reverse("web:library") + f"#{kind}")
    context = _library_context(request, bound=form)
    return render(request, "coffeechat/library/page.html", context, status=INVALID)


@allow("GET", "POST")
def story_new(request):
    form = StoryForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            story = add_story(request.user, form.details())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, f"Added “{story.title}”.")
            return redirect("web:library")
    return show_form(request, "coffeechat/library/story_form.html", {"form": form, "story": None})


@allow("GET", "POST")
def story_edit(request, code):
    story = _story(request, code)
    initial = {
        "title": story.title,
        "situation": story.situation,
        "action": story.action,
        "result": story.result,
        "tags": ", ".join(story.tags or ()),
    }
    form = StoryForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            change_story(request.user, story, form.details())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, f"Saved “{story.title}”.")
            return redirect("web:library")
    return show_form(request, "coffeechat/library/story_form.html", {"form": form, "story": story})


@allow("GET", "POST")
def story_delete(request, code):
    story = _story(request, code)
    if request.method == "POST":
        remove_story(request.user, story)
        messages.success(request, f"Deleted “{story.title}”.")
        return redirect("web:library")
    chat_count = story.chats.count()
    context = {"story": story, "chat_count": chat_count}
    return render(request, "coffeechat/library/story_delete.html", context)
