"""Server-side charts: well-formed SVG, escaped text, named for screen readers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.svg import Bar, bar_chart

NS = {"svg": "http://www.w3.org/2000/svg"}


def chart(bars, **options) -> ET.Element:
    options = {
        "title": "Overrun per chat",
        "description": "Three chats.",
        "id_prefix": "c",
        **options,
    }
    return ET.fromstring(bar_chart(bars, **options))


def test_a_chart_is_an_svg_named_by_its_title_and_description():
    root = chart([Bar(3, "Ada: 3 min over"), Bar(-1, "Grace: 1 min early")])
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c-title c-desc"
    assert root.find("svg:title", NS).text == "Overrun per chat"
    assert root.find("svg:desc", NS).text == "Three chats."
    assert root.get("viewBox") == "0 0 360 180"


def test_bars_over_and_under_zero_are_told_apart_and_carry_their_label():
    root = chart([Bar(3, "Ada: 3 min over"), Bar(-1, "Grace: 1 min early")])
    bars = root.findall(".//svg:rect", NS)
    assert [bar.get("class") for bar in bars] == [
        "chart__bar chart__bar--over",
        "chart__bar chart__bar--under",
    ]
    assert [bar.find("svg:title", NS).text for bar in bars] == [
        "Ada: 3 min over",
        "Grace: 1 min early",
    ]


def test_text_is_escaped():
    text = bar_chart(
        [Bar(1, '<script>alert("x")</script> & co')],
        title="A <b>bold</b> title",
        description="Tom & Jerry",
        id_prefix="c",
    )
    assert "<script>" not in text
    assert "<b>" not in text
    root = ET.fromstring(text)
    assert root.find("svg:title", NS).text == "A <b>bold</b> title"
    assert root.find(".//svg:rect/svg:title", NS).text == '<script>alert("x")</script> & co'


def test_a_trend_line_and_a_guide_are_drawn_when_asked():
    root = chart([Bar(10, "a"), Bar(-5, "b")], line=[10, 7.5], line_label="Trend", guide=2)
    line = root.find("svg:polyline", NS)
    assert len(line.get("points").split()) == 2
    assert line.find("svg:title", NS).text == "Trend"
    assert root.find("svg:line[@class='chart__guide']", NS) is not None


def test_an_empty_or_flat_chart_still_draws():
    assert chart([]).find("svg:title", NS) is not None
    assert len(chart([Bar(0, "on time")]).findall(".//svg:rect", NS)) == 1


@given(
    st.lists(st.tuples(st.floats(-1e4, 1e4, allow_nan=False), st.text(max_size=30)), max_size=25),
    st.text(max_size=40),
)
def test_any_values_and_any_text_make_well_formed_xml(items, title):
    text = bar_chart(
        [Bar(value, label) for value, label in items],
        title=title,
        description="d",
        id_prefix="c",
        line=[value for value, _ in items],
    )
    ET.fromstring(text)
