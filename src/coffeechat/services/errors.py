"""Domain errors: what a use case refuses, in words a user can act on."""

from __future__ import annotations


class DomainError(Exception):
    """A use case refused; the message is for the user; ``field`` names the form field, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """No such object for this owner (another user's object is reported the same way)."""


class InvalidInput(DomainError):
    """A value the user gave cannot be used."""


class SlotTaken(DomainError):
    """The chat's buffered span collides with another commitment."""


class LoginLinkRejected(DomainError):
    """A sign-in link is unknown, used already, or expired."""


class NotEmpty(DomainError):
    """The home already holds data, and the use case needs an empty one."""
