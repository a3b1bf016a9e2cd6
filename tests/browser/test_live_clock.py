"""The live page keeps the server's time on a phone whose clock is wrong, and its cues are felt.

The server's clock is the test's (clocked_server) and the page's clock is Playwright's: a phone
10 minutes fast, one 7 minutes slow, and one right. In each case a chat is planned for the
server's now, started, and followed to its wrap-up cue and check-in: the countdown reads the
agreed 20 minutes, each cue comes at the server's time, and the page says how far off the phone
is (or nothing, when it is right). Time moves on by moving both clocks together, as it does in
the room.

The cues you can feel: the whole screen changes for a few seconds at each cue; with the
preferences on, the phone vibrates and the screen is kept awake. navigator.vibrate and
navigator.wakeLock are stubbed before the page loads, to record what the page asked for.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import tzlocal
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, move_clocks_to, phone_signed_in

pytestmark = pytest.mark.browser

CLOCK_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OWNER_ZONE = ZoneInfo(tzlocal.get_localzone_name() or "UTC")
DESKTOP = {"width": 1280, "height": 800}
# Records what the page asks of the phone, in place of the real vibration and wake lock.
CUE_RECORDER = """
window.cuesAsked = { vibrations: [], wakeLocks: [], flashes: [] };
// Every change of the whole screen, kept: it lasts a few seconds of the page's clock, which a
// busy machine can let pass before the test looks.
document.addEventListener("DOMContentLoaded", () => {
  new MutationObserver(() => {
    const flash = document.body.dataset.cueFlash;
    if (flash && document.body.classList.contains("live-cue-flash")) {
      window.cuesAsked.flashes.push(flash);
    }
  }).observe(document.body, { attributes: true, attributeFilter: ["data-cue-flash"] });
});
Object.defineProperty(Navigator.prototype, "vibrate", {
  configurable: true,
  value(pattern) { window.cuesAsked.vibrations.push(pattern); return true; },
});
Object.defineProperty(Navigator.prototype, "wakeLock", {
  configurable: true,
  get() {
    return {
      async request(kind) {
        window.cuesAsked.wakeLocks.push(kind);
        const lock = new EventTarget();
        lock.release = async () => {};
        return lock;
      },
    };
  },
});
"""


def local(moment: datetime) -> datetime:
    return moment.astimezone(OWNER_ZONE)


def instant(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def phone(browser, clocked_server):
    """A phone-sized context signed in on the clocked server, the first question skipped."""
    context = phone_signed_in(browser, clocked_server)
    yield context
    context.close()


def set_feel_preferences(page: Page, base: str, *, on: bool) -> None:
    page.goto(base + "/preferences/")
    for label in ("Vibrate at the cues", "Keep the screen awake during a chat"):
        page.get_by_label(label).set_checked(on)
    with page.expect_navigation():
        page.get_by_role("button", name="Save preferences").click()


def plan_chat_now(page: Page, base: str, name: str, now: datetime) -> str:
    """A new contact and a 20-minute chat with them planned for ``now``; return its code."""
    page.goto(base + "/contacts/new/")
    page.get_by_label("Name", exact=True).fill(name)
    with page.expect_navigation():
        page.get_by_role("button", name="Save contact").click()
    page.get_by_role("link", name="Plan a chat").first.click()
    page.get_by_label("Date", exact=True).fill(f"{local(now):%Y-%m-%d}")
    page.get_by_label("Start time", exact=True).fill(f"{local(now):%H:%M}")
    page.get_by_label("Length (minutes)", exact=True).fill("20")
    page.get_by_label("Buffer after (minutes)", exact=True).fill("15")
    with page.expect_navigation():
        page.get_by_role("button", name="Plan chat").click()
    expect(page).to_have_url(re.compile(r"/chats/[0-9a-f-]{36}/$"))
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def asked(page: Page) -> dict:
    return page.evaluate("window.cuesAsked")


@pytest.mark.parametrize(
    ("case", "skew", "notice", "feel"),
    [
        ("fast", timedelta(minutes=10), "This device's clock is 10 minutes fast", False),
        ("slow", timedelta(minutes=-7), "This device's clock is 7 minutes slow", True),
        ("right", timedelta(0), None, True),
    ],
)
def test_the_countdown_and_cues_follow_the_servers_clock_on_a_phone_with_its_own(
    phone, clocked_server, artifacts, case, skew, notice, feel
):
    base = clocked_server.base_url
    hour = {"fast": 0, "slow": 2, "right": 4}[case]
    now = CLOCK_START + timedelta(hours=hour)
    clocked_server.set_clock(now)
    page = phone.new_page()
    page.add_init_script(CUE_RECORDER)
    page.clock.install(time=now + skew)
    set_feel_preferences(page, base, on=feel)
    code = plan_chat_now(page, base, f"Contact running {case}", now)

    # Start: the countdown shows the agreed 20 minutes, whatever the phone's clock says. The
    # page's clock runs on in real time between the test's jumps, and a busy machine can take
    # many seconds over a screenshot and a reload: a countdown within the first minute is right
    # (a wrong clock would be 7 or 10 minutes off).
    page.goto(f"{base}/chats/{code}/live/")
    live = page.locator("[data-live-panel]")
    page.get_by_role("button", name="Start").click()
    expect(live).to_have_attribute("data-status", "live")
    countdown = live.locator("[data-countdown]")
    expect(countdown).to_have_text(re.compile(r"^(19:[0-5]\d|20:00)$"))
    offset = live.locator("[data-clock-offset]")
    if notice:
        expect(offset).to_have_text(f"{notice}; coffeechat corrects for it.")
    else:
        expect(offset).to_be_hidden()
    page.screenshot(path=str(artifacts / f"live-clock-{case}-375.png"), full_page=True)

    # The same after a reload: the page measures again from the server's clock it carries.
    page.reload()
    expect(countdown).to_have_text(re.compile(r"^(19:[0-5]\d|20:00)$"))
    if notice:
        expect(offset).to_contain_text(notice)
    else:
        expect(offset).to_be_hidden()
    if feel:
        page.wait_for_function("() => window.cuesAsked.wakeLocks.length > 0")
        assert asked(page)["wakeLocks"] == ["screen"]

    # The wrap-up cue: not 30 seconds before the server's time, shown 30 seconds after it.
    state = page.request.get(f"{base}/chats/{code}/live/state.json").json()
    wrap_at, end = instant(state["wrap_up_at"]), instant(state["target_end"])
    wrap_cue = live.locator('[data-cue="wrap_up"]')
    move_clocks_to(clocked_server, page, wrap_at - timedelta(seconds=30), skew)
    expect(countdown).to_have_text(re.compile(r"^5:[0-3]\d$"))
    expect(wrap_cue).to_be_hidden()
    expect(page.locator("body")).not_to_have_class(re.compile("live-cue-flash"))
    move_clocks_to(clocked_server, page, wrap_at + timedelta(seconds=30), skew)
    expect(wrap_cue).to_be_visible()
    body = page.locator("body")
    page.wait_for_function("() => window.cuesAsked.flashes.includes('wrap_up')")
    if notice:
        expect(offset).to_contain_text(notice)
    page.screenshot(path=str(artifacts / f"live-clock-wrap-up-{case}-375.png"))
    if case == "right":
        page.set_viewport_size(DESKTOP)
        page.screenshot(path=str(artifacts / "live-clock-wrap-up-1280.png"))
        page.set_viewport_size(PHONE)
    # A few seconds later the screen is itself again.
    page.clock.run_for(5_000)
    expect(body).not_to_have_class(re.compile(r"\blive-cue-flash\b"))

    # The check-in at the agreed end, on the server's clock.
    check_in = live.locator('[data-cue="check_in"]')
    move_clocks_to(clocked_server, page, end - timedelta(seconds=30), skew)
    expect(check_in).to_be_hidden()
    move_clocks_to(clocked_server, page, end + timedelta(seconds=30), skew)
    expect(check_in).to_be_visible()
    page.wait_for_function("() => window.cuesAsked.flashes.includes('check_in')")
    assert asked(page)["flashes"] == ["wrap_up", "check_in"]
    expect(live.locator("[data-countdown-label]")).to_have_text("over")
    expected = [200, [200, 120, 200]] if feel else []
    assert asked(page)["vibrations"] == expected
    assert asked(page)["wakeLocks"] == (["screen"] if feel else [])

    page.get_by_role("button", name="End").click()
    expect(page.get_by_label("How long did that feel?")).to_be_visible()
    page.close()
