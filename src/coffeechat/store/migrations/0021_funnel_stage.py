"""Each contact's furthest funnel stage, stored and kept by the database (issue 18, point 5).

The funnel page read everyone ever written to, with five subqueries each, on every visit: the
one page whose time grew with the whole data. Now ``Contact.funnel_stage`` holds the answer
(NULL for someone never sent a request, else 0 to 4 as ``core.funnel.Stage``) and the page
counts it per organisation from one index.

Only triggers write the column, on SQLite and on PostgreSQL, so bulk writes, restores, imports,
merges and raw SQL cannot leave it behind. Whenever a request, chat, referral or opportunity is
added, deleted or has a column the rule reads changed, the stage of the contact it belonged to
and of the one it belongs to now is worked out again. A contact's own writes are guarded as well:
Django's ``save()`` writes every column, so a contact read before a chat was held would otherwise
write its old stage back. On PostgreSQL a BEFORE trigger sets the stage from the rule; SQLite
cannot assign to NEW, so an AFTER trigger puts it right when it differs.

The rule is written once, in ``stage_of``, and every trigger and the filling of existing rows
use it. It is ``services.funnel._furthest`` as it was when this migration was written: someone
sent at least one request enters at Outreach; a reply to a sent request is Reply; a held chat
that came of a request, or started at or after the first request went out, is Chat; a referral
from them is Referral; an opportunity through them is Opportunity; the furthest one counts.

Everything is frozen here, not imported. Later migrations that make SQLite rebuild one of the
five tables (Django rebuilds a table to change most columns or constraints) must drop these
triggers first and create them again afterwards with this SQL: SQLite drops a table's triggers
with it, and refuses the rename while another table's trigger names the table.
"""

from django.db import migrations, models

RANGE = "funnel_stage IS NULL OR funnel_stage BETWEEN 0 AND 4"
# (table, its column naming the contact, the columns the rule reads)
SOURCES = (
    ("outreach", "contact_id", ("contact_id", "sent_at", "replied_at")),
    ("chat", "contact_id", ("contact_id", "status", "outreach_id", "starts_at")),
    ("referral", "from_contact_id", ("from_contact_id",)),
    ("opportunity", "contact_id", ("contact_id",)),
)


def stage_of(contact: str) -> str:
    """The furthest stage of the contact whose id is the SQL expression ``contact``, as SQL."""
    sent = f"FROM coffeechat_outreach o WHERE o.contact_id = {contact} AND o.sent_at IS NOT NULL"
    return (
        "CASE"
        f" WHEN NOT EXISTS (SELECT 1 {sent}) THEN NULL"
        f" WHEN EXISTS (SELECT 1 FROM coffeechat_opportunity p WHERE p.contact_id = {contact})"
        " THEN 4"
        " WHEN EXISTS (SELECT 1 FROM coffeechat_referral r"
        f" WHERE r.from_contact_id = {contact}) THEN 3"
        # A chat from before any request belongs to an earlier acquaintance, not to the funnel.
        f" WHEN EXISTS (SELECT 1 FROM coffeechat_chat c WHERE c.contact_id = {contact}"
        " AND c.status = 'held' AND (c.outreach_id IS NOT NULL"
        f" OR c.starts_at >= (SELECT min(o.sent_at) {sent}))) THEN 2"
        f" WHEN EXISTS (SELECT 1 {sent} AND o.replied_at IS NOT NULL) THEN 1"
        " ELSE 0 END"
    )


# --- SQLite -------------------------------------------------------------------------------------


def _sqlite_restage(contact: str) -> str:
    return (
        f"UPDATE coffeechat_contact SET funnel_stage = ({stage_of(contact)}) WHERE id = {contact};"
    )


def _sqlite_triggers() -> dict[str, str]:
    triggers = {}
    for table, column, read in SOURCES:
        changed = " OR ".join(f"OLD.{name} IS NOT NEW.{name}" for name in read)
        triggers[f"coffeechat_funnel_{table}_insert"] = (
            f"AFTER INSERT ON coffeechat_{table} BEGIN {_sqlite_restage(f'NEW.{column}')} END"
        )
        triggers[f"coffeechat_funnel_{table}_update"] = (
            f"AFTER UPDATE OF {', '.join(read)} ON coffeechat_{table} WHEN {changed} BEGIN "
            f"{_sqlite_restage(f'OLD.{column}')} {_sqlite_restage(f'NEW.{column}')} END"
        )
        triggers[f"coffeechat_funnel_{table}_delete"] = (
            f"AFTER DELETE ON coffeechat_{table} BEGIN {_sqlite_restage(f'OLD.{column}')} END"
        )
    # A contact written with a stage that is not the rule's (a stale save, an insert after its
    # rows in one transaction) is put right at once.
    triggers["coffeechat_funnel_contact_insert"] = (
        f"AFTER INSERT ON coffeechat_contact WHEN NEW.funnel_stage IS NOT ({stage_of('NEW.id')}) "
        f"BEGIN {_sqlite_restage('NEW.id')} END"
    )
    triggers["coffeechat_funnel_contact_update"] = (
        "AFTER UPDATE OF funnel_stage ON coffeechat_contact "
        "WHEN NEW.funnel_stage IS NOT OLD.funnel_stage "
        f"AND NEW.funnel_stage IS NOT ({stage_of('NEW.id')}) BEGIN {_sqlite_restage('NEW.id')} END"
    )
    return triggers


# --- PostgreSQL ---------------------------------------------------------------------------------


def _postgresql_create() -> list[str]:
    statements = [
        "CREATE FUNCTION coffeechat_funnel_stage(bigint) RETURNS smallint LANGUAGE sql STABLE "
        f"AS $$ SELECT ({stage_of('$1')})::smallint $$",
        # Writes only when the stage changed, so a request's every save makes no dead row.
        """CREATE FUNCTION coffeechat_funnel_restage(contact bigint) RETURNS void
        LANGUAGE plpgsql AS $$
        DECLARE
          stage smallint := coffeechat_funnel_stage(contact);
        BEGIN
          UPDATE coffeechat_contact SET funnel_stage = stage
          WHERE id = contact AND funnel_stage IS DISTINCT FROM stage;
        END $$""",
        """CREATE FUNCTION coffeechat_funnel_contact() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          NEW.funnel_stage := coffeechat_funnel_stage(NEW.id);
          RETURN NEW;
        END $$""",
        "CREATE TRIGGER coffeechat_funnel_contact_insert BEFORE INSERT ON coffeechat_contact "
        "FOR EACH ROW EXECUTE FUNCTION coffeechat_funnel_contact()",
        "CREATE TRIGGER coffeechat_funnel_contact_update BEFORE UPDATE OF funnel_stage "
        "ON coffeechat_contact FOR EACH ROW "
        "WHEN (NEW.funnel_stage IS DISTINCT FROM OLD.funnel_stage) "
        "EXECUTE FUNCTION coffeechat_funnel_contact()",
    ]
    for table, column, read in SOURCES:
        changed = " OR ".join(f"OLD.{name} IS DISTINCT FROM NEW.{name}" for name in read)
        statements += [
            f"""CREATE FUNCTION coffeechat_funnel_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE'
                  AND OLD.{column} IS DISTINCT FROM NEW.{column}) THEN
                PERFORM coffeechat_funnel_restage(OLD.{column});
              END IF;
              IF TG_OP <> 'DELETE' THEN
                PERFORM coffeechat_funnel_restage(NEW.{column});
              END IF;
              RETURN NULL;
            END $$""",
            f"CREATE TRIGGER coffeechat_funnel_{table}_rows AFTER INSERT OR DELETE "
            f"ON coffeechat_{table} FOR EACH ROW EXECUTE FUNCTION coffeechat_funnel_{table}()",
            f"CREATE TRIGGER coffeechat_funnel_{table}_update AFTER UPDATE OF {', '.join(read)} "
            f"ON coffeechat_{table} FOR EACH ROW WHEN ({changed}) "
            f"EXECUTE FUNCTION coffeechat_funnel_{table}()",
        ]
    return statements


def _postgresql_drop() -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS coffeechat_funnel_contact_insert ON coffeechat_contact",
        "DROP TRIGGER IF EXISTS coffeechat_funnel_contact_update ON coffeechat_contact",
        *(
            f"DROP TRIGGER IF EXISTS coffeechat_funnel_{table}_{event} ON coffeechat_{table}"
            for table, _, _ in SOURCES
            for event in ("rows", "update")
        ),
        *(
            f"DROP FUNCTION IF EXISTS coffeechat_funnel_{name}()"
            for name in ("contact", *(table for table, _, _ in SOURCES))
        ),
        "DROP FUNCTION IF EXISTS coffeechat_funnel_restage(bigint)",
        "DROP FUNCTION IF EXISTS coffeechat_funnel_stage(bigint)",
    ]


# --- Operations ---------------------------------------------------------------------------------


def _run(schema_editor, statements) -> None:
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def add_column(apps, schema_editor):
    # Added in place with its check, as SQL: a check added on its own makes SQLite rebuild the
    # contact table, which the search triggers on notes (naming the table) refuse.
    _run(
        schema_editor,
        [
            "ALTER TABLE coffeechat_contact ADD COLUMN funnel_stage smallint NULL "
            f"CONSTRAINT contact_funnel_stage_0_to_4 CHECK ({RANGE})"
        ],
    )


def drop_column(apps, schema_editor):
    _run(schema_editor, ["ALTER TABLE coffeechat_contact DROP COLUMN funnel_stage"])


def fill(apps, schema_editor):
    """Every existing contact sent a request gets their stage (before the triggers exist)."""
    _run(
        schema_editor,
        [
            f"UPDATE coffeechat_contact SET funnel_stage = ({stage_of('coffeechat_contact.id')}) "
            "WHERE id IN (SELECT contact_id FROM coffeechat_outreach WHERE sent_at IS NOT NULL)"
        ],
    )


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        statements = [f"CREATE TRIGGER {name} {body}" for name, body in _sqlite_triggers().items()]
    else:
        statements = _postgresql_create()
    _run(schema_editor, statements)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        statements = [f"DROP TRIGGER IF EXISTS {name}" for name in _sqlite_triggers()]
    else:
        statements = _postgresql_drop()
    _run(schema_editor, statements)


class Migration(migrations.Migration):
    dependencies = [
        ("coffeechat", "0020_search_prefix_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_column, drop_column)],
            state_operations=[
                migrations.AddField(
                    model_name="contact",
                    name="funnel_stage",
                    field=models.SmallIntegerField(editable=False, null=True),
                ),
                migrations.AddConstraint(
                    model_name="contact",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("funnel_stage__isnull", True),
                            ("funnel_stage__range", (0, 4)),
                            _connector="OR",
                        ),
                        name="contact_funnel_stage_0_to_4",
                    ),
                ),
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(install, uninstall),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                fields=["owner", "organisation", "funnel_stage"],
                condition=models.Q(("funnel_stage__gte", 0), ("merged_into__isnull", True)),
                name="contact_funnel",
            ),
        ),
    ]
