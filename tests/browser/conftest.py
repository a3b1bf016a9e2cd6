"""Browser tests drive the real thing: `coffeechat serve` in a subprocess and the system Chromium.

The server runs on a fresh home filled by `coffeechat demo`. During the PostgreSQL run
(DATABASE_URL points at PostgreSQL) it gets a fresh database of its own on the same server,
dropped afterwards. No browser is downloaded: Playwright launches Chromium from
COFFEECHAT_CHROMIUM, else /usr/bin/chromium. Without it the tests are skipped with a reason, or
fail under COFFEECHAT_STRICT=1.

Browser tests must not use the Django ``db`` fixture: while Playwright's sync API is active in a
test, Django refuses ORM calls from that thread. Everything they check goes through the server.
"""

from __future__ import annotations

import os
import queue
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import pytest
import tzlocal

from coffeechat.config import env_bool
from tests.migrated import start_migrated, without_test_settings

ROOT = Path(__file__).resolve().parents[2]
COFFEECHAT = str(Path(sys.executable).with_name("coffeechat"))
CLOCKED_SERVE = Path(__file__).with_name("clocked_serve.py")
DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Headless Chromium as CI runs it: no sandbox (CI runs as root), no GPU, no background traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
]
SIGN_IN_LINK = re.compile(r"(https?://\S+/signin/\S+/)")
SERVER_START_SECONDS = 90
NO_SKEW = timedelta(0)
DEMO_SECONDS = 300


@dataclass
class Server:
    """A running `coffeechat serve`: where it listens, its one-time link, what it printed."""

    base_url: str
    link: str
    home: Path
    output: list[str]
    # The server's environment (home, database), for a helper process such as fresh_sign_in_link.
    environ: dict[str, str] = field(default_factory=dict)


def unavailable(reason: str) -> None:
    """Skip, or fail when the run is strict (CI must not pass by skipping its browser tests)."""
    if env_bool("COFFEECHAT_STRICT", False):
        pytest.fail(f"{reason}. COFFEECHAT_STRICT=1 makes this a failure.", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path = os.environ.get("COFFEECHAT_CHROMIUM", "").strip() or DEFAULT_CHROMIUM
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        unavailable(
            f"Browser tests need Chromium, and there is none at {path}: install it "
            "(apt-get install chromium) or point COFFEECHAT_CHROMIUM at one"
        )
    return path


# How long an expect() waits for the page to come right: as long as an action may take. Every
# check waits for a state, never for a time, so a generous bound costs nothing when the machine
# is quick and keeps a busy machine (a CI runner, two suites at once) from failing a test whose
# answer was merely late.
EXPECT_TIMEOUT_MS = 15_000


# One browser a module, not a session: Playwright's synchronous API keeps an event loop marked
# as running in this thread while it lives, and Django refuses database calls from a thread with
# a running loop. Under xdist a worker runs other modules after a browser module, so the browser
# must be gone when its module ends.
@pytest.fixture(scope="module")
def browser(chromium_executable):
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        unavailable("Browser tests need Playwright: pip install -e '.[dev]'")
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_executable, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Screenshots land in test-artifacts/ (git-ignored) for a human to look at."""
    folder = ROOT / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def child_environment(home: Path, database_url: str | None) -> dict[str, str]:
    """The test's environment minus coffeechat and Django settings, for a child process."""
    environ = without_test_settings()
    environ["COFFEECHAT_HOME"] = str(home)
    environ["PYTHONUNBUFFERED"] = "1"
    if database_url:
        environ["DATABASE_URL"] = database_url
    return environ


@contextmanager
def server_database(url: str | None = None) -> Iterator[str | None]:
    """On the PostgreSQL run, a fresh database for the server; on SQLite, None (the home's file).

    Given the ``url`` of a PostgreSQL server, a fresh database there, whatever the run.
    """
    url = (url or os.environ.get("DATABASE_URL", "")).strip()
    if not url.startswith(("postgres://", "postgresql://")):
        yield None
        return
    import psycopg
    from psycopg import sql

    name = f"coffeechat_browser_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def read_lines(stream, lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line.rstrip("\n"))
    lines.put(None)


def wait_for_link(
    process: subprocess.Popen,
    lines: queue.Queue,
    output: list[str],
    until: str = "",
    link_pattern: re.Pattern[str] = SIGN_IN_LINK,
) -> str:
    """The sign-in link the server prints (or what ``link_pattern`` finds first); with
    ``until``, once a line holding ``until`` came too."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    link = ""
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        if line is None:
            break
        output.append(line)
        found = link_pattern.search(line)
        link = link or (found.group(1) if found else "")
        if link and until in line:
            return link
    state = "exited" if process.poll() is not None else "did not print what it should in time"
    pytest.fail(
        f"coffeechat serve {state}. It printed:\n" + "\n".join(output or ["(nothing)"]),
        pytrace=False,
    )
    raise AssertionError  # pytest.fail does not return


def stop(process: subprocess.Popen, reader: threading.Thread | None = None) -> None:
    """End a server, then close its output pipe once ``reader`` is done reading it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    close_output(process, reader)


def close_output(process: subprocess.Popen, reader: threading.Thread | None = None) -> None:
    """Close an ended server's output pipe once ``reader`` has read it to the end.

    An open pipe is a ResourceWarning, which this suite turns into an error.
    """
    if reader is not None:
        reader.join(timeout=10)
    if process.stdout is not None:
        process.stdout.close()


# Where the shared demo server's clock starts: a Wednesday noon where the owner lives (the
# server reads the computer's zone too), so no test depends on the real date or time of day.
OWNER_ZONE = ZoneInfo(tzlocal.get_localzone_name() or "UTC")
SESSION_START = datetime(2026, 3, 4, 12, 0, tzinfo=OWNER_ZONE)


@pytest.fixture(scope="session")
def coffeechat_server(tmp_path_factory, chromium_executable) -> Iterator[ClockedServer]:
    """`coffeechat serve` on a fresh demo home, for the whole session, filled and served with
    its clock starting at SESSION_START: ask ``coffeechat_server.now()`` for its time."""
    home = tmp_path_factory.mktemp("browser-home")
    with clocked_serving(home, SESSION_START, demo=True) as server:
        yield server


def fill_with_demo(home: Path, environ: dict[str, str], clock_file: Path | None = None) -> None:
    """`coffeechat demo` on ``home``: the demo user's contacts, chats and notes, around now
    (with ``clock_file``, around the moment written there, as clocked_serve.py reads it)."""
    launcher = [COFFEECHAT]
    if clock_file is not None:
        launcher = [
            sys.executable,
            str(Path(__file__).with_name("clocked_serve.py")),
            str(clock_file),
        ]
    demo = subprocess.run(
        [*launcher, "--home", str(home), "demo"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=DEMO_SECONDS,
    )
    if demo.returncode != 0:
        pytest.fail(
            f"coffeechat demo failed ({demo.returncode}):\n{demo.stdout}\n{demo.stderr}",
            pytrace=False,
        )


@contextmanager
def serving(
    command: list[str], environ: dict[str, str], until: str = ""
) -> Iterator[tuple[str, list[str]]]:
    """Run a `coffeechat serve` command until the block ends: its sign-in link and output.

    The block starts once the link is printed, or with ``until`` once a line holding it is too.
    """
    process = subprocess.Popen(
        command, env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: queue.Queue[str | None] = queue.Queue()
    # A reader thread keeps draining the pipe so the server never blocks on a full buffer.
    reader = threading.Thread(target=read_lines, args=(process.stdout, lines), daemon=True)
    reader.start()
    output: list[str] = []
    try:
        yield wait_for_link(process, lines, output, until), output
    finally:
        stop(process, reader)


@dataclass
class ClockedServer(Server):
    """A server whose clock the test moves: write a moment with ``set_clock``, read its time
    with ``now``."""

    clock_file: Path = Path()
    moment: datetime = datetime.min.replace(tzinfo=UTC)
    set_at: float = 0.0

    def set_clock(self, moment: datetime) -> None:
        """Move the server's clock to ``moment``; the next request sees it, and it runs on."""
        self.clock_file.write_text(moment.isoformat(), encoding="utf-8")
        self.moment, self.set_at = moment, time.monotonic()

    def now(self) -> datetime:
        """The server's time: the moment last set, and the time run on since."""
        return self.moment + timedelta(seconds=time.monotonic() - self.set_at)


def move_clocks_to(
    server: ClockedServer, page, moment: datetime, skew: timedelta = NO_SKEW
) -> None:
    """Time passes: the server's clock jumps to ``moment`` and the page's to ``moment`` + skew.

    The page measures its clock against the server's on every answer, so no request may fall
    between the two jumps: the page's timers are held (paused a second on) while the server's
    clock moves, then the page's clock jumps, firing each timer due on the way once, and runs on.
    """
    page_now = datetime.fromtimestamp(page.evaluate("Date.now()") / 1000, UTC)
    held = page_now + timedelta(seconds=1)
    assert moment + skew > held, f"the page's clock is already past {moment + skew}"
    page.clock.pause_at(held)
    server.set_clock(moment)
    page.clock.fast_forward(round((moment + skew - held).total_seconds() * 1000))
    page.clock.resume()


@pytest.fixture(scope="module")
def clocked_server(request, tmp_path_factory, chromium_executable) -> Iterator[ClockedServer]:
    """`coffeechat serve` on an empty home, its clock starting at the module's CLOCK_START."""
    home = tmp_path_factory.mktemp("clocked-home")
    with clocked_serving(home, request.module.CLOCK_START) as server:
        yield server


@contextmanager
def clocked_serving(
    home: Path,
    start: datetime,
    *,
    demo: bool = False,
    port: int | None = None,
    options: tuple[str, ...] = (),
    until: str = "",
    environ: dict[str, str] | None = None,
) -> Iterator[ClockedServer]:
    """`coffeechat serve` on ``home``, its clock starting at ``start``, until the block ends.

    With ``demo`` the home is filled by `coffeechat demo` first, on the same clock, so the
    demo's chats sit where they would for a real server started at ``start``. ``port``,
    ``options`` (such as ``--lan``) and ``until`` go to the server as to ``serving``. A server
    started again on the same home passes the first one's ``environ`` (its database) and
    ``start=first.now()``, so its clock carries on where the first one's was.
    """
    clock_file = home / "clock.txt"
    with nullcontext(None) if environ is not None else server_database() as database_url:
        environ = environ if environ is not None else child_environment(home, database_url)
        if "DATABASE_URL" not in environ:
            start_migrated(home)
        clock_file.write_text(start.isoformat(), encoding="utf-8")
        if demo:
            fill_with_demo(home, environ, clock_file)
        port = port or free_port()
        command = [
            sys.executable,
            str(CLOCKED_SERVE),
            str(clock_file),
            "--home",
            str(home),
            "serve",
            "--no-browser",
            "--port",
            str(port),
            *options,
        ]
        launched_at = time.monotonic()
        with serving(command, environ, until) as (link, output):
            server = ClockedServer(
                f"http://127.0.0.1:{port}", link, home, output, environ, clock_file=clock_file
            )
            # The server's clock started at ``start`` when its process did; set it to about
            # where it has run to, so that it and ``now()`` agree from here on.
            server.set_clock(start + timedelta(seconds=time.monotonic() - launched_at))
            yield server


def fresh_sign_in_link(server: Server) -> str:
    """Another one-time sign-in link for the server's owner, for a module that signs in itself.

    The link the server printed can be spent only once; this one comes from the same use case,
    run in a child process on the same home, so the test process never touches the database.
    """
    script = (
        "from coffeechat.cli.bootstrap import ready_with_database; ready_with_database(); "
        "from coffeechat.services.accounts import ensure_owner, issue_login_link; "
        "print(issue_login_link(ensure_owner()))"
    )
    made = subprocess.run(
        [sys.executable, "-c", script],
        env=server.environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if made.returncode != 0:
        pytest.fail(f"Could not make a sign-in link:\n{made.stdout}\n{made.stderr}", pytrace=False)
    return f"{server.base_url}/signin/{made.stdout.strip().splitlines()[-1]}/"


DESKTOP = {"width": 1280, "height": 800}


def sign_in(page, link: str) -> None:
    """Sign in on ``page`` through the one-time ``link``; when the first sign-in asks who you
    are, skip the question; end on the page of today."""
    from playwright.sync_api import expect

    page.goto(link)
    skip = page.get_by_role("button", name="Skip for now")
    today = page.get_by_role("heading", name="Today", level=1)
    expect(skip.or_(today)).to_be_visible()
    if skip.is_visible():
        skip.click()
    expect(today).to_be_visible()


def signed_in_context(browser, link: str, *, viewport: dict[str, int] = DESKTOP, **options):
    """A new browser context (``options`` as for ``browser.new_context``) signed in through
    ``link`` with ``sign_in``, its page closed again."""
    context = browser.new_context(viewport=viewport, **options)
    context.set_default_timeout(EXPECT_TIMEOUT_MS)
    page = context.new_page()
    sign_in(page, link)
    page.close()
    return context


@pytest.fixture(scope="module")
def owner(browser, coffeechat_server):
    """A desktop browser context signed in with a sign-in link of its own."""
    context = signed_in_context(browser, fresh_sign_in_link(coffeechat_server))
    yield context
    context.close()


PHONE = {"width": 375, "height": 812}
# Another address of this computer (all of 127/8 is), standing in for its address on a home
# network when a phone pairs over the LAN: no traffic leaves the machine.
LAN = "127.0.0.2"
PAIRING_LINK = re.compile(r"(http://127\.0\.0\.2:\d+/pair/\S+/)")
# The last line `coffeechat serve` prints before it answers (for serving(..., until=READY)).
READY = "Press Ctrl+C to stop."


def phone_signed_in(browser, server):
    """A phone-sized touch context signed in through ``server``'s link, the first question
    ("who are you") skipped, on the page of today."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport=PHONE, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(server.link)
    page.get_by_role("button", name="Skip for now").click()
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    page.close()
    return context
