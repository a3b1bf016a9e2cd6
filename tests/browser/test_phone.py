"""On a phone: a header of one line with a More menu, and a home that leads with the next chat.

The server's clock is the test's (clocked_server, an empty home), and the chats are planned in a
child process on the same home, so the test process never touches the database.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, phone_signed_in

pytestmark = pytest.mark.browser

CLOCK_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PHONES = (360, 390, 414)
DESKTOP = {"width": 1280, "height": 800}
# One line of links: a thumb-sized target plus the header's padding, well short of two lines.
ONE_LINE = 64
PAGES = ("/", "/chats/", "/contacts/", "/library/", "/preferences/")
IN_MORE = ("Organisations", "Targets", "Outreach", "Library", "Calendar", "Preferences", "Search")

# Ada at 09:10 (Go live is offered), Bea tomorrow; the owner's zone is UTC, as on a fresh home.
SETUP = """
import sys
from datetime import datetime, timedelta
from coffeechat.cli.bootstrap import ready_with_database
ready_with_database()
from coffeechat.services.accounts import ensure_owner
from coffeechat.services.chats import ChatPlan, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.library import StoryDetails, add_story, save_pitch
from coffeechat.services.prep import PrepDetails, save_prep

owner = ensure_owner()
now = datetime.fromisoformat(sys.argv[1])
save_pitch(owner, "elevator", "I taught science for ten years and now design learning.")
add_story(owner, StoryDetails(title="Rewrote the exam workflow", result="Half the marking time"))
for name, starts_at in (("Ada Lovelace", now + timedelta(minutes=10)),
                        ("Bea Smith", now + timedelta(days=1, hours=1))):
    contact = add_contact(owner, ContactDetails(name=name, organisation="Quill Press"))
    chat = plan_chat(owner, ChatPlan(contact=contact, starts_at=starts_at, medium="in_person",
                                     venue="Café Nero, 12 Baker Street"), allow_overlap=True)
    save_prep(owner, chat, PrepDetails(ask=f"An introduction to the learning team, {name}.",
                                       questions=("How did you move into publishing?",)))
"""


def fits_the_width(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def too_wide(page: Page) -> list[str]:
    """The elements that reach past the right edge, to name them when a page scrolls sideways."""
    return page.evaluate(
        """[...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
        .map(el => el.tagName.toLowerCase() + '.' + el.className)"""
    )


def header_height(page: Page) -> float:
    box = page.locator(".site-header").bounding_box()
    assert box is not None
    return box["height"]


@pytest.fixture(scope="module")
def phone(browser, clocked_server):
    """A phone with touch, signed in on the clocked server, which holds two prepared chats."""
    made = subprocess.run(
        [sys.executable, "-c", SETUP, CLOCK_START.isoformat()],
        env=clocked_server.environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    context = phone_signed_in(browser, clocked_server)
    yield context
    context.close()


def test_the_header_keeps_to_one_line_on_phones(phone, clocked_server, artifacts):
    page = phone.new_page()
    for width in PHONES:
        page.set_viewport_size({"width": width, "height": 800})
        for path in PAGES:
            page.goto(clocked_server.base_url + path)
            height = header_height(page)
            assert height < ONE_LINE, f"the header is {height:.0f} px tall on {path} at {width} px"
            assert fits_the_width(page), f"{path} scrolls sideways at {width} px: {too_wide(page)}"
            nav = page.get_by_role("navigation", name="Main")
            for label in ("Today", "Contacts", "Chats"):
                expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
            expect(nav.get_by_text("More", exact=True)).to_be_visible()
    page.set_viewport_size(PHONE)
    page.goto(clocked_server.base_url + "/contacts/")
    page.screenshot(path=str(artifacts / "phone-header-375.png"))
    page.close()


def test_the_more_menu_opens_and_holds_every_other_destination(phone, clocked_server, artifacts):
    page = phone.new_page()
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(clocked_server.base_url + "/chats/")
    nav = page.get_by_role("navigation", name="Main")
    for label in IN_MORE:
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_hidden()
    nav.get_by_text("More", exact=True).tap()
    for label in IN_MORE:
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    assert fits_the_width(page), "the open More menu scrolls sideways at 360 px"
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(artifacts / "phone-more-375.png"))
    with page.expect_navigation():
        nav.get_by_role("link", name="Search", exact=True).tap()
    expect(page.get_by_role("searchbox")).to_be_visible()
    page.close()


def test_at_desktop_width_every_link_and_the_search_box_stay_in_the_header(
    phone, clocked_server, artifacts
):
    page = phone.new_page()
    page.set_viewport_size(DESKTOP)
    page.goto(clocked_server.base_url + "/")
    nav = page.get_by_role("navigation", name="Main")
    for label in ("Today", "Contacts", "Chats", *IN_MORE[:-1]):
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(nav.get_by_text("More", exact=True)).to_be_hidden()
    expect(page.get_by_role("searchbox", name="Search")).to_be_visible()
    # One line at 1280 px too: brand, nine links and the box (Enter sends the search).
    for path in PAGES:
        page.goto(clocked_server.base_url + path)
        height = header_height(page)
        assert height < ONE_LINE, f"the header is {height:.0f} px tall on {path} at 1280 px"
    page.get_by_role("searchbox", name="Search").fill("Ada")
    page.get_by_role("searchbox", name="Search").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=Ada"))
    page.goto(clocked_server.base_url + "/")
    page.screenshot(path=str(artifacts / "phone-home-1280.png"), full_page=True)
    page.close()


def test_the_phone_home_leads_with_the_next_chat_its_pocket_brief_and_go_live(
    phone, clocked_server, artifacts
):
    page = phone.new_page()
    for width in PHONES:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(clocked_server.base_url + "/")
        assert fits_the_width(page), f"the home scrolls sideways at {width} px"
    page.set_viewport_size(PHONE)
    page.goto(clocked_server.base_url + "/")
    go_live = page.get_by_role("link", name="Go live with Ada Lovelace")
    expect(go_live).to_be_visible()
    box = go_live.bounding_box()
    assert box is not None and box["width"] > PHONE["width"] * 0.7 and box["height"] >= 48
    # Above the fold: the next chat's Go live is reachable without scrolling.
    assert box["y"] + box["height"] <= PHONE["height"]

    ada = page.locator(".pocket").filter(has_text="Ada Lovelace.")
    expect(ada.get_by_text("An introduction to the learning team, Ada Lovelace.")).to_be_visible()
    expect(ada.get_by_text("about 4 seconds")).to_be_visible()
    expect(ada.get_by_text("Rewrote the exam workflow")).to_be_visible()
    expect(ada.get_by_text("How did you move into publishing?")).to_be_visible()
    expect(ada.get_by_text("Where: Café Nero, 12 Baker Street")).to_be_visible()
    expect(ada.get_by_text("I will offer to pay", exact=False)).to_be_visible()
    page.screenshot(path=str(artifacts / "phone-home-375.png"), full_page=True)

    tomorrow = page.get_by_role("region", name="Tomorrow")
    bea = tomorrow.locator(".pocket")
    expect(bea.get_by_text("An introduction to the learning team, Bea Smith.")).to_be_hidden()
    bea.get_by_text("Pocket brief").tap()
    expect(bea.get_by_text("An introduction to the learning team, Bea Smith.")).to_be_visible()
    page.close()
