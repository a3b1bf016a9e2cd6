"""Outbound HTTP to addresses users give: calendar feeds (services.calendars), ntfy topics (push).

Who may be reached: on a shared server (any mode but "local") the server's own machine and network
are off limits, since a user could otherwise have the server fetch 127.0.0.1, a database on
10.0.0.5 or a cloud's metadata service at 169.254.169.254 for them. Every address a host name
stands for must be public (``all_public``). A check like that is only worth something if the
connection goes to the very address that was checked: looking the name up a second time to
connect lets it answer a public address to the check and 127.0.0.1 a moment later ("DNS
rebinding"). So a name is looked up once per connection (``resolve``), the caller checks the
answer, and the pinned connections here connect to the checked addresses and nowhere else. The
name still goes out in the Host header and, for https, in the TLS handshake (SNI) and the
certificate check, so a server is still verified by its name.

How long it may take: one ``Deadline`` bounds a whole exchange. Every wait (connecting, the TLS
handshake, each write and each read) gets only the time left, because a socket timeout counts
from the last byte received and a server sending one byte every few seconds would otherwise
hold a worker for ever.
"""

from __future__ import annotations

import http.client
import io
import ipaddress
import socket
from collections.abc import Callable
from typing import Any

from django.conf import settings

Address = tuple[int, int, int, Any]  # family, socket type, protocol, socket address


def on_a_shared_server() -> bool:
    """True when others use this coffeechat, so its own network is off limits."""
    return settings.COFFEECHAT_MODE != "local"


def ip_of(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address ``text`` spells out, or None for a name."""
    try:
        ip = ipaddress.ip_address(text.split("%")[0])  # an IPv6 zone (%eth0) is no part of it
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return ip


def all_public(addresses: list[Address]) -> bool:
    """Whether every one of ``addresses`` is on the public internet."""
    return all(
        (ip := ip_of(str(sockaddr[0]))) is not None and ip.is_global for *_, sockaddr in addresses
    )


def resolve(host: str, port: int) -> list[Address]:
    """Every address ``host`` stands for, looked up once; OSError when it has none."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[Address] = []
    for family, kind, proto, _name, sockaddr in found:
        if (family, kind, proto, sockaddr) not in addresses:
            addresses.append((family, kind, proto, sockaddr))
    if not addresses:
        raise socket.gaierror(socket.EAI_NONAME, "no address")
    return addresses


class Deadline:
    """When a whole exchange must be over, and whether the server has sent anything yet."""

    def __init__(self, seconds: float, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._ends = clock() + seconds
        self.heard = False

    def left(self) -> float:
        """Seconds left; TimeoutError once they are spent."""
        left = self._ends - self._clock()
        if left <= 0:
            raise TimeoutError("the exchange ran out of time")
        return left


def seconds(count: float) -> str:
    """``count`` in words for a message: "1 second", "0.3 seconds"."""
    return f"{count:g} second{'' if count == 1 else 's'}"


def connect(addresses: list[Address], deadline: Deadline) -> socket.socket:
    """A socket connected to the first of the checked addresses that answers, in time."""
    failure: OSError = ConnectionRefusedError("no address to connect to")
    for family, kind, proto, sockaddr in addresses:
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(deadline.left())
            sock.connect(sockaddr)
            sock.settimeout(deadline.left())
        except OSError as error:
            sock.close()
            failure = error
            continue
        return sock
    raise failure


class _TimedReader(io.RawIOBase):
    """Reads from a socket, each wait bounded by the time left."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        super().__init__()
        self._sock = sock
        # The socket's own reader keeps it open until the answer is read (http.client closes
        # the socket right after the headers and relies on that).
        self._raw = sock.makefile("rb", buffering=0)
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int | None:
        self._sock.settimeout(self._deadline.left())
        count = self._raw.readinto(buffer)
        if count:
            self._deadline.heard = True
        return count

    def close(self) -> None:
        self._raw.close()
        super().close()


class TimedSocket:
    """A connected socket whose reads and writes wait only for the time left."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        self._sock = sock
        self._deadline = deadline

    def makefile(self, mode: str = "rb", *args, **kwargs) -> io.BufferedReader:
        return io.BufferedReader(_TimedReader(self._sock, self._deadline))

    def sendall(self, data) -> None:
        self._sock.settimeout(self._deadline.left())
        self._sock.sendall(data)

    def __getattr__(self, name: str):
        return getattr(self._sock, name)


class _Pinned:
    """Mixed into http.client's connections: connect to the checked addresses, within time."""

    sock: Any

    def __init__(self, *args, addresses: list[Address], deadline: Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._addresses = addresses
        self._deadline = deadline
        # http.client's hook for opening the socket (https then shakes hands on it, with the
        # socket's timeout, the time left, as its limit). Whatever address http.client would
        # look up from the name is ignored.
        self._create_connection = self._open

    def _open(self, address, timeout, source_address=None) -> socket.socket:
        return connect(self._addresses, self._deadline)

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]  # http.client's connection, mixed in after
        # Each read and write from here on waits only for the time left.
        self.sock = TimedSocket(self.sock, self._deadline)


class PinnedHTTPConnection(_Pinned, http.client.HTTPConnection):
    """An http connection to checked addresses only (``addresses=``, ``deadline=``)."""


class PinnedHTTPSConnection(_Pinned, http.client.HTTPSConnection):
    """An https connection to checked addresses only; the certificate is checked for the name."""
