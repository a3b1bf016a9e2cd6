"""The internal-clock trainer: pick a length, start, stop when it feels done, see how close."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe

from coffeechat.core.stats import describe_seconds
from coffeechat.core.svg import Bar, bar_chart
from coffeechat.services.errors import DomainError
from coffeechat.services.trainer import (
    PRESET_MINUTES,
    TrainerRound,
    history,
    running_trial,
    start_trial,
    stop_trial,
)
from coffeechat.store.models import ClockTrial
from coffeechat.web.shortcuts import INVALID, allow
from coffeechat.web.trainer_forms import TrialForm


def _trial(request, code) -> ClockTrial:
    return get_object_or_404(ClockTrial.objects.for_owner(request.user), code=code)


def _chart(rounds: list[TrainerRound]) -> str:
    if not rounds:
        return ""
    bars = [
        Bar(
            item.point.error_percent,
            f"Round {number}, {describe_seconds(item.trial.target_seconds)}: "
            f"{_off_by(item.point.error_seconds, item.point.error_percent)}",
        )
        for number, item in enumerate(rounds, start=1)
    ]
    latest = rounds[-1].point
    description = (
        f"Your last {len(rounds)} rounds. Bars above the line: you stopped late; below: early. "
        f"The line is how far off you were over the last three rounds: now "
        f"{round(latest.trend_percent)}%."
    )
    return bar_chart(
        bars,
        title="How far off each round was, in percent of its target",
        description=description,
        id_prefix="trainer-chart",
        unit="%",
        line=[item.point.trend_percent for item in rounds],
        line_label="Off by, averaged over the last three rounds",
    )


def _off_by(error_seconds: int, error_percent: float) -> str:
    if error_seconds == 0:
        return "spot on"
    side = "late" if error_seconds > 0 else "early"
    return f"{describe_seconds(error_seconds)} {side} ({abs(round(error_percent))}%)"


def _index(request, form: TrialForm, *, status: int = 200):
    rounds = history(request.user)
    running = running_trial(request.user)
    context = {
        "form": form,
        "presets": PRESET_MINUTES,
        "running": running,
        "running_target": describe_seconds(running.target_seconds) if running else "",
        "rounds": [
            {
                "trial": item.trial,
                "target": describe_seconds(item.trial.target_seconds),
                # Rounds are finished ones (services.trainer): elapsed is set.
                "real": describe_seconds(item.trial.elapsed_seconds),  # type: ignore[arg-type]
                "off_by": _off_by(item.point.error_seconds, item.point.error_percent),
            }
            for item in reversed(rounds)
        ],
        # Built with ElementTree, which escapes every text: safe to place as markup.
        "chart": mark_safe(_chart(rounds)),
    }
    return render(request, "coffeechat/trainer/index.html", context, status=status)


@allow("GET")
def trainer(request):
    return _index(request, TrialForm())


@allow("POST")
def trial_start(request):
    form = TrialForm(request.POST)
    if form.is_valid():
        try:
            trial = start_trial(request.user, form.seconds())
        except DomainError as error:
            form.add_error("minutes", error.message)
        else:
            return redirect("web:trial", code=trial.code)
    return _index(request, form, status=INVALID)


@allow("GET")
def trial(request, code):
    trial = _trial(request, code)
    target = describe_seconds(trial.target_seconds)
    if trial.elapsed_seconds is None:
        # Nothing about time passing goes on this page: no start, no clock, no script.
        return render(
            request, "coffeechat/trainer/running.html", {"trial": trial, "target": target}
        )
    error = trial.elapsed_seconds - trial.target_seconds
    context = {
        "trial": trial,
        "target": target,
        "real": describe_seconds(trial.elapsed_seconds),
        "off_by": _off_by(error, error / trial.target_seconds * 100),
        "again_minutes": f"{Decimal(trial.target_seconds) / 60:.2f}",
    }
    return render(request, "coffeechat/trainer/result.html", context)


@allow("POST")
def trial_stop(request, code):
    trial = _trial(request, code)
    try:
        stop_trial(request.user, trial)
    except DomainError as error:
        messages.warning(request, error.message)
        if trial.elapsed_seconds is None:
            # A round that cannot be stopped (left running for hours) has nothing to show.
            return redirect("web:trainer")
    return redirect("web:trial", code=trial.code)
