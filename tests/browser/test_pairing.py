"""Pairing a phone over the LAN: Use on my phone, the code, the phone's own session, sign out.

`coffeechat serve` runs on a fresh home, and 127.0.0.2 stands in for the computer's address on
the home network: the laptop turns LAN access on from the page, picking "Another address", and
the phone (a phone-sized touch context with a phone's User-Agent) opens the pairing link the
page shows. No traffic leaves this machine.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    COFFEECHAT,
    LAN,
    PHONE,
    child_environment,
    free_port,
    serving,
)

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory, chromium_executable):
    home = tmp_path_factory.mktemp("pairing-home")
    port = free_port()
    command = [COFFEECHAT, "--home", str(home), "serve", "--no-browser", "--port", str(port)]
    with serving(command, child_environment(home, None)) as (link, _):
        yield link, port


def test_a_phone_pairs_from_the_code_and_is_signed_out_from_the_laptop(browser, server, artifacts):
    link, port = server
    laptop = browser.new_context(viewport=DESKTOP)
    laptop.set_default_timeout(15_000)
    page = laptop.new_page()
    page.goto(link)
    page.get_by_role("button", name="Skip for now").click()

    # Preferences -> Use on my phone -> pick an address -> a code to scan.
    page.get_by_role("link", name="Preferences").first.click()
    page.get_by_role("link", name="Use on my phone").click()
    expect(page.get_by_text("LAN access is for networks you trust")).to_be_visible()
    page.get_by_label("Or type another address").fill(LAN)
    page.get_by_role("button", name="Use on my phone").click()
    expect(
        page.get_by_text(f"paired phones reach coffeechat at http://{LAN}:{port}/")
    ).to_be_visible()
    expect(page.get_by_role("img", name="QR code: pair your phone")).to_be_visible()
    page.screenshot(path=str(artifacts / "pairing-laptop-1280.png"), full_page=True)
    pairing_link = page.locator("[data-pairing-link]").inner_text()
    assert pairing_link.startswith(f"http://{LAN}:{port}/pair/")

    # The phone: nothing but the pairing page until it opens the link.
    phone = browser.new_context(viewport=PHONE, has_touch=True, user_agent=PHONE_AGENT)
    phone.set_default_timeout(15_000)
    on_phone = phone.new_page()
    on_phone.goto(f"http://{LAN}:{port}/")
    expect(on_phone.get_by_role("heading", name="Pair this phone first")).to_be_visible()
    on_phone.screenshot(path=str(artifacts / "pairing-phone-first-375.png"), full_page=True)
    on_phone.goto(pairing_link)
    expect(on_phone.get_by_role("heading", name="Today", level=1)).to_be_visible()
    expect(on_phone.get_by_text("This phone is paired as Chrome on Android.")).to_be_visible()
    on_phone.screenshot(path=str(artifacts / "pairing-phone-paired-375.png"), full_page=True)

    # The link worked once.
    again = phone.new_page()
    again.goto(pairing_link)
    expect(again.get_by_text("has been used already")).to_be_visible()
    again.close()

    # The laptop lists the phone, with when it was last seen, and signs it out.
    page.reload()
    phones = page.locator(".paired-device")
    expect(phones).to_have_count(1)
    expect(phones.first).to_contain_text("Chrome on Android")
    expect(phones.first).to_contain_text("last seen")
    phones.first.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("Signed out Chrome on Android")).to_be_visible()
    expect(page.locator(".paired-device")).to_have_count(0)

    # The phone finds out at its next request.
    on_phone.reload()
    expect(on_phone.get_by_text("This phone was signed out from your computer")).to_be_visible()

    # Stop: the LAN address answers nothing at all.
    page.get_by_role("button", name="Stop LAN access").click()
    expect(page.get_by_text("LAN access is off")).to_be_visible()
    with pytest.raises(Exception, match="ERR_CONNECTION_REFUSED"):
        on_phone.goto(f"http://{LAN}:{port}/")
    phone.close()
    laptop.close()
