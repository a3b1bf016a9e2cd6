"""LAN access for paired phones (local mode): the address a phone reaches, and its listener.

`coffeechat serve` listens on 127.0.0.1, which a phone cannot reach. "Use on my phone" (and
``coffeechat serve --lan``) opens a second listener on one address of this computer's network;
requests that arrive there are marked (``LAN_MARK`` in the WSGI environ) and let through only
with a device session (web.middleware.paired_devices_only). Django's allowed hosts gain exactly
that address while the listener is open, and lose it when it closes.

The listener itself (waitress, a thread) belongs to the process that serves: `coffeechat serve`
installs one here. Without it (tests through Django's client, another WSGI server) LAN access is
simply not available, and the page says how to get it.
"""

from __future__ import annotations

import ipaddress
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django.conf import settings

from coffeechat.core.hosts import AllowedHosts
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.errors import DomainError

if TYPE_CHECKING:
    from coffeechat.store.owners import Owner

# The WSGI environ key the LAN listener sets on every request it answers (never from a header:
# those arrive as HTTP_*), holding the address it listens on.
LAN_MARK = "coffeechat.lan"


class LanRefused(DomainError):
    """LAN access cannot be turned on as asked; the message says why and what to do."""


class Listener(Protocol):
    """A second place the running app answers: one address of this computer, the app's port."""

    port: int
    address: str | None  # None while closed

    def open(self, address: str) -> None:
        """Listen on ``address``; raises OSError when the address cannot be used."""

    def close(self) -> None:
        """Stop listening and drop the connections made there."""


_listener: Listener | None = None
_lock = threading.Lock()


def install(listener: Listener | None) -> None:
    """Make ``listener`` the one "Use on my phone" opens (None: LAN access is not available)."""
    global _listener
    with _lock:
        _listener = listener
        _allow(listener.address if listener else None)


@dataclass(frozen=True)
class NetworkAddress:
    """An address of this computer that a phone on the same network could reach."""

    address: str
    interface: str


def network_addresses() -> list[NetworkAddress]:
    """This computer's IPv4 addresses on networks that are up, private ranges first.

    Loopback and link-local addresses are left out: a phone cannot reach the first, and the
    second is what a computer gives itself when no network answered.
    """
    import psutil  # only here: nothing else needs it

    stats = psutil.net_if_stats()
    found: list[NetworkAddress] = []
    for interface, addresses in sorted(psutil.net_if_addrs().items()):
        if interface in stats and not stats[interface].isup:
            continue
        for entry in addresses:
            try:
                ip = ipaddress.ip_address(entry.address)
            except ValueError:
                continue  # a hardware address, or an IPv6 one with a zone
            if ip.version == 4 and not (ip.is_loopback or ip.is_link_local):
                found.append(NetworkAddress(str(ip), interface))
    return sorted(found, key=lambda entry: not ipaddress.ip_address(entry.address).is_private)


def check_address(text: str) -> str:
    """One IPv4 address to listen on, as typed or picked; refuses anything else in plain words."""
    text = (text or "").strip()
    if not text:
        raise LanRefused("Pick the address of this computer that your phone can reach.")
    try:
        ip = ipaddress.IPv4Address(text)
    except ValueError:
        raise LanRefused(
            f"{text[:60]!r} is not an address such as 192.168.1.20: give this computer's address "
            "on your network, as your Wi-Fi settings show it."
        ) from None
    if ip.is_unspecified or ip.is_multicast or ip == ipaddress.IPv4Address("255.255.255.255"):
        raise LanRefused(
            f"{ip} is not one computer's address; pick the one your Wi-Fi settings show."
        )
    return str(ip)


@dataclass(frozen=True)
class LanStatus:
    """Whether phones can reach the app now, and where."""

    available: bool  # a listener is installed: `coffeechat serve` runs in this process
    address: str = ""  # "" while LAN access is off
    port: int | None = None

    @property
    def on(self) -> bool:
        return bool(self.address)

    @property
    def base_url(self) -> str:
        """``http://192.168.1.20:8000``: what a phone opens; "" while off."""
        return f"http://{self.address}:{self.port}" if self.on else ""


def lan_status() -> LanStatus:
    listener = _listener
    if listener is None:
        return LanStatus(available=False)
    return LanStatus(available=True, address=listener.address or "", port=listener.port)


def _allow(address: str | None) -> None:
    hosts = settings.ALLOWED_HOSTS
    if not isinstance(hosts, AllowedHosts):
        # Django's test set-up swaps in a plain list (adding "testserver"): keep its hosts.
        hosts = settings.ALLOWED_HOSTS = AllowedHosts(list(hosts))
    hosts.lan = address


def _open(address: str) -> None:
    """Listen on ``address`` instead of wherever the listener listens now (under _lock)."""
    listener = _listener
    if listener is None:
        raise LanRefused(
            "Phones can reach coffeechat only while `coffeechat serve` runs it on this computer. "
            "Start it with `coffeechat serve --lan`."
        )
    if listener.address == address:
        return
    if listener.address:
        _allow(None)
        listener.close()
    try:
        listener.open(address)
    except OSError as error:
        raise LanRefused(
            f"coffeechat cannot listen on {address}:{listener.port} ({error.strerror or error}). "
            "Pick another address: it must be one of this computer's own."
        ) from None
    _allow(address)


def turn_on(owner: Owner, address: str) -> LanStatus:
    """Let paired phones reach the app at ``address`` from now on, and after a restart."""
    address = check_address(address)
    with _lock:
        _open(address)
    preferences = ensure_preferences(owner)
    preferences.lan_address = address
    preferences.save(update_fields=["lan_address"])
    return lan_status()


def turn_off(owner: Owner) -> None:
    """Close the LAN listener now; phones reach nothing until it is turned on again."""
    with _lock:
        listener = _listener
        _allow(None)
        if listener is not None and listener.address:
            listener.close()
    preferences = ensure_preferences(owner)
    if preferences.lan_address:
        preferences.lan_address = ""
        preferences.save(update_fields=["lan_address"])


def resume(owner: Owner, asked: str | None = None) -> str:
    """At start: open the LAN listener where it was (or at ``asked``); "" or why it could not.

    ``asked`` is an address, or "" to take the first of this computer's network addresses.
    An address that is no longer this computer's (another network) turns LAN access off rather
    than leaving it half on: the message says so.
    """
    saved = ensure_preferences(owner).lan_address
    if asked is None and not saved:
        return ""
    address = asked or saved
    if not address:
        found = network_addresses()
        if not found:
            raise LanRefused(
                "This computer is on no network a phone could reach (no Wi-Fi or cable "
                "address). Connect it, or give an address: --lan 192.168.1.20."
            )
        address = found[0].address
    try:
        turn_on(owner, address)
    except LanRefused as error:
        if asked is not None:
            raise
        turn_off(owner)
        return f"LAN access is off: {error.message}"
    return ""
