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
