"""The Content-Security-Policy does not break the app: Chromium reports no violation on any page.

The walk opens one page of each kind that a link leads to from the home page of the demo, with
its scripts running, and records every violation the browser reports (the
``securitypolicyviolation`` event, and the console message Chromium prints for it).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

# Files to download, not pages to open.
DOWNLOADS = (".ics", ".eml", ".json", ".csv", ".vcf")
CODE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Runs before the page's own scripts; collects what the policy blocked.
# Pages of the walk loaded at once.
SIDE_BY_SIDE = 6
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def kind_of(path: str) -> str:
    """Pages of one kind differ only by their codes: /chats/<code>/ is one kind."""
    return CODE.sub("<code>", path)


def listening(context):
    """A new page of ``context`` that records every violation the policy reports."""
    opened = context.new_page()
    opened.add_init_script(LISTEN)
    console: list[str] = []
    opened.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    opened.csp_console = console
    return opened


@pytest.fixture
def page(owner):
    opened = listening(owner)
    yield opened
    opened.close()


@pytest.fixture
def pages(owner):
    """Pages that load side by side: each waits for the network to go quiet (half a second
    with no request) after its load, and those waits overlap instead of adding up."""
    opened = [listening(owner) for _ in range(SIDE_BY_SIDE)]
    yield opened
    for each in opened:
        each.close()


def violations(page) -> list[str]:
    return page.evaluate("window.__violations") + page.csp_console


def links(page, base_url: str) -> list[str]:
    # getAttribute, not .href: a link inside an SVG picture has no string .href.
    found = page.eval_on_selector_all(
        "a[href]",
        "links => links.map(link => new URL(link.getAttribute('href'), document.baseURI).href)",
    )
    paths = []
    for href in found:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base_url or parts.path.startswith("/static/"):
            continue
        if parts.path.endswith(DOWNLOADS) or parts.path.startswith("/signin/"):
            continue
        paths.append(parts.path)
    return paths


def test_no_page_breaks_the_policy(pages, coffeechat_server):
    base = coffeechat_server.base_url
    seen: set[str] = set()
    waiting = ["/"]
    problems: dict[str, list[str]] = {}
    while waiting:
        batch: list[str] = []
        while waiting and len(batch) < len(pages):
            path = waiting.pop(0)
            if kind_of(path) not in seen:
                seen.add(kind_of(path))
                batch.append(path)
        # Each page of the batch starts loading before any is waited for.
        for page, path in zip(pages, batch, strict=False):
            page.goto(base + path, wait_until="commit")
        for page, path in zip(pages, batch, strict=False):
            # Quiet, so a script's late request had its chance to break the policy too.
            page.wait_for_load_state("networkidle")
            if found := violations(page):
                problems[path] = found
            page.csp_console.clear()  # the page's next path starts with none
            waiting.extend(links(page, base))
    assert len(seen) > 20, seen  # the walk really went round the app
    assert problems == {}


def test_the_check_sees_a_violation_when_there_is_one(page, coffeechat_server):
    page.goto(coffeechat_server.base_url + "/")
    # What an injected script would try: an inline script and an inline style.
    page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.ran = true";
        document.body.append(script);
        const style = document.createElement("style");
        style.textContent = "body { color: red }";
        document.head.append(style);
    }"""
    )
    page.wait_for_function("window.__violations.length >= 2")
    assert page.evaluate("window.ran") is None
    assert any("script-src" in found for found in violations(page))
    assert any("style-src" in found for found in violations(page))
