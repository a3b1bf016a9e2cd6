"""One check shared by the use cases: every row they touch belongs to the acting owner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coffeechat.services.errors import InvalidInput

if TYPE_CHECKING:
    from coffeechat.store.owners import Owner


def ensure_owned(owner: Owner, *rows) -> None:
    """Refuse when any of ``rows`` (None is skipped) belongs to someone else."""
    for row in rows:
        if row is not None and row.owner_id != owner.pk:
            # Callers look rows up through for_owner(); reaching here means a foreign code slipped
            # through, so say as little as a 404 would.
            raise InvalidInput("That record is not yours.")
