"""The funnel from a request for a chat to an opportunity, counted in people.

Everyone the user has written to enters the funnel once, at "Outreach". From there each person
goes as far as they went: they replied, they had a chat, they referred the user on, an
opportunity came through them. A later stage implies the earlier ones (someone who met the user
for a chat did answer, even if the reply was never recorded), so a person is counted at every
stage up to the furthest they reached, and the funnel never widens from one stage to the next.

Pure: callers pass each person's furthest stage; this module counts, works out the conversion
rates and draws the picture (on the conventions of ``core.svg``: ElementTree, CSS classes, a
title and description for screen readers).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum

from coffeechat.core.svg import SVG_NS, _element, _number
from coffeechat.core.text import counted


class Stage(IntEnum):
    """The stages in order; a person's furthest stage is one of these."""

    OUTREACH = 0
    REPLY = 1
    CHAT = 2
    REFERRAL = 3
    OPPORTUNITY = 4

    @property
    def label(self) -> str:
        """The stage's name as a page shows it: ``Reply``."""
        return self.name.capitalize()

    @property
    def people(self) -> str:
        """Who a stage counts, as words that follow "people who": ``replied``."""
        return _PEOPLE[self]


STAGES = tuple(Stage)
_PEOPLE = {
    Stage.OUTREACH: "you wrote to",
    Stage.REPLY: "replied",
    Stage.CHAT: "had a chat with you",
    Stage.REFERRAL: "referred you on",
    Stage.OPPORTUNITY: "led to an opportunity",
}


def furthest_stage(
    *, replied: bool = False, chatted: bool = False, referred: bool = False, credited: bool = False
) -> Stage:
    """The furthest stage reached by someone the user wrote to, from what is known of them."""
    if credited:
        return Stage.OPPORTUNITY
    if referred:
        return Stage.REFERRAL
    if chatted:
        return Stage.CHAT
    if replied:
        return Stage.REPLY
    return Stage.OUTREACH


def rate(part: int, whole: int) -> float | None:
    """``part`` as a share of ``whole`` (0 to 1), or None when there is no whole to share."""
    if whole <= 0:
        return None
    return part / whole


def percent(share: float | None) -> str:
    """A share as a whole percentage (``40%``); ``—`` when there is none; ``<1%`` for a trace."""
    if share is None:
        return "—"
    whole = round(share * 100)
    if whole == 0 and share > 0:
        return "<1%"
    return f"{whole}%"


@dataclass(frozen=True)
class Step:
    """One stage of a funnel: how many people reached it, out of the stage before and the top."""

    stage: Stage
    people: int
    previous: int  # the count of the stage before (the top's own count for Outreach)
    outreach: int  # how many people were written to

    @property
    def label(self) -> str:
        return self.stage.label

    @property
    def of_previous(self) -> float | None:
        """The share of the stage before; None for Outreach, or when the one before is empty."""
        if self.stage == Stage.OUTREACH:
            return None
        return rate(self.people, self.previous)

    @property
    def of_outreach(self) -> float | None:
        """The share of everyone written to; None when nobody was."""
        return rate(self.people, self.outreach)

    @property
    def of_previous_text(self) -> str:
        return percent(self.of_previous)

    @property
    def of_outreach_text(self) -> str:
        return percent(self.of_outreach)

    @property
    def spoken(self) -> str:
        """The stage as one sentence for a screen reader: ``Reply: 12 of 30 people, 40%``."""
        if self.stage == Stage.OUTREACH:
            return f"{self.label}: you wrote to {_people(self.people)}"
        text = f"{self.label}: {self.people} of {_people(self.outreach)}, {self.of_outreach_text}"
        if self.stage == Stage.REPLY:
            return text
        before = Stage(self.stage - 1)
        return f"{text} ({self.of_previous_text} of those who {before.people})"


def _people(count: int) -> str:
    return counted(count, "person", "people")


@dataclass(frozen=True)
class Funnel:
    """How many people reached each stage, Outreach first; never wider than the stage before."""

    counts: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.counts) != len(STAGES):
            raise ValueError(f"a funnel has {len(STAGES)} counts, one per stage")
        if any(count < 0 for count in self.counts):
            raise ValueError("a funnel counts people: no negative counts")
        if any(
            later > earlier for earlier, later in zip(self.counts, self.counts[1:], strict=False)
        ):
            raise ValueError("a funnel never widens from one stage to the next")

    @classmethod
    def empty(cls) -> Funnel:
        """A funnel with nobody in it."""
        return cls((0,) * len(STAGES))

    @property
    def outreach(self) -> int:
        """How many people the user wrote to: the funnel's width at the top."""
        return self.counts[Stage.OUTREACH]

    @property
    def is_empty(self) -> bool:
        return self.outreach == 0

    def count(self, stage: Stage) -> int:
        """How many people reached ``stage`` (or a later one)."""
        return self.counts[stage]

    def conversion(self, start: Stage, end: Stage) -> float | None:
        """The share of the people at ``start`` who reached ``end``; None when ``start`` is 0."""
        if end < start:
            raise ValueError("a conversion runs from an earlier stage to a later one")
        return rate(self.counts[end], self.counts[start])

    @property
    def steps(self) -> tuple[Step, ...]:
        """Each stage with its count and its rates, Outreach first."""
        return tuple(
            Step(stage, self.counts[stage], self.counts[max(stage - 1, 0)], self.outreach)
            for stage in STAGES
        )

    @property
    def outreach_to_chat(self) -> str:
        """The headline conversion, from a request to a chat, as text (``25%`` or ``—``)."""
        return percent(self.conversion(Stage.OUTREACH, Stage.CHAT))

    def __add__(self, other: Funnel) -> Funnel:
        return Funnel(tuple(a + b for a, b in zip(self.counts, other.counts, strict=True)))


def funnel_from(furthest: Iterable[int]) -> Funnel:
    """The funnel of people whose furthest stages are ``furthest`` (one value per person)."""
    return funnel_from_counts((value, 1) for value in furthest)


def funnel_from_counts(stopped: Iterable[tuple[int, int]]) -> Funnel:
    """The funnel of people counted by furthest stage: (stage, how many stopped there) pairs.

    A grouped query gives these; a stage may come more than once (once per organisation), and
    its counts add up.
    """
    reached = [0] * len(STAGES)
    for value, people in stopped:
        reached[Stage(value)] += people  # refuses anything that is not a stage
    # Each stage counts everyone who got at least that far.
    counts = []
    running = 0
    for stage in reversed(STAGES):
        running += reached[stage]
        counts.append(running)
    return Funnel(tuple(reversed(counts)))


# The picture. Drawn on a narrow canvas like core.svg's charts; a phone 375 px wide shows it a
# little smaller than drawn, so 13 px labels read at about 12 px.
WIDTH = 360
PAD = 4
ROW = 50  # one stage in the full picture: a label line, then its bar
BAR = 20
COMPACT_ROW = 26  # one stage in the compact picture: label, bar and numbers on one line
COMPACT_LABEL = 96  # room for "Opportunity" at the left of a compact row
COMPACT_VALUE = 84  # room for "123 · 100%" at the right of a compact row
MIN_BAR = 2.0  # an empty stage still shows as a sliver, so the row does not look missing


def _value(step: Step) -> str:
    if step.stage == Stage.OUTREACH:
        return _people(step.people)
    return f"{step.people} · {step.of_outreach_text}"


def funnel_picture(funnel: Funnel, *, title: str, id_prefix: str, compact: bool = False) -> str:
    """The funnel as SVG text: one bar per stage, each as wide as its share of the first.

    The full picture centres the bars so they narrow like a funnel, with each stage's name and
    numbers above its bar; the compact one puts name, bar and numbers on one line. The
    description reads every stage out, so a screen reader hears the whole funnel.
    """
    steps = funnel.steps
    row = COMPACT_ROW if compact else ROW
    height = row * len(steps) + PAD
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": f"0 0 {WIDTH} {height}",
            "class": "funnel funnel--compact" if compact else "funnel",
            "role": "img",
            "aria-labelledby": f"{title_id} {desc_id}",
            "font-size": "13",
            # Colours come from the page's CSS; without it, bars and text take the text colour.
            "fill": "currentColor",
        },
    )
    _element(root, "title", title, id=title_id)
    _element(root, "desc", ". ".join(step.spoken for step in steps) + ".", id=desc_id)
    # The width a bar of everyone written to takes.
    room = WIDTH - 2 * PAD - (COMPACT_LABEL + COMPACT_VALUE if compact else 0)
    for index, step in enumerate(steps):
        top = PAD + index * row
        share = step.of_outreach or 0.0
        width = max(room * share, MIN_BAR)
        group = _element(
            root, "g", **{"class": f"funnel__stage funnel__stage--{step.stage.name.lower()}"}
        )
        _element(group, "title", step.spoken)
        if compact:
            middle = top + row / 2
            _element(
                group,
                "text",
                step.label,
                x=str(PAD),
                y=_number(middle + 5),
                **{"class": "funnel__label"},
            )
            _element(
                group,
                "rect",
                x=_number(PAD + COMPACT_LABEL),
                y=_number(middle - BAR / 2 + 2),
                width=_number(width),
                height=_number(BAR - 4),
                rx="2",
                **{"class": "funnel__bar"},
            )
            _element(
                group,
                "text",
                _value(step),
                x=_number(WIDTH - PAD),
                y=_number(middle + 5),
                **{"class": "funnel__value", "text-anchor": "end"},
            )
            continue
        _element(
            group, "text", step.label, x=str(PAD), y=_number(top + 14), **{"class": "funnel__label"}
        )
        _element(
            group,
            "text",
            _value(step),
            x=_number(WIDTH - PAD),
            y=_number(top + 14),
            **{"class": "funnel__value", "text-anchor": "end"},
        )
        _element(
            group,
            "rect",
            x=_number(PAD + (room - width) / 2),
            y=_number(top + 21),
            width=_number(width),
            height=str(BAR),
            rx="3",
            **{"class": "funnel__bar"},
        )
    return ET.tostring(root, encoding="unicode")
