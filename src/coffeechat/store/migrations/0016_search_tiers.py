"""The search tiers' indexes on PostgreSQL (issue 18): words of names, and of names and context.

Search ranks names first, then names with their context (a role, an organisation, a note's
contact), then the newest other matches (see ``store/search.py``). These two GIN indexes find the
first two tiers without reading every match's row. A database created after this migration gets
them from ``store.search.install`` (migration 0007), so they are created only if missing.

The SQL is frozen here, not imported: this migration must do the same thing whatever later
versions of the search module say. Nothing to do on SQLite, where FTS5 filters by column itself.
"""

from django.db import migrations

TABLE = "coffeechat_search"
# core.search.FOLD_FROM and FOLD_TO as they were: accents folded, address punctuation to spaces.
FOLD_FROM = (
    "@./:<>&ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕ"
    "ĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶ"
    "ŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨ"
    "ȩȪȫȬȭȮȯȰȱȲȳøØłŁđĐ"
)
FOLD_TO = (
    "       AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaCcCcCcCcDdEeEe"
    "EeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwY"
    "yYZzZzZzOoUuAaIiOoUuUuUuUuUuAaAaGgKkOoOojGgNnAaAaAaEeEeIiIiOoOoRrRrUuUuSsTtHhAaE"
    "eOoOoOoOoYyoOlLdD"
)


def _vector(text: str) -> str:
    return f"to_tsvector('simple', translate({text}, '{FOLD_FROM}', '{FOLD_TO}'))"


INDEXES = {
    f"{TABLE}_titled": _vector("title"),
    f"{TABLE}_named": _vector("title || ' ' || context"),
}


def create_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name, expression in INDEXES.items():
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {TABLE} USING gin ({expression})")
        # The planner needs the new expressions' statistics to tell a rare word from a common one.
        cursor.execute(f"ANALYZE {TABLE}")


def drop_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("coffeechat", "0015_real_world_files"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
