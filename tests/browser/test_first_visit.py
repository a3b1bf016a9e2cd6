"""A first visit, end to end: sign in through the printed link, add a contact, plan a chat for
today and find it on the home page. Also: the link works once, and without it you are told how
to get in. The server runs on a fresh home, its clock starting at CLOCK_START.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import tzlocal
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
CONTACT = {"Name": "Marguerite Testwood", "Role": "Service designer", "Organisation": "Harbour Lab"}


OWNER_ZONE = ZoneInfo(tzlocal.get_localzone_name() or "UTC")
# A Wednesday morning where the owner lives (the server reads the same zone: it inherits this
# process's environment), so 21:00 is still to come today whatever the real time of day.
CLOCK_START = datetime(2026, 3, 4, 9, 0, tzinfo=OWNER_ZONE)


@pytest.fixture(scope="module")
def owner_context(browser, clocked_server):
    """A browser signed in through the one-time link (which is spent by this), the first
    question ("who are you") skipped."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(clocked_server.link)
    page.get_by_role("button", name="Skip for now").click()
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    page.close()
    yield context
    context.close()


@pytest.fixture
def stranger(browser):
    """A browser that never saw the link."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_a_visitor_without_the_link_is_shown_how_to_get_in(stranger, clocked_server):
    stranger.goto(clocked_server.base_url + "/contacts/")
    expect(stranger.get_by_role("heading", name="How to get in")).to_be_visible()
    expect(stranger.get_by_text("coffeechat serve").first).to_be_visible()


def test_the_owner_adds_a_contact_plans_a_chat_for_today_and_sees_it_on_the_home_page(
    owner_context, clocked_server, artifacts
):
    page = owner_context.new_page()
    page.goto(clocked_server.base_url + "/")
    nav = page.get_by_role("navigation", name="Main")

    nav.get_by_role("link", name="Contacts").click()
    page.get_by_role("link", name="Add contact").click()
    for label, value in CONTACT.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("heading", name=CONTACT["Name"], level=1)).to_be_visible()

    page.get_by_role("link", name="Plan a chat").first.click()
    page.get_by_label("Date", exact=True).fill(CLOCK_START.date().isoformat())
    page.get_by_label("Start time", exact=True).fill("21:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Plan chat").click()
    expect(page).to_have_url(re.compile(r"/chats/[0-9a-f-]{36}/$"))
    chat_path = page.url.removeprefix(clocked_server.base_url)

    nav.get_by_role("link", name="Today").click()
    chats_today = page.get_by_role("region", name="Chats today")
    expect(chats_today.get_by_text(CONTACT["Name"])).to_be_visible()
    expect(chats_today.locator(f'a[href="{chat_path}"]')).to_be_visible()
    page.screenshot(path=artifacts / "home-1280.png", full_page=True)

    page.set_viewport_size(PHONE)
    expect(chats_today.get_by_text(CONTACT["Name"])).to_be_visible()
    page.screenshot(path=artifacts / "home-375.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "the home page scrolls sideways at 375 px"
    )
    page.close()


def test_the_sign_in_link_works_only_once(owner_context, stranger, clocked_server):
    # owner_context has spent the link; a second visit, from anywhere, is refused.
    response = stranger.goto(clocked_server.link)
    assert response is not None
    assert response.status in (403, 410)
    expect(stranger.get_by_text("used already")).to_be_visible()
    expect(stranger.get_by_text("coffeechat serve").first).to_be_visible()

    stranger.goto(clocked_server.base_url + "/")
    expect(stranger.get_by_role("heading", name="How to get in")).to_be_visible()
