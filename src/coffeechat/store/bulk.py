"""Many rows at once: INSERT and UPDATE through one ``executemany`` each, for imports.

Saving 50,000 contacts one by one through the ORM takes minutes; building 50,000 model instances
for ``bulk_create`` still costs several times the database's own work. These helpers take plain
tuples in the order of the field names given, fill every other column with the field's default,
and convert only the values a backend stores differently (UUIDs, JSON, moments). They are plain
INSERT and UPDATE statements, so database triggers (the search index) fire as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any
from uuid import UUID

from django.db import connection, models

from coffeechat.store.meta import column
from coffeechat.store.models import Organisation

# Few enough parameters per statement for any SQLite build (the old limit was 999).
_IN_BATCH = 900


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _conversion(field: models.Field) -> str | None:
    """Which values of a field a backend wants converted ("json", "uuid", "moment", "day")."""
    if isinstance(field, models.JSONField):
        return "json"
    if isinstance(field, models.UUIDField):
        return "uuid"
    if isinstance(field, models.DateTimeField):
        return "moment"
    if isinstance(field, models.DateField):
        return "day"
    return None


def _converters() -> dict[str, Callable[[Any], Any]]:
    """The conversions for the current connection, looked up once per statement run."""
    ops = connection.ops
    native_uuid = connection.features.has_native_uuid_field
    moments: dict[Any, Any] = {}

    def moment(value: Any) -> Any:
        # An import stamps every row with the same moment: convert it once.
        if value not in moments:
            moments[value] = ops.adapt_datetimefield_value(value)
        return moments[value]

    return {
        "json": lambda value: ops.adapt_json_value(value, None),
        "uuid": (lambda value: value) if native_uuid else (lambda value: value.hex),
        "moment": moment,
        "day": ops.adapt_datefield_value,
    }


class _Statement:
    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        meta = model._meta
        self.table = _quote(meta.db_table)
        self.fields = [column(model, name) for name in fields]
        self.kinds = [
            (index, kind)
            for index, field in enumerate(self.fields)
            if (kind := _conversion(field)) is not None
        ]

    def prepared(self, rows: Iterable[Sequence[Any]], extra: tuple = ()) -> list[tuple]:
        if not self.kinds:
            return [tuple(row) + extra for row in rows]
        converters = _converters()
        conversions = [(index, converters[kind]) for index, kind in self.kinds]
        out = []
        for row in rows:
            values = list(row)
            for index, convert in conversions:
                if values[index] is not None:
                    values[index] = convert(values[index])
            out.append(tuple(values) + extra)
        return out


class BulkInsert(_Statement):
    """``INSERT INTO table (fields..., every other column) VALUES ...`` for many rows."""

    def __init__(
        self, model: type[models.Model], fields: Sequence[str], *, skip_conflicts: bool = False
    ) -> None:
        super().__init__(model, fields)
        given = {field.name for field in self.fields}
        rest = [
            field
            for field in model._meta.concrete_fields
            if not field.primary_key and field.name not in given
        ]
        # Columns left out take the model's default, as the ORM would have written it.
        self.defaults = tuple(
            field.get_db_prep_save(field.get_default(), connection) for field in rest
        )
        columns = ", ".join(_quote(field.column) for field in [*self.fields, *rest])
        marks = ", ".join(["%s"] * (len(self.fields) + len(rest)))
        conflict = " ON CONFLICT DO NOTHING" if skip_conflicts else ""
        self.sql = f"INSERT INTO {self.table} ({columns}) VALUES ({marks}){conflict}"

    def run(self, rows: Iterable[Sequence[Any]]) -> None:
        prepared = self.prepared(rows, self.defaults)
        if prepared:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, prepared)


class BulkUpdate(_Statement):
    """``UPDATE table SET fields... WHERE id = %s`` for many rows; each row ends with its pk."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        super().__init__(model, fields)
        assignments = ", ".join(f"{_quote(field.column)} = %s" for field in self.fields)
        pk = _quote(model._meta.pk.column)
        self.sql = f"UPDATE {self.table} SET {assignments} WHERE {pk} = %s"

    def run(self, rows: Iterable[Sequence[Any]]) -> None:
        prepared = self.prepared(rows)
        if prepared:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, prepared)


def pks_by_code(model: type[models.Model], owner_id: int, codes: Sequence[UUID]) -> dict[UUID, int]:
    """The primary keys of the owner's rows just inserted, by their codes."""
    found: dict[UUID, int] = {}
    rows = model._default_manager.filter(owner_id=owner_id)
    for start in range(0, len(codes), _IN_BATCH):
        part = codes[start : start + _IN_BATCH]
        found.update(rows.filter(code__in=part).values_list("code", "pk"))
    return found


def organisations_named(owner_id: int, names: Sequence[str]) -> dict[str, tuple[int, str]]:
    """The owner's organisations for ``names``, as the database compares them (any case).

    Answers ``{name asked for: (pk, stored name)}``; the database decides what "any case" means
    (its ``lower``, which is also what keeps organisation names unique), not Python.
    """
    table = _quote(Organisation._meta.db_table)
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(names), _IN_BATCH):
        part = list(names[start : start + _IN_BATCH])
        values = ", ".join(["(%s)"] * len(part))
        # CROSS JOIN keeps the asked names as SQLite's outer loop, so each one is an index
        # look-up (organisation_name_unique is on lower(name), owner) instead of a scan.
        sql = (
            f"SELECT asked.column1, o.id, o.name FROM (VALUES {values}) AS asked "
            f"CROSS JOIN {table} o WHERE lower(o.name) = lower(asked.column1) "
            "AND o.owner_id = %s ORDER BY o.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*part, owner_id])
            for asked, pk, name in cursor.fetchall():
                found.setdefault(asked, (pk, name))
    return found
