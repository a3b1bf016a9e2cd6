"""Triggers that keep derived data (the search index, network stamps, funnel stages): a migrated
database has exactly the ones the code names, and after a migrate the repair puts back any that
a table rebuild dropped and brings the data up to date (store.triggers)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import connection

from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.network import add_referral
from coffeechat.services.outreach import log_outreach
from coffeechat.store import funnel_stage, search, stamps
from coffeechat.store.models import Contact, NetworkStamp

SENT = datetime(2021, 5, 3, 9, tzinfo=UTC)
KEEPERS = {"search": search, "stamps": stamps, "funnel_stage": funnel_stage}


def sqlite_triggers() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        return dict(cursor.fetchall())


@pytest.mark.sqlite_only
@pytest.mark.parametrize("keeper", sorted(KEEPERS))
def test_the_migrated_triggers_are_the_ones_the_code_puts_back(db, keeper):
    triggers = KEEPERS[keeper].SQLITE_TRIGGERS
    found = sqlite_triggers()
    for name, body in triggers.items():
        assert found[name] == f"CREATE TRIGGER {name} {body}"


def test_the_network_triggers_are_in_place(db):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        found = {name for (name,) in cursor.fetchall() if "_network_" in name}
    assert found == set(stamps.SQLITE_TRIGGERS)


@pytest.mark.sqlite_only
def test_a_dropped_network_trigger_is_put_back_and_every_stamp_moves(alice):
    stamps.network_token(alice)
    before = NetworkStamp.objects.get(owner=alice).token
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER coffeechat_network_chat_update")
    assert stamps.repair(connection) is True
    assert "coffeechat_network_chat_update" in sqlite_triggers()
    assert NetworkStamp.objects.get(owner=alice).token != before
    assert stamps.repair(connection) is False


@pytest.mark.sqlite_only
def test_a_dropped_funnel_trigger_is_put_back_after_a_migrate_and_the_stages_follow(alice):
    ada = add_contact(alice, ContactDetails(name="Ada"))
    bea = add_contact(alice, ContactDetails(name="Bea"))
    log_outreach(alice, ada, "Twenty minutes in May?", sent_at=SENT)
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER coffeechat_funnel_referral_insert")
    add_referral(alice, ada, bea)  # unseen while the trigger is missing
    assert Contact.objects.get(pk=ada.pk).funnel_stage == 0

    call_command("migrate", verbosity=0)

    assert "coffeechat_funnel_referral_insert" in sqlite_triggers()
    assert Contact.objects.get(pk=ada.pk).funnel_stage == 3
    assert funnel_stage.repair(connection) is False


def test_nothing_to_repair_in_a_migrated_database(db):
    # On PostgreSQL tables are altered in place and the triggers stay; on SQLite none is missing.
    for keeper in KEEPERS.values():
        assert keeper.repair(connection) is False
