"""The first sign-in on a fresh home asks who you are, once, on one small page that fits a phone.

The answer fills the "You" part of Preferences; a later sign-in goes straight to Today.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import fresh_sign_in_link

pytestmark = pytest.mark.browser

CLOCK_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}


def fits_the_width(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_first_sign_in_asks_who_you_are_once_and_the_answer_fills_preferences(
    browser, clocked_server, artifacts
):
    phone = browser.new_context(viewport=PHONE)
    phone.set_default_timeout(15_000)
    page = phone.new_page()
    page.goto(clocked_server.link)
    expect(
        page.get_by_role("heading", name="Who are you, for the letters you send?", level=1)
    ).to_be_visible()
    assert fits_the_width(page), "the question scrolls sideways at 375 px"
    page.screenshot(path=str(artifacts / "identity-375.png"), full_page=True)

    page.get_by_label("Your name").fill("Sam Rivera")
    page.get_by_label("Your email address").fill("sam@rivera.example")
    page.get_by_label("Signature").fill("Sam Rivera\nService designer")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    expect(page.get_by_text("You can change it any time in Preferences.")).to_be_visible()

    page.goto(clocked_server.base_url + "/preferences/")
    you = page.get_by_role("group", name="You")
    expect(you.get_by_label("Your email address")).to_have_value("sam@rivera.example")
    assert fits_the_width(page), "the preferences scroll sideways at 375 px"
    you.screenshot(path=str(artifacts / "preferences-you-375.png"))
    phone.close()

    desktop = browser.new_context(viewport=DESKTOP)
    desktop.set_default_timeout(15_000)
    page = desktop.new_page()
    page.goto(fresh_sign_in_link(clocked_server))
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()  # asked once
    page.goto(clocked_server.base_url + "/you/")
    expect(page.get_by_label("Your name")).to_have_value("Sam Rivera")
    page.screenshot(path=str(artifacts / "identity-1280.png"), full_page=True)
    page.goto(clocked_server.base_url + "/preferences/")
    page.screenshot(path=str(artifacts / "preferences-1280.png"), full_page=True)
    desktop.close()
