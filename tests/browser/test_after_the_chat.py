"""From End to a thank-you ready to send, in a real browser, in at most three clicks.

A chat with a new contact is planned for now, started on its live page and ended. From End on,
every click and every form submitted (by a click or by a key) is counted in the page itself,
across page loads; typing is not. On the same page the three capture boxes are filled (a reload
half-way loses nothing, and each step's reading shows beside its box), then "Write the thank-you"
opens the composer with a draft that carries what stuck, the step and the name suggested.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import tzlocal
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

OWNER_ZONE = ZoneInfo(tzlocal.get_localzone_name() or "UTC")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
# A name no demo contact comes close to.
CONTACT = "Philippa Quennell"
STUCK = "Hearing how you moved into UX through the clinic app"
AGREED = "I'll send you my case study on the booking flow by Friday"
SUGGESTED = "Tom Arkwright at Fenwick Health"
SECOND_NAME = "Ines Valcourt"
MOST_CLICKS = 3

# Counts trusted clicks, and submits no click caused (Enter in a box), in sessionStorage so the
# count survives the page loads between End and the composer.
COUNTER = """
(() => {
  let clicking = false;
  const bump = () => {
    const count = Number(sessionStorage.getItem("clicks") || "0");
    sessionStorage.setItem("clicks", String(count + 1));
  };
  document.addEventListener("click", (event) => {
    if (!event.isTrusted) return;
    bump();
    clicking = true;
    setTimeout(() => { clicking = false; }, 0);
  }, true);
  document.addEventListener("submit", () => { if (!clicking) bump(); }, true);
})();
"""


def clicks(page: Page) -> int:
    return int(page.evaluate("Number(sessionStorage.getItem('clicks') || '0')"))


def plan_chat_for_now(page: Page, base_url: str, now: datetime) -> str:
    """Add the contact, plan a chat with them starting ``now``; return the chat's code."""
    page.goto(base_url + "/contacts/new/")
    page.get_by_label("Name", exact=True).fill(CONTACT)
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("heading", name=CONTACT, level=1)).to_be_visible()
    page.get_by_role("link", name="Plan a chat").first.click()
    now = now.astimezone(OWNER_ZONE)
    page.get_by_label("Date", exact=True).fill(f"{now:%Y-%m-%d}")
    page.get_by_label("Start time", exact=True).fill(f"{now:%H:%M}")
    page.get_by_label("Length (minutes)", exact=True).fill("20")
    page.get_by_label("Buffer after (minutes)", exact=True).fill("15")
    with page.expect_navigation():
        page.get_by_role("button", name="Plan chat").click()
    # A demo chat may sit in the way today; this test is not about collisions.
    overlap = page.get_by_label("Plan it anyway")
    if "/chats/new/" in page.url and overlap.count():
        overlap.check()
        with page.expect_navigation():
            page.get_by_role("button", name="Plan chat").click()
    expect(page).to_have_url(re.compile(r"/chats/[0-9a-f-]{36}/$"))
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_from_end_to_a_thank_you_ready_to_send_in_three_clicks(owner, coffeechat_server, artifacts):
    base = coffeechat_server.base_url
    page = owner.new_page()
    page.add_init_script(COUNTER)
    page.clock.install(time=coffeechat_server.now())  # the page's clock runs with the server's
    code = plan_chat_for_now(page, base, coffeechat_server.now())
    page.goto(f"{base}/chats/{code}/live/")
    page.get_by_role("button", name="Start").click()
    end = page.get_by_role("button", name="End")
    expect(end).to_be_visible()

    # From here on every click counts.
    page.evaluate("sessionStorage.setItem('clicks', '0')")
    end.click()

    # The same page: the felt-time question (left unanswered) and the three boxes.
    expect(page).to_have_url(f"{base}/chats/{code}/live/")
    expect(page.get_by_label("How long did that feel?")).to_be_visible()
    capture = page.locator("#capture")
    expect(capture).to_be_visible()
    save_state = capture.locator("[data-capture-state]")
    expect(capture.get_by_role("button", name="Save")).to_be_hidden()  # it saves by itself

    capture.get_by_label("What stuck with you").fill(STUCK)
    expect(save_state).to_have_text("Saved")

    # A reload half-way loses nothing.
    page.reload()
    capture = page.locator("#capture")
    save_state = capture.locator("[data-capture-state]")
    expect(capture.get_by_label("What stuck with you")).to_have_value(STUCK)

    capture.get_by_label("What we agreed").fill(AGREED)
    expect(save_state).to_have_text("Saved")
    reading = capture.locator('[data-capture-swap="agreed"]')
    expect(reading).to_contain_text("Yours send you my case study on the booking flow")
    expect(reading.locator("time")).to_have_text(re.compile(r"^Fri \d{1,2} [A-Z][a-z]{2}$"))

    suggested = capture.get_by_label("Who they suggested")
    suggested.fill(SUGGESTED)
    expect(save_state).to_have_text("Saved")
    expect(capture.locator('[data-capture-swap="suggested"]')).to_contain_text(
        "Tom Arkwright at Fenwick Health"
    )
    for width in (DESKTOP, PHONE):
        page.set_viewport_size(width)
        assert no_sideways_scroll(page)
        page.screenshot(path=artifacts / f"after-the-chat-{width['width']}.png", full_page=True)
    page.set_viewport_size(DESKTOP)

    # One more name, and the link at once: following it waits for the save still due.
    suggested.press("End")
    suggested.type(f"\n{SECOND_NAME}")
    expect(save_state).to_have_text("Changes not saved yet")
    with page.expect_navigation():
        capture.get_by_role("link", name="Write the thank-you").click()
    expect(page).to_have_url(re.compile(r"/follow-ups/[0-9a-f-]{36}/$"))
    body = page.get_by_label(re.compile(r"^Message:?$")).input_value()
    assert "the clinic app" in body, body
    assert "case study on the booking flow" in body, body
    assert "Tom Arkwright" in body, body
    assert SECOND_NAME in body, body
    page.screenshot(path=artifacts / "after-the-chat-composer-1280.png", full_page=True)

    used = clicks(page)
    assert used <= MOST_CLICKS, f"{used} clicks and submits from End to the thank-you"

    # Nothing typed was lost on the way: the live page shows all three as saved.
    page.goto(f"{base}/chats/{code}/live/")
    expect(page.get_by_label("Who they suggested")).to_have_value(f"{SUGGESTED}\n{SECOND_NAME}")

    # The chat's page leads with the capture and the thank-you, not with its preparation.
    page.goto(f"{base}/chats/{code}/")
    expect(page.locator("#capture")).to_contain_text(STUCK)
    expect(page.get_by_text("Not prepared yet")).to_have_count(0)
    for width in (DESKTOP, PHONE):
        page.set_viewport_size(width)
        assert no_sideways_scroll(page)
        page.screenshot(
            path=artifacts / f"after-the-chat-page-{width['width']}.png", full_page=True
        )
    page.close()
