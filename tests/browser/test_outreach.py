"""Landing a conversation, in a real browser, on a server whose clock the test moves.

A new user adds a target organisation and two people there, writes a request to one of them
that the linter flags (job words, no shared connection first), fixes it until every rule
passes, and marks it sent. The server's clock then moves on three business days, and the home
page suggests writing to the second person at the same organisation.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

# A Tuesday morning: three business days later is Friday, with no weekend in between.
CLOCK_START = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
THREE_BUSINESS_DAYS_LATER = datetime(2026, 12, 4, 10, 30, tzinfo=UTC)

TARGET = "Wrenfield Museum"
FIRST = "Casimir Penhaligon"
SECOND = "Ottilie Marchbanks"
CONNECTION = "Priya Raman"
POOR_REQUEST = (
    "Hi Casimir,\n\nI am looking for a job at Wrenfield Museum. Please send me your openings "
    "and pass my CV to the hiring manager.\n\nThanks,\nSam"
)
GOOD_REQUEST = (
    "Hi Casimir,\n\nPriya Raman suggested I write to you. You moved from teaching into museum "
    "education, and I would love to hear how you made that change and what your team works "
    "on. Would you have 20 minutes for a call in the next few weeks?\n\nBest wishes,\nSam"
)


def add_contact(page: Page, base: str, name: str, email: str) -> None:
    page.goto(f"{base}/contacts/new/?organisation={quote(TARGET)}")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Emails").fill(email)
    with page.expect_navigation():
        page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()


def rule(page: Page, name: str):
    return page.locator(".lint__rule", has=page.locator(".lint__name", has_text=name))


def test_a_request_flagged_fixed_sent_and_followed_up_after_three_business_days(
    browser, clocked_server, artifacts
):
    base = clocked_server.base_url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    # A fresh home: the first sign-in asks who you are, once; this journey skips it.
    sign_in(page, clocked_server.link)

    # A target, before knowing anyone there.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Targets").click()
    page.get_by_role("link", name="Add a target").first.click()
    page.get_by_label("Organisation").fill(TARGET)
    page.get_by_text("High", exact=False).first.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Add target").click()
    board_row = page.get_by_role("row", name=re.compile(TARGET))
    expect(board_row).to_be_visible()
    page.screenshot(path=str(artifacts / "outreach-1-target.png"), full_page=True)

    add_contact(page, base, SECOND, "ottilie@wrenfield.example")
    add_contact(page, base, FIRST, "casimir@wrenfield.example")

    # From the contact's page to the composer.
    page.get_by_role("link", name="Ask for a chat").first.click()
    with page.expect_navigation():
        page.get_by_role("button", name=f"Write to {FIRST}").click()
    expect(page.get_by_role("heading", name=f"Request to {FIRST}")).to_be_visible()

    # A request the linter flags: checked as it is typed, and again with the Check button.
    page.get_by_label("Message").fill(POOR_REQUEST)
    expect(rule(page, "No job words").locator(".lint__verdict")).to_have_text("Fails")
    with page.expect_navigation():
        page.get_by_role("button", name="Check", exact=True).click()
    expect(rule(page, "No job words").locator(".lint__verdict")).to_have_text("Fails")
    expect(rule(page, "The shared connection comes first").locator(".lint__verdict")).to_have_text(
        "Fails"
    )
    expect(rule(page, "No job words")).to_contain_text("job")
    page.screenshot(path=str(artifacts / "outreach-2-flagged.png"), full_page=True)

    # Fixed: the shared connection first, about them, a broad interest, a question at the end.
    page.get_by_label("What you share with them").fill(CONNECTION)
    page.get_by_label("Message").fill(GOOD_REQUEST)
    with page.expect_navigation():
        page.get_by_role("button", name="Check", exact=True).click()
    verdicts = page.locator(".lint__rule .lint__verdict")
    expect(verdicts).to_have_count(6)
    expect(verdicts).to_have_text(["Passes"] * 6)
    page.screenshot(path=str(artifacts / "outreach-3-fixed.png"), full_page=True)

    # Marked sent: the 3-and-7 timers start.
    with page.expect_navigation():
        page.get_by_role("button", name="I sent it elsewhere").click()
    expect(page.get_by_text("Waiting for a reply").first).to_be_visible()
    page.goto(f"{base}/")
    expect(page.get_by_role("link", name=re.compile(f"Write to {SECOND}"))).to_have_count(0)

    # Three business days on, with no reply: try the second person at the same organisation.
    clocked_server.set_clock(THREE_BUSINESS_DAYS_LATER)
    page.goto(f"{base}/")
    waiting = page.get_by_role("region", name="Requests waiting")
    expect(waiting).to_contain_text(f"3 business days without a reply from {FIRST}")
    write_to_second = waiting.get_by_role("link", name=re.compile(f"Write to {SECOND}"))
    expect(write_to_second.first).to_be_visible()
    page.screenshot(path=str(artifacts / "outreach-4-suggestion.png"), full_page=True)

    write_to_second.first.click()
    with page.expect_navigation():
        page.get_by_role("button", name=f"Write to {SECOND}").click()
    expect(page.get_by_role("heading", name=f"Request to {SECOND}")).to_be_visible()
    context.close()
