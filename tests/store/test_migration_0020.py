"""Migration 0020 over existing data: SQLite's search table built again with a prefix index, its
rows, weights and triggers as they were; PostgreSQL's search untouched."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from django.core.management import call_command
from django.db import connection

from coffeechat.core.search import END, START
from coffeechat.services.chats import add_note
from coffeechat.services.contacts import ContactDetails, add_contact, change_contact
from coffeechat.services.search import search
from coffeechat.store import search as index
from coffeechat.store.models import Note
from tests.migrated import migrated_database

BEFORE = [("coffeechat", "0019_contact_order_indexes")]
AFTER = [("coffeechat", "0020_search_prefix_index")]
PREFIX = "prefix = '1 2'"
# Ada, then the note about her (a note's context is its contact's name).
ADA = [("contact", "Ada Lovelace"), ("note", "Ada Lovelace")]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def before():
    """Goes back to the database as it was before 0020 when called; the schema is brought back
    afterwards. Rows are made first, with today's code (whose models have columns 0020 did not
    know), then the database goes back with them.

    ``migrate`` as coffeechat runs it, with its post_migrate repair of SQLite's search triggers.
    """
    yield lambda: migrate(BEFORE)
    call_command("migrate", verbosity=0)


def migrate(target) -> None:
    [(app, name)] = target
    call_command("migrate", app, name, verbosity=0)


def found(owner, text: str) -> list[tuple[str, str]]:
    return [
        (hit.kind, hit.title.replace(START, "").replace(END, ""))
        for hit in search(owner, text).hits
    ]


def table_sql() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [index.TABLE])
        return cursor.fetchone()[0]


def triggers() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        return dict(cursor.fetchall())


def rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid, * FROM {index.TABLE} ORDER BY rowid")
        return cursor.fetchall()


def rank() -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT v FROM {index.TABLE}_config WHERE k = 'rank'")
        return cursor.fetchone()[0]


def network(owner):
    ada = add_contact(
        owner, ContactDetails(name="Ada Lovelace", role="Analyst", organisation="Acme Labs")
    )
    add_contact(owner, ContactDetails(name="Alan Turing"))
    add_note(owner, ada, "Ask about the onboarding guild")
    return ada


def test_what_was_found_is_found_after_it_and_the_index_keeps_up(alice, bob, before):
    ada = network(alice)
    network(bob)
    before()
    # Up to today's schema: the services below write today's columns.
    call_command("migrate", verbosity=0)

    assert found(alice, "ada l") == ADA
    assert found(alice, "onboarding") == [("note", "Ada Lovelace")]
    assert found(alice, "acme") == [("organisation", "Acme Labs"), ("contact", "Ada Lovelace")]
    # One letter searches names only (store.search.names_only).
    assert sorted(found(alice, "a")) == [
        ("contact", "Ada Lovelace"),
        ("contact", "Alan Turing"),
        ("organisation", "Acme Labs"),
    ]
    # Every trigger still at work: a new note, an edited one, a deleted one, a renamed contact.
    note = add_note(alice, ada, "Harbour analytics intro")
    assert found(alice, "harb") == [("note", "Ada Lovelace")]
    Note.objects.filter(owner=alice, pk=note.pk).update(text="Lighthouse intro")
    assert found(alice, "harb") == []
    assert found(alice, "lighth") == [("note", "Ada Lovelace")]
    Note.objects.filter(owner=alice, pk=note.pk).delete()
    assert found(alice, "lighth") == []
    change_contact(alice, ada, ContactDetails(name="Ada King"))
    assert found(alice, "onboarding") == [("note", "Ada King")]
    assert found(alice, "ada k") == [("contact", "Ada King"), ("note", "Ada King")]
    assert found(alice, "lovelace") == []
    assert found(bob, "ada l") == ADA


@pytest.mark.sqlite_only
def test_the_table_gets_a_prefix_index_and_keeps_its_rows_weights_and_triggers(alice, before):
    network(alice)
    before()
    assert PREFIX not in table_sql()
    was = (rows(), rank(), triggers())

    migrate(AFTER)

    assert PREFIX in table_sql()
    assert (rows(), rank(), triggers()) == was
    assert len(was[2]) >= len(index.SQLITE_TRIGGERS)


@pytest.mark.sqlite_only
def test_undone_the_table_loses_the_prefix_index_and_keeps_the_rest(alice, before):
    network(alice)
    before()
    migrate(AFTER)
    was = (rows(), rank(), triggers())

    migrate(BEFORE)

    assert PREFIX not in table_sql()
    assert (rows(), rank(), triggers()) == was
    assert found(alice, "ada l") == ADA


@pytest.mark.sqlite_only
def test_triggers_an_earlier_migration_dropped_are_left_for_the_repair(alice, before):
    # Migrations 0009, 0012 and 0013 drop the triggers, and rows can change before this one
    # runs in the same migrate; the repair afterwards must still see them missing and reindex.
    ada = network(alice)
    before()
    with connection.cursor() as cursor:
        for name in index.SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    Note.objects.filter(owner=alice, contact=ada).update(text="Ask about the lighthouse")

    call_command("migrate", verbosity=0)

    assert PREFIX in table_sql()
    assert set(index.SQLITE_TRIGGERS) <= set(triggers())
    assert found(alice, "lighth") == [("note", "Ada Lovelace")]
    assert found(alice, "onboarding") == []


@pytest.mark.sqlite_only
def test_a_new_home_has_the_prefix_index():
    with closing(sqlite3.connect(migrated_database())) as database:
        ((sql,),) = database.execute(
            "SELECT sql FROM sqlite_master WHERE name = ?", [index.TABLE]
        ).fetchall()
    assert PREFIX in sql


@pytest.mark.sqlite_only
def test_an_index_installed_afresh_has_the_prefix_index_too(alice):
    # store.search.install builds the index outside the migrations (bench/load_generate.py).
    network(alice)
    index.uninstall(connection)
    index.install(connection)
    assert PREFIX in table_sql()
    assert found(alice, "ada l") == ADA
