"""Small charts drawn on the server as SVG: readable without JavaScript, named for screen readers.

Built on the standard library's ElementTree, which escapes every text and attribute, so a
contact's name can never break out of the picture. Charting libraries were weighed and left out:
pygal loads its tooltips script from a CDN by default and ships inline styles a strict CSP
would refuse, and drawsvg does far more than a bar chart needs. Colours come from CSS classes,
so the page's stylesheet decides how the chart looks.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

SVG_NS = "http://www.w3.org/2000/svg"
# Characters XML 1.0 cannot carry at all; they are dropped rather than escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# A narrow canvas: at 375 px wide the labels still read at about 11 px.
WIDTH = 360
HEIGHT = 180
LEFT = 62  # room for the value labels, such as "-12 min"
RIGHT = 8
TOP = 12
BOTTOM = 12
LABEL_GAP = 18  # the least vertical distance between two value labels


@dataclass(frozen=True)
class Bar:
    """One bar: its value and what a pointer or screen reader hears for it."""

    value: float
    label: str


def clean(text: str) -> str:
    """``text`` without the characters XML cannot hold."""
    return _NOT_XML.sub("", text)


def _number(value: float) -> str:
    # Coordinates with two decimals at most keep the markup short and stable across runs.
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _element(parent: ET.Element, tag: str, text: str = "", **attributes: str) -> ET.Element:
    child = ET.SubElement(
        parent, tag, {key.replace("_", "-"): value for key, value in attributes.items()}
    )
    if text:
        child.text = clean(text)
    return child


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    description: str,
    id_prefix: str,
    unit: str = "",
    line: Sequence[float] | None = None,
    line_label: str = "",
    guide: float | None = None,
) -> str:
    """Bars above and below a zero line, an optional trend line and a dashed guide, as SVG text.

    Positive bars get the class ``chart__bar--over``, the others ``chart__bar--under``. ``line``
    has one value per bar. ``guide`` draws a dashed level, such as a tolerance.
    """
    values = [bar.value for bar in bars] + list(line or []) + ([guide] if guide is not None else [])
    top = max([0.0, *values])
    bottom = min([0.0, *values])
    if top == bottom:
        top = 1.0  # an all-zero chart still needs a scale
    plot_height = HEIGHT - TOP - BOTTOM
    plot_width = WIDTH - LEFT - RIGHT

    def y(value: float) -> float:
        return TOP + (top - value) / (top - bottom) * plot_height

    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": f"0 0 {WIDTH} {HEIGHT}",
            "class": "chart",
            "role": "img",
            "aria-labelledby": f"{title_id} {desc_id}",
        },
    )
    _element(root, "title", title, id=title_id)
    _element(root, "desc", description, id=desc_id)

    axis = _element(root, "g", **{"class": "chart__axis"})
    # Zero always gets its label; the top and bottom ones only when they would not overlap it.
    labelled = [0.0] + [value for value in (top, bottom) if abs(y(value) - y(0)) >= LABEL_GAP]
    for value in labelled:
        _element(
            axis,
            "text",
            f"{_number(round(value))}{unit}",
            x=str(LEFT - 6),
            y=_number(y(value) + 4),
            **{"text-anchor": "end"},
        )
    _element(axis, "line", x1=str(LEFT), x2=str(WIDTH - RIGHT), y1=_number(y(0)), y2=_number(y(0)))
    if guide is not None:
        _element(
            root,
            "line",
            x1=str(LEFT),
            x2=str(WIDTH - RIGHT),
            y1=_number(y(guide)),
            y2=_number(y(guide)),
            **{"class": "chart__guide"},
        )

    step = plot_width / max(len(bars), 1)
    bar_width = max(2.0, min(step * 0.7, 28.0))
    marks = _element(root, "g", **{"class": "chart__bars"})
    for index, bar in enumerate(bars):
        x = LEFT + step * index + (step - bar_width) / 2
        top_edge = min(y(bar.value), y(0))
        height = max(abs(y(bar.value) - y(0)), 1.0)  # a zero bar stays visible as a sliver
        kind = "over" if bar.value > 0 else "under"
        rect = _element(
            marks,
            "rect",
            x=_number(x),
            y=_number(top_edge),
            width=_number(bar_width),
            height=_number(height),
            **{"class": f"chart__bar chart__bar--{kind}"},
        )
        _element(rect, "title", bar.label)

    if line and bars:
        points = " ".join(
            f"{_number(LEFT + step * index + step / 2)},{_number(y(value))}"
            for index, value in enumerate(line)
        )
        trend = _element(root, "polyline", points=points, **{"class": "chart__line"})
        if line_label:
            _element(trend, "title", line_label)
    return ET.tostring(root, encoding="unicode")


# The network picture: an indented outline, one person a row, one column per degree.
ROW = 24  # vertical distance between two people
HEAD = 22  # room for the degree headings
DOT = 5  # radius of a person's dot
CHAR = 6.1  # about how wide one character of an 11 px label is, to cut labels that would spill
# Narrower than the charts: a phone shows the picture a little larger than drawn, so 11 px
# labels read at about 12 px at 375 px wide.
NETWORK_WIDTH = 300


@dataclass(frozen=True)
class Node:
    """One person in a network picture: a key for links, a label, a degree, maybe a link."""

    key: str
    label: str
    degree: int
    href: str = ""
    hint: str = ""  # what a pointer or screen reader hears; the label when empty


@dataclass(frozen=True)
class Link:
    """An arrow from one person to another; ``main`` when it lies on the shortest chain."""

    source: str
    target: str
    main: bool = True
    hint: str = ""


def _ordinal(degree: int) -> str:
    suffix = (
        "th" if 10 <= degree % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(degree % 10, "th")
    )
    return f"{degree}{suffix}"


def _fit(label: str, room: float) -> str:
    most = max(int(room / CHAR), 4)
    return label if len(label) <= most else label[: most - 1].rstrip() + "…"


def network_picture(
    nodes: Sequence[Node],
    links: Sequence[Link],
    *,
    title: str,
    description: str,
    id_prefix: str,
    note: str = "",
) -> str:
    """People as rows stepping right by degree, with arrows for referrals, as SVG text.

    ``nodes`` come in outline order: each person after the one who referred them. Main links
    are drawn as elbows from the referrer's dot down and across; the others (a second referrer,
    a loop back) as dashed straight arrows. Every name is cut to fit the width and given whole
    in the dot's ``<title>``. A ``note`` (such as "and 12 more") closes the picture.
    """
    degrees = sorted({node.degree for node in nodes}) or [1]
    low, high = degrees[0], degrees[-1]
    # Columns step right by degree, closer together when the chains run deep, so that the
    # deepest column still leaves room for a name.
    step = min(34.0, (NETWORK_WIDTH - 130) / max(high - low, 1))
    rows = {node.key: index for index, node in enumerate(nodes)}

    def x(degree: int) -> float:
        return 12 + (degree - low) * step

    def y(row: int) -> float:
        return HEAD + 8 + row * ROW

    height = y(len(nodes)) + (ROW if note else 0)
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": f"0 0 {NETWORK_WIDTH} {_number(height)}",
            "class": "network",
            "role": "img",
            "aria-labelledby": f"{title_id} {desc_id}",
            "font-size": "11",
        },
    )
    _element(root, "title", title, id=title_id)
    _element(root, "desc", description, id=desc_id)
    arrow_id = f"{id_prefix}-arrow"
    defs = _element(root, "defs")
    marker = _element(
        defs,
        "marker",
        id=arrow_id,
        viewBox="0 0 8 8",
        refX="7",
        refY="4",
        markerWidth="6",
        markerHeight="6",
        orient="auto-start-reverse",
    )
    _element(marker, "path", d="M0,0 L8,4 L0,8 z", fill="currentColor")

    heads = _element(root, "g", **{"class": "network__degrees", "fill": "currentColor"})
    # Label every column while they are wide enough apart to read; otherwise the ends only.
    shown = degrees if step >= 24 else [low, high]
    for degree in shown:
        _element(heads, "text", _ordinal(degree), x=_number(x(degree) - DOT), y="14")

    lines = _element(
        root,
        "g",
        **{"class": "network__links", "fill": "none", "stroke": "currentColor"},
    )
    by_key = {node.key: node for node in nodes}
    for link in links:
        if link.source not in by_key or link.target not in by_key:
            continue
        source, target = by_key[link.source], by_key[link.target]
        x1, y1 = x(source.degree), y(rows[link.source])
        x2, y2 = x(target.degree), y(rows[link.target])
        if link.main:
            shape = _element(
                lines,
                "path",
                d=f"M{_number(x1)},{_number(y1 + DOT)} V{_number(y2)} H{_number(x2 - DOT - 1)}",
                **{"class": "network__link", "marker-end": f"url(#{arrow_id})"},
            )
        else:
            shape = _element(
                lines,
                "line",
                x1=_number(x1 + DOT),
                y1=_number(y1),
                x2=_number(x2 + DOT + 1),
                y2=_number(y2),
                **{
                    "class": "network__link network__link--other",
                    "stroke-dasharray": "3 3",
                    "marker-end": f"url(#{arrow_id})",
                },
            )
        if link.hint:
            _element(shape, "title", link.hint)

    people = _element(root, "g", **{"class": "network__people"})
    for index, node in enumerate(nodes):
        holder = _element(people, "a", href=node.href) if node.href else people
        group = _element(
            holder, "g", **{"class": f"network__person network__person--{node.degree}"}
        )
        _element(group, "title", node.hint or node.label)
        cx, cy = x(node.degree), y(index)
        _element(
            group,
            "circle",
            cx=_number(cx),
            cy=_number(cy),
            r=str(DOT),
            fill="currentColor",
            **{"class": "network__dot"},
        )
        label = _fit(node.label, NETWORK_WIDTH - cx - DOT - 10)
        _element(
            group, "text", label, x=_number(cx + DOT + 4), y=_number(cy + 4), fill="currentColor"
        )
    if note:
        _element(
            root,
            "text",
            note,
            x="12",
            y=_number(y(len(nodes)) + 4),
            fill="currentColor",
            **{"class": "network__note", "font-style": "italic"},
        )
    return ET.tostring(root, encoding="unicode")
