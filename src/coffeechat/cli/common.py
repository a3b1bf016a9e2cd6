"""What the data commands share: whose data (the local owner, or a server's user named by
--user), and domain or database errors as messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from coffeechat.cli.bootstrap import ready, use_database, use_database_of

if TYPE_CHECKING:
    from coffeechat.config import Config


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
    if not ready().is_local:
        raise click.ClickException(
            "This command works on a local home for now; unset COFFEECHAT_MODE to use one."
        )
    use_database()
    from coffeechat.services.accounts import ensure_owner

    with friendly_errors():
        return ensure_owner()


# The option of the data commands that, in server mode, names whose data they work on.
user_option = click.option(
    "--user",
    "user_email",
    metavar="EMAIL",
    help="Server mode: the account to work on, by its email address (required there).",
)


def owner_for(user_email: str | None):
    """Load Django and the database, and return whose data a command works on (see owner_in)."""
    config = ready()
    use_database_of(config)
    return owner_in(config, user_email)


def owner_in(config: Config, user_email: str | None):
    """Whose data a command works on, Django being loaded.

    Local mode: the one owner; --user is refused, kindly, as there is nobody else. Server
    mode: the account named by --user, which is required there (one server, many users).
    """
    if config.is_local:
        if user_email is not None:
            raise click.ClickException(
                "--user is for a coffeechat server (COFFEECHAT_MODE=server). This home has one "
                "user, you: leave --user out."
            )
        from coffeechat.services.accounts import ensure_owner

        with friendly_errors():
            return ensure_owner()
    if not user_email:
        raise click.ClickException(
            "On a coffeechat server, say whose data to use: --user EMAIL (the address they "
            "sign in with)."
        )
    from coffeechat.services.invitations import account_for

    with friendly_errors():
        owner = account_for(user_email)
    if owner is None:
        raise click.ClickException(
            f"There is no account for {user_email.strip()} on this server. Check the address, "
            "or invite them: coffeechat invite EMAIL."
        )
    return owner
