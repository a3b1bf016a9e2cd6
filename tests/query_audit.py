"""The query audit: no query the app runs reads or changes rows of an owned table for everyone.

Every row of ours belongs to an owner, and every query of the app's own code must say whose rows
it wants. The audit watches every query the suite runs (a wrapper on each database connection)
and lets one through when it touches no owned table, or when it names whose rows it means:

- the owner column (``owner_id``; on the coaching tables the student or the coach) compared with
  a parameter or a subquery (a join on it says nothing: it only matches two tables);
- a row already read: its ``id`` or a reference (``*_id``) compared with parameters, which is how
  Django follows a foreign key, prefetches, cascades a delete and saves a row;
- a secret that only its owner holds (the calendar feed's token, a sign-in link's hash).

Anything else (a lookup by code or name, a table read whole) is recorded with the line of our
code that ran it, and the test fails. Queries run by a test's own code (setting up or checking
rows) are not the app's and are let through, as are the migrations and the few functions that
find rows without an owner by design (``WITHOUT_OWNER``, each with its reason).
"""

from __future__ import annotations

import re
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps

SOURCE = Path(__file__).resolve().parent.parent / "src" / "coffeechat"
PROJECT = SOURCE.parent.parent
MIGRATIONS = SOURCE / "store" / "migrations"

# The columns that say whose rows a query wants, for the tables that have no owner column.
SCOPE_COLUMNS = {
    "coffeechat_coachgrant": ("student_id", "coach_id"),
    "coffeechat_coachview": ("student_id", "coach_id"),
}
# Columns holding a secret that only the owner has: a lookup by them finds the owner.
SECRET_COLUMNS = ("calendar_token", "secret_hash")
# Functions of ours that find rows without naming an owner, by design: (module path under
# src/coffeechat, function name) with the reason.
WITHOUT_OWNER: dict[tuple[str, str], str] = {
    ("services/reminders.py", "_users"): (
        "a server's reminder run serves every user who asked for reminders, a batch at a time"
    ),
    ("services/snooze_links.py", "_link_of"): (
        "a snooze link is opened signed out: its code comes out of a token signed with the "
        "site's secret, which only the reminder's owner was sent"
    ),
    ("store/stamps.py", "repair"): (
        "after a migrate put back a trigger that a table rebuild dropped, every owner's network "
        "stamp moves: a change made while the trigger was missing left no mark on any of them"
    ),
    ("store/funnel_stage.py", "repair"): (
        "after a migrate put back a trigger that a table rebuild dropped, every contact's funnel "
        "stage is worked out again: a change made while the trigger was missing went unseen"
    ),
    ("services/restore.py", "_refuse_known_codes"): (
        "codes are unique across the database: before writing, a restore asks whether any "
        "account already holds one of the export's codes, and reads nothing but the code"
    ),
}

TABLE = re.compile(r"\b(coffeechat_[a-z_]+)\b")
# A column compared with a parameter or a list of them (not with another column, as a join is:
# that says how two tables meet, not whose rows).
FOLLOWS_ROW = re.compile(r'"(?:id|\w+_id)" (?:= %s|IN \(%s)', re.IGNORECASE)


@dataclass(frozen=True)
class Unscoped:
    sql: str
    where: str  # the line of our code that ran it

    def __str__(self) -> str:
        # From FROM on: the columns read say nothing about whose rows.
        return f"{self.where}: {self.sql[max(self.sql.find(' FROM '), 0) :][:300]}"


found: list[Unscoped] = []
_lock = threading.Lock()


def owned_tables() -> dict[str, tuple[str, ...]]:
    """Each owned table and the columns that scope it."""
    tables = dict(SCOPE_COLUMNS)
    for model in apps.get_app_config("coffeechat").get_models():
        columns = {field.column for field in model._meta.concrete_fields}
        if "owner_id" in columns:
            tables[model._meta.db_table] = ("owner_id",)
    return tables


_owned: dict[str, tuple[str, ...]] = {}


def scoped(sql: str) -> bool:
    if not _owned:
        _owned.update(owned_tables())
    tables = {table for table in TABLE.findall(sql) if table in _owned}
    if not tables:
        return True
    # New rows name their owner as they are written; schema statements (the search index's
    # triggers) read no rows.
    if sql.split(None, 1)[0].upper() in ("INSERT", "CREATE", "DROP", "ALTER"):
        return True
    columns = {column for table in tables for column in _owned[table]}
    if any(re.search(rf'\b{column}"? (?:= %s|IN \()', sql) for column in columns):
        return True
    if FOLLOWS_ROW.search(sql):
        return True
    return any(f'"{column}" = %s' in sql for column in SECRET_COLUMNS)


def our_caller() -> tuple[Path, int, str] | None:
    """The innermost frame of the project's own code (app, tests or benchmarks), if any."""
    frame = sys._getframe(2)
    while frame is not None:
        path = Path(frame.f_code.co_filename)
        if path.is_relative_to(PROJECT) and ".venv" not in path.parts:
            return path, frame.f_lineno, frame.f_code.co_name
        frame = frame.f_back
    return None


def audit(execute, sql, params, many, context):
    if isinstance(sql, str) and not scoped(sql):
        caller = our_caller()
        if caller is not None:
            path, line, function = caller
            in_app = path.is_relative_to(SOURCE) and not path.is_relative_to(MIGRATIONS)
            module = path.relative_to(SOURCE).as_posix() if in_app else ""
            if in_app and (module, function) not in WITHOUT_OWNER:
                with _lock:
                    found.append(Unscoped(sql, f"{module}:{line} in {function}"))
    return execute(sql, params, many, context)


def watch(sender, connection, **kwargs) -> None:
    if audit not in connection.execute_wrappers:
        connection.execute_wrappers.append(audit)


def take() -> list[Unscoped]:
    with _lock:
        taken = list(found)
        found.clear()
    return taken
