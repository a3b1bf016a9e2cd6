"""A paired phone runs a chat over the LAN, through a restart of the computer and a sign-out.

Everything is real: `coffeechat serve --lan 127.0.0.2` (127.0.0.2 stands in for the computer's
address on the home network, so no traffic leaves this machine), a phone-sized touch context
paired with the code the server printed, the server stopped and started again mid-chat, and the
phone signed out from the laptop's page. The clocks are the real ones: the chat is planned for
the moment the test runs, whatever the hour.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    COFFEECHAT,
    LAN,
    PAIRING_LINK,
    PHONE,
    READY,
    child_environment,
    free_port,
    serving,
)
from tests.browser.test_live_clock import plan_chat_now
from tests.browser.test_live_offline import KEPT, take_note

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def test_a_paired_phone_carries_on_through_a_restart_and_is_told_when_signed_out(
    browser, tmp_path, chromium_executable, artifacts
):
    port = free_port()
    environ = child_environment(tmp_path, None)
    command = [COFFEECHAT, "--home", str(tmp_path), "serve", "--no-browser", "--port", str(port)]
    laptop = browser.new_context(viewport=DESKTOP)
    laptop.set_default_timeout(20_000)
    phone = browser.new_context(viewport=PHONE, has_touch=True, user_agent=PHONE_AGENT)
    phone.set_default_timeout(20_000)
    base = f"http://127.0.0.1:{port}"
    lan_base = f"http://{LAN}:{port}"

    with serving([*command, "--lan", LAN], environ, READY) as (link, output):
        desk = laptop.new_page()
        desk.goto(link)
        desk.get_by_role("button", name="Skip for now").click()
        code = plan_chat_now(desk, base, "Noor Haddad", datetime.now(UTC))

        on_phone = phone.new_page()
        on_phone.goto(PAIRING_LINK.search("\n".join(output)).group(1))
        expect(on_phone.get_by_text("This phone is paired as Safari on iPhone.")).to_be_visible()
        on_phone.goto(f"{lan_base}/chats/{code}/live/")
        on_phone.get_by_role("button", name="Start").click()
        live = on_phone.locator("[data-live-panel]")
        expect(live).to_have_attribute("data-status", "live")
        take_note(on_phone, "Confirmed we have twenty minutes")
        notes = on_phone.locator("[data-pending-notes] li")
        expect(notes).to_have_count(0)  # sent at once: nothing kept

    # The computer is down: the phone keeps time and keeps the note.
    countdown = live.locator("[data-countdown]")
    take_note(on_phone, "Written while the laptop restarted")
    expect(notes).to_have_count(1)
    expect(notes.first).to_contain_text(KEPT)
    shown = countdown.inner_text()
    expect(countdown).not_to_have_text(shown)  # the clock runs on
    on_phone.screenshot(path=str(artifacts / "lan-phone-kept-375.png"), full_page=True)

    # Back up, on the same address: LAN access comes back by itself and the note goes, once.
    with serving(command, environ, READY) as (link, output):
        assert f"Phones you pair reach coffeechat at {lan_base}/" in "\n".join(output)
        # The page tries again every few seconds: no reload, no tap.
        expect(notes).to_have_count(0, timeout=30_000)
        desk.goto(f"{base}/chats/{code}/live/")
        for text in ("Confirmed we have twenty minutes", "Written while the laptop restarted"):
            expect(desk.get_by_text(text)).to_have_count(1)

        # Signed out from the laptop: the phone is told at its next request, and keeps its note.
        desk.goto(f"{base}/phone/")
        desk.locator(".paired-device").get_by_role("button", name="Sign out").click()
        expect(desk.get_by_text("Signed out Safari on iPhone")).to_be_visible()
        take_note(on_phone, "Written after the sign-out")
        kept = on_phone.locator("[data-kept-on-phone]")
        expect(kept).to_contain_text("This phone was signed out from your computer", timeout=30_000)
        expect(kept.locator("textarea")).to_have_value("Written after the sign-out")
        on_phone.screenshot(path=str(artifacts / "lan-phone-signed-out-375.png"), full_page=True)
        desk.goto(f"{base}/chats/{code}/live/")
        expect(desk.get_by_text("Written after the sign-out")).to_have_count(0)
    phone.close()
    laptop.close()
