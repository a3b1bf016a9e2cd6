"""What you send is what you see, in a real browser: every way out carries the text on screen.

On a thank-you of the demo data and on a request for a chat, the draft is edited and then left
by each way in turn: the .eml download carries the edit, the mail program link carries it (and
reads exactly as the link the server writes for the saved text), and Copy puts it on the
clipboard. Each of them saved it too: a reload shows the edit.
"""

from __future__ import annotations

import email
import re
from email import policy
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import fresh_sign_in_link, signed_in_context

pytestmark = pytest.mark.browser

MESSAGE_LABEL = re.compile(r"^Message:?$")
# Characters each encoder could treat differently: & ! ' ( ) * %, accents and line breaks.
EDITS = {
    "eml": "P.S. Your café story (the one with the 5% rule) stays with me!",
    "copy": "P.S. I'll try the 'two questions' trick & tell you how it goes.",
    "mailto": "P.S. Thank you * again * for the clinic app tour: it helped.",
}


def parse_eml(path: Path) -> str:
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def mailto_body(href: str) -> str:
    return unquote(href.split("&body=", 1)[1]).replace("\r\n", "\n")


def server_mailto(page: Page) -> str:
    """The mail link as the server writes it for the saved text, before the script rebuilds it."""
    html = page.request.get(page.url).text()
    found = re.search(r'href="(mailto:[^"]*)" data-mailto', html)
    assert found, "the page has no mail program link"
    return unescape(found.group(1))


def edit(page: Page, words: str) -> str:
    """Add a paragraph before the closing lines of the draft; return the text now on screen."""
    box = page.get_by_label(MESSAGE_LABEL)
    paragraphs = box.input_value().strip().split("\n\n")
    text = "\n\n".join([*paragraphs[:-1], words, paragraphs[-1]])
    box.fill(text)
    return text


def reloaded_text(page: Page) -> str:
    page.reload()
    return page.get_by_label(MESSAGE_LABEL).input_value()


def way(page: Page, heading: str):
    return page.locator(".delivery__way", has=page.get_by_role("heading", name=heading))


def leave_by_every_way(page: Page, artifacts: Path, name: str, *, mail_link: bool = True) -> None:
    # (1) The .eml downloads what is on screen, and saved it.
    text = edit(page, EDITS["eml"])
    with page.expect_download() as downloading:
        page.get_by_role("button", name="Download .eml").click()
    saved = Path(downloading.value.path())
    (artifacts / f"send-what-you-see-{name}.eml").write_bytes(saved.read_bytes())
    assert EDITS["eml"] in parse_eml(saved)
    assert parse_eml(saved).strip() == text.strip()
    assert reloaded_text(page) == text

    # (2) Copy puts what is on screen on the clipboard, and saves it.
    text = edit(page, EDITS["copy"])
    page.get_by_role("button", name="Copy message").click()
    expect(way(page, "Copy").locator("[data-status]")).to_have_text("Copied. Your draft is saved.")
    assert page.evaluate("navigator.clipboard.readText()") == text
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=artifacts / f"send-what-you-see-{name}-1280.png", full_page=True)
    assert reloaded_text(page) == text
    if not mail_link:
        return

    # (3) The mail link carries what is on screen as it is typed, and a click saves it.
    text = edit(page, EDITS["mailto"])
    link = page.get_by_role("link", name="Open in your mail program")
    href = link.get_attribute("href") or ""
    assert mailto_body(href) == text
    assert page.get_by_role("button", name="Open in your mail program").count() == 0
    link.click()
    expect(way(page, "Mail program").locator("[data-status]")).to_have_text("Your draft is saved.")
    # The browser's encoding and the server's agree, character for character.
    assert server_mailto(page) == href
    assert reloaded_text(page) == text
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=artifacts / f"send-what-you-see-{name}-375.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.fixture(scope="module")
def signed_in(browser, coffeechat_server):
    """A browser context signed in, allowed to read and write the clipboard."""
    context = signed_in_context(
        browser, fresh_sign_in_link(coffeechat_server), viewport={"width": 1280, "height": 900}
    )
    context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=coffeechat_server.base_url
    )
    yield context
    context.close()


@pytest.fixture
def page(signed_in):
    opened = signed_in.new_page()
    yield opened
    opened.close()


def open_thank_you(page: Page, base: str, *, with_email: bool) -> None:
    """Open a thank-you due in the demo data to someone with an email address, or without one."""
    page.goto(base + "/")
    due = page.get_by_role("region", name="Follow-ups due", exact=True)
    links = due.get_by_role("link", name=re.compile(r"^Thank-you for "))
    addresses = [links.nth(index).get_attribute("href") for index in range(links.count())]
    for address in addresses:
        page.goto(base + str(address))
        if (page.locator("[data-mailto]").count() > 0) == with_email:
            return
    pytest.fail(f"The demo has no thank-you due {'with' if with_email else 'without'} an email.")


def test_a_thank_you_leaves_as_it_reads_on_screen(page, coffeechat_server, artifacts):
    open_thank_you(page, coffeechat_server.base_url, with_email=True)
    leave_by_every_way(page, artifacts, "thank-you")


def test_without_an_email_copy_and_the_eml_still_carry_the_edit(page, coffeechat_server, artifacts):
    open_thank_you(page, coffeechat_server.base_url, with_email=False)
    expect(page.locator(".compose__to")).to_contain_text("has no email address")
    expect(way(page, "Mail program")).to_contain_text("Not available")
    expect(way(page, "Email file")).to_contain_text("It opens with no recipient")
    leave_by_every_way(page, artifacts, "no-email", mail_link=False)


def test_a_request_for_a_chat_leaves_as_it_reads_on_screen(page, coffeechat_server, artifacts):
    base = coffeechat_server.base_url
    page.goto(base + "/contacts/new/")
    page.get_by_label("Name", exact=True).fill("Wilhelmina Oduya")
    page.get_by_label("Emails", exact=True).fill("wilhelmina@brackenfield.example")
    with page.expect_navigation():
        page.get_by_role("button", name="Save contact").click()
    page.get_by_role("link", name="Ask for a chat").first.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Write to Wilhelmina Oduya").click()
    expect(page.get_by_role("heading", name="Request to Wilhelmina Oduya")).to_be_visible()
    leave_by_every_way(page, artifacts, "request")


def test_without_javascript_each_button_saves_then_delivers_the_text_on_screen(
    browser, signed_in, coffeechat_server, artifacts
):
    context = browser.new_context(
        java_script_enabled=False,
        viewport={"width": 375, "height": 800},
        storage_state=signed_in.storage_state(),
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    open_thank_you(page, coffeechat_server.base_url, with_email=True)
    # The mail program is a button of the form here; the link is for the script to show.
    mail_button = way(page, "Mail program").get_by_role("button", name="Open in your mail program")
    expect(mail_button).to_be_visible()
    expect(page.get_by_role("link", name="Open in your mail program")).to_have_count(0)

    text = edit(page, EDITS["eml"])
    with page.expect_download() as downloading:
        page.get_by_role("button", name="Download .eml").click()
    assert parse_eml(Path(downloading.value.path())).strip() == text.strip()

    text = edit(page, EDITS["copy"])
    with page.expect_navigation():
        page.get_by_role("button", name="Copy message").click()
    expect(page.get_by_text("Your draft is saved. Select the message in the box")).to_be_visible()
    assert page.get_by_label(MESSAGE_LABEL).input_value() == text
    page.screenshot(path=artifacts / "send-what-you-see-no-script-375.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()
