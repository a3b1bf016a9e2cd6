"""Who do I owe past its bound, in a real browser: "All N" opens the whole section, and a snooze
there keeps the user on that page.

A server of its own, since the snooze changes what it owes: a fresh demo on a clock starting at
SESSION_START (a Wednesday noon where the owner lives, as for the shared demo server), so what
is owed and when does not depend on the real date or time of day. The demo owes more next steps
than the home page shows, and one of them is a message with a snooze.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    SESSION_START,
    ClockedServer,
    clocked_serving,
    fresh_sign_in_link,
    signed_in_context,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory, chromium_executable) -> Iterator[ClockedServer]:
    home = tmp_path_factory.mktemp("owed-section-home")
    with clocked_serving(home, SESSION_START, demo=True) as server:
        yield server


def test_all_n_opens_the_section_and_a_snooze_there_comes_back_to_it(browser, demo_server):
    context = signed_in_context(browser, fresh_sign_in_link(demo_server))
    page = context.new_page()
    page.goto(demo_server.base_url + "/")

    steps = page.get_by_role("region", name="My next steps")
    more = steps.get_by_role("link", name=re.compile(r"^All \d+ next steps$"))
    total = int(re.search(r"\d+", more.inner_text()).group())
    # The home page shows the most urgent few; the heading counts them all.
    assert steps.locator("li.owed-row").count() < total
    expect(steps.locator(".owed__count")).to_have_text(str(total))
    more.click()

    expect(page).to_have_url(re.compile(r"/owed/next-steps/$"))
    expect(page.get_by_role("heading", name=f"My next steps {total}", level=1)).to_be_visible()
    expect(page.locator("li.owed-row")).to_have_count(total)
    snooze = page.locator("details.snooze").first
    what = snooze.locator("summary .visually-hidden").inner_text().strip()
    snooze.locator("summary").click()
    snooze.get_by_role("button", name=f"Snooze {what} for 1 day").click()

    expect(page).to_have_url(re.compile(r"/owed/next-steps/$"))
    expect(page.get_by_text(re.compile(r"snoozed until"))).to_be_visible()
    expect(page.locator("li.owed-row")).to_have_count(total - 1)
    context.close()
