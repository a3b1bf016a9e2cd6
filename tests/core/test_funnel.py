"""The funnel, counted in people: stages, conversion rates and the picture."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.funnel import (
    STAGES,
    Funnel,
    Stage,
    funnel_from,
    funnel_picture,
    furthest_stage,
    percent,
    rate,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
furthest_stages = st.lists(st.sampled_from(list(Stage)), max_size=200)


def test_the_stages_run_from_outreach_to_opportunity():
    assert [stage.label for stage in STAGES] == [
        "Outreach",
        "Reply",
        "Chat",
        "Referral",
        "Opportunity",
    ]


def test_a_later_stage_implies_the_earlier_ones():
    assert furthest_stage() == Stage.OUTREACH
    assert furthest_stage(replied=True) == Stage.REPLY
    assert furthest_stage(chatted=True) == Stage.CHAT
    assert furthest_stage(replied=True, referred=True) == Stage.REFERRAL
    assert furthest_stage(credited=True) == Stage.OPPORTUNITY


def test_each_person_counts_at_every_stage_up_to_their_furthest():
    funnel = funnel_from([Stage.OUTREACH] * 3 + [Stage.REPLY, Stage.CHAT, Stage.OPPORTUNITY])
    assert funnel.counts == (6, 3, 2, 1, 1)
    assert funnel.outreach == 6
    assert funnel.count(Stage.CHAT) == 2


@given(furthest_stages)
def test_a_funnel_never_widens_and_counts_everyone_at_the_top(stages):
    funnel = funnel_from(stages)
    assert funnel.outreach == len(stages)
    assert all(a >= b for a, b in zip(funnel.counts, funnel.counts[1:], strict=False))


@given(furthest_stages)
def test_rates_stay_between_zero_and_one(stages):
    funnel = funnel_from(stages)
    for step in funnel.steps:
        for share in (step.of_previous, step.of_outreach):
            assert share is None or 0 <= share <= 1


@given(furthest_stages, furthest_stages)
def test_two_funnels_add_up_to_the_funnel_of_everyone(first, second):
    assert funnel_from(first) + funnel_from(second) == funnel_from(first + second)


def test_rates_are_shares_of_the_stage_before_and_of_the_top():
    steps = Funnel((30, 12, 6, 3, 0)).steps
    assert [step.of_outreach_text for step in steps] == ["100%", "40%", "20%", "10%", "0%"]
    assert [step.of_previous_text for step in steps] == ["—", "40%", "50%", "50%", "0%"]


def test_an_empty_stage_gives_no_rate_rather_than_dividing_by_zero():
    funnel = Funnel((4, 0, 0, 0, 0))
    assert funnel.steps[2].of_previous is None
    assert funnel.steps[2].of_previous_text == "—"
    assert Funnel.empty().steps[0].of_outreach_text == "—"
    assert Funnel.empty().outreach_to_chat == "—"
    assert Funnel.empty().is_empty
    assert rate(3, 0) is None


def test_percentages_are_whole_and_a_trace_is_not_rounded_to_nothing():
    assert percent(2 / 3) == "67%"
    assert percent(1 / 500) == "<1%"
    assert percent(0.0) == "0%"
    assert percent(None) == "—"


@pytest.mark.parametrize(
    "counts",
    [(1, 2, 0, 0, 0), (3, 2, 1), (1, 0, 0, 0, -1)],
    ids=["widening", "too-short", "negative"],
)
def test_a_funnel_refuses_impossible_counts(counts):
    with pytest.raises(ValueError):
        Funnel(counts)


def test_a_conversion_runs_forward():
    funnel = Funnel((8, 4, 2, 1, 0))
    assert funnel.conversion(Stage.OUTREACH, Stage.CHAT) == 0.25
    assert funnel.outreach_to_chat == "25%"
    with pytest.raises(ValueError):
        funnel.conversion(Stage.CHAT, Stage.REPLY)


def test_a_stage_is_spoken_with_its_count_and_rates():
    steps = Funnel((30, 12, 6, 1, 1)).steps
    assert steps[0].spoken == "Outreach: you wrote to 30 people"
    assert steps[1].spoken == "Reply: 12 of 30 people, 40%"
    assert steps[2].spoken == "Chat: 6 of 30 people, 20% (50% of those who replied)"
    assert steps[4].spoken.startswith("Opportunity: 1 of 30 people, 3% (100% of those who")
    assert Funnel((1, 0, 0, 0, 0)).steps[0].spoken == "Outreach: you wrote to 1 person"


def picture(funnel: Funnel, **options) -> ET.Element:
    return ET.fromstring(funnel_picture(funnel, title="Your funnel", id_prefix="f", **options))


@pytest.mark.parametrize("compact", [False, True])
def test_the_picture_is_named_for_a_screen_reader(compact):
    root = picture(Funnel((30, 12, 6, 3, 2)), compact=compact)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "f-title f-desc"
    assert root.find("svg:title", NS).text == "Your funnel"
    description = root.find("svg:desc", NS).text
    assert "Reply: 12 of 30 people, 40%." in description
    stages = root.findall("svg:g", NS)
    assert [group.find("svg:title", NS).text.split(":")[0] for group in stages] == [
        stage.label for stage in STAGES
    ]


def test_bars_narrow_with_each_stage_and_an_empty_one_still_shows():
    root = picture(Funnel((30, 12, 6, 0, 0)))
    widths = [float(rect.get("width")) for rect in root.findall(".//svg:rect", NS)]
    assert widths == sorted(widths, reverse=True)
    assert widths[0] > widths[1] > widths[2] > 0
    assert widths[3] > 0


def test_the_full_picture_centres_its_bars_like_a_funnel():
    root = picture(Funnel((10, 5, 0, 0, 0)))
    centres = {
        float(rect.get("x")) + float(rect.get("width")) / 2
        for rect in root.findall(".//svg:rect", NS)
    }
    assert len(centres) == 1


def test_the_picture_fits_a_narrow_canvas():
    root = picture(Funnel((999, 999, 999, 999, 999)), compact=True)
    _, _, width, _ = (float(part) for part in root.get("viewBox").split())
    assert width <= 360
    for rect in root.findall(".//svg:rect", NS):
        assert float(rect.get("x")) + float(rect.get("width")) <= width


@given(st.text(max_size=40))
def test_any_title_makes_well_formed_svg_and_a_script_stays_text(name):
    title = f"Funnel at <script>alert(1)</script> {name}"
    text = funnel_picture(Funnel((2, 1, 1, 0, 0)), title=title, id_prefix="f")
    assert "<script>" not in text
    root = ET.fromstring(text)
    assert root.find(".//svg:script", NS) is None
    assert root.find("svg:title", NS).text.startswith("Funnel at <script>alert(1)</script>")
