"""The network stamp: a token the database changes whenever an owner's referral network may have.

The network page, ``coffeechat network`` and the contact list's degree filter build the owner's
whole referral graph (services.network). Building it reads every referral and everyone linked by
one, about 15 ms at full scale, and it rarely changes between two visits. So a process keeps
the graph it built together with the owner's stamp, and builds again only when the stamp moved.

Triggers, not Python, move the stamp: restore writes with bulk_create, imports and merges with
bulk updates, and a script may write anything; a trigger sees each of them. A row fires when it
changes what the graph is built from (see ``WATCHED``): who referred whom and in which chat, who
an opportunity came through, a contact's name, order (when added) and merge, and a chat's status
and time (the yield counts held chats; a referral made in a chat that started after the
person was added does not push them further out). Saving a row unchanged fires nothing.

The stamp row is made on the first read (``network_token``); a token is a fresh random number on
SQLite and the next value of a sequence on PostgreSQL, so a rolled-back transaction or a restored
backup never brings back a token a process may hold. Where the row is missing, nothing is kept.

Migrations that rebuild a table on SQLite drop its triggers; ``repair`` (after every migrate)
puts them back and moves every stamp, as store.search does for the search triggers. Migration
0022 has the SQL as it was then.
"""

from __future__ import annotations

from django.db import connection as default_connection

from coffeechat.store.models import NetworkStamp
from coffeechat.store.owners import Owner
from coffeechat.store.triggers import put_back

TABLE = "coffeechat_networkstamp"
SEQUENCE = "coffeechat_network_token"
FUNCTION = "coffeechat_network_changed"

# Per table: the columns whose change moves the stamp, and when an inserted or deleted row
# matters (None: always). A contact added or removed unmerged and unlinked changes only the
# count of people reached directly, which is read on every visit; a planned chat added changes
# nothing until it is held.
WATCHED: dict[str, tuple[tuple[str, ...], str | None, str | None]] = {
    "coffeechat_referral": (
        ("from_contact_id", "to_contact_id", "chat_id", "created_at"),
        None,
        None,
    ),
    "coffeechat_opportunity": (("contact_id",), None, None),
    "coffeechat_contact": (
        ("name", "created_at", "merged_into_id"),
        "NEW.merged_into_id IS NOT NULL",
        "OLD.merged_into_id IS NOT NULL",
    ),
    "coffeechat_chat": (
        ("status", "starts_at", "actual_start"),
        "NEW.status = 'held'",
        "OLD.status = 'held'",
    ),
}


def _changed(columns: tuple[str, ...], differs: str) -> str:
    return " OR ".join(f"OLD.{column} {differs} NEW.{column}" for column in ("owner_id", *columns))


def _sqlite_triggers() -> dict[str, str]:
    """Each SQLite trigger's name and the SQL after ``CREATE TRIGGER name``."""
    move = f"UPDATE {TABLE} SET token = random() WHERE owner_id"
    triggers = {}
    for table, (columns, inserted, deleted) in WATCHED.items():
        short = table.removeprefix("coffeechat_")
        when = {
            "insert": f" WHEN {inserted}" if inserted else "",
            "delete": f" WHEN {deleted}" if deleted else "",
            "update": f" WHEN {_changed(columns, 'IS NOT')}",
        }
        owners = {"insert": "= NEW.owner_id", "delete": "= OLD.owner_id"}
        owners["update"] = "IN (OLD.owner_id, NEW.owner_id)"
        for event in ("insert", "update", "delete"):
            triggers[f"coffeechat_network_{short}_{event}"] = (
                f"AFTER {event.upper()} ON {table} FOR EACH ROW{when[event]} "
                f"BEGIN {move} {owners[event]}; END"
            )
    return triggers


SQLITE_TRIGGERS = _sqlite_triggers()


def network_token(owner: Owner) -> int | None:
    """The owner's network stamp, making it on the first read; None if it cannot be had."""
    token = _read(owner)
    if token is not None:
        return token
    fresh = "random()" if default_connection.vendor == "sqlite" else f"nextval('{SEQUENCE}')"
    with default_connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (owner_id, token) VALUES (%s, {fresh}) "
            "ON CONFLICT (owner_id) DO NOTHING",
            [owner.pk],
        )
    return _read(owner)


def _read(owner: Owner) -> int | None:
    return NetworkStamp.objects.filter(owner=owner).values_list("token", flat=True).first()


def repair(connection=None) -> bool:
    """Put back SQLite triggers a later migration dropped, and move every stamp if it did
    (store.triggers). Answers whether it had to act."""
    connection = connection or default_connection
    if not put_back(connection, SQLITE_TRIGGERS, TABLE):
        return False
    # While a trigger was missing, a change could have left a stamp behind.
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET token = random()")
    return True
