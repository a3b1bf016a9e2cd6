"""The LAN listener of `coffeechat serve`: a second waitress server on one network address.

It runs in a thread of its own beside the loopback server, with its own connections and worker
threads, so it can be opened and closed while the app runs ("Use on my phone" and "Stop").
Every request it answers is marked as having come over the LAN (services.lan.LAN_MARK), and a
request whose Host header does not name the address it listens on is refused before the app
sees it: a page made for 192.168.1.20 cannot be asked for under another name.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from coffeechat.services.lan import LAN_MARK

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
STOP_SECONDS = 5


def on_lan(application: WsgiApp, address: str, port: int) -> WsgiApp:
    """``application`` as the LAN listener serves it: marked, and for its own Host only."""
    expected = {f"{address}:{port}"} | ({address} if port == 80 else set())

    def answer(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        host = environ.get("HTTP_HOST", "").strip().lower()
        if host not in expected:
            body = (
                f"This address answers to http://{address}:{port}/ only. Open that address, "
                "or pair your phone again from coffeechat's Preferences.\n"
            ).encode()
            start_response(
                "400 Bad Request",
                [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
            )
            return [body]
        environ[LAN_MARK] = address
        return application(environ, start_response)

    return answer


class LanListener:
    """services.lan.Listener for `coffeechat serve`: waitress on ``address``, the app's port."""

    def __init__(self, application: WsgiApp, port: int, **server_options: Any) -> None:
        self.port = port
        self.address: str | None = None
        self._application = application
        self._options = server_options
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def open(self, address: str) -> None:
        from waitress.server import create_server

        # Its own connection map and worker threads: closing it leaves the loopback server be.
        server = create_server(
            on_lan(self._application, address, self.port),
            map={},
            host=address,
            port=self.port,
            **self._options,
        )
        thread = threading.Thread(target=server.run, name=f"lan-{address}", daemon=True)
        thread.start()
        self._server, self._thread, self.address = server, thread, address

    def close(self) -> None:
        server, thread = self._server, self._thread
        self._server, self._thread, self.address = None, None, None
        if server is None:
            return

        def close_everything() -> None:
            # Runs in the listener's own loop: the listening socket, every open connection and
            # the trigger itself go, the map empties, and the loop (and its thread) ends.
            for channel in list(server._map.values()):
                channel.close()

        server.trigger.pull_trigger(close_everything)
        if thread is not None:
            thread.join(STOP_SECONDS)
        server.task_dispatcher.shutdown(timeout=STOP_SECONDS)
