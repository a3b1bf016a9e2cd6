"""Next steps: mine and theirs, open and done, with done, undo and a new due date."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, render

from coffeechat.services.errors import DomainError
from coffeechat.services.nextsteps import change_due, mark_done, step_lists, undo
from coffeechat.store.models import NextStep
from coffeechat.web.debrief_forms import DueForm
from coffeechat.web.shortcuts import INVALID, allow, go_back

TEMPLATE = "coffeechat/nextsteps/list.html"


def _step(request, code) -> NextStep:
    return get_object_or_404(
        NextStep.objects.for_owner(request.user).select_related("contact"), code=code
    )


def _back(request):
    """Back where the button was pressed (a chat page, say), or to the list."""
    return go_back(request, "web:next_steps")


def _page(request, *, status: int = 200, bound: DueForm | None = None, bound_step=None):
    context = {"lists": step_lists(request.user), "bound": bound, "bound_step": bound_step}
    return render(request, TEMPLATE, context, status=status)


@allow("GET")
def next_steps(request):
    return _page(request)


def _act(request, code, action, said: str):
    step = _step(request, code)
    try:
        action(request.user, step)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, said.format(text=step.text))
    return _back(request)


@allow("POST")
def step_done(request, code):
    return _act(request, code, mark_done, "Done: “{text}”.")


@allow("POST")
def step_undo(request, code):
    return _act(request, code, undo, "Open again: “{text}”.")


@allow("POST")
def step_due(request, code):
    step = _step(request, code)
    form = DueForm(request.POST, prefix=str(step.code))
    if form.is_valid():
        change_due(request.user, step, form.cleaned_data["due_on"])
        due = form.cleaned_data["due_on"]
        when = f"due {due.day} {due:%b %Y}" if due else "without a date"
        messages.success(request, f"“{step.text}” is now {when}.")
        return _back(request)
    return _page(request, status=INVALID, bound=form, bound_step=step)
