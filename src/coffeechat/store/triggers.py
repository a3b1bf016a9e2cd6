"""Putting back SQLite triggers that a migration's table rebuild dropped.

To alter a table, Django's SQLite backend builds a new one and drops the old, and the old one's
triggers go with it. The data the triggers keep (the search index, the network stamps, each
contact's funnel stage) would silently stop following the rows. After every migrate each of
those modules puts its missing triggers back through ``put_back`` and then brings its data up to
date, since rows may have changed while a trigger was missing. PostgreSQL alters tables in place.
"""

from __future__ import annotations

from collections.abc import Mapping


def put_back(connection, triggers: Mapping[str, str], table: str, column: str = "") -> bool:
    """Create those of ``triggers`` (name: SQL after ``CREATE TRIGGER name``) that are missing,
    and answer whether any was.

    Only once ``table`` (and its ``column``, if named) exists: before that (a database not
    migrated that far, or the migration undone) nothing is done.
    """
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        if column:
            cursor.execute("SELECT 1 FROM pragma_table_info(%s) WHERE name = %s", [table, column])
        else:
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [table]
            )
        if cursor.fetchone() is None:
            return False
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {name for (name,) in cursor.fetchall()}
        missing = [name for name in triggers if name not in present]
        for name in missing:
            cursor.execute(f"CREATE TRIGGER {name} {triggers[name]}")
    return bool(missing)
