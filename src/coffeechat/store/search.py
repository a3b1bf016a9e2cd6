"""The search index: its tables and triggers on SQLite (FTS5) and PostgreSQL, and its query.

Database triggers, not Python signals, keep the index in step: restore writes with bulk_create,
imports with executemany, and deletes cascade, and a trigger sees every one of them.

One row per contact, organisation and note, with the row id ``object id * 4 + kind`` so a
trigger finds the row to replace by its key, never by scanning. Columns:

- ``owner``: ``u12`` for user 12 (SQLite) or the owner's id (PostgreSQL);
- ``title``: a contact's or an organisation's name (empty for a note);
- ``context``: a contact's role and organisation, an organisation's website, a note's contact;
- ``body``: a contact's emails, tags, location, how we met and research notes; an organisation's
  notes; a note's text;
- ``kind``, ``code`` (the contact's or organisation's UUID) and ``chat_code`` (a note's chat),
  stored only to build links, never searched.

A name weighs most, then the context, then the body, so a person called Ada comes before a note
that mentions her.

Ranking in tiers, the same on SQLite and PostgreSQL (issue 18: the first 20 results in under
30 ms at 200,000 notes). Ranking every match before taking 20 costs about 1 µs a match on SQLite
(bm25 behind ``ORDER BY rank``: 90 ms for a word in a third of the notes) and more on PostgreSQL
(ts_rank: 110 ms). What is cheap in both: walking matches newest first without scoring them,
scoring a few thousand rows, and finding matches in the short columns only (FTS5 filters by
column itself; PostgreSQL has a GIN index on the names and one on names with their context,
migration 0016). So:

0. every word in ``title`` (names): few rows, all scored;
1. every word in ``title`` or ``context`` (a role, an organisation, a note's contact), the rest
   of them: a few thousand at most (a common surname's notes), all scored;
2. of the other matches, the newest ``RANKED_WINDOW`` by row id, scored in the same pass,
   ranked: the same order as ranking them all whenever fewer match;
3. older matches, newest first, unscored, and read only when a page reaches them.

Tiers 0 and 1 put names before context as a rule, where bm25 alone let a short note whose
contact is "Luca Okafor" outrank the contact Luca Okafor with long research notes. The order is
total (tier, score, row id), so offsets page through every match once, and stable while the data
does not change. Within a tier the engines' scores differ (bm25, ts_rank), the tiers do not.
A tier is read only when the ones before it leave the page short: 280 people called Okafor fill
it, so the 5,900 notes about them are not scored (each tier counts the owner's rows only, up to
the page). Highlights and the snippet are drawn for the page's rows only, from their stored text,
by core.search, the way FTS5 draws them, on both engines: FTS5 would need one more pass over every
match (for a prefix, reading each matching word's whole list of rows again, as long as the
ranking itself), and ts_headline cost more than finding and ranking the page. Measured in
bench/search.py and bench/README.md.

One letter alone (``o``) searches names only: the people and organisations with a word starting
with that letter, ranked; notes and the other fields come with the second letter. Measured at
200,000 notes, the other ways missed 30 ms: the prefix ``o*`` matches every word starting with
o (130,000 rows), which SQLite reads in each pass of the tiers (270 ms; one ranked pass, 200 ms)
and PostgreSQL merges from every such word's GIN entry (34 ms with the tiers); names and context
alone still match 16,000 rows (every note whose contact has such a word), 26 ms to rank on SQLite
before highlights, 44 ms on PostgreSQL. SQLite's prefix index (``prefix = '1 2'``, migration
0020) saves finding the words, not reading and scoring their rows: it halves "ada l" (20.8 to
10.1 ms) and takes a third off "on" (36.7 to 25.7 ms), but cannot make one letter's 130,000
rows cheap. Names only take 10 ms (SQLite) and 17 ms (PostgreSQL), and one letter is what a name
looks like while it is typed. A query of several words whose last has one letter (``ada l``)
uses the tiers like any other; it is slow when the other words are common (bench/README.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import connection as default_connection

from coffeechat.core.search import (
    END,
    FOLD_FROM,
    FOLD_TO,
    START,
    folded,
    fts5_highlight,
    fts5_query,
    fts5_snippet,
    owner_token,
)
from coffeechat.store.triggers import put_back

TABLE = "coffeechat_search"
KINDS = {"contact": 1, "organisation": 2, "note": 3}
VENDORS = ("sqlite", "postgresql")
# bm25 weights per column on SQLite: owner (never ranks), title, context, body.
SQLITE_RANK = "bm25(0.0, 10.0, 4.0, 1.0)"
SNIPPET_WORDS = 24
SNIPPET_ELLIPSIS = "…"


@dataclass(frozen=True)
class IndexRow:
    """One hit as the index returns it; the texts carry the highlighting markers."""

    kind: str
    code: UUID
    chat_code: UUID | None
    title: str
    context: str
    snippet: str


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
        # remove_diacritics 2, accents: "jose" finds José. The last word typed is a prefix;
        # prefix '1 2' keeps each word's first letter and first two letters indexed, so FTS5
        # does not walk its term list for them: "ada l" 20.8 -> 10.1 ms at 200,000 notes, for
        # an index 2.7 times the size. Migrations build the table with 0007's frozen copy of
        # this and add the prefix index in 0020; install() here (bench/load_generate.py) must
        # build the same table.
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
        "owner, title, context, body, kind UNINDEXED, code UNINDEXED, chat_code UNINDEXED, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2')",
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


def suspend_sqlite_triggers(apps, schema_editor) -> None:
    """Drop the SQLite triggers before a migration rebuilds a table they name (migration 0009).

    SQLite refuses to rename the rebuilt table while a trigger on another table still names the
    old one; ``repair`` puts every trigger back after the migrate and indexes the rows again.
    """
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def repair(connection=None) -> bool:
    """Put back SQLite triggers a later migration dropped, and rebuild the index if it did.

    Nothing would index a rebuilt table any more (store.triggers). This runs after every
    migrate, and answers whether it had to act.
    """
    connection = connection or default_connection
    if not put_back(connection, SQLITE_TRIGGERS, TABLE):
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        for statement in _fill("sqlite"):
            cursor.execute(statement)
    return True


# --- Querying ----------------------------------------------------------------------------------


def _uuid(value) -> UUID | None:
    if value is None or isinstance(value, UUID):
        return value
    return UUID(str(value))


# A name and its context: a role, an organisation, a note's contact.
NAMED_COLUMNS = ("title", "context")
# How many of the newest matches outside names and context are ranked by score (see the module
# docstring); older ones follow, newest first.
RANKED_WINDOW = 2_000
_SCORE = f"bm25({TABLE}, 0.0, 10.0, 4.0, 1.0)"
_MATCH = f"{TABLE} MATCH %(match)s"
# Reading a row's owner fetches the row from FTS5's content table, which costs more than scoring
# it: ranked rows are checked after sorting, in order, only until the page is full. "LIMIT -1"
# keeps SQLite from moving the check back into the scan. A local home has one owner.
# Names and context come first: when they fill the page (a surname's notes), the other matches
# are not read at all; on PostgreSQL that read costs another visit to every matching row.
_OWNED = f"(SELECT owner FROM {TABLE} AS row WHERE row.rowid = id) = %(owner)s"


# The owner's rows in a tier, counted only up to what the page needs (each is a row lookup).
def _owned_count(tier: str) -> str:
    return f"(SELECT count(*) FROM (SELECT 1 FROM {tier} WHERE {_OWNED} LIMIT %(need)s))"


# When names alone fill the page (a surname: 280 people called Okafor), names and context are
# not read either: scoring the 5,900 notes about them cost more than the rest of the search.
_SQLITE_PAST_TITLES = f"{_owned_count('titled')} < %(need)s"
_PAST_NAMES = f"{_SQLITE_PAST_TITLES} AND {_owned_count('named')} < %(need)s"
_SQLITE_FIND = f"""
    WITH
    -- Every word in a name, or in a name and its context (a role, an organisation, a note's
    -- contact): few rows, all ranked.
    titled AS MATERIALIZED (
      SELECT rowid AS id, {_SCORE} AS score FROM {TABLE} WHERE {TABLE} MATCH %(titled)s
    ),
    named AS MATERIALIZED (
      SELECT rowid AS id, {_SCORE} AS score FROM {TABLE}
      WHERE {_SQLITE_PAST_TITLES} AND {TABLE} MATCH %(named)s
    ),
    -- The newest of the other matches, scored in the same pass: FTS5 walks rows by rowid and
    -- stops after RANKED_WINDOW, so only those are scored.
    window AS MATERIALIZED (
      SELECT rowid AS id, {_SCORE} AS score FROM {TABLE}
      WHERE {_PAST_NAMES} AND {_MATCH} AND +rowid NOT IN (SELECT id FROM named)
      ORDER BY rowid DESC LIMIT %(window)s
    ),
    ranked (id, tier, score, sort_key) AS MATERIALIZED (
      SELECT * FROM (
        SELECT id, 0, score, id FROM (SELECT * FROM titled ORDER BY score, id LIMIT -1)
        WHERE {_OWNED} LIMIT %(need)s
      )
      UNION ALL
      SELECT * FROM (
        SELECT id, 1, score, id FROM (
          SELECT * FROM named WHERE id NOT IN (SELECT id FROM titled) ORDER BY score, id LIMIT -1
        ) WHERE {_OWNED} LIMIT %(need)s
      )
      UNION ALL
      SELECT * FROM (
        SELECT id, 2, score, id FROM (SELECT * FROM window ORDER BY score, id LIMIT -1)
        WHERE {_OWNED} LIMIT %(need)s
      )
    ),
    -- Older matches, newest first, unscored; read only when a page reaches past the others
    -- (with LIMIT 0, SQLite does not start the scan).
    older (id, tier, score, sort_key) AS (
      SELECT rowid, 3, 0.0, -rowid FROM {TABLE}
      WHERE {_MATCH} AND rowid < (SELECT min(id) FROM window)
        AND +rowid NOT IN (SELECT id FROM named) AND owner = %(owner)s
      ORDER BY rowid DESC
      LIMIT CASE WHEN (SELECT count(*) FROM window) < %(window)s THEN 0
        ELSE max(0, %(need)s - (SELECT count(*) FROM ranked)) END
    ),
    hits AS (SELECT * FROM ranked UNION ALL SELECT * FROM older),
    page AS MATERIALIZED (
      SELECT id, row_number() OVER (ORDER BY tier, score, sort_key) AS position FROM (
        SELECT * FROM hits ORDER BY tier, score, sort_key LIMIT %(limit)s OFFSET %(offset)s
      )
    )
    -- The page's rows as stored, each found by its row id; core.search marks the words.
    SELECT kind, code, chat_code, title, context, body
    FROM page CROSS JOIN {TABLE} ON {TABLE}.rowid = page.id
    ORDER BY page.position
"""


def names_only(words: tuple[str, ...]) -> bool:
    """Whether to search names only: while the one word typed is a single letter (see above)."""
    return len(words) == 1 and len(words[0]) == 1


# Names only, while the one word typed is a single letter: people and organisations whose name has
# a word starting with it, ranked; the rest comes with the second letter.
_SQLITE_FIND_NAMES = f"""
    SELECT kind, code, chat_code, highlight({TABLE}, 1, %(start)s, %(end)s),
      highlight({TABLE}, 2, %(start)s, %(end)s),
      snippet({TABLE}, 3, %(start)s, %(end)s, '{SNIPPET_ELLIPSIS}', {SNIPPET_WORDS})
    FROM {TABLE} WHERE {TABLE} MATCH %(titled)s AND owner = %(owner)s
    ORDER BY rank, rowid LIMIT %(limit)s OFFSET %(offset)s
"""

# The typed text, parsed by PostgreSQL, every word required and the last one a prefix; an empty
# parse gives NULL, which matches nothing. Written out where it is used, not read from a CTE, so
# that the planner sees the words themselves and can tell a rare one from a common one.
_PG_QUERY = (
    "(CASE WHEN numnode(plainto_tsquery('simple', %(text)s)) = 0 THEN NULL "
    "ELSE (plainto_tsquery('simple', %(text)s)::text || ':*')::tsquery END)"
)
# ts_rank is higher for a better match, where SQLite's bm25 is lower: the tiers sort on its
# negative, so that both engines order (tier, score, sort key) the same way.
_PG_SCORE = f"-ts_rank(s.document, {_PG_QUERY})"
# As on SQLite: names and context are read only when names do not fill the page, the other
# matches only when names and context do not (these tiers hold the owner's rows only).
_PG_PAST_TITLES = "(SELECT count(*) FROM titled) < %(need)s"
_PG_PAST_NAMES = f"{_PG_PAST_TITLES} AND (SELECT count(*) FROM named) < %(need)s"
# The page's rows as stored; core.search marks the words, as on SQLite (ts_headline on the
# page's rows cost more than finding and ranking them).
_PG_PAGE = f"""
    SELECT s.kind, s.code, s.chat_code, s.title, s.context, s.body
    FROM page JOIN {TABLE} s ON s.id = page.id
    ORDER BY page.tier, page.score, page.sort_key
"""
# The same tiers as _SQLITE_FIND (the module docstring), each found through its own index: names
# (coffeechat_search_titled), names and context (coffeechat_search_named), the newest other
# matches by a backward walk of the primary key or through the document index, whichever the
# planner finds cheaper for the word.
_POSTGRESQL_FIND = f"""
    WITH
    titled AS MATERIALIZED (
      SELECT s.id, {_PG_SCORE} AS score FROM {TABLE} s
      WHERE {TITLE_VECTOR} @@ {_PG_QUERY} AND s.owner_id = %(owner)s
    ),
    named AS MATERIALIZED (
      SELECT s.id, {_PG_SCORE} AS score FROM {TABLE} s
      WHERE {_PG_PAST_TITLES} AND {NAMED_VECTOR}
        @@ {_PG_QUERY} AND s.owner_id = %(owner)s
    ),
    recent AS MATERIALIZED (
      SELECT s.id, {_PG_SCORE} AS score FROM {TABLE} s
      WHERE {_PG_PAST_NAMES} AND s.document @@ {_PG_QUERY} AND s.owner_id = %(owner)s
        AND s.id NOT IN (SELECT id FROM named)
      ORDER BY s.id DESC LIMIT %(window)s
    ),
    ranked AS MATERIALIZED (
      SELECT id, 0 AS tier, score, id AS sort_key FROM titled
      UNION ALL
      SELECT id, 1, score, id FROM named WHERE id NOT IN (SELECT id FROM titled)
      UNION ALL
      SELECT id, 2, score, id FROM recent
    ),
    -- Older matches, newest first, unscored; read only when a page reaches past the others.
    older AS (
      SELECT s.id, 3 AS tier, 0.0::real AS score, -s.id AS sort_key FROM {TABLE} s
      WHERE (SELECT count(*) FROM recent) >= %(window)s
        AND s.id < (SELECT min(id) FROM recent)
        AND s.document @@ {_PG_QUERY} AND s.owner_id = %(owner)s
        AND s.id NOT IN (SELECT id FROM named)
      ORDER BY s.id DESC
      LIMIT greatest(0, %(need)s - (SELECT count(*) FROM ranked))
    ),
    page AS MATERIALIZED (
      SELECT * FROM (SELECT * FROM ranked UNION ALL SELECT * FROM older) hits
      ORDER BY tier, score, sort_key LIMIT %(limit)s OFFSET %(offset)s
    )
    {_PG_PAGE}
"""
_POSTGRESQL_FIND_NAMES = f"""
    WITH page AS MATERIALIZED (
      SELECT s.id, 0 AS tier, {_PG_SCORE} AS score, s.id AS sort_key FROM {TABLE} s
      WHERE {TITLE_VECTOR} @@ {_PG_QUERY} AND s.owner_id = %(owner)s
      ORDER BY score, sort_key LIMIT %(limit)s OFFSET %(offset)s
    )
    {_PG_PAGE}
"""


def find(
    owner_id: int, words: tuple[str, ...], text: str, *, limit: int, offset: int = 0
) -> list[IndexRow]:
    """The owner's best matches for ``words`` (SQLite) or ``text`` (PostgreSQL), best first.

    One query. ``words`` must not be empty; ``text`` is the same query as typed, which
    PostgreSQL parses with the parser it indexed with (an email address stays one word there).
    """
    vendor = default_connection.vendor
    if vendor == "sqlite":
        sql = _SQLITE_FIND_NAMES if names_only(words) else _SQLITE_FIND
        params: dict[str, Any] = {
            "match": fts5_query(words),
            "titled": fts5_query(words, columns=("title",)),
            "named": fts5_query(words, columns=NAMED_COLUMNS),
            "owner": owner_token(owner_id),
            "window": RANKED_WINDOW,
            "need": offset + limit,
            "limit": limit,
            "offset": offset,
            "start": START,
            "end": END,
        }
    elif vendor == "postgresql":
        sql = _POSTGRESQL_FIND_NAMES if names_only(words) else _POSTGRESQL_FIND
        params = {
            "text": folded(text),
            "owner": owner_id,
            "window": RANKED_WINDOW,
            "need": offset + limit,
            "limit": limit,
            "offset": offset,
        }
    else:
        raise NotImplementedError(f"Search needs SQLite or PostgreSQL, not {vendor}.")
    with default_connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if sql is not _SQLITE_FIND_NAMES:
        # Marked here from the stored text, as FTS5 marks it (core.search says why). Names only
        # searched the names: as FTS5 does then, nothing else is marked.
        others = () if names_only(words) else words
        rows = [
            (
                *row[:3],
                fts5_highlight(row[3] or "", words),
                fts5_highlight(row[4] or "", others),
                fts5_snippet(row[5] or "", others, SNIPPET_WORDS, SNIPPET_ELLIPSIS),
            )
            for row in rows
        ]
    return [
        IndexRow(
            kind=kind,
            code=_uuid(code),  # type: ignore[arg-type]
            chat_code=_uuid(chat_code),
            title=title or "",
            context=context or "",
            snippet=snippet or "",
        )
        for kind, code, chat_code, title, context, snippet in rows
    ]
