"""Loopback stand-ins for the servers reminders go to, for tests of any kind.

``PushReceiver`` plays an ntfy server on 127.0.0.1: it records every request and answers as a
test tells it (success, an error status, a redirect, or nothing at all). It knows nothing of
Django, so a browser test can start coffeechat in a subprocess and count what arrives here::

    with PushReceiver() as receiver:
        send_push(receiver.topic_url("reminders"), push)
        assert receiver.pushes[0]["title"] == push.title

or as a fixture: ``push_receiver = receiver_fixture()`` at the top of a test module.
"""

from __future__ import annotations

import json
import ssl
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Answer:
    """How the receiver answers one request."""

    status: int = 200
    location: str = ""  # sent as the Location header when given (for a redirect)
    hang: bool = False  # answer nothing, and hold the connection open until the receiver stops


@dataclass(frozen=True)
class Received:
    """One request as it arrived, and the status it was answered with (None: left hanging)."""

    method: str
    path: str  # with its query string
    headers: dict[str, str]  # names in lower case
    body: bytes
    json: Any  # the body read as JSON, or None when it is not JSON
    status: int | None = field(default=None)

    @property
    def accepted(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        self.server.receiver._handle(self)

    do_PUT = do_POST
    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep the test output for the tests


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    receiver: PushReceiver

    def handle_error(self, request, client_address) -> None:
        pass  # a client that gave up (a timeout test) is expected, not a failure


class PushReceiver:
    """An ntfy stand-in on 127.0.0.1 at a free port, serving from a thread while started.

    ``tls`` is a (certificate file, key file) pair to serve https instead of http.
    """

    def __init__(self, *, tls: tuple[str, str] | None = None) -> None:
        self._tls = tls
        self._changed = threading.Condition()
        self._requests: list[Received] = []
        self._next: deque[Answer] = deque()
        self._always = Answer()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        # For https: the host names clients asked for in their handshakes (SNI), in order.
        self.server_names: list[str | None] = []

    # Starting and stopping.

    def start(self) -> PushReceiver:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.receiver = self
        if self._tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self._tls)
            context.sni_callback = self._note_server_name
            # The handshake happens in each request's thread, so a client that rejects the
            # certificate cannot stall the thread that accepts connections.
            server.socket = context.wrap_socket(
                server.socket, server_side=True, do_handshake_on_connect=False
            )
        self._server = server
        # A short poll, so that stopping (which waits for the loop to look) is quick.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def _note_server_name(self, sock: Any, name: str | None, context: Any) -> None:
        with self._changed:
            self.server_names.append(name)

    def stop(self) -> None:
        self._stopping.set()  # lets every hanging request go
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> PushReceiver:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # Addresses.

    @property
    def port(self) -> int:
        assert self._server is not None, "start the receiver first"
        return int(self._server.server_address[1])

    def topic_url(self, topic: str = "reminders", *, host: str = "127.0.0.1") -> str:
        """The address of ``topic`` here; ``host`` names it differently (resolve it yourself)."""
        scheme = "https" if self._tls is not None else "http"
        return f"{scheme}://{host}:{self.port}/{topic}"

    # What to answer.

    def answer_next(
        self, status: int = 200, *, location: str = "", hang: bool = False, times: int = 1
    ) -> None:
        """Answer the next ``times`` requests so, then go back to the standing answer."""
        with self._changed:
            self._next.extend([Answer(status, location, hang)] * times)

    def answer_always(self, status: int = 200, *, location: str = "", hang: bool = False) -> None:
        """Answer every request so from now on (after any answers queued by answer_next)."""
        with self._changed:
            self._always = Answer(status, location, hang)

    # What arrived.

    @property
    def requests(self) -> list[Received]:
        """Every request so far, in the order they arrived."""
        with self._changed:
            return list(self._requests)

    @property
    def pushes(self) -> list[Any]:
        """The JSON bodies of the publishes answered with success: what a phone would show."""
        return [request.json for request in self.requests if request.accepted]

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        """Wait until ``count`` pushes were accepted; False if they had not after ``timeout``."""
        with self._changed:
            return self._changed.wait_for(lambda: self._accepted() >= count, timeout)

    def _accepted(self) -> int:
        return sum(1 for request in self._requests if request.accepted)

    # Serving, in the request's own thread.

    def _answer(self) -> Answer:
        with self._changed:
            return self._next.popleft() if self._next else self._always

    def _handle(self, handler: _Handler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        answer = self._answer()
        received = Received(
            method=handler.command,
            path=handler.path,
            headers={name.lower(): value for name, value in handler.headers.items()},
            body=body,
            json=parsed,
            status=None if answer.hang else answer.status,
        )
        # Recorded before answering: once the sender has its answer, the test sees the request.
        with self._changed:
            self._requests.append(received)
            self._changed.notify_all()
        if answer.hang:
            self._stopping.wait()
            handler.close_connection = True
            return
        reply = self._reply(answer, parsed)
        handler.send_response(answer.status)
        if answer.location:
            handler.send_header("Location", answer.location)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(reply)))
        handler.end_headers()
        handler.wfile.write(reply)

    def _reply(self, answer: Answer, parsed: Any) -> bytes:
        if 200 <= answer.status < 300:
            topic = parsed.get("topic", "") if isinstance(parsed, dict) else ""
            with self._changed:
                number = len(self._requests)
            return json.dumps({"id": f"m{number}", "event": "message", "topic": topic}).encode()
        return json.dumps({"http": answer.status, "error": "as the test asked"}).encode()


def receiver_fixture(*, name: str = "push_receiver", **options: Any) -> Callable[..., Any]:
    """A pytest fixture giving a started PushReceiver, stopped after the test.

    Assign it in a test module: ``push_receiver = receiver_fixture()``.
    """
    import pytest  # here, so the receiver itself runs without pytest (e.g. in a helper script)

    @pytest.fixture(name=name)
    def started() -> Iterator[PushReceiver]:
        with PushReceiver(**options) as receiver:
            yield receiver

    return started
