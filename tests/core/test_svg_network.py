"""The network picture: well-formed SVG, escaped names, one row a person, a note for the rest."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.svg import Link, Node, network_picture

NS = {"svg": "http://www.w3.org/2000/svg"}


def picture(nodes, links=(), **options) -> ET.Element:
    options = {"title": "Your network", "description": "Three people.", "id_prefix": "n", **options}
    return ET.fromstring(network_picture(nodes, links, **options))


def test_a_picture_is_named_by_its_title_and_description():
    root = picture([Node("a", "Ada", 1)])
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "n-title n-desc"
    assert root.find("svg:title", NS).text == "Your network"
    assert root.find("svg:desc", NS).text == "Three people."


def test_each_person_is_a_row_stepping_right_by_degree_with_a_link():
    root = picture(
        [Node("a", "Ada", 1, href="/contacts/a/"), Node("b", "Ben", 2), Node("c", "Cy", 3)],
        [Link("a", "b"), Link("b", "c"), Link("c", "a", main=False, hint="Cy referred Ada")],
    )
    dots = root.findall(".//svg:circle", NS)
    xs = [float(dot.get("cx")) for dot in dots]
    ys = [float(dot.get("cy")) for dot in dots]
    assert xs == sorted(xs) and len(set(xs)) == 3
    assert ys == sorted(ys) and len(set(ys)) == 3
    assert root.find(".//svg:a", NS).get("href") == "/contacts/a/"
    assert len(root.findall(".//svg:path[@class='network__link']", NS)) == 2
    dashed = root.find(".//svg:line", NS)
    assert dashed.find("svg:title", NS).text == "Cy referred Ada"
    headings = [
        text.text for text in root.findall(".//svg:g[@class='network__degrees']/svg:text", NS)
    ]
    assert headings == ["1st", "2nd", "3rd"]


def test_a_note_closes_the_picture():
    root = picture([Node("a", "Ada", 1)], note="… and 12 more not drawn")
    assert root.find("svg:text[@class='network__note']", NS).text == "… and 12 more not drawn"


def test_names_are_escaped_and_long_ones_cut_with_the_whole_name_in_the_title():
    name = '<script>alert("x")</script> & Sons Consolidated Holdings of Greater Somewhere'
    text = network_picture(
        [Node("a", name, 1)], [], title="T & <U>", description="D", id_prefix="n"
    )
    assert "<script>" not in text
    root = ET.fromstring(text)
    label = root.find(".//svg:g[@class='network__person network__person--1']/svg:text", NS).text
    assert label.endswith("…") and len(label) < len(name)
    assert (
        root.find(".//svg:g[@class='network__person network__person--1']/svg:title", NS).text
        == name
    )


def test_a_deep_chain_still_fits_the_width():
    nodes = [Node(str(index), f"Person {index}", index + 1) for index in range(60)]
    root = picture(nodes, [Link(str(i), str(i + 1)) for i in range(59)])
    width = float(root.get("viewBox").split()[2])
    assert all(float(dot.get("cx")) < width for dot in root.findall(".//svg:circle", NS))


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_any_names_give_well_formed_xml(names):
    nodes = [Node(str(index), name, 1 + index % 3) for index, name in enumerate(names)]
    ET.fromstring(network_picture(nodes, [], title="t", description="d", id_prefix="p"))
