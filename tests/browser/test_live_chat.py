"""The live chat page in a real browser with its clock under the test's control.

One chat is planned for now through the planning form, started on its live page, and followed to
its end: the exact confirm line, the wrap-up cue not before its time and then shown, the check-in
script with room to continue, an extension, a second chat planned in another tab that takes the
room away (the first tab notices by itself), a reload mid-chat, and at the end the felt-length
question before the real length.

The page computes every cue from the absolute times the server rendered, on the server's clock:
it measures its own clock against the server's on every answer. So time passes here by moving
both clocks together: this module has its own demo home, filled and served with a clock the test
moves, starting at LIVE_START whatever the real date and time of day.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import tzlocal
from playwright.sync_api import Page, expect

from tests.browser.conftest import ClockedServer, clocked_serving, move_clocks_to

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
BESIDE_A_CALL = {"width": 400, "height": 760}
OWNER_ZONE = ZoneInfo(tzlocal.get_localzone_name() or "UTC")
# A Wednesday noon where the owner lives: the demo's 10:00 chat is over, its 14:00 chat is the
# next commitment (clear_the_way cancels it), and no busy block is anywhere near.
LIVE_START = datetime(2026, 3, 4, 12, 0, tzinfo=OWNER_ZONE)


@pytest.fixture(scope="module")
def coffeechat_server(tmp_path_factory, chromium_executable) -> Iterator[ClockedServer]:
    """This module's demo home, filled and served at LIVE_START (and `owner` on it)."""
    with clocked_serving(tmp_path_factory.mktemp("live-home"), LIVE_START, demo=True) as server:
        yield server


def local(moment: datetime) -> datetime:
    return moment.astimezone(OWNER_ZONE)


def hhmm(moment: datetime) -> str:
    """The demo owner reads a 24-hour clock in the computer's zone."""
    return f"{local(moment):%H:%M}"


def instant(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def state(page: Page, base_url: str, code: str) -> dict:
    response = page.request.get(f"{base_url}/chats/{code}/live/state.json")
    assert response.ok, response.status
    return response.json()


def plan_chat(page: Page, base_url: str, starts_at: datetime, contact_index: int) -> str:
    """Plan a chat through the form (over any demo chat in the way); return its code."""
    page.goto(base_url + "/chats/new/")
    page.get_by_label("Contact", exact=True).select_option(index=contact_index)
    page.get_by_label("Date", exact=True).fill(f"{local(starts_at):%Y-%m-%d}")
    page.get_by_label("Start time", exact=True).fill(hhmm(starts_at))
    page.get_by_label("Length (minutes)", exact=True).fill("20")
    page.get_by_label("Buffer after (minutes)", exact=True).fill("15")
    with page.expect_navigation():
        page.get_by_role("button", name="Plan chat").click()
    overlap = page.get_by_label("Plan it anyway")
    if "/chats/new/" in page.url and overlap.count():
        overlap.check()
        with page.expect_navigation():
            page.get_by_role("button", name="Plan chat").click()
    expect(page).to_have_url(re.compile(r"/chats/[0-9a-f-]{36}/$"))
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def clear_the_way(page: Page, base_url: str, code: str, now: datetime) -> None:
    """Cancel demo chats starting within the next two hours, so this chat has room after it."""
    for _ in range(5):
        following = state(page, base_url, code)["next_commitment"]
        if following is None:
            return
        soon = instant(following["starts_at"]) < now + timedelta(hours=2)
        if not soon:
            return
        # LIVE_START is chosen so that only demo chats follow; a busy block there means the demo
        # changed and LIVE_START should move.
        assert following["chat_code"], f"a busy block ({following['label']}) follows the chat"
        page.goto(f"{base_url}/chats/{following['chat_code']}/cancel/")
        with page.expect_navigation():
            page.get_by_role("button", name="Cancel chat").click()


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_chat_from_start_to_felt_length(owner, coffeechat_server, artifacts):
    base = coffeechat_server.base_url
    page = owner.new_page()
    # The page's clock starts at the server's, a moment after LIVE_START.
    page.clock.install(time=coffeechat_server.now())

    # Plan a chat for now and go live from its page.
    code = plan_chat(page, base, coffeechat_server.now(), contact_index=1)
    clear_the_way(page, base, code, coffeechat_server.now())
    page.goto(f"{base}/chats/{code}/")
    page.get_by_role("link", name="Go live").click()
    expect(page).to_have_url(f"{base}/chats/{code}/live/")
    live = page.locator("[data-live-panel]")

    page.screenshot(path=artifacts / "live-ready-1280.png", full_page=True)

    # Start: the exact confirm line, in real clock times.
    before = coffeechat_server.now()
    page.get_by_role("button", name="Start").click()
    confirm = live.locator('[data-script="confirm"]')
    expect(confirm).to_be_visible()
    after = coffeechat_server.now()
    started = state(page, base, code)
    start, end = instant(started["actual_start"]), instant(started["target_end"])
    # Started now: the page's installed clock may trail the test's by a few milliseconds, so a
    # press at 15:00:59.99 may read 15:00 while "before" already reads 15:01.
    assert before - timedelta(seconds=5) <= start <= after + timedelta(seconds=5)
    assert end - start == timedelta(minutes=20)
    assert not started["capped"]
    expect(confirm).to_have_text(
        f"It's {hhmm(start)} now. We said 20 minutes, so until {hhmm(end)}. "
        "Does that still work for you?"
    )
    expect(live).to_have_attribute("data-ends-at", started["target_end"])
    page.screenshot(path=artifacts / "live-started-1280.png", full_page=True)

    # The wrap-up cue: not 30 seconds before its time, shown 30 seconds after.
    wrap_cue = live.locator('[data-cue="wrap_up"]')
    move_clocks_to(coffeechat_server, page, instant(started["wrap_up_at"]) - timedelta(seconds=30))
    expect(live.locator("[data-countdown]")).to_have_text(re.compile(r"^5:[0-3]\d$"))
    expect(wrap_cue).to_be_hidden()
    move_clocks_to(coffeechat_server, page, instant(started["wrap_up_at"]) + timedelta(seconds=30))
    expect(wrap_cue).to_be_visible()
    expect(wrap_cue).to_contain_text("About 5 minutes to go. Make your Ask")
    page.screenshot(path=artifacts / "live-wrap-up-1280.png", full_page=True)

    # At the end, room to continue: the script offers more time.
    check_in = live.locator('[data-cue="check_in"]')
    expect(check_in).to_be_hidden()
    move_clocks_to(coffeechat_server, page, end + timedelta(seconds=10))
    expect(check_in).to_be_visible()
    expect(check_in).to_have_attribute("data-check-in", "check_in_room")
    expect(check_in).to_contain_text("keep going for another 5 minutes")
    expect(wrap_cue).to_be_hidden()
    expect(live.locator("[data-countdown-label]")).to_have_text("over")

    # They want to continue: the end moves on by five minutes and the log says who asked.
    page.get_by_role("button", name="They want to continue (+5 min)").click()
    extended_end = end + timedelta(minutes=5)
    expect(live).to_have_attribute("data-ends-at", re.compile(extended_end.strftime("%H:%M:%S")))
    expect(live.locator(".live-log li")).to_contain_text(
        ["Started, with 20 minutes confirmed", "They wanted to continue: 5 more minutes"]
    )
    expect(check_in).to_be_hidden()
    assert state(page, base, code)["extension"] == "they_asked"

    # Another tab plans the next chat right after this one's buffer: no room any more. The
    # live tab finds out on its own, by polling.
    other = owner.new_page()
    plan_chat(
        other,
        base,
        extended_end.replace(second=0, microsecond=0) + timedelta(minutes=16),
        contact_index=2,
    )
    other.close()
    move_clocks_to(coffeechat_server, page, extended_end + timedelta(seconds=10))
    expect(check_in).to_be_visible()
    expect(check_in).to_have_attribute("data-check-in", "check_in_close")
    expect(check_in).to_contain_text("That's the time we agreed")
    expect(check_in.locator('[data-script="non_verbal"]')).to_contain_text("Close your notebook")
    page.screenshot(path=artifacts / "live-check-in-1280.png", full_page=True)

    # A reload mid-chat keeps everything: still live, same end, same script, same log.
    page.reload()
    expect(live).to_have_attribute("data-status", "live")
    expect(live).to_have_attribute("data-ends-at", re.compile(extended_end.strftime("%H:%M:%S")))
    expect(check_in).to_be_visible()
    expect(check_in).to_have_attribute("data-check-in", "check_in_close")
    expect(confirm).to_have_text(re.compile(rf"^It's {hhmm(start)} now\."))

    # Phone and narrow window beside a video call: no sideways scrolling, buttons in reach.
    for name, size in (("375", PHONE), ("400", BESIDE_A_CALL)):
        page.set_viewport_size(size)
        expect(page.get_by_role("button", name="End")).to_be_visible()
        assert no_sideways_scroll(page), f"the live page scrolls sideways at {name} px"
        page.screenshot(path=artifacts / f"live-check-in-{name}.png", full_page=True)
    page.set_viewport_size(DESKTOP)

    # A quick note by keyboard: "m" picks Memorable and focuses the box, Enter saves.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("m")
    box = page.get_by_label("Note", exact=True)
    expect(box).to_be_focused()
    expect(page.get_by_label("Kind", exact=True)).to_have_value("memorable")
    box.fill("They drew the team's map of skills on a napkin")
    box.press("Enter")
    notes = page.locator("#notes .note-list")
    expect(notes).to_contain_text("They drew the team's map of skills on a napkin")
    expect(notes).to_contain_text("Memorable")

    # End: first how long it felt, then the real length.
    page.get_by_role("button", name="End").click()
    felt = page.get_by_label("How long did that feel?")
    expect(felt).to_be_visible()
    expect(felt).to_be_focused()
    expect(page.get_by_text("It really lasted")).to_have_count(0)
    page.set_viewport_size(PHONE)
    page.screenshot(path=artifacts / "live-felt-375.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    felt.fill("22")
    page.get_by_role("button", name="Show the real length").click()
    result = live.locator(".live-result")
    expect(result).to_contain_text("It felt like 22 minutes.")
    expect(result).to_contain_text("It really lasted")
    assert state(page, base, code)["felt_minutes"] == 22
    page.screenshot(path=artifacts / "live-result-1280.png", full_page=True)

    # The scripts behind those lines can be reworded; the page fits a phone.
    page.set_viewport_size(PHONE)
    page.goto(base + "/preferences/scripts/")
    expect(page.get_by_label("Check-in without room")).to_contain_text("That's the time we agreed")
    assert no_sideways_scroll(page), "the scripts page scrolls sideways at 375 px"
    page.screenshot(path=artifacts / "scripts-375.png", full_page=True)
    page.close()
