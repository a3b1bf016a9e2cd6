"""What the data commands share: the local owner, and domain or database errors as messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from coffeechat.cli.bootstrap import ready_with_database


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Turn a refused use case or a failing database into a one-line error and exit status 1."""
    from django.db import DatabaseError

    from coffeechat.services.errors import DomainError
    from coffeechat.services.setup import database_label

    try:
        yield
    except DomainError as error:
        raise click.ClickException(error.message) from None
    except DatabaseError as error:
        # Every use case runs in a transaction, so a failure half way leaves nothing behind.
        raise click.ClickException(
            f"The database at {database_label()} failed ({error}). Nothing was changed; "
            "try again, and if it keeps failing restore a backup."
        ) from None


def local_owner():
    """Load Django and the database, and return the local owner (created on first use)."""
    if not ready_with_database().is_local:
        raise click.ClickException(
            "This command works on a local home for now; unset COFFEECHAT_MODE to use one."
        )
    from coffeechat.services.accounts import ensure_owner

    with friendly_errors():
        return ensure_owner()
