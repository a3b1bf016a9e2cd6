"""An FTS5 prefix index for search on SQLite (issue 18: search as you type).

Search reads its last word as a prefix (``ada l`` is ``"ada" "l"*``). Without a prefix index,
FTS5 finds the words starting with those letters by walking its term list for every query; with
``prefix = '1 2'`` it also stores, for each first letter and each first two letters, the rows
that have a word starting with them. Measured on the full-scale benchmark data (200,000 notes):
"ada l" went from 20.8 to 10.1 ms and "on" from 36.7 to 25.7 ms, with the same results; the
index grew from 18 to 48 MB and this migration took 6 to 14 s there.

FTS5 cannot add a prefix index to a table that exists, so the table is built again with it,
its rows copied with their row ids, under the old name. SQLite refuses the rename while a
trigger still names the table it replaces, so the search triggers (migration 0007) are dropped
first and created again afterwards, with the SQL they had when this migration was written.

Everything is frozen here, not imported: this migration must do the same thing whatever later
versions of ``store/search.py`` say. Undoing it builds the table again without the prefix index.
Nothing to do on PostgreSQL, which finds prefixes through its GIN indexes.
"""

# The triggers' SQL below is kept verbatim, long lines and all, as SQLite stores it.
# ruff: noqa: E501

from django.db import migrations

TABLE = "coffeechat_search"
BUILDING = "coffeechat_search_new"
# store.search._sqlite_create as it was: the columns, what is indexed, and the tokenizer.
COLUMNS = "owner, title, context, body, kind UNINDEXED, code UNINDEXED, chat_code UNINDEXED"
TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"
PREFIX = "prefix = '1 2'"
# store.search.SQLITE_RANK as it was: bm25 weights per column (owner, title, context, body).
RANK = "bm25(0.0, 10.0, 4.0, 1.0)"
STORED = "owner, title, context, body, kind, code, chat_code"

# store.search.SQLITE_TRIGGERS as they were, each created as "CREATE TRIGGER name body".
TRIGGERS = {
    "coffeechat_search_contact_insert": """
        AFTER INSERT ON coffeechat_contact BEGIN
          INSERT INTO coffeechat_search (rowid, owner, title, context, body, kind, code, chat_code) SELECT c.id * 4 + 1, 'u' || c.owner_id, replace(replace(coalesce(c.name, ''), char(57344), ''), char(57345), ''), replace(replace(coalesce(substr(coalesce(' · ' || nullif(c.role, ''), '') || coalesce(' · ' || nullif(o.name, ''), ''), 4), ''), char(57344), ''), char(57345), ''), replace(replace(coalesce(substr(coalesce(' · ' || nullif((SELECT group_concat(value, ', ') FROM json_each(CASE WHEN json_valid(c.emails) THEN c.emails ELSE '[]' END)), ''), '') || coalesce(' · ' || nullif((SELECT group_concat(value, ', ') FROM json_each(CASE WHEN json_valid(c.tags) THEN c.tags ELSE '[]' END)), ''), '') || coalesce(' · ' || nullif(c.location, ''), '') || coalesce(' · ' || nullif(c.how_we_met, ''), '') || coalesce(' · ' || nullif(c.research_notes, ''), ''), 4), ''), char(57344), ''), char(57345), ''), 'contact', c.code, NULL FROM coffeechat_contact c LEFT JOIN coffeechat_organisation o ON o.id = c.organisation_id WHERE c.merged_into_id IS NULL AND c.id = NEW.id;
        END""",
    "coffeechat_search_contact_update": """
        AFTER UPDATE OF name, role, organisation_id, emails, tags, location, how_we_met, research_notes, merged_into_id ON coffeechat_contact BEGIN
          DELETE FROM coffeechat_search WHERE rowid = OLD.id * 4 + 1;
          INSERT INTO coffeechat_search (rowid, owner, title, context, body, kind, code, chat_code) SELECT c.id * 4 + 1, 'u' || c.owner_id, replace(replace(coalesce(c.name, ''), char(57344), ''), char(57345), ''), replace(replace(coalesce(substr(coalesce(' · ' || nullif(c.role, ''), '') || coalesce(' · ' || nullif(o.name, ''), ''), 4), ''), char(57344), ''), char(57345), ''), replace(replace(coalesce(substr(coalesce(' · ' || nullif((SELECT group_concat(value, ', ') FROM json_each(CASE WHEN json_valid(c.emails) THEN c.emails ELSE '[]' END)), ''), '') || coalesce(' · ' || nullif((SELECT group_concat(value, ', ') FROM json_each(CASE WHEN json_valid(c.tags) THEN c.tags ELSE '[]' END)), ''), '') || coalesce(' · ' || nullif(c.location, ''), '') || coalesce(' · ' || nullif(c.how_we_met, ''), '') || coalesce(' · ' || nullif(c.research_notes, ''), ''), 4), ''), char(57344), ''), char(57345), ''), 'contact', c.code, NULL FROM coffeechat_contact c LEFT JOIN coffeechat_organisation o ON o.id = c.organisation_id WHERE c.merged_into_id IS NULL AND c.id = NEW.id;
        END""",
    "coffeechat_search_contact_rename": """
        AFTER UPDATE OF name ON coffeechat_contact WHEN OLD.name IS NOT NEW.name BEGIN
          DELETE FROM coffeechat_search WHERE rowid IN
            (SELECT id * 4 + 3 FROM coffeechat_note WHERE contact_id = NEW.id);
          INSERT INTO coffeechat_search (rowid, owner, title, context, body, kind, code, chat_code) SELECT n.id * 4 + 3, 'u' || n.owner_id, '', replace(replace(coalesce(c.name, ''), char(57344), ''), char(57345), ''), replace(replace(coalesce(n.text, ''), char(57344), ''), char(57345), ''), 'note', c.code, ch.code FROM coffeechat_note n JOIN coffeechat_contact c ON c.id = n.contact_id LEFT JOIN coffeechat_chat ch ON ch.id = n.chat_id WHERE n.contact_id = NEW.id;
        END""",
    "coffeechat_search_contact_delete": """
        AFTER DELETE ON coffeechat_contact BEGIN
          DELETE FROM coffeechat_search WHERE rowid = OLD.id * 4 + 1;
        END""",
    "coffeechat_search_organisation_insert": """
        AFTER INSERT ON coffeechat_organisation BEGIN
          INSERT INTO coffeechat_search (rowid, owner, title, context, body, kind, code, chat_code) SELECT o.id * 4 + 2, 'u' || o.owner_id, replace(replace(coalesce(o.name, ''), char(57344), ''), char(57345), ''), replace(replace(coalesce(o.website, ''), char(57344), ''), char(57345), ''), replace(replace(coalesce(o.notes, ''), char(57344), ''), char(57345), ''), 'organisation', o.code, NULL FROM coffeechat_organisation o WHERE o.id = NEW.id;
        END""",
    "coffeechat_search_organisation_update": """
        AFTER UPDATE OF name, website, notes ON coffeechat_organisation BEGIN
          DELETE FROM coffeechat_search WHERE rowid = OLD.id * 4 + 2;
          INSERT INTO coffeechat_search (rowid, owner, title, context, body, kind, code, chat_code) SELECT o.id * 4 + 2, 'u' || o.owner_id, replace(replace(coalesce(o.name, ''), char(57344), ''), char(57345), ''), replace(replace(coalesce(o.website, ''), char(57344), ''), char(57345), ''), replace(replace(coalesce(o.notes, ''), char(57344), ''), char(57345), ''), 'organisation', o.code, NULL FROM coffeechat_organisation o WHERE o.id = NEW.id;
        END""",
    "coffeechat_search_organisation_rename": """
        AFTER UPDATE OF name ON coffeechat_organisation WHEN OLD.name IS NOT NEW.name BEGIN
          DELETE FROM coffeechat_search WHERE rowid IN
            (SELECT id * 4 + 1 FROM coffeechat_contact WHERE organisation_id = NEW.id);
          INSERT INTO coffeechat_search (rowid, owner, title, context, body, kind, code, chat_code) SELECT c.id * 4 + 1, 'u' || c.owner_id, replace(replace(coalesce(c.name, ''), char(57344), ''), char(57345), ''), replace(replace(coalesce(substr(coalesce(' · ' || nullif(c.role, ''), '') || coalesce(' · ' || nullif(o.name, ''), ''), 4), ''), char(57344), ''), char(57345), ''), replace(replace(coalesce(substr(coalesce(' · ' || nullif((SELECT group_concat(value, ', ') FROM json_each(CASE WHEN json_valid(c.emails) THEN c.emails ELSE '[]' END)), ''), '') || coalesce(' · ' || nullif((SELECT group_concat(value, ', ') FROM json_each(CASE WHEN json_valid(c.tags) THEN c.tags ELSE '[]' END)), ''), '') || coalesce(' · ' || nullif(c.location, ''), '') || coalesce(' · ' || nullif(c.how_we_met, ''), '') || coalesce(' · ' || nullif(c.research_notes, ''), ''), 4), ''), char(57344), ''), char(57345), ''), 'contact', c.code, NULL FROM coffeechat_contact c LEFT JOIN coffeechat_organisation o ON o.id = c.organisation_id WHERE c.merged_into_id IS NULL AND c.organisation_id = NEW.id;
        END""",
    "coffeechat_search_organisation_delete": """
        AFTER DELETE ON coffeechat_organisation BEGIN
          DELETE FROM coffeechat_search WHERE rowid = OLD.id * 4 + 2;
        END""",
    "coffeechat_search_note_insert": """
        AFTER INSERT ON coffeechat_note BEGIN
          INSERT INTO coffeechat_search (rowid, owner, title, context, body, kind, code, chat_code) SELECT n.id * 4 + 3, 'u' || n.owner_id, '', replace(replace(coalesce(c.name, ''), char(57344), ''), char(57345), ''), replace(replace(coalesce(n.text, ''), char(57344), ''), char(57345), ''), 'note', c.code, ch.code FROM coffeechat_note n JOIN coffeechat_contact c ON c.id = n.contact_id LEFT JOIN coffeechat_chat ch ON ch.id = n.chat_id WHERE n.id = NEW.id;
        END""",
    "coffeechat_search_note_update": """
        AFTER UPDATE OF text, contact_id, chat_id ON coffeechat_note BEGIN
          DELETE FROM coffeechat_search WHERE rowid = OLD.id * 4 + 3;
          INSERT INTO coffeechat_search (rowid, owner, title, context, body, kind, code, chat_code) SELECT n.id * 4 + 3, 'u' || n.owner_id, '', replace(replace(coalesce(c.name, ''), char(57344), ''), char(57345), ''), replace(replace(coalesce(n.text, ''), char(57344), ''), char(57345), ''), 'note', c.code, ch.code FROM coffeechat_note n JOIN coffeechat_contact c ON c.id = n.contact_id LEFT JOIN coffeechat_chat ch ON ch.id = n.chat_id WHERE n.id = NEW.id;
        END""",
    "coffeechat_search_note_delete": """
        AFTER DELETE ON coffeechat_note BEGIN
          DELETE FROM coffeechat_search WHERE rowid = OLD.id * 4 + 3;
        END""",
}


def _rebuild(schema_editor, options: str) -> None:
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = %s", [TABLE])
        if cursor.fetchone() is None:
            return  # no search index (migration 0007 undone by hand): nothing to rebuild
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            [f"{TABLE}_%"],
        )
        present = {name for (name,) in cursor.fetchall()}
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"CREATE VIRTUAL TABLE {BUILDING} USING fts5({COLUMNS}, {options})")
        cursor.execute(
            f"INSERT INTO {BUILDING} (rowid, {STORED}) SELECT rowid, {STORED} FROM {TABLE}"
        )
        cursor.execute(f"INSERT INTO {BUILDING} ({BUILDING}, rank) VALUES ('rank', '{RANK}')")
        cursor.execute(f"DROP TABLE {TABLE}")
        cursor.execute(f"ALTER TABLE {BUILDING} RENAME TO {TABLE}")
        # Only the triggers that were there: an earlier migration of the same run may have
        # dropped them (0009, 0012, 0013) and changed rows since, and store.search.repair,
        # after the migrate, puts them back and indexes every row again only if one is missing.
        for name, body in TRIGGERS.items():
            if name in present:
                cursor.execute(f"CREATE TRIGGER {name} {body}")


def add_prefix_index(apps, schema_editor):
    _rebuild(schema_editor, f"{TOKENIZE}, {PREFIX}")


def remove_prefix_index(apps, schema_editor):
    _rebuild(schema_editor, TOKENIZE)


class Migration(migrations.Migration):
    dependencies = [
        ("coffeechat", "0019_contact_order_indexes"),
    ]

    operations = [
        migrations.RunPython(add_prefix_index, remove_prefix_index),
    ]
