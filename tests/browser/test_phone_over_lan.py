"""A paired phone runs a chat over the LAN, through a restart of the computer and a sign-out.

Everything is real: `coffeechat serve --lan 127.0.0.2` (127.0.0.2 stands in for the computer's
address on the home network, so no traffic leaves this machine), a phone-sized touch context
paired with the code the server printed, the server stopped and started again mid-chat, and the
phone signed out from the laptop's page. The clocks are the test's: the server (both times it
runs) and the two browsers start at CLOCK_START, a Wednesday morning where the owner lives, and
run on from there, so nothing depends on the real date or time of day. Where the phone would
wait for its next sync, both clocks move on together instead.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    LAN,
    OWNER_ZONE,
    PAIRING_LINK,
    PHONE,
    READY,
    child_environment,
    clocked_serving,
    free_port,
    move_clocks_to,
    server_database,
    sign_in,
)
from tests.browser.test_live_clock import plan_chat_now
from tests.browser.test_live_offline import KEPT, take_note

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
CLOCK_START = datetime(2026, 3, 4, 10, 0, tzinfo=OWNER_ZONE)
# Longer than the live page waits between two syncs (SYNC_EVERY_MS in live.js).
NEXT_SYNC = timedelta(seconds=11)
PHONE_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def environ(tmp_path):
    """The server's environment on a fresh home; on the PostgreSQL run its database outlives a
    restart of the server."""
    with server_database() as database_url:
        yield child_environment(tmp_path, database_url)


def test_a_paired_phone_carries_on_through_a_restart_and_is_told_when_signed_out(
    browser, tmp_path, environ, chromium_executable, artifacts
):
    port = free_port()
    laptop = browser.new_context(viewport=DESKTOP)
    laptop.set_default_timeout(20_000)
    phone = browser.new_context(viewport=PHONE, has_touch=True, user_agent=PHONE_AGENT)
    phone.set_default_timeout(20_000)
    base = f"http://127.0.0.1:{port}"
    lan_base = f"http://{LAN}:{port}"
    serve = {"port": port, "until": READY, "environ": environ}

    with clocked_serving(tmp_path, CLOCK_START, options=("--lan", LAN), **serve) as server:
        # The browsers' clocks start where the server's is, and run on with it.
        laptop.clock.install(time=server.now())
        phone.clock.install(time=server.now())
        desk = laptop.new_page()
        sign_in(desk, server.link)
        code = plan_chat_now(desk, base, "Noor Haddad", server.now())
        # The server keeps the test's clock: a chat on CLOCK_START's day is one of today's.
        desk.goto(f"{base}/")
        today = desk.get_by_role("region", name="Chats today")
        expect(today.get_by_text("Noor Haddad")).to_be_visible()

        on_phone = phone.new_page()
        on_phone.goto(PAIRING_LINK.search("\n".join(server.output)).group(1))
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

    # Back up, on the same address, its clock carrying on: LAN access comes back by itself and
    # the note goes, once.
    with clocked_serving(tmp_path, server.now(), **serve) as server:
        assert f"Phones you pair reach coffeechat at {lan_base}/" in "\n".join(server.output)
        # The page tries again every few seconds: no reload, no tap. Time moves on to its next try.
        move_clocks_to(server, on_phone, server.now() + NEXT_SYNC)
        expect(notes).to_have_count(0)
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
