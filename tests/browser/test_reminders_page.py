"""Reminders in Preferences: push turned on to a loopback ntfy stand-in, tested, and recorded.

The server's clock is the test's (clocked_server, an empty home). Two thank-yous come due in
two hours; a reminder run in a child process, at the server's time, pushes both to the
receiver, which refuses the first: the record then shows one sent and one failed with its
reason and its next try. The test process never touches the database.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, phone_signed_in
from tests.receivers import PushReceiver

pytestmark = pytest.mark.browser

CLOCK_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DESKTOP = {"width": 1280, "height": 800}

# Two chats that ended 22 hours ago: their thank-yous are due within two hours, so a push for
# each is due now.
SETUP = """
import sys
from datetime import datetime, timedelta
from coffeechat.cli.bootstrap import ready_with_database
ready_with_database()
from coffeechat.services.accounts import ensure_owner
from coffeechat.services.chats import ChatPlan, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.debrief import HeldChat, record_held

owner = ensure_owner()
now = datetime.fromisoformat(sys.argv[1])
ended = now - timedelta(hours=22)
for name in ("Ada Lovelace", "Bea Smith"):
    contact = add_contact(owner, ContactDetails(name=name))
    chat = plan_chat(owner, ChatPlan(contact=contact, starts_at=ended - timedelta(minutes=30)),
                     allow_overlap=True)
    record_held(owner, chat, HeldChat(actual_start=ended - timedelta(minutes=30),
                                      actual_end=ended), now=ended)
"""
# One reminder run, as `coffeechat remind` does it, at the server's time.
REMIND = """
import sys
from datetime import datetime
import time_machine
time_machine.travel(datetime.fromisoformat(sys.argv[1]), tick=True).start()
from coffeechat.cli.bootstrap import ready_with_database
ready_with_database()
from coffeechat.services.accounts import ensure_owner
from coffeechat.services.reminders import remind
print(remind(owner=ensure_owner(), link_address=sys.argv[2]))
"""


def run_child(server, script: str, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=server.environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def fits_the_width(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture(scope="module")
def receiver():
    with PushReceiver() as started:
        yield started


def test_push_reminders_are_turned_on_tested_and_recorded(
    browser, clocked_server, receiver, artifacts
):
    run_child(clocked_server, SETUP, CLOCK_START.isoformat())
    phone = phone_signed_in(browser, clocked_server)
    page = phone.new_page()
    page.goto(clocked_server.base_url + "/")
    page.get_by_role("link", name="Get reminders by email or on your phone").click()
    expect(page.get_by_role("heading", name="Reminders", level=1)).to_be_visible()
    # No mail server on this home: the email boxes say so and cannot be ticked.
    expect(page.get_by_label("A digest each day")).to_be_disabled()
    expect(page.get_by_text("Sending email is not set up here")).to_be_visible()
    expect(page.get_by_text("Nothing sent yet.")).to_be_visible()
    links = page.get_by_label("Links in reminders open")
    expect(links).to_have_value(clocked_server.base_url + "/")

    topic = receiver.topic_url("coffeechat-browser")
    page.get_by_label("Topic address").fill(topic)
    page.get_by_label("Quiet from").select_option(label="22:00")
    page.get_by_label("Quiet until").select_option(label="06:00")
    page.get_by_role("button", name="Save reminders").click()
    expect(page.get_by_text("Saved your reminder settings.")).to_be_visible()
    expect(page.get_by_label("Topic address")).to_have_value(topic)
    expect(page.get_by_label("Quiet from")).to_have_value("22")
    expect(page.get_by_label("Quiet until")).to_have_value("6")
    expect(links).to_have_value(clocked_server.base_url + "/")

    page.get_by_role("button", name="Send a test push").click()
    expect(page.get_by_role("status")).to_contain_text("A test push went to")
    assert [push["title"] for push in receiver.pushes] == ["coffeechat: a test reminder"]

    # The first reminder is refused; the run records why and when it tries again.
    receiver.answer_next(503)
    run_child(clocked_server, REMIND, CLOCK_START.isoformat(), clocked_server.base_url + "/")
    page.reload()
    record = page.locator("table.record")
    expect(record.locator("tbody tr")).to_have_count(2)
    expect(record.get_by_text("Sent", exact=True)).to_be_visible()
    expect(record.get_by_text("answered 503 Service Unavailable")).to_be_visible()
    expect(record.get_by_text("(attempt 2).")).to_be_visible()
    assert fits_the_width(page), "the reminders page scrolls sideways at 375 px"
    assert page.viewport_size == PHONE
    page.screenshot(path=str(artifacts / "reminders-375.png"), full_page=True)

    desktop = browser.new_context(viewport=DESKTOP, storage_state=phone.storage_state())
    wide = desktop.new_page()
    wide.goto(clocked_server.base_url + "/preferences/")
    wide.get_by_role("link", name="Reminders", exact=True).click()
    expect(wide.get_by_label("Topic address")).to_have_value(topic)
    expect(wide.locator("table.record tbody tr")).to_have_count(2)
    wide.screenshot(path=str(artifacts / "reminders-1280.png"), full_page=True)

    # A wrong address comes back beside its field, with what was typed.
    wide.get_by_label("Topic address").fill("ntfy.sh/")
    wide.get_by_role("button", name="Save reminders").click()
    expect(wide.get_by_role("alert")).to_contain_text("Topic address")
    expect(wide.get_by_label("Topic address")).to_have_value("ntfy.sh/")
    wide.screenshot(path=str(artifacts / "reminders-error-1280.png"), full_page=True)
    desktop.close()
    phone.close()
