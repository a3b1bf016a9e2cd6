"""``coffeechat serve --lan``: a second listener on one address, for paired phones only.

127.0.0.2 stands in for the computer's address on a home network: it is this computer's too
(all of 127/8 is), so no traffic leaves the machine.
"""

from __future__ import annotations

import http.client
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from coffeechat.cli.lan import LanListener
from coffeechat.services.lan import LAN_MARK
from tests.browser.conftest import (
    COFFEECHAT,
    LAN,
    PAIRING_LINK,
    READY,
    child_environment,
    free_port,
    serving,
)
from tests.migrated import start_migrated


def get(url_host: str, port: int, path: str, *, host: str | None = None, cookie: str = ""):
    """One GET to ``url_host``:``port`` with the Host header ``host``; (status, headers, body)."""
    connection = http.client.HTTPConnection(url_host, port, timeout=30)
    headers = {"Host": host or f"{url_host}:{port}"}
    if cookie:
        headers["Cookie"] = cookie
    try:
        connection.request("GET", path, headers=headers)
        answer = connection.getresponse()
        return answer.status, answer.headers, answer.read().decode()
    finally:
        connection.close()


def marked_app(environ, start_response):
    body = environ.get(LAN_MARK, "unmarked").encode()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body]


@contextmanager
def listening(port: int) -> Iterator[LanListener]:
    listener = LanListener(marked_app, port, threads=2)
    listener.open(LAN)
    try:
        yield listener
    finally:
        listener.close()


def test_the_listener_marks_what_it_answers_and_refuses_another_host():
    port = free_port()
    with listening(port):
        assert get(LAN, port, "/")[::2] == (200, LAN)
        status, _, body = get(LAN, port, "/", host=f"127.0.0.1:{port}")
        assert status == 400
        assert f"answers to http://{LAN}:{port}/ only" in body


def test_a_closed_listener_answers_nothing_and_can_open_again():
    port = free_port()
    with listening(port) as listener:
        listener.close()
        with pytest.raises(ConnectionRefusedError):
            get(LAN, port, "/")
        listener.open(LAN)
        assert get(LAN, port, "/")[0] == 200


def serve_lan(home, port: int, *extra: str) -> list[str]:
    """The command serving ``home``, which starts from the suite's migrated database: migrating
    a new home first is what the other serve tests check, and it takes seconds."""
    start_migrated(home)
    return [COFFEECHAT, "--home", str(home), "serve", "--no-browser", "--port", str(port), *extra]


def test_serve_lan_pairs_a_phone_and_lets_nothing_else_in(tmp_path):
    port = free_port()
    environ = child_environment(tmp_path, None)
    with serving(serve_lan(tmp_path, port, "--lan", LAN), environ, READY) as (link, output):
        printed = "\n".join(output)
        assert f"Phones you pair reach coffeechat at http://{LAN}:{port}/" in printed
        assert "for networks you trust" in printed
        pairing = PAIRING_LINK.search(printed)
        assert pairing, printed
        # Without a device session: only the page that says how to pair.
        status, _, body = get(LAN, port, "/")
        assert status == 403 and "Pair this phone first" in body
        # The computer's sign-in link does not sign a browser in over the LAN, nor is it spent.
        signin_path = link.split(f":{port}", 1)[1]
        assert get(LAN, port, signin_path)[0] == 403
        # The pairing link does, once.
        pair_path = pairing.group(1).split(f":{port}", 1)[1]
        status, headers, _ = get(LAN, port, pair_path)
        assert status == 302
        cookie = "; ".join(c.split(";", 1)[0] for c in headers.get_all("Set-Cookie"))
        assert get(LAN, port, "/", cookie=cookie)[0] in (200, 302)
        assert get(LAN, port, "/contacts/", cookie=cookie)[0] == 200
        assert get(LAN, port, pair_path)[0] == 403
        # The sign-in link still works on the computer itself.
        assert get("127.0.0.1", port, signin_path)[0] == 302


def test_serve_listens_again_where_lan_access_was_left_on(tmp_path):
    environ = child_environment(tmp_path, None)
    with serving(serve_lan(tmp_path, free_port(), "--lan", LAN), environ, READY):
        pass
    port = free_port()
    with serving(serve_lan(tmp_path, port), environ, READY) as (_, output):
        assert f"Phones you pair reach coffeechat at http://{LAN}:{port}/" in "\n".join(output)
        assert get(LAN, port, "/")[0] == 403


def refused_serve(home, address: str) -> str:
    """`coffeechat serve --lan ADDRESS` that stops at once with exit 1: what it said."""
    done = subprocess.run(
        serve_lan(home, free_port(), "--lan", address),
        env=child_environment(home, None),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return done.stderr


def test_an_address_that_is_not_this_computers_stops_serve_with_a_plain_message(tmp_path):
    # 203.0.113.5 is a documentation address: binding to it fails here, and nothing is sent.
    assert "coffeechat cannot listen on 203.0.113.5" in refused_serve(tmp_path, "203.0.113.5")


def test_serve_lan_refuses_what_is_not_an_address(tmp_path):
    said = refused_serve(tmp_path, "my-laptop")
    assert "'my-laptop' is not an address such as 192.168.1.20" in said
