"""The full-text search index over contacts, organisations and notes, kept by triggers.

Everything this migration runs is frozen here as it was when the index was last redesigned
(issue 18): the SQL builders of ``store/search.py`` and the folding table of ``core/search.py``,
copied rather than imported, so a later change to those modules cannot change what this old
migration does on a new database. ``store.search.repair`` (run after every migrate) and later
migrations change the index from here on.
"""

from collections.abc import Sequence

from django.db import migrations

# core.search.START and END as they were: the private-use characters that mark highlights.
START = "\ue000"
END = "\ue001"
# core.search.FOLD_FROM and FOLD_TO as they were: accents folded, address punctuation to spaces.
FOLD_FROM = (
    '@./:<>&ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġ'
    'ĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘ'
    'ǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳøØłŁđĐ'
)
FOLD_TO = (
    '       AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaCcCcCcCcDdEeEeEeEeEeGgGgGg'
    'GgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZzOoUuAaIiOoUuUuUu'
    'UuUuAaAaGgKkOoOojGgNnAaAaAaEeEeIiIiOoOoRrRrUuUuSsTtHhAaEeOoOoOoOoYyoOlLdD'
)

TABLE = "coffeechat_search"
KINDS = {"contact": 1, "organisation": 2, "note": 3}
VENDORS = ("sqlite", "postgresql")
# bm25 weights per column on SQLite: owner (never ranks), title, context, body.
SQLITE_RANK = "bm25(0.0, 10.0, 4.0, 1.0)"


# --- What each row holds, per vendor -----------------------------------------------------------

_CHR_START, _CHR_END = ord(START), ord(END)


def _clean(expression: str, vendor: str) -> str:
    # The markers must only ever come from the highlighting, never from the stored text.
    char = "char" if vendor == "sqlite" else "chr"
    return (
        f"replace(replace(coalesce({expression}, ''), {char}({_CHR_START}), ''), "
        f"{char}({_CHR_END}), '')"
    )


def _joined(parts: Sequence[str], vendor: str) -> str:
    """The non-empty parts joined by a middle dot, as one SQL expression."""
    if vendor == "postgresql":
        return "concat_ws(' · ', " + ", ".join(f"nullif({part}, '')" for part in parts) + ")"
    # SQLite 3.40 has no concat_ws: prefix each present part with the separator, then drop the
    # first separator (three characters).
    return (
        "substr(" + " || ".join(f"coalesce(' · ' || nullif({p}, ''), '')" for p in parts) + ", 4)"
    )


def _json_list(column: str, separator: str, vendor: str) -> str:
    # Emails and tags are JSON lists. Anything else stored there must not break a save.
    if vendor == "postgresql":
        return (
            "array_to_string(ARRAY(SELECT jsonb_array_elements_text(CASE WHEN "
            f"jsonb_typeof({column}) = 'array' THEN {column} ELSE '[]'::jsonb END)), "
            f"'{separator}')"
        )
    return (
        f"(SELECT group_concat(value, '{separator}') FROM json_each(CASE WHEN "
        f"json_valid({column}) THEN {column} ELSE '[]' END))"
    )


def _owner(column: str, vendor: str) -> str:
    return f"'u' || {column}" if vendor == "sqlite" else column


def _contact_rows(where: str, vendor: str) -> str:
    context = _joined(["c.role", "o.name"], vendor)
    body = _joined(
        [
            _json_list("c.emails", ", ", vendor),
            _json_list("c.tags", ", ", vendor),
            "c.location",
            "c.how_we_met",
            "c.research_notes",
        ],
        vendor,
    )
    return (
        f"SELECT c.id * 4 + {KINDS['contact']}, {_owner('c.owner_id', vendor)}, "
        f"{_clean('c.name', vendor)}, {_clean(context, vendor)}, {_clean(body, vendor)}, "
        "'contact', c.code, NULL "
        "FROM coffeechat_contact c "
        "LEFT JOIN coffeechat_organisation o ON o.id = c.organisation_id "
        # A merged contact lives on in the one it was merged into; only that one is found.
        f"WHERE c.merged_into_id IS NULL AND {where}"
    )


def _organisation_rows(where: str, vendor: str) -> str:
    return (
        f"SELECT o.id * 4 + {KINDS['organisation']}, {_owner('o.owner_id', vendor)}, "
        f"{_clean('o.name', vendor)}, {_clean('o.website', vendor)}, "
        f"{_clean('o.notes', vendor)}, 'organisation', o.code, NULL "
        f"FROM coffeechat_organisation o WHERE {where}"
    )


def _note_rows(where: str, vendor: str) -> str:
    return (
        f"SELECT n.id * 4 + {KINDS['note']}, {_owner('n.owner_id', vendor)}, '', "
        f"{_clean('c.name', vendor)}, {_clean('n.text', vendor)}, 'note', c.code, ch.code "
        "FROM coffeechat_note n "
        "JOIN coffeechat_contact c ON c.id = n.contact_id "
        "LEFT JOIN coffeechat_chat ch ON ch.id = n.chat_id "
        f"WHERE {where}"
    )


_COLUMNS = "owner, title, context, body, kind, code, chat_code"


def _insert(rows: str, vendor: str) -> str:
    if vendor == "sqlite":
        return f"INSERT INTO {TABLE} (rowid, {_COLUMNS}) {rows}"
    return f"INSERT INTO {TABLE} (id, owner_id, title, context, body, kind, code, chat_code) {rows}"


# Which columns' changes reach the index; other updates (snoozes, rendered HTML) skip the work.
_CONTACT_FIELDS = (
    "name, role, organisation_id, emails, tags, location, how_we_met, research_notes, "
    "merged_into_id"
)
_ORGANISATION_FIELDS = "name, website, notes"
_NOTE_FIELDS = "text, contact_id, chat_id"


# --- SQLite ------------------------------------------------------------------------------------

SQLITE_TRIGGERS = {
    "coffeechat_search_contact_insert": f"""
        AFTER INSERT ON coffeechat_contact BEGIN
          {_insert(_contact_rows("c.id = NEW.id", "sqlite"), "sqlite")};
        END""",
    "coffeechat_search_contact_update": f"""
        AFTER UPDATE OF {_CONTACT_FIELDS} ON coffeechat_contact BEGIN
          DELETE FROM {TABLE} WHERE rowid = OLD.id * 4 + 1;
          {_insert(_contact_rows("c.id = NEW.id", "sqlite"), "sqlite")};
        END""",
    # A note's row shows its contact's name.
    "coffeechat_search_contact_rename": f"""
        AFTER UPDATE OF name ON coffeechat_contact WHEN OLD.name IS NOT NEW.name BEGIN
          DELETE FROM {TABLE} WHERE rowid IN
            (SELECT id * 4 + 3 FROM coffeechat_note WHERE contact_id = NEW.id);
          {_insert(_note_rows("n.contact_id = NEW.id", "sqlite"), "sqlite")};
        END""",
    "coffeechat_search_contact_delete": f"""
        AFTER DELETE ON coffeechat_contact BEGIN
          DELETE FROM {TABLE} WHERE rowid = OLD.id * 4 + 1;
        END""",
    "coffeechat_search_organisation_insert": f"""
        AFTER INSERT ON coffeechat_organisation BEGIN
          {_insert(_organisation_rows("o.id = NEW.id", "sqlite"), "sqlite")};
        END""",
    "coffeechat_search_organisation_update": f"""
        AFTER UPDATE OF {_ORGANISATION_FIELDS} ON coffeechat_organisation BEGIN
          DELETE FROM {TABLE} WHERE rowid = OLD.id * 4 + 2;
          {_insert(_organisation_rows("o.id = NEW.id", "sqlite"), "sqlite")};
        END""",
    # A contact's row shows its organisation's name.
    "coffeechat_search_organisation_rename": f"""
        AFTER UPDATE OF name ON coffeechat_organisation WHEN OLD.name IS NOT NEW.name BEGIN
          DELETE FROM {TABLE} WHERE rowid IN
            (SELECT id * 4 + 1 FROM coffeechat_contact WHERE organisation_id = NEW.id);
          {_insert(_contact_rows("c.organisation_id = NEW.id", "sqlite"), "sqlite")};
        END""",
    "coffeechat_search_organisation_delete": f"""
        AFTER DELETE ON coffeechat_organisation BEGIN
          DELETE FROM {TABLE} WHERE rowid = OLD.id * 4 + 2;
        END""",
    "coffeechat_search_note_insert": f"""
        AFTER INSERT ON coffeechat_note BEGIN
          {_insert(_note_rows("n.id = NEW.id", "sqlite"), "sqlite")};
        END""",
    "coffeechat_search_note_update": f"""
        AFTER UPDATE OF {_NOTE_FIELDS} ON coffeechat_note BEGIN
          DELETE FROM {TABLE} WHERE rowid = OLD.id * 4 + 3;
          {_insert(_note_rows("n.id = NEW.id", "sqlite"), "sqlite")};
        END""",
    "coffeechat_search_note_delete": f"""
        AFTER DELETE ON coffeechat_note BEGIN
          DELETE FROM {TABLE} WHERE rowid = OLD.id * 4 + 3;
        END""",
}


def _sqlite_create() -> list[str]:
    return [
        # The kind and codes are kept but not indexed; unicode61 folds case and, with
        # remove_diacritics 2, accents: "jose" finds José.
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
        "owner, title, context, body, kind UNINDEXED, code UNINDEXED, chat_code UNINDEXED, "
        "tokenize = 'unicode61 remove_diacritics 2')",
        # ORDER BY rank then uses these weights, in the app and in a bare query alike.
        f"INSERT INTO {TABLE} ({TABLE}, rank) VALUES ('rank', '{SQLITE_RANK}')",
        *(f"CREATE TRIGGER {name} {body}" for name, body in SQLITE_TRIGGERS.items()),
    ]


# --- PostgreSQL --------------------------------------------------------------------------------


def _fold(column: str) -> str:
    # Literals from core.search: letters and punctuation, never a quote.
    assert "'" not in FOLD_FROM + FOLD_TO
    return f"translate({column}, '{FOLD_FROM}', '{FOLD_TO}')"


# The tiers' indexes (issue 18, migration 0016): the words of names, and of names with their
# context. The query must spell each expression exactly as here for PostgreSQL to use the index.
TITLE_VECTOR = f"to_tsvector('simple', {_fold('title')})"
NAMED_VECTOR = "to_tsvector('simple', " + _fold("title || ' ' || context") + ")"


def postgresql_tier_indexes() -> list[str]:
    """The GIN indexes the tiers read names and context through (see migration 0016)."""
    return [
        f"CREATE INDEX IF NOT EXISTS {TABLE}_titled ON {TABLE} USING gin ({TITLE_VECTOR})",
        f"CREATE INDEX IF NOT EXISTS {TABLE}_named ON {TABLE} USING gin ({NAMED_VECTOR})",
    ]


def _postgresql_create() -> list[str]:
    pg = "postgresql"
    return [
        f"""CREATE TABLE {TABLE} (
            id bigint PRIMARY KEY,
            owner_id bigint NOT NULL,
            kind varchar(16) NOT NULL,
            code uuid NOT NULL,
            chat_code uuid NULL,
            title text NOT NULL,
            context text NOT NULL,
            body text NOT NULL,
            -- 'simple' (no stemming, no stop words) over folded text: the nearest to SQLite's
            -- unicode61 tokenizer with its accents removed.
            document tsvector GENERATED ALWAYS AS (
                setweight(to_tsvector('simple', {_fold("title")}), 'A')
                || setweight(to_tsvector('simple', {_fold("context")}), 'B')
                || setweight(to_tsvector('simple', {_fold("body")}), 'C')
            ) STORED
        )""",
        f"CREATE INDEX {TABLE}_document ON {TABLE} USING gin (document)",
        f"CREATE INDEX {TABLE}_owner ON {TABLE} (owner_id)",
        *postgresql_tier_indexes(),
        f"""CREATE FUNCTION {TABLE}_contact() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP <> 'INSERT' THEN
            DELETE FROM {TABLE} WHERE id = OLD.id * 4 + 1;
          END IF;
          IF TG_OP <> 'DELETE' THEN
            {_insert(_contact_rows("c.id = NEW.id", pg), pg)};
          END IF;
          IF TG_OP = 'UPDATE' AND OLD.name IS DISTINCT FROM NEW.name THEN
            DELETE FROM {TABLE} WHERE id IN
              (SELECT id * 4 + 3 FROM coffeechat_note WHERE contact_id = NEW.id);
            {_insert(_note_rows("n.contact_id = NEW.id", pg), pg)};
          END IF;
          RETURN NULL;
        END $$""",
        f"""CREATE FUNCTION {TABLE}_organisation() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP <> 'INSERT' THEN
            DELETE FROM {TABLE} WHERE id = OLD.id * 4 + 2;
          END IF;
          IF TG_OP <> 'DELETE' THEN
            {_insert(_organisation_rows("o.id = NEW.id", pg), pg)};
          END IF;
          IF TG_OP = 'UPDATE' AND OLD.name IS DISTINCT FROM NEW.name THEN
            DELETE FROM {TABLE} WHERE id IN
              (SELECT id * 4 + 1 FROM coffeechat_contact WHERE organisation_id = NEW.id);
            {_insert(_contact_rows("c.organisation_id = NEW.id", pg), pg)};
          END IF;
          RETURN NULL;
        END $$""",
        f"""CREATE FUNCTION {TABLE}_note() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP <> 'INSERT' THEN
            DELETE FROM {TABLE} WHERE id = OLD.id * 4 + 3;
          END IF;
          IF TG_OP <> 'DELETE' THEN
            {_insert(_note_rows("n.id = NEW.id", pg), pg)};
          END IF;
          RETURN NULL;
        END $$""",
        # TRUNCATE fires no row triggers (Django's flush uses it): empty that kind as well.
        f"""CREATE FUNCTION {TABLE}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          DELETE FROM {TABLE} WHERE kind = TG_ARGV[0];
          RETURN NULL;
        END $$""",
        *(
            f"CREATE TRIGGER {TABLE}_{kind} AFTER INSERT OR DELETE OR UPDATE OF {fields} "
            f"ON coffeechat_{kind} FOR EACH ROW EXECUTE FUNCTION {TABLE}_{kind}()"
            for kind, fields in (
                ("contact", _CONTACT_FIELDS),
                ("organisation", _ORGANISATION_FIELDS),
                ("note", _NOTE_FIELDS),
            )
        ),
        *(
            f"CREATE TRIGGER {TABLE}_{kind}_truncate AFTER TRUNCATE ON coffeechat_{kind} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_truncate('{kind}')"
            for kind in KINDS
        ),
    ]


def _postgresql_drop() -> list[str]:
    return [
        *(f"DROP TRIGGER IF EXISTS {TABLE}_{kind} ON coffeechat_{kind}" for kind in KINDS),
        *(f"DROP TRIGGER IF EXISTS {TABLE}_{kind}_truncate ON coffeechat_{kind}" for kind in KINDS),
        *(f"DROP FUNCTION IF EXISTS {TABLE}_{kind}()" for kind in (*KINDS, "truncate")),
        f"DROP TABLE IF EXISTS {TABLE}",
    ]


# --- Building, repairing -----------------------------------------------------------------------


def _fill(vendor: str) -> list[str]:
    return [
        _insert(_organisation_rows("TRUE", vendor), vendor),
        _insert(_contact_rows("TRUE", vendor), vendor),
        _insert(_note_rows("TRUE", vendor), vendor),
    ]


def install(connection) -> None:
    """Create the index and its triggers, and index every existing row (migration 0007)."""
    vendor = connection.vendor
    if vendor not in VENDORS:
        raise NotImplementedError(f"Search needs SQLite or PostgreSQL, not {vendor}.")
    statements = _sqlite_create() if vendor == "sqlite" else _postgresql_create()
    with connection.cursor() as cursor:
        for statement in [*statements, *_fill(vendor)]:
            cursor.execute(statement)


def uninstall(connection) -> None:
    """Drop the index and its triggers (migration 0007 undone)."""
    if connection.vendor == "sqlite":
        statements = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]
        statements.append(f"DROP TABLE IF EXISTS {TABLE}")
    elif connection.vendor == "postgresql":
        statements = _postgresql_drop()
    else:
        return
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def create_index(apps, schema_editor):
    """Create the index and its triggers for this database, and index what is there already."""
    install(schema_editor.connection)


def drop_index(apps, schema_editor):
    uninstall(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("coffeechat", "0006_imports_and_contact_keys"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
