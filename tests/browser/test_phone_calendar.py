"""QR codes for the phone's calendar, in Chromium under the app's Content-Security-Policy.

The test server listens on 127.0.0.1, which a phone cannot open, so its chat pages say how the
chat gets onto the phone instead of showing a code. The code itself is checked on a page served
at the server's own origin with the server's own policy header: the markup core.qr writes, in
the stylesheets the real pages load, must draw with nothing blocked and show at 200 px.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from coffeechat.core.qr import qr_svg

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
CODE = re.compile(r"^/chats/[0-9a-f-]{36}/$")
# Runs before the page's own scripts; collects what the policy blocked.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""
SAMPLE = "https://coffee.example.org/calendar/feed/" + "a" * 43 + "/chats/" + "b" * 36 + ".ics"


@pytest.fixture
def page(owner):
    opened = owner.new_page()
    opened.add_init_script(LISTEN)
    yield opened
    opened.close()


def violations(page: Page) -> list[str]:
    return page.evaluate("window.__violations")


def upcoming_chat(page: Page, base_url: str) -> str:
    """The path of a demo chat still ahead: its page has the "On your phone" part."""
    page.goto(base_url + "/chats/")
    paths = page.eval_on_selector_all("a[href^='/chats/']", "links => links.map(l => l.pathname)")
    for path in dict.fromkeys(p for p in paths if CODE.match(p)):
        page.goto(base_url + path)
        if page.get_by_role("heading", name="On your phone").count():
            return path
    pytest.fail("The demo has no chat ahead to open.")


def test_on_this_computer_a_chat_page_says_how_the_phone_will_get_the_chat(
    page, coffeechat_server, artifacts
):
    upcoming_chat(page, coffeechat_server.base_url)
    part = page.locator("#phone-calendar")
    expect(part).to_contain_text("while it can reach coffeechat: use it on your phone")
    assert part.locator("svg").count() == 0
    expect(part.get_by_role("link", name="use it on your phone")).to_have_attribute(
        "href", "/phone/"
    )
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        part.scroll_into_view_if_needed()
        page.screenshot(path=artifacts / f"phone-calendar-local-{size['width']}.png")
    assert violations(page) == []


def test_the_qr_code_draws_under_the_policy_at_200_px(page, coffeechat_server, artifacts):
    base = coffeechat_server.base_url
    policy = page.request.get(base + "/calendar/").headers["content-security-policy"]
    assert "style-src 'self'" in policy
    figure = (
        '<figure class="phone-code">'
        + qr_svg(SAMPLE, title="QR code: this chat for your phone's calendar")
        + "<figcaption>Scan with your phone's camera to add this chat to its calendar.</figcaption>"
        "</figure>"
    )
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="/static/coffeechat/app.css">'
        '<link rel="stylesheet" href="/static/coffeechat/qr.css">'
        f'</head><body><main class="page"><section class="phone-calendar">{figure}</section>'
        "</main></body></html>"
    )
    page.route(
        base + "/qr-check/",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": policy},
            body=html,
        ),
    )
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        page.goto(base + "/qr-check/")
        page.wait_for_load_state("networkidle")
        code = page.locator("svg.qr")
        box = code.bounding_box()
        assert box is not None
        assert (round(box["width"]), round(box["height"])) == (200, 200)
        # Drawn dark on light: the stylesheet did not lose the code against the page.
        assert code.locator("path.qr__dark").get_attribute("stroke") == "#000"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=artifacts / f"phone-calendar-code-{size['width']}.png")
    assert violations(page) == []
