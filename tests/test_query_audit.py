"""The query audit itself (tests/query_audit.py): what it lets through, and what it catches."""

from __future__ import annotations

import pytest

from coffeechat.store.models import Contact
from tests import query_audit
from tests.query_audit import SOURCE, scoped

SELECT = (
    'SELECT "coffeechat_contact"."id", "coffeechat_contact"."owner_id" FROM "coffeechat_contact"'
)


@pytest.mark.parametrize(
    "sql",
    [
        SELECT
        + ' WHERE ("coffeechat_contact"."owner_id" = %s AND "coffeechat_contact"."code" = %s)',
        SELECT + ' WHERE "coffeechat_contact"."owner_id" IN (SELECT U0."student_id" FROM x)',
        SELECT + ' WHERE "coffeechat_contact"."organisation_id" IN (%s, %s)',  # a prefetch
        'UPDATE "coffeechat_contact" SET "name" = %s WHERE "coffeechat_contact"."id" = %s',
        'SELECT "id" FROM "coffeechat_preferences" WHERE "calendar_token" = %s',
        'INSERT INTO "coffeechat_contact" ("owner_id", "name") VALUES (%s, %s)',
        'SELECT "id" FROM "auth_user" WHERE "username" = %s',  # not an owned table
        'SELECT "id" FROM "coffeechat_coachgrant" WHERE "coach_id" = %s',
    ],
)
def test_a_query_that_says_whose_rows_passes(sql):
    assert scoped(sql)


@pytest.mark.parametrize(
    "sql",
    [
        SELECT + ' WHERE "coffeechat_contact"."code" = %s',
        SELECT + " ORDER BY 1",
        # A join on the owner column only matches two tables: it does not say whose rows.
        SELECT + ' INNER JOIN "auth_user" ON ("coffeechat_contact"."owner_id" = "auth_user"."id")'
        ' WHERE "coffeechat_contact"."name" = %s',
        'DELETE FROM "coffeechat_note" WHERE "coffeechat_note"."taken_at" < %s',
        'SELECT "id" FROM "coffeechat_coachview" WHERE "what" = %s',
    ],
)
def test_a_query_for_everyones_rows_is_caught(sql):
    assert not scoped(sql)


# Code that looks, to the audit, as if it were the app's own (its file is under src/coffeechat).
APP_CODE = """
def everyones_contacts(model):
    return list(model.objects.filter(name="Ada"))
"""


def run_as_app_code(name: str):
    namespace: dict = {}
    exec(compile(APP_CODE, str(SOURCE / "services" / "audited.py"), "exec"), namespace)  # noqa: S102
    return namespace[name]


def test_the_apps_unscoped_query_is_recorded_with_its_line(alice):
    everyones_contacts = run_as_app_code("everyones_contacts")
    everyones_contacts(Contact)
    caught = query_audit.take()
    assert [one.where for one in caught] == ["services/audited.py:3 in everyones_contacts"]
    assert '"coffeechat_contact"."name" = %s' in caught[0].sql


def test_a_tests_own_query_is_not_the_apps(alice):
    list(Contact.objects.filter(name="Ada"))
    assert query_audit.take() == []
