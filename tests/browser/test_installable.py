"""Server mode is an installable app that reopens offline with the day's chats.

A real `coffeechat serve` in server mode (PostgreSQL, a secret key, allowed hosts) runs with the
test's clock (clocked_serve.py), so "today" is the same whenever the suite runs, and Chromium
opens it at http://127.0.0.1, which it counts as a secure context: service workers run there
as they do behind HTTPS. The account and its chats are made in a child process first, so the
test process never touches the database. Without a PostgreSQL server the tests are skipped, or
fail under COFFEECHAT_STRICT=1, as the other browser tests do without Chromium.
"""

from __future__ import annotations

import os
import queue
import re
import secrets
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    CHROMIUM_ARGS,
    PHONE,
    child_environment,
    free_port,
    read_lines,
    server_database,
    stop,
    unavailable,
    wait_for_link,
)

pytestmark = pytest.mark.browser

CLOCK_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KEPT = "coffeechat-kept-v1"
STATIC_FILES = ("app.css", "pwa.js", "live.css", "live.js", "pocket.css", "brief.css")
PASSWORD = "a long enough passphrase"
DESKTOP = {"width": 1280, "height": 800}
RUNNING = re.compile(r"is running at (http://\S+)/")
# Ada at 09:10 and Bea at 12:00 today, Cy tomorrow; the account's zone is UTC, the default.
SETUP = """
import sys
from datetime import datetime, timedelta
from coffeechat.cli.bootstrap import ready_with_database
ready_with_database()
from coffeechat.services.accounts import create_user
from coffeechat.services.chats import ChatPlan, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.prep import PrepDetails, save_prep
from coffeechat.services.preferences import skip_identity

now = datetime.fromisoformat(sys.argv[1])
owner = create_user("sam", password=sys.argv[2])
skip_identity(owner)
for name, starts_at in (("Ada Lovelace", now + timedelta(minutes=10)),
                        ("Bea Smith", now + timedelta(hours=3)),
                        ("Cy Jones", now + timedelta(days=1))):
    contact = add_contact(owner, ContactDetails(name=name, organisation="Quill Press"))
    chat = plan_chat(owner, ChatPlan(contact=contact, starts_at=starts_at, medium="in_person",
                                     venue="Café Nero, 12 Baker Street"), allow_overlap=True)
    save_prep(owner, chat, PrepDetails(ask=f"An introduction to the learning team, {name}."))
    print(chat.code)
"""
# Whether every address is kept in the worker's cache.
ALL_KEPT = """async ([name, addresses]) => {
  const kept = await caches.open(name);
  const found = await Promise.all(addresses.map((address) => kept.match(address)));
  return found.every(Boolean);
}"""
# Whether the copy of an address was kept at or after a moment (milliseconds, this device's clock).
KEPT_SINCE = """async ([name, address, since]) => {
  const copy = await caches.match(address, { cacheName: name });
  return Boolean(copy) && Number(copy.headers.get("X-Coffeechat-Kept-At")) >= since;
}"""
# Makes the kept live page look kept an hour earlier; returns the server's time written in it.
KEPT_AN_HOUR_AGO = """async ([name, address]) => {
  const kept = await caches.open(name);
  const copy = await kept.match(address);
  const headers = new Headers(copy.headers);
  const keptAt = Number(headers.get("X-Coffeechat-Kept-At"));
  headers.set("X-Coffeechat-Kept-At", String(keptAt - 3600000));
  const page = await copy.text();
  await kept.put(address, new Response(page, { status: 200, headers }));
  return page.match(/data-server-now="([^"]+)"/)[1];
}"""


@dataclass
class InstallableServer:
    base_url: str
    chats: dict[str, str]  # name: code


def postgresql() -> str:
    """The PostgreSQL server to make the database on: the run's own, or the test server."""
    for name in ("DATABASE_URL", "COFFEECHAT_TEST_DATABASE_URL"):
        url = os.environ.get(name, "").strip()
        if url.startswith(("postgres://", "postgresql://")):
            return url
    unavailable(
        "Server mode needs PostgreSQL: set COFFEECHAT_TEST_DATABASE_URL=postgres://USER@HOST:PORT/"
        "postgres (a role with CREATEDB) to run the installable app's browser tests"
    )
    raise AssertionError  # unavailable skips or fails


@pytest.fixture(scope="module")
def installable(tmp_path_factory, chromium_executable) -> Iterator[InstallableServer]:
    home = tmp_path_factory.mktemp("installable-home")
    with server_database(postgresql()) as database_url:
        environ = child_environment(home, database_url)
        environ.update(
            COFFEECHAT_MODE="server",
            COFFEECHAT_SECRET_KEY=secrets.token_urlsafe(40),
            COFFEECHAT_ALLOWED_HOSTS="127.0.0.1",
            # Plain http on loopback stands in for the TLS proxy of a real server.
            COFFEECHAT_HTTPS_REDIRECT="false",
        )
        made = subprocess.run(
            [sys.executable, "-c", SETUP, CLOCK_START.isoformat(), PASSWORD],
            env=environ,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert made.returncode == 0, made.stderr
        codes = made.stdout.split()[-3:]
        clock_file = home / "clock.txt"
        clock_file.write_text(CLOCK_START.isoformat(), encoding="utf-8")
        launcher = str(Path(__file__).with_name("clocked_serve.py"))
        port = str(free_port())
        command = [sys.executable, launcher, str(clock_file), "serve", "--no-browser"]
        process = subprocess.Popen(
            [*command, "--port", port],
            env=environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        lines: queue.Queue[str | None] = queue.Queue()
        reader = threading.Thread(target=read_lines, args=(process.stdout, lines), daemon=True)
        reader.start()
        try:
            base_url = wait_for_link(process, lines, [], link_pattern=RUNNING)
            names = ("Ada Lovelace", "Bea Smith", "Cy Jones")
            yield InstallableServer(base_url, dict(zip(names, codes, strict=True)))
        finally:
            stop(process, reader)


@contextmanager
def signed_in_phone(browser, chromium_executable, server: InstallableServer, profile: Path):
    """A phone signed in with its password, on the page of today, the worker in control.

    A profile of its own, as a phone's browser has: Chromium installs nothing from a private
    window, which is what a new context of the shared browser is.
    """
    context = browser.browser_type.launch_persistent_context(
        profile,
        executable_path=chromium_executable,
        args=CHROMIUM_ARGS,
        viewport=PHONE,
        has_touch=True,
    )
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto(server.base_url + "/signin/")
        page.get_by_label("Email address").fill("sam")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        page.close()
        yield context
    finally:
        context.close()


@pytest.fixture(scope="module")
def phone(browser, chromium_executable, installable, tmp_path_factory):
    """The phone the tests that stay signed in share."""
    profile = tmp_path_factory.mktemp("phone-profile")
    with signed_in_phone(browser, chromium_executable, installable, profile) as context:
        yield context


@pytest.fixture
def own_phone(browser, chromium_executable, installable, tmp_path):
    """A phone for one test that signs out, so the shared one stays signed in in any order."""
    with signed_in_phone(browser, chromium_executable, installable, tmp_path) as context:
        yield context


def kept_pages(server: InstallableServer) -> list[str]:
    pages = [f"{server.base_url}/", f"{server.base_url}/offline/"]
    for name in ("Ada Lovelace", "Bea Smith"):
        code = server.chats[name]
        pages += [f"{server.base_url}/chats/{code}/live/", f"{server.base_url}/chats/{code}/brief/"]
    return pages


def kept_files(server: InstallableServer) -> list[str]:
    """A few of the static files the kept pages use."""
    return [f"{server.base_url}/static/coffeechat/{name}" for name in STATIC_FILES]


# How long to wait for the worker to keep pages before giving up. Keeping them means fetching
# every page and file of the day; on a cold server and a loaded machine that took over 15 s.
KEEPING_TIMEOUT_MS = 60_000


def wait_until(page: Page, check: str, arg=None) -> None:
    """Wait until the promise ``check`` returns resolves to true.

    wait_for_function takes a promise for a true value, so each poll starts the check again and
    looks at what the one before it found.
    """
    polled = f"__polled_{secrets.token_hex(4)}"
    page.wait_for_function(
        f"(arg) => {{ ({check})(arg).then((found) => {{ window.{polled} = found; }});"
        f" return window.{polled} === true; }}",
        arg=arg,
        polling=100,
        timeout=KEEPING_TIMEOUT_MS,
    )


def wait_until_kept(page: Page, server: InstallableServer) -> None:
    wait_until(page, ALL_KEPT, [KEPT, kept_pages(server) + kept_files(server)])


def instant(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def watch_the_policy(page: Page) -> list[str]:
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return blocked


def test_the_app_is_installable_and_its_worker_controls_every_page(phone, installable):
    page = phone.new_page()
    blocked = watch_the_policy(page)
    page.goto(installable.base_url + "/chats/")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    worker = page.evaluate("navigator.serviceWorker.controller.scriptURL")
    assert worker == installable.base_url + "/sw.js"
    scope = page.evaluate("navigator.serviceWorker.ready.then((ready) => ready.scope)")
    assert scope == installable.base_url + "/"
    answer = phone.new_cdp_session(page).send("Page.getInstallabilityErrors")
    assert answer["installabilityErrors"] == []
    assert blocked == []
    page.close()


def test_it_reopens_offline_with_the_days_chats(phone, installable, artifacts):
    page = phone.new_page()
    blocked = watch_the_policy(page)
    page.goto(installable.base_url + "/chats/")
    opened_at = page.evaluate("Date.now()")
    page.goto(installable.base_url + "/")
    wait_until_kept(page, installable)
    ada = installable.chats["Ada Lovelace"]
    live = f"{installable.base_url}/chats/{ada}/live/"
    # Opening the home page keeps today's pages afresh: once the live page is, it is not again.
    wait_until(page, KEPT_SINCE, [KEPT, live, opened_at])
    written = instant(page.evaluate(KEPT_AN_HOUR_AGO, [KEPT, live]))
    phone.set_offline(True)
    try:
        page.goto(installable.base_url + "/")
        expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
        today = page.locator("section", has=page.get_by_role("heading", name="Chats today"))
        expect(today.get_by_text("Ada Lovelace", exact=True)).to_be_visible()
        expect(today.get_by_text("Bea Smith", exact=True)).to_be_visible()
        page.screenshot(path=str(artifacts / "installable-offline-home-375.png"), full_page=True)

        page.goto(live)
        expect(
            page.get_by_role("heading", name=re.compile("Ada Lovelace"), level=1)
        ).to_be_visible()
        # Kept an hour ago by this device's clock: the server's time in it has moved on as much,
        # so the page measures the same clock offset as when it was kept.
        moved = instant(page.locator("[data-server-now]").get_attribute("data-server-now") or "")
        assert timedelta(hours=1) <= moved - written < timedelta(hours=1, minutes=2)
        page.screenshot(path=str(artifacts / "installable-offline-live-375.png"))

        page.goto(f"{installable.base_url}/chats/{installable.chats['Bea Smith']}/brief/")
        expect(page.get_by_text("An introduction to the learning team, Bea Smith.")).to_be_visible()

        page.goto(installable.base_url + "/contacts/")
        expect(page.get_by_role("heading", name="No connection", level=1)).to_be_visible()
        page.screenshot(path=str(artifacts / "installable-offline-not-kept-375.png"))
        page.set_viewport_size(DESKTOP)
        page.screenshot(path=str(artifacts / "installable-offline-not-kept-1280.png"))
    finally:
        phone.set_offline(False)
    assert blocked == []
    page.close()


def test_tomorrows_chats_and_other_pages_are_not_kept(phone, installable):
    page = phone.new_page()
    page.goto(installable.base_url + "/")
    wait_until_kept(page, installable)
    kept = page.evaluate(
        f"caches.open('{KEPT}').then((c) => c.keys()).then((k) => k.map((r) => r.url))"
    )
    pages = {url for url in kept if "/static/" not in url}
    assert pages == set(kept_pages(installable))
    page.close()


def test_signing_out_forgets_the_kept_pages_but_not_the_unsent_notes(own_phone, installable):
    page = own_phone.new_page()
    page.goto(installable.base_url + "/")
    wait_until_kept(page, installable)
    page.evaluate("localStorage.setItem('unsent', 'Ask about the mentoring scheme')")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    wait_until(page, f"() => caches.has('{KEPT}').then((kept) => !kept)")
    assert page.evaluate("localStorage.getItem('unsent')") == "Ask about the mentoring scheme"
    page.close()
