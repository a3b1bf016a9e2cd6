"""Preparing a demo chat in a real browser, then printing its brief on one sheet.

The owner finds an upcoming demo chat among those not prepared on the home page, fills in the
prep (research notes, the Ask, a few questions), sees the chat counted as prepared with its
ranked stories, opens the one-page brief, and prints it to PDF on A4 and on US Letter: each
must be exactly one page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
NAME = "Rafael Duarte"  # a demo contact with a chat three days ahead
# A page object in a PDF; "/Type /Pages" (the page tree) must not count.
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")

NOTES = (
    "Rafael taught history for six years, then wrote civic-education courses for a city "
    "council before joining Civic Lantern as curriculum lead.\n\n"
    "- Leads a team of four designers\n"
    "- Writes about **short courses for busy staff**\n"
    "- Like me, moved from the classroom into design"
)
HYPOTHESIS = (
    "Their courses for city staff are long and see people drop out half way; my work "
    "cutting units into short practical tasks could help them keep learners to the end."
)
ASK = "Would you introduce me to someone on your team who designs the staff courses?"


def page_count(pdf: bytes) -> int:
    """Pages in a PDF as Chromium writes it: one ``/Type /Page`` object each."""
    return len(PAGE_OBJECT.findall(pdf))


def test_page_count_ignores_the_page_tree():
    assert page_count(b"<< /Type /Pages /Kids [3 0 R] >> << /Type /Page /Parent 2 0 R >>") == 1


def test_prepare_a_demo_chat_and_print_its_brief(owner, coffeechat_server, artifacts):
    page = owner.new_page()
    page.goto(coffeechat_server.base_url + "/")
    flagged = page.get_by_role("region", name="Not prepared yet")
    expect(flagged).to_be_visible()
    flagged.get_by_role("link", name=f"Prepare the chat with {NAME}").click()
    expect(page.get_by_role("heading", name=f"Prepare the chat with {NAME}")).to_be_visible()

    page.get_by_label("Research notes", exact=True).fill(NOTES)
    page.get_by_label("Problem and solution", exact=True).fill(HYPOTHESIS)
    page.get_by_label("The Ask", exact=True).fill(ASK)
    for theme in ("Insights", "Advice", "Resources", "Culture"):
        group = page.get_by_role("group", name=theme, exact=True)
        group.get_by_role("checkbox").nth(0).check()
    page.get_by_role("group", name="Advice", exact=True).get_by_role("checkbox").nth(2).check()
    page.get_by_label("Add a question of your own").fill(
        "What would you do differently if you moved into design today?"
    )
    page.get_by_label("I confirmed the day, the time and the length with them.").check()
    page.get_by_role("button", name="Save prep").click()
    expect(page.get_by_text(f"Saved the prep for your chat with {NAME}.")).to_be_visible()
    expect(page.get_by_label("The Ask", exact=True)).to_have_value(ASK)
    expect(
        page.get_by_role("checkbox", name="What would you do differently if you moved")
    ).to_be_checked()

    phone = owner.new_page()
    phone.set_viewport_size(PHONE)
    phone.goto(page.url)
    expect(phone.get_by_role("heading", name=f"Prepare the chat with {NAME}")).to_be_visible()
    phone.screenshot(path=str(artifacts / "prep-375.png"), full_page=True)
    phone.close()

    page.get_by_role("link", name="Back to the chat").first.click()
    expect(page.get_by_role("heading", name=f"Chat with {NAME}", level=1)).to_be_visible()
    status = page.get_by_role("region", name="Preparation")
    expect(status.get_by_text("Prepared", exact=True)).to_be_visible()
    stories = page.get_by_role("region", name="Stories that fit")
    if stories.count():
        expect(stories.get_by_role("listitem").first).to_be_visible()

    status.get_by_role("link", name="One-page brief").click()
    expect(page.get_by_role("heading", name=f"Brief: chat with {NAME}", level=1)).to_be_visible()
    expect(page.get_by_text(ASK)).to_be_visible()
    brief = page.locator(".brief")
    for heading in ("Who they are", "Time plan", "My pitch", "Stories to tell", "Questions"):
        expect(brief.get_by_role("heading", name=heading)).to_be_visible()
    expect(brief.get_by_text("Confirm:")).to_be_visible()
    page.screenshot(path=str(artifacts / "brief-screen.png"), full_page=True)

    page.emulate_media(media="print")
    page.screenshot(path=str(artifacts / "brief-print.png"), full_page=True)
    for paper in ("A4", "Letter"):
        pdf = page.pdf(format=paper)
        (artifacts / f"brief-{paper}.pdf").write_bytes(pdf)
        assert page_count(pdf) == 1, f"The brief takes {page_count(pdf)} pages on {paper}."
    page.close()
