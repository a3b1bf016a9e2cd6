"""The network stamp (issue 18): a token the database moves whenever a referral network may change.

The network page builds the owner's whole referral graph on every visit (about 15 ms at 10,000
contacts). With a token that only triggers move, a process can keep the graph it built and
build again only when the token moved (store.stamps, services.network).

- A table of one stamp per owner, made on the first read.
- Triggers on referrals, opportunities, contacts and chats: a row that changes what the graph
  is built from moves its owner's stamp. SQLite takes a fresh random number; PostgreSQL the next
  value of a sequence, through one function.

Everything is frozen here (store.stamps has the live SQL, which ``store.stamps.repair`` puts
back on SQLite after a later migration rebuilds a table): this migration must do the same thing
whatever later code says. Undoing it drops the triggers, the function, the sequence and the
table.
"""

# The triggers' SQL below is kept verbatim, long lines and all, as SQLite stores it.
# ruff: noqa: E501

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE = "coffeechat_networkstamp"

SQLITE_TRIGGERS = {
    "coffeechat_network_referral_insert": "AFTER INSERT ON coffeechat_referral FOR EACH ROW BEGIN UPDATE coffeechat_networkstamp SET token = random() WHERE owner_id = NEW.owner_id; END",
    "coffeechat_network_referral_update": "AFTER UPDATE ON coffeechat_referral FOR EACH ROW WHEN OLD.owner_id IS NOT NEW.owner_id OR OLD.from_contact_id IS NOT NEW.from_contact_id OR OLD.to_contact_id IS NOT NEW.to_contact_id OR OLD.chat_id IS NOT NEW.chat_id OR OLD.created_at IS NOT NEW.created_at BEGIN UPDATE coffeechat_networkstamp SET token = random() WHERE owner_id IN (OLD.owner_id, NEW.owner_id); END",
    "coffeechat_network_referral_delete": "AFTER DELETE ON coffeechat_referral FOR EACH ROW BEGIN UPDATE coffeechat_networkstamp SET token = random() WHERE owner_id = OLD.owner_id; END",
    "coffeechat_network_opportunity_insert": "AFTER INSERT ON coffeechat_opportunity FOR EACH ROW BEGIN UPDATE coffeechat_networkstamp SET token = random() WHERE owner_id = NEW.owner_id; END",
    "coffeechat_network_opportunity_update": "AFTER UPDATE ON coffeechat_opportunity FOR EACH ROW WHEN OLD.owner_id IS NOT NEW.owner_id OR OLD.contact_id IS NOT NEW.contact_id BEGIN UPDATE coffeechat_networkstamp SET token = random() WHERE owner_id IN (OLD.owner_id, NEW.owner_id); END",
    "coffeechat_network_opportunity_delete": "AFTER DELETE ON coffeechat_opportunity FOR EACH ROW BEGIN UPDATE coffeechat_networkstamp SET token = random() WHERE owner_id = OLD.owner_id; END",
    "coffeechat_network_contact_insert": "AFTER INSERT ON coffeechat_contact FOR EACH ROW WHEN NEW.merged_into_id IS NOT NULL BEGIN UPDATE coffeechat_networkstamp SET token = random() WHERE owner_id = NEW.owner_id; END",
    "coffeechat_network_contact_update": "AFTER UPDATE ON coffeechat_contact FOR EACH ROW WHEN OLD.owner_id IS NOT NEW.owner_id OR OLD.name IS NOT NEW.name OR OLD.created_at IS NOT NEW.created_at OR OLD.merged_into_id IS NOT NEW.merged_into_id BEGIN UPDATE coffeechat_networkstamp SET token = random() WHERE owner_id IN (OLD.owner_id, NEW.owner_id); END",
    "coffeechat_network_contact_delete": "AFTER DELETE ON coffeechat_contact FOR EACH ROW WHEN OLD.merged_into_id IS NOT NULL BEGIN UPDATE coffeechat_networkstamp SET token = random() WHERE owner_id = OLD.owner_id; END",
    "coffeechat_network_chat_insert": "AFTER INSERT ON coffeechat_chat FOR EACH ROW WHEN NEW.status = 'held' BEGIN UPDATE coffeechat_networkstamp SET token = random() WHERE owner_id = NEW.owner_id; END",
    "coffeechat_network_chat_update": "AFTER UPDATE ON coffeechat_chat FOR EACH ROW WHEN OLD.owner_id IS NOT NEW.owner_id OR OLD.status IS NOT NEW.status OR OLD.starts_at IS NOT NEW.starts_at OR OLD.actual_start IS NOT NEW.actual_start BEGIN UPDATE coffeechat_networkstamp SET token = random() WHERE owner_id IN (OLD.owner_id, NEW.owner_id); END",
    "coffeechat_network_chat_delete": "AFTER DELETE ON coffeechat_chat FOR EACH ROW WHEN OLD.status = 'held' BEGIN UPDATE coffeechat_networkstamp SET token = random() WHERE owner_id = OLD.owner_id; END",
}

# PostgreSQL: one function moves the stamps of the row's owner (both, if a row changed owner).
POSTGRES_FUNCTION = """
CREATE FUNCTION coffeechat_network_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE coffeechat_networkstamp SET token = nextval('coffeechat_network_token')
            WHERE owner_id = OLD.owner_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.owner_id <> OLD.owner_id) THEN
        UPDATE coffeechat_networkstamp SET token = nextval('coffeechat_network_token')
            WHERE owner_id = NEW.owner_id;
    END IF;
    RETURN NULL;
END $$
"""

# (table, columns whose change matters, when an insert matters, when a delete matters)
POSTGRES_WATCHED = [
    (
        "coffeechat_referral",
        ["from_contact_id", "to_contact_id", "chat_id", "created_at"],
        None,
        None,
    ),
    ("coffeechat_opportunity", ["contact_id"], None, None),
    (
        "coffeechat_contact",
        ["name", "created_at", "merged_into_id"],
        "NEW.merged_into_id IS NOT NULL",
        "OLD.merged_into_id IS NOT NULL",
    ),
    (
        "coffeechat_chat",
        ["status", "starts_at", "actual_start"],
        "NEW.status = 'held'",
        "OLD.status = 'held'",
    ),
]


def _postgres_triggers():
    """Each trigger's name, its table, and the SQL that creates it."""
    for table, columns, inserted, deleted in POSTGRES_WATCHED:
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in ["owner_id", *columns])
        for event, when in (("insert", inserted), ("update", changed), ("delete", deleted)):
            name = f"coffeechat_network_{table.removeprefix('coffeechat_')}_{event}"
            condition = f" WHEN ({when})" if when else ""
            yield (
                name,
                table,
                f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} FOR EACH ROW{condition} "
                "EXECUTE FUNCTION coffeechat_network_changed()",
            )


def add_triggers(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name, body in SQLITE_TRIGGERS.items():
                cursor.execute(f"CREATE TRIGGER {name} {body}")
        elif connection.vendor == "postgresql":
            cursor.execute("CREATE SEQUENCE coffeechat_network_token")
            cursor.execute(POSTGRES_FUNCTION)
            for _, _, statement in _postgres_triggers():
                cursor.execute(statement)


def drop_triggers(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            for name, table, _ in _postgres_triggers():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            cursor.execute("DROP FUNCTION IF EXISTS coffeechat_network_changed()")
            cursor.execute("DROP SEQUENCE IF EXISTS coffeechat_network_token")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("coffeechat", "0021_funnel_stage"),
    ]

    operations = [
        migrations.CreateModel(
            name="NetworkStamp",
            fields=[
                (
                    "owner",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("token", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(add_triggers, drop_triggers, elidable=False),
    ]
