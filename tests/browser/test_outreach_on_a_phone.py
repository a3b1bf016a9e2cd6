"""A sent request's page on a phone: its buttons wrap rather than widen the page.

The request goes to someone at an organisation with a long name, so "Write to someone else at
…" is longer than a phone is wide.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import fresh_sign_in_link

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
ORGANISATION = "Northumbrian Institute for Interdisciplinary Museum Education and Conservation"
PERSON = "Perpetua Longbottom"
REQUEST = (
    "Hi Perpetua,\n\nYou moved from teaching into museum education, and I would love to hear "
    "how you made that change. Would you have 20 minutes for a call?\n\nBest wishes,\nSam"
)


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_sent_requests_page_fits_a_phone_with_a_long_organisation_name(
    browser, coffeechat_server, artifacts
):
    base = coffeechat_server.base_url
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(fresh_sign_in_link(coffeechat_server))
    page.goto(f"{base}/contacts/new/?organisation={quote(ORGANISATION)}")
    page.get_by_label("Name", exact=True).fill(PERSON)
    page.get_by_label("Emails").fill("perpetua@northumbrian.example")
    with page.expect_navigation():
        page.get_by_role("button", name="Save contact").click()
    page.get_by_role("link", name="Ask for a chat").first.click()
    with page.expect_navigation():
        page.get_by_role("button", name=f"Write to {PERSON}").click()
    page.get_by_label("Message").fill(REQUEST)
    with page.expect_navigation():
        page.get_by_role("button", name="I sent it elsewhere").click()
    write_again = page.get_by_role("link", name=f"Write to someone else at {ORGANISATION}")
    expect(write_again).to_be_visible()
    page.screenshot(path=artifacts / "outreach-sent-1280.png", full_page=True)

    page.set_viewport_size(PHONE)
    write_again.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "outreach-sent-375.png", full_page=True)
    assert fits_the_screen(page), "the sent request's page scrolls sideways at 375 px"
    box = write_again.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    context.close()
