"""The small page scripts, as a user sees them in a real browser.

- pitch.js: the spoken-length estimate moves as the pitch is typed, and warns when it runs long,
  in the words the server uses when it saves;
- compose.js: the mail program link carries the subject and message as they are typed, encoded
  exactly as the server encodes them;
- notes.js: a note is added without leaving the page, and a note with nothing in it is refused
  in place;
- targets.js: the bulk button says how many organisations are ticked, "Tick all" and
  "Untick all" work, and the ticked ones become targets.

One server for the module, on an empty home with its clock fixed at CLOCK_START, so nothing
depends on today's date or the time of day. Every check waits for a state, never for a time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from coffeechat.core.compose import mailto_url
from coffeechat.core.pitch import DEFAULT_WORDS_PER_MINUTE, LIMIT_SECONDS, estimate
from tests.browser.conftest import signed_in_context

pytestmark = pytest.mark.browser

CLOCK_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

ORGANISATIONS = ["Harrowgate Library", "Quillmere Press", "Saltmarsh Archive"]
ADDRESS = "imogen@harrowgate.example"


@pytest.fixture(scope="module")
def signed_in(browser, clocked_server):
    """A desktop browser signed in to the module's server, with three contacts at three places."""
    context = signed_in_context(
        browser, clocked_server.link, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    people = ["Imogen Threlkeld", "Barnaby Okonjo", "Wren Castellanos"]
    for index, (name, organisation) in enumerate(zip(people, ORGANISATIONS, strict=True)):
        page.goto(f"{clocked_server.base_url}/contacts/new/?organisation={quote(organisation)}")
        page.get_by_label("Name", exact=True).fill(name)
        if index == 0:
            page.get_by_label("Emails", exact=True).fill(ADDRESS)
        with page.expect_navigation():
            page.get_by_role("button", name="Save contact").click()
        expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    page.close()
    yield context
    context.close()


@pytest.fixture
def page(signed_in):
    opened = signed_in.new_page()
    yield opened
    opened.close()


def stays_on_the_page(page: Page) -> None:
    """Mark this page load; ``still_the_same_page`` fails if the browser loaded another since."""
    page.evaluate("window.sameLoad = true")


def still_the_same_page(page: Page) -> bool:
    return page.evaluate("window.sameLoad === true")


def shown_estimate(text: str) -> str:
    """What the server says of ``text`` as a pitch (core/pitch.py), in the page's words."""
    made = estimate(text, DEFAULT_WORDS_PER_MINUTE, LIMIT_SECONDS)
    words = f"{made.words} word{'' if made.words == 1 else 's'}"
    seconds = f"{made.seconds} second{'' if made.seconds == 1 else 's'}"
    return f"{words}, about {seconds} at {DEFAULT_WORDS_PER_MINUTE} words a minute"


def test_the_pitch_estimate_follows_the_typing_and_warns_when_it_runs_long(page, clocked_server):
    page.goto(f"{clocked_server.base_url}/library/")
    pitch = page.locator("#elevator [data-pitch]")
    box = pitch.get_by_role("textbox")
    shown = pitch.locator("[data-pitch-estimate]")
    warning = pitch.locator("[data-pitch-warning]")
    expect(shown).to_have_text("Nothing saved yet.")

    # Typed key by key: the count moves with each word, digits of any script included.
    box.press_sequentially("In ٢٠٢٤")
    expect(shown).to_have_text(shown_estimate("In ٢٠٢٤"))
    assert estimate("In ٢٠٢٤").words == 3
    box.press_sequentially(" I doubled visits.")
    expect(shown).to_have_text(shown_estimate("In ٢٠٢٤ I doubled visits."))
    expect(warning).to_be_hidden()

    # Too long to say in 30 seconds: the warning, in the server's words.
    long = " ".join(["Visitors came back because the galleries spoke to them."] * 10)
    box.fill(long)
    expect(shown).to_have_text(shown_estimate(long))
    expect(warning).to_be_visible()
    expect(warning).to_have_text(estimate(long).warning)

    # Cut back: the warning goes.
    box.fill("I help museums reach new visitors.")
    expect(warning).to_be_hidden()
    expect(shown).to_have_text(shown_estimate("I help museums reach new visitors."))


def test_the_mail_link_carries_what_is_typed_encoded_as_the_server_does(page, clocked_server):
    page.goto(f"{clocked_server.base_url}/contacts/")
    page.get_by_role("link", name="Imogen Threlkeld").first.click()
    page.get_by_role("link", name="Ask for a chat").first.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Write to Imogen Threlkeld").click()
    link = page.get_by_role("link", name="Open in your mail program")
    expect(link).to_be_visible()

    subject = "Coffee & 20 min? (about the 100% digital archive)"
    body = "Hi Imogen,\n\nCafé on Friday? 😀 a/b=c #1 + 'quotes' *stars*\n\nBest,\nSam"
    page.get_by_label("Subject").fill(subject)
    page.get_by_label(re.compile(r"^Message:?$")).fill(body)
    expect(link).to_have_attribute("href", mailto_url(ADDRESS, subject, body))

    # Typed one key at a time, the link keeps up.
    page.get_by_label("Subject").press("End")
    page.get_by_label("Subject").press_sequentially(" ✓")
    expect(link).to_have_attribute("href", mailto_url(ADDRESS, f"{subject} ✓", body))


def test_a_note_is_added_without_leaving_the_page_and_an_empty_one_is_refused_in_place(
    page, clocked_server
):
    page.goto(f"{clocked_server.base_url}/contacts/")
    page.get_by_role("link", name="Barnaby Okonjo").first.click()
    expect(page.get_by_role("heading", name="Barnaby Okonjo", level=1)).to_be_visible()
    stays_on_the_page(page)
    notes = page.locator("#notes")
    expect(notes.get_by_text("No notes yet.")).to_be_visible()

    notes.get_by_label("Note").fill("Their press is hiring editors for the spring list.")
    notes.get_by_role("button", name="Add note").click()
    expect(page.locator("#notes .note__text")).to_have_text(
        "Their press is hiring editors for the spring list."
    )
    expect(page.locator("#notes").get_by_text("Note added.")).to_be_visible()
    # The fresh box has the focus, ready for the next note.
    expect(page.locator("#notes").get_by_label("Note")).to_be_focused()
    assert still_the_same_page(page)

    # Only spaces: the browser lets it through, the server refuses it, and says so in place.
    page.locator("#notes").get_by_label("Note").fill("   ")
    page.locator("#notes").get_by_role("button", name="Add note").click()
    refused = page.locator("#notes").get_by_text("Write something before saving the note.")
    expect(refused.first).to_be_visible()
    # The box with the problem has the focus, to put it right.
    expect(page.locator("#notes").get_by_label("Note")).to_be_focused()
    expect(page.locator("#notes .note__text")).to_have_count(1)
    assert still_the_same_page(page)


def test_the_bulk_button_counts_the_ticked_organisations_and_adds_them(page, clocked_server):
    page.goto(f"{clocked_server.base_url}/targets/bulk/")
    form = page.locator("[data-target-bulk]")
    button = form.locator("[data-count-label]")
    expect(button).to_have_text("Add the ticked ones as targets")

    form.get_by_label(ORGANISATIONS[0]).check()
    expect(button).to_have_text("Add 1 as target")
    form.get_by_label(ORGANISATIONS[2]).check()
    expect(button).to_have_text("Add 2 as targets")

    # The script shows the buttons that tick or untick every box.
    form.get_by_role("button", name="Tick all", exact=True).click()
    expect(button).to_have_text(f"Add {len(ORGANISATIONS)} as targets")
    form.get_by_role("button", name="Untick all", exact=True).click()
    expect(button).to_have_text("Add the ticked ones as targets")
    for organisation in ORGANISATIONS:
        expect(form.get_by_label(organisation)).not_to_be_checked()

    form.get_by_label(ORGANISATIONS[1]).check()
    form.get_by_label(ORGANISATIONS[2]).check()
    expect(button).to_have_text("Add 2 as targets")
    with page.expect_navigation():
        button.click()
    for organisation in ORGANISATIONS[1:]:
        expect(page.get_by_role("row", name=re.compile(organisation))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(ORGANISATIONS[0]))).to_have_count(0)
