"""The hosts Django answers to, one of which comes and goes with LAN access."""

from __future__ import annotations

from collections.abc import Iterator


class AllowedHosts(list[str]):
    """Django's ALLOWED_HOSTS: the configured hosts, plus the LAN address while it is on.

    "Use on my phone" (services.lan) opens a listener on one address of this computer's network
    and sets ``lan``; turning it off clears it, so from the next request a Host header naming
    that address is refused again. Django reads the list on every request by iterating it.
    """

    def __init__(self, hosts: list[str]) -> None:
        super().__init__(hosts)
        self.lan: str | None = None

    def __iter__(self) -> Iterator[str]:
        yield from super().__iter__()
        if self.lan:
            yield self.lan
