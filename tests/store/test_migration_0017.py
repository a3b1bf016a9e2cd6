"""Migration 0017 over existing data: top-five flags numbered, bad talk shares cleared, rows
with unknown choices refused with a message that names them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("coffeechat", "0016_search_tiers")]
AFTER = [("coffeechat", "0017_database_guards_the_rules")]
NOW = datetime(2030, 1, 9, 12, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def before():
    """The historical models as they were before 0017; the schema is brought back afterwards.

    ``migrate`` as coffeechat runs it, with its post_migrate repair of SQLite's search triggers.
    """
    migrate(BEFORE)
    yield MigrationExecutor(connection).loader.project_state(BEFORE).apps
    call_command("migrate", verbosity=0)


def migrate(target) -> None:
    [(app, name)] = target
    call_command("migrate", app, name, verbosity=0)


def migrate_to_0017():
    migrate(AFTER)
    return MigrationExecutor(connection).loader.project_state(AFTER).apps


def user(apps, name: str):
    return apps.get_model("auth", "User").objects.create(username=name)


def test_top_five_flags_become_places_in_a_stable_order(before):
    Organisation = before.get_model("coffeechat", "Organisation")
    alice, bob = user(before, "alice"), user(before, "bob")

    def flagged(owner, name, motivation, **values):
        values = {"is_target": True, "top_five": True, **values}
        Organisation.objects.create(owner=owner, name=name, motivation=motivation, **values)

    # Seven flags (a race could make more than five): the most motivated, then by name, keep one.
    for name, motivation in [("Umbrella", 1), ("acme", 2), ("Globex", 3), ("Initech", 2)]:
        flagged(alice, name, motivation)
    for name, motivation in [("Hooli", 1), ("Stark", 3), ("Wayne", 1)]:
        flagged(alice, name, motivation)
    flagged(alice, "Gone", 3, is_target=False)  # no longer a target: its flag goes
    Organisation.objects.create(owner=alice, name="Plain", is_target=True)
    flagged(bob, "Acme", 2)

    after = migrate_to_0017()
    Organisation = after.get_model("coffeechat", "Organisation")
    places = dict(
        Organisation.objects.filter(owner__username="alice").values_list("name", "top_slot")
    )
    assert places == {
        "Globex": 1,
        "Stark": 2,
        "acme": 3,
        "Initech": 4,
        "Hooli": 5,
        "Umbrella": None,
        "Wayne": None,
        "Gone": None,
        "Plain": None,
    }
    assert Organisation.objects.get(owner__username="bob").top_slot == 1


def test_a_talk_share_over_100_becomes_not_recorded(before):
    alice = user(before, "alice")
    contact = before.get_model("coffeechat", "Contact").objects.create(owner=alice, name="Ada")
    Chat = before.get_model("coffeechat", "Chat")
    for share in (250, 100, 0):
        Chat.objects.create(owner=alice, contact=contact, starts_at=NOW, talk_share=share)

    after = migrate_to_0017()
    shares = after.get_model("coffeechat", "Chat").objects.values_list("talk_share", flat=True)
    assert sorted(shares, key=lambda share: -1 if share is None else share) == [None, 0, 100]


def test_rows_with_unknown_choices_are_refused_and_named(before):
    alice = user(before, "alice")
    contact = before.get_model("coffeechat", "Contact").objects.create(owner=alice, name="Ada")
    Chat = before.get_model("coffeechat", "Chat")
    Chat.objects.create(owner=alice, contact=contact, starts_at=NOW, status="done")
    Chat.objects.create(owner=alice, contact=contact, starts_at=NOW, status="done")
    before.get_model("coffeechat", "Note").objects.create(
        owner=alice, contact=contact, kind="gossip", text="?", taken_at=NOW
    )

    with pytest.raises(DatabaseError) as refusal:
        migrate_to_0017()
    message = str(refusal.value)
    assert "2 chats (table coffeechat_chat) have a status coffeechat does not know ('done')" in (
        message
    )
    assert '"planned", "live", "held", "cancelled", "no_show"' in message
    assert "1 note (table coffeechat_note) has a kind coffeechat does not know ('gossip')" in (
        message
    )
    # Nothing changed: the rows and the schema are as they were.
    assert Chat.objects.filter(status="done").count() == 2
    assert "coffeechat.0017_database_guards_the_rules" not in {
        f"{app}.{name}" for app, name in MigrationExecutor(connection).loader.applied_migrations
    }
    Chat.objects.update(status="held")
    before.get_model("coffeechat", "Note").objects.update(kind="insight")
    assert migrate_to_0017()
