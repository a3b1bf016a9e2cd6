"""The live page on a phone that loses the network: nothing changes, and it all syncs once.

A phone (touch, 375 px) starts a chat, then goes offline: two notes, an extension, End and a
capture are kept on the phone, marked "kept on this phone, not sent yet", while the countdown
carries on from absolute times. Back online, the queue goes, and a laptop (a second browser
context) shows every note once, at the time it was taken. The same with the phone's clock 10
minutes fast and 7 minutes slow. Then the conflicts: a chat deleted on the laptop meanwhile (the
phone says so and keeps the note to copy), and End pressed on both. Last, the page opened at
home and Start pressed at the café with no network: the page confirms the end itself, the same
end the server records once the phone is back.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import tzlocal
from playwright.sync_api import BrowserContext, Page, expect

from coffeechat.core.live import confirm_end
from tests.browser.conftest import (
    PHONE,
    fresh_sign_in_link,
    move_clocks_to,
    phone_signed_in,
)
from tests.browser.test_live_clock import instant, plan_chat_now

pytestmark = pytest.mark.browser

CLOCK_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OWNER_ZONE = ZoneInfo(tzlocal.get_localzone_name() or "UTC")
DESKTOP = {"width": 1280, "height": 800}
KEPT = "kept on this phone, not sent yet"


def hhmm(moment: datetime) -> str:
    return f"{moment.astimezone(OWNER_ZONE):%H:%M}"


@pytest.fixture(scope="module")
def phone(browser, clocked_server):
    context = phone_signed_in(browser, clocked_server)
    yield context
    context.close()


@pytest.fixture(scope="module")
def laptop(browser, clocked_server):
    """The same owner on a laptop: a desktop context with a sign-in link of its own."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(fresh_sign_in_link(clocked_server))
    skip = page.get_by_role("button", name="Skip for now")
    if skip.count():
        skip.click()
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    page.close()
    yield context
    context.close()


def go_live(context: BrowserContext, server, now: datetime, skew: timedelta, name: str):
    """A chat planned for the server's ``now``, started on a phone whose clock is ``skew`` off."""
    server.set_clock(now)
    page = context.new_page()
    page.clock.install(time=now + skew)
    code = plan_chat_now(page, server.base_url, name, now)
    page.goto(f"{server.base_url}/chats/{code}/live/")
    page.get_by_role("button", name="Start").click()
    expect(page.locator("[data-live-panel]")).to_have_attribute("data-status", "live")
    return page, code


def take_note(page: Page, text: str) -> None:
    box = page.get_by_label("Note", exact=True)
    box.fill(text)
    box.press("Enter")
    expect(box).to_have_value("")


def end_for_the_next_test(page: Page) -> None:
    """End the chat, so the next test can start one (only one chat is live at a time)."""
    page.get_by_role("button", name="End").click()
    expect(page.locator("[data-kept-on-phone]")).to_be_hidden()
    expect(page.locator("[data-live-panel]")).to_have_attribute("data-status", "held")
    page.close()


def state(page: Page, base: str, code: str) -> dict:
    return page.request.get(f"{base}/chats/{code}/live/state.json").json()


@pytest.mark.parametrize(
    ("case", "skew"),
    [("right", timedelta(0)), ("fast", timedelta(minutes=10)), ("slow", timedelta(minutes=-7))],
)
def test_offline_the_phone_keeps_everything_and_back_online_it_syncs_once(
    phone, laptop, clocked_server, artifacts, case, skew
):
    base = clocked_server.base_url
    now = CLOCK_START + timedelta(hours={"right": 0, "fast": 2, "slow": 4}[case])
    page, code = go_live(phone, clocked_server, now, skew, f"Offline contact {case}")
    live = page.locator("[data-live-panel]")
    countdown = live.locator("[data-countdown]")
    first_end = instant(state(page, base, code)["target_end"])

    phone.set_offline(True)
    # Half a minute past: the page's clock, measured over a busy loopback, may be a moment off.
    move_clocks_to(clocked_server, page, now + timedelta(minutes=3, seconds=30), skew)
    take_note(page, f"First offline note ({case})")
    move_clocks_to(clocked_server, page, now + timedelta(minutes=5, seconds=30), skew)
    take_note(page, f"Second offline note ({case})")
    kept_notes = page.locator("[data-pending-notes] li")
    expect(kept_notes).to_have_count(2)
    for item in kept_notes.all():
        expect(item).to_contain_text(KEPT)
    expect(kept_notes.first.locator("time")).to_have_text(hhmm(now + timedelta(minutes=5)))

    # The extension moves the end at once; the countdown carries on from it.
    page.get_by_role("button", name="They want to continue (+5 min)").click()
    later_end = first_end + timedelta(minutes=5)
    expect(live).to_have_attribute("data-ends-at", re.compile(later_end.strftime("T%H:%M:%S")))
    expect(countdown).to_have_text(
        re.compile(r"^(19:[0-5]\d|20:00)$")
    )  # five and a half minutes into 25
    expect(live.locator(".live-clock__until")).to_have_text(
        f"Until {hhmm(later_end)} · started {hhmm(now)}"
    )
    kept = page.locator("[data-kept-on-phone]")
    expect(kept).to_contain_text(f"They want to continue (+5 min): {KEPT}.")
    move_clocks_to(clocked_server, page, now + timedelta(minutes=7), skew)
    expect(countdown).to_have_text(re.compile(r"^(17:[0-5]\d|18:00)$"))

    # End shows what comes after End, offline: how long it felt and the capture.
    move_clocks_to(clocked_server, page, now + timedelta(minutes=8), skew)
    page.get_by_role("button", name="End").click()
    expect(page.get_by_label("How long did that feel?")).to_be_visible()
    expect(kept).to_contain_text(f"End: {KEPT}.")
    capture = page.locator("#capture")
    capture.get_by_label("What stuck with you").fill(f"The clinic app story ({case})")
    expect(capture.locator("[data-capture-state]")).to_have_text("Kept on this phone, not sent yet")
    page.screenshot(path=str(artifacts / f"live-offline-{case}-375.png"), full_page=True)
    if case == "right":
        page.set_viewport_size(DESKTOP)
        page.screenshot(path=str(artifacts / "live-offline-1280.png"), full_page=True)
        page.set_viewport_size(PHONE)

    # Back online: everything goes, once, in order, at the time it happened.
    move_clocks_to(clocked_server, page, now + timedelta(minutes=12), skew)
    phone.set_offline(False)
    expect(kept).to_be_hidden()
    expect(page.locator("[data-pending-notes]")).to_have_count(0)
    expect(capture.locator("[data-capture-state]")).to_have_text("Saved")
    synced = state(page, base, code)
    assert synced["status"] == "held"
    assert synced["extension_minutes"] == 5
    # When End was pressed, on the server's clock as the page measured it (a moment either way).
    assert abs(instant(synced["actual_end"]) - (now + timedelta(minutes=8))) < timedelta(seconds=60)
    # A reload sends nothing again.
    page.reload()
    expect(page.locator("[data-kept-on-phone]")).to_be_hidden()

    desk = laptop.new_page()
    desk.goto(f"{base}/chats/{code}/live/")
    notes = desk.locator("#notes .note-list li")
    for text, minutes in (
        (f"First offline note ({case})", 3),
        (f"Second offline note ({case})", 5),
    ):
        one = notes.filter(has_text=text)
        expect(one).to_have_count(1)
        expect(one.locator("time")).to_have_text(hhmm(now + timedelta(minutes=minutes)))
    expect(desk.get_by_label("What stuck with you")).to_have_value(f"The clinic app story ({case})")
    log = desk.locator(".live-log li")
    expect(log.filter(has_text="They wanted to continue: 5 more minutes")).to_have_count(1)
    desk.close()
    if case == "right":
        thank_you_in_the_mail_app(page, base, code, f"Offline contact {case}", artifacts)
    page.close()


def thank_you_in_the_mail_app(page: Page, base: str, code: str, name: str, artifacts) -> None:
    """With an address for the contact, the phone opens the thank-you in its mail app."""
    page.goto(f"{base}/chats/{code}/")
    page.get_by_role("link", name=name, exact=True).first.click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    page.goto(page.url + "edit/")
    page.get_by_label("Emails").fill("offline.contact@example.com")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^Save")).click()
    page.goto(f"{base}/chats/{code}/live/")
    mail = page.get_by_role("link", name="Open it in your mail app")
    expect(mail).to_have_attribute(
        "href", re.compile(r"^mailto:offline\.contact@example\.com\?subject=.+&body=.*clinic")
    )
    expect(page.get_by_role("link", name="Write the thank-you")).to_be_visible()
    page.locator("#capture").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "live-thanks-mailto-375.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(artifacts / "live-thanks-mailto-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)


def test_a_chat_deleted_on_the_laptop_meanwhile_leaves_the_note_to_copy(
    phone, laptop, clocked_server, artifacts
):
    base = clocked_server.base_url
    now = CLOCK_START + timedelta(hours=6)
    page, code = go_live(phone, clocked_server, now, timedelta(0), "Contact deleted meanwhile")
    phone.set_offline(True)
    move_clocks_to(clocked_server, page, now + timedelta(minutes=2), timedelta(0))
    take_note(page, "A note with nowhere to go")

    desk = laptop.new_page()
    desk.goto(f"{base}/chats/{code}/")
    desk.get_by_role("link", name="Contact deleted meanwhile").first.click()
    desk.get_by_role("link", name="Delete").click()
    with desk.expect_navigation():
        desk.get_by_role("button", name="Delete contact").click()
    desk.close()

    phone.set_offline(False)
    kept = page.locator("[data-kept-on-phone]")
    expect(kept).to_contain_text("This chat is gone")
    expect(kept.locator("textarea")).to_have_value("A note with nowhere to go")
    expect(kept.get_by_role("button", name="Copy")).to_be_visible()
    page.screenshot(path=str(artifacts / "live-offline-deleted-375.png"), full_page=True)
    page.close()


def test_end_on_two_devices_the_first_wins_and_the_phone_shows_it(phone, laptop, clocked_server):
    base = clocked_server.base_url
    now = CLOCK_START + timedelta(hours=8)
    page, code = go_live(phone, clocked_server, now, timedelta(0), "Contact ended twice")
    phone.set_offline(True)
    move_clocks_to(clocked_server, page, now + timedelta(minutes=10), timedelta(0))
    page.get_by_role("button", name="End").click()
    expect(page.get_by_label("How long did that feel?")).to_be_visible()

    clocked_server.set_clock(now + timedelta(minutes=12))
    desk = laptop.new_page()
    desk.goto(f"{base}/chats/{code}/live/")
    desk.get_by_role("button", name="End").click()
    expect(desk.get_by_label("How long did that feel?")).to_be_visible()
    desk.close()

    phone.set_offline(False)
    kept = page.locator("[data-kept-on-phone]")
    expect(kept).to_contain_text(
        f"This chat was ended on another device at {hhmm(now + timedelta(minutes=12))}."
    )
    assert abs(
        instant(state(page, base, code)["actual_end"]) - (now + timedelta(minutes=12))
    ) < timedelta(seconds=60)
    page.close()


def test_the_laptop_restarting_mid_chat_keeps_the_note_through_a_reload(
    phone, laptop, clocked_server
):
    base = clocked_server.base_url
    now = CLOCK_START + timedelta(hours=10)
    page, code = go_live(phone, clocked_server, now, timedelta(0), "Contact while restarting")
    sync_url = f"{base}/chats/{code}/live/sync/"
    page.route(sync_url, lambda route: route.abort("connectionrefused"))
    move_clocks_to(clocked_server, page, now + timedelta(minutes=4, seconds=30), timedelta(0))
    take_note(page, "Taken while the laptop restarts")
    kept = page.locator("[data-pending-notes] li")
    expect(kept).to_contain_text(KEPT)
    # The page is reloaded: the note is still kept, and goes once the server answers again.
    page.reload()
    expect(kept).to_contain_text("Taken while the laptop restarts")
    page.unroute(sync_url)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-pending-notes]")).to_have_count(0)
    notes = page.locator("#notes .note-list li").filter(has_text="Taken while the laptop restarts")
    expect(notes).to_have_count(1)
    expect(notes.locator("time")).to_have_text(hhmm(now + timedelta(minutes=4)))
    end_for_the_next_test(page)


def test_start_pressed_offline_runs_from_the_press_and_syncs_at_that_time(
    phone, laptop, clocked_server, artifacts
):
    """Opened at home, started at the café with no network: the page confirms the end itself."""
    base = clocked_server.base_url
    now = CLOCK_START + timedelta(hours=12)
    clocked_server.set_clock(now)
    page = phone.new_page()
    page.clock.install(time=now)
    code = plan_chat_now(page, base, "Contact started offline", now)
    # The next chat right after this one's buffer: a Start a few minutes late is capped by it.
    following = now + timedelta(minutes=36)
    plan_chat_now(page, base, "Contact after the café", following)
    page.goto(f"{base}/chats/{code}/live/")
    live = page.locator("[data-live-panel]")
    expect(live).to_have_attribute("data-status", "planned")

    phone.set_offline(True)
    pressed = now + timedelta(minutes=3, seconds=30)
    move_clocks_to(clocked_server, page, pressed)
    page.get_by_role("button", name="Start").click()
    expect(live).to_have_attribute("data-status", "live")
    started = instant(live.get_attribute("data-started-at") or "")
    # On the server's clock as the page measured it: within a moment of the press.
    assert abs(started - pressed) < timedelta(seconds=60)
    # The end the page shows is core.live.confirm_end's for that start.
    end = confirm_end(started, 20, following, 15).ends_at
    assert end < started + timedelta(minutes=20)
    expect(live).to_have_attribute(
        "data-ends-at", end.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )
    expect(live.locator('[data-script="confirm"]')).to_have_text(
        f"It's {hhmm(started)} now. I had us down until {hhmm(started + timedelta(minutes=20))}, "
        f"but I need to stop at {hhmm(end)}. Is that all right with you?"
    )
    expect(live.locator(".live-clock__until")).to_have_text(
        f"Until {hhmm(end)} · started {hhmm(started)}"
    )
    countdown = live.locator("[data-countdown]")
    expect(countdown).to_have_text(re.compile(r"^(16:[0-5]\d|17:00)$"))
    kept = page.locator("[data-kept-on-phone]")
    expect(kept).to_contain_text(f"Start: {KEPT}.")
    page.screenshot(path=str(artifacts / "live-start-offline-375.png"), full_page=True)

    # The countdown runs from the start; a note; the wrap-up cue, then the check-in: no room.
    noted = now + timedelta(minutes=6, seconds=30)
    move_clocks_to(clocked_server, page, noted)
    expect(countdown).to_have_text(re.compile(r"^(13:[0-5]\d|14:00)$"))
    take_note(page, "Started at the café")
    expect(page.locator("[data-pending-notes] li")).to_contain_text(KEPT)
    move_clocks_to(clocked_server, page, end - timedelta(minutes=4))
    expect(live.locator('[data-cue="wrap_up"]')).to_be_visible()
    expect(live.locator('[data-cue="wrap_up"]')).to_contain_text("About 5 minutes to go")
    move_clocks_to(clocked_server, page, end + timedelta(seconds=10))
    check_in = live.locator('[data-cue="check_in"]')
    expect(check_in).to_be_visible()
    expect(check_in).to_have_attribute("data-check-in", "check_in_close")
    shown_end = live.get_attribute("data-ends-at")

    # Back online: started when Start was pressed, not when it was sent; the end the page showed.
    phone.set_offline(False)
    expect(kept).to_be_hidden()
    expect(page.locator("[data-pending-notes]")).to_have_count(0)
    synced = state(page, base, code)
    assert synced["status"] == "live"
    assert instant(synced["actual_start"]) == started
    assert synced["target_end"] == shown_end
    expect(check_in).to_have_attribute("data-check-in", "check_in_close")

    desk = laptop.new_page()
    desk.goto(f"{base}/chats/{code}/live/")
    expect(desk.locator(".live-clock__until")).to_have_text(
        f"Until {hhmm(end)} · started {hhmm(started)}"
    )
    note = desk.locator("#notes .note-list li").filter(has_text="Started at the café")
    expect(note).to_have_count(1)
    expect(note.locator("time")).to_have_text(hhmm(noted))
    desk.close()
    end_for_the_next_test(page)


def test_start_and_end_pressed_offline_keep_the_capture_and_sync_in_order(phone, clocked_server):
    base = clocked_server.base_url
    now = CLOCK_START + timedelta(hours=14)
    clocked_server.set_clock(now)
    page = phone.new_page()
    page.clock.install(time=now)
    code = plan_chat_now(page, base, "Contact started and ended offline", now)
    page.goto(f"{base}/chats/{code}/live/")
    live = page.locator("[data-live-panel]")

    phone.set_offline(True)
    move_clocks_to(clocked_server, page, now + timedelta(minutes=1, seconds=30))
    page.get_by_role("button", name="Start").click()
    expect(live.locator("[data-countdown]")).to_have_text(re.compile(r"^(19:[0-5]\d|20:00)$"))
    started = instant(live.get_attribute("data-started-at") or "")
    move_clocks_to(clocked_server, page, now + timedelta(minutes=15, seconds=30))
    page.get_by_role("button", name="End").click()
    expect(page.get_by_label("How long did that feel?")).to_be_visible()
    capture = page.locator("#capture")
    capture.get_by_label("What stuck with you").fill("Started offline too")
    expect(capture.locator("[data-capture-state]")).to_have_text("Kept on this phone, not sent yet")
    kept = page.locator("[data-kept-on-phone]")
    expect(kept).to_contain_text(f"Start: {KEPT}.")
    expect(kept).to_contain_text(f"End: {KEPT}.")

    phone.set_offline(False)
    expect(kept).to_be_hidden()
    expect(capture.locator("[data-capture-state]")).to_have_text("Saved")
    synced = state(page, base, code)
    assert synced["status"] == "held"
    assert instant(synced["actual_start"]) == started
    assert abs(instant(synced["actual_end"]) - (now + timedelta(minutes=15, seconds=30))) < (
        timedelta(seconds=60)
    )
    page.reload()
    expect(page.get_by_label("What stuck with you")).to_have_value("Started offline too")
    page.close()


# A phone signed out from the laptop, for real over the LAN: tests/browser/test_phone_over_lan.py.
