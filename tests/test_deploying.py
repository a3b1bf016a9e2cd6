"""docs/deploying.md, followed on this machine: PostgreSQL, the environment file the page shows,
`coffeechat migrate`, `coffeechat collectstatic`, gunicorn with the repository's configuration on
loopback, and requests through it as the TLS proxy sends them.

The database is a fresh one on the PostgreSQL server of the run, dropped afterwards; this module
runs in the PostgreSQL pass only (postgres_only). The test plays the proxy: its requests come
from 127.0.0.1, the address the environment file trusts, with the original Host and
X-Forwarded-Proto: https, as Caddy sends them.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.browser.conftest import close_output, free_port, server_database

pytestmark = pytest.mark.postgres_only

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "deploying.md"
BIN = Path(sys.executable).parent
ENV_FILE = "# /etc/coffeechat/coffeechat.env"
GUNICORN_COMMAND = "gunicorn -c python:coffeechat.gunicorn_conf"
PROXY = "127.0.0.1"
# Another address of this computer (all of 127/8 is): a client that reaches gunicorn directly.
NOT_THE_PROXY = "127.0.0.2"
# How long gunicorn may take to say it listens: a bound for a stuck start, not a timing.
START_SECONDS = 90
ANSWER_SECONDS = 60
SECRET_TOKEN = "feed-token-that-must-never-be-logged"


def documented_environment() -> dict[str, str]:
    """The environment file of docs/deploying.md, variable by variable."""
    text = DOCS.read_text(encoding="utf-8")
    block = text.split(ENV_FILE + "\n", 1)[1].split("```", 1)[0]
    pairs = (line.split("=", 1) for line in block.splitlines() if line and line[0] != "#")
    return dict(pairs)


def clean_environment() -> dict[str, str]:
    """This process's environment without any coffeechat or Django setting of the test run."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("COFFEECHAT_")
        and name not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "FORWARDED_ALLOW_IPS")
    }


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def cookies(self) -> dict[str, str]:
        found = {}
        for header in self.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            found[name.strip()] = rest.split(";", 1)[0]
        return found


@dataclass
class Site:
    port: int
    host: str
    environ: dict[str, str]
    steps: dict[str, subprocess.CompletedProcess]
    lines: queue.Queue[str | None]
    output: list[str] = field(default_factory=list)

    def ask(
        self,
        path: str,
        *,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
        source: str = PROXY,
    ) -> Answer:
        """A request as the proxy forwards it (from ``source``, https, the site's Host)."""
        sent = {"Host": self.host, "X-Forwarded-Proto": "https", **(headers or {})}
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=ANSWER_SECONDS, source_address=(source, 0)
        )
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            return Answer(response.status, response.headers, response.read())
        finally:
            connection.close()

    def log_lines_until(self, wanted) -> list[dict]:
        """Every line gunicorn wrote so far, read as JSON, once one of them is ``wanted``."""
        deadline = time.monotonic() + ANSWER_SECONDS
        while not any(wanted(json.loads(line)) for line in self.output):
            if time.monotonic() > deadline:
                pytest.fail("gunicorn wrote no such line:\n" + "\n".join(self.output))
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                continue
            if line is None:
                pytest.fail("gunicorn stopped:\n" + "\n".join(self.output))
            self.output.append(line)
        return [json.loads(line) for line in self.output]


def read_lines(stream, lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line.rstrip("\n"))
    lines.put(None)


def step(environ: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "coffeechat"), *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    with server_database() as database_url:
        assert database_url, "the PostgreSQL pass sets DATABASE_URL to a PostgreSQL server"
        documented = documented_environment()
        port = free_port()
        # The page's values, with this machine's database, key, directory and port.
        settings = {
            **documented,
            "DATABASE_URL": database_url,
            "COFFEECHAT_SECRET_KEY": secrets.token_urlsafe(50),
            "COFFEECHAT_STATIC_ROOT": str(tmp_path_factory.mktemp("static")),
            "COFFEECHAT_BIND": f"127.0.0.1:{port}",
        }
        assert set(settings) == set(documented)
        environ = {**clean_environment(), **settings, "COFFEECHAT_WORKERS": "2"}
        environ["PYTHONUNBUFFERED"] = "1"
        steps = {
            # Before its migrations a server refuses to start, naming the step.
            "serve first": step(environ, "serve", "--no-browser", "--port", str(free_port())),
            "migrate": step(environ, "migrate"),
            "migrate again": step(environ, "migrate"),
            "collectstatic": step(environ, "collectstatic"),
        }
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "python:coffeechat.gunicorn_conf"],
            env=environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        lines: queue.Queue[str | None] = queue.Queue()
        reader = threading.Thread(target=read_lines, args=(process.stdout, lines), daemon=True)
        reader.start()
        site = Site(port, settings["COFFEECHAT_ALLOWED_HOSTS"], environ, steps, lines)
        try:
            site.log_lines_until(lambda line: line["message"].startswith("Listening at"))
            yield site
        finally:
            stop(process)
            close_output(process, reader)


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, as systemd stops the service: gunicorn lets its workers finish and exits."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=ANSWER_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=ANSWER_SECONDS)


def test_the_page_shows_the_commands_this_test_runs():
    text = DOCS.read_text(encoding="utf-8")
    assert "coffeechat-admin migrate" in text
    assert "coffeechat-admin collectstatic" in text
    assert f"ExecStart=/opt/coffeechat/bin/{GUNICORN_COMMAND}\n" in text
    assert text.index("## 6. Create the tables") < text.index("## 8. First administrator")
    assert text.index("## 7. Static files") < text.index("## 9. gunicorn under systemd")


def test_a_server_waits_for_its_migration_step(site):
    refused = site.steps["serve first"]
    assert refused.returncode == 1
    assert "Run `coffeechat migrate` once" in refused.stderr
    migrated = site.steps["migrate"]
    assert migrated.returncode == 0, migrated.stderr
    assert migrated.stdout.startswith("Applied ")
    again = site.steps["migrate again"]
    assert again.returncode == 0, again.stderr
    assert "is up to date; nothing to apply." in again.stdout
    collected = site.steps["collectstatic"]
    assert collected.returncode == 0, collected.stderr
    assert collected.stdout.startswith("Collected ")


def test_the_site_becomes_ready(site):
    # gunicorn listens before its workers have loaded the app: the request waits for one.
    for _ in range(3):
        try:
            answer = site.ask("/readyz")
            break
        except ConnectionError:
            continue
    assert answer.status == 200, answer.text
    assert json.loads(answer.body) == {"ready": True}
    health = site.ask("/healthz", headers={"X-Forwarded-Proto": "http"})
    assert (health.status, health.body) == (200, b"ok")


def test_a_page_and_its_hashed_static_files_come_through_the_proxy(site):
    page = site.ask("/signin/")
    assert page.status == 200, page.text
    stylesheet = re.search(r'href="(/static/coffeechat/app\.[0-9a-f]{12}\.css)"', page.text)
    assert stylesheet, "the page names its stylesheet by its hashed name"
    answer = site.ask(stylesheet[1], headers={"Accept-Encoding": "gzip"})
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("text/css")
    assert answer.headers["Content-Encoding"] == "gzip"
    assert "immutable" in answer.headers["Cache-Control"]
    assert "max-age=315360000" in answer.headers["Cache-Control"]


def test_the_installable_apps_icons_are_named_by_their_hash_too(site):
    manifest = site.ask("/manifest.webmanifest")
    assert manifest.status == 200
    for icon in json.loads(manifest.body)["icons"]:
        assert re.fullmatch(
            r"/static/coffeechat/icons/[a-z0-9-]+\.[0-9a-f]{12}\.(svg|png)", icon["src"]
        )
        assert site.ask(icon["src"]).status == 200


def signed_in_form(site: Site) -> tuple[str, str]:
    """The sign-in form's token and the cookie that goes with it."""
    page = site.ask("/signin/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, page.text
    cookies = page.cookies()
    (name,) = [name for name in cookies if "csrftoken" in name]
    return token[1], f"{name}={cookies[name]}"


def post_sign_in(site: Site, source: str) -> Answer:
    token, cookie = signed_in_form(site)
    body = f"csrfmiddlewaretoken={token}&username=nobody&password=wrong".encode()
    return site.ask(
        "/signin/",
        method="POST",
        body=body,
        source=source,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Origin": f"https://{site.host}",
            "Referer": f"https://{site.host}/signin/",
        },
    )


def test_a_form_posted_through_the_proxy_is_taken_as_https(site):
    answer = post_sign_in(site, PROXY)
    # The form again, saying the password is wrong (200 or 400): not refused as a forgery (403).
    assert answer.status in (200, 400), answer.status
    assert 'name="password"' in answer.text


def test_only_the_proxy_may_say_a_request_came_over_https(site):
    answer = post_sign_in(site, NOT_THE_PROXY)
    # Plain http to the app: redirected to https, or refused as from another origin; never
    # taken as the https request it claims to be.
    assert answer.status in (301, 403), answer.status


def test_requests_are_logged_as_json_lines_without_their_secrets(site):
    site.ask(f"/calendar/feed/{SECRET_TOKEN}.ics", headers={"X-Request-ID": "deploy-test-1"})
    site.ask("/signin/?q=private-search", headers={"X-Request-ID": "deploy-test-2"})
    lines = site.log_lines_until(lambda line: line.get("request_id") == "deploy-test-2")
    feed = [line for line in lines if line.get("request_id") == "deploy-test-1"]
    access = [line for line in feed if line["logger"] == "gunicorn.access"]
    assert access and access[0]["path"] == "/calendar/feed/[redacted]"
    (sign_in,) = [line for line in lines if line.get("request_id") == "deploy-test-2"]
    assert {key: sign_in[key] for key in ("method", "path", "status")} == {
        "method": "GET",
        "path": "/signin/",
        "status": 200,
    }
    assert sign_in["duration_ms"] >= 0 and sign_in["client"] == PROXY
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    everything = "\n".join(site.output)
    assert SECRET_TOKEN not in everything and "private-search" not in everything
    # Health checks that pass leave no line.
    assert not [line for line in lines if line.get("path") in ("/healthz", "/readyz")]
