"""The data and the signed-in sessions of the load benchmark (bench/load.py), on PostgreSQL.

Every student gets the same network: 100 contacts across 10 organisations, 20 chats (14 held,
each with two notes and a thank-you, the last two thank-yous still owed; one cancelled, one a
no-show; four planned, the first a few hours ahead) and 5 requests for a chat waiting for a
reply. Coaches are added one per 200 students, each granted access by their 200.

The rows are made by PostgreSQL itself, one ``INSERT ... SELECT`` over ``generate_series`` a
table, inside one transaction: 20,000 students are about 3.5 million rows, far too many to send
from Python one by one, or even by ``bulk_create``. The columns come from the models, so a field
added later takes its model default without this file changing (and a new required field with
no default stops the run, naming it). Every account shares one Argon2 hash: hashing 20,000
passwords would take minutes and nobody signs in with them (the sessions are made directly).

Like bench/generate.py this writes store models around the services, which only benchmark code
may do. A table ``bench_load_marker`` in the same database records the size generated, so a
later run at the same size reuses the data, and a database holding accounts but no marker (a
real one) is never written to.

Imported by bench/load.py after Django is set up; nothing here runs on import.
"""

from __future__ import annotations

import random
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

# The names and roles of the page benchmark, so both benchmarks read alike.
from generate import FIRST, LAST, ROLES, words

MARKER = "bench_load_marker"
COHORT = 200
CONTACTS = 100
ORGANISATIONS = 10
CHATS = 20
HELD = 14  # chats 0..13 held (0 the most recent), 14 cancelled, 15 no-show, 16..19 planned
NOTES_PER_HELD_CHAT = 2
UNSENT_THANK_YOUS = 2
OUTREACHES = 5
STUDENT = "student-{n}@load.bench.test"
COACH = "coach-{n}@load.bench.test"
ACCOUNT_DOMAIN = "@load.bench.test"


ORGANISATION_NAMES = [
    f"{first} {second}"
    for first in words("North Harbour Blue Iron Quiet Bright Open Civic Green Silver Maple")
    for second in words("Analytics Labs Health Works Studio Partners Foundation Systems")
]
NOTE_TEXTS = [
    "They moved from teaching into research operations after a contract role.",
    "Portfolio review matters more than certificates for their team.",
    "Hiring freezes lift next quarter; ask again in March.",
    "Recommends the design guild and the mentoring circles.",
    "Talk to the platform team about onboarding.",
]


class NotABenchmarkDatabase(Exception):
    """The database holds data this benchmark did not make, or made at another size."""


@dataclass(frozen=True)
class Generated:
    students: int
    coaches: int
    seconds: float
    reused: bool
    # The chats are placed around this moment: reused days later, the planned ones are past.
    generated_at: datetime


def coaches_for(students: int) -> int:
    """One coach per cohort of up to 200 students."""
    return -(-students // COHORT)


def prepare(students: int, *, regenerate: bool = False, say=print) -> Generated:
    """Make sure the database holds ``students`` generated students; reuse them when it does."""
    from django.db import connection, transaction
    from django.utils import timezone

    from coffeechat.store import search

    found = _marker()
    if found is not None and found[0] == students and not regenerate:
        return Generated(students, found[1], found[2], reused=True, generated_at=found[3])
    if found is None and _has_accounts():
        raise NotABenchmarkDatabase(
            "This database holds accounts that bench/load.py did not make. Point DATABASE_URL "
            "at an empty database of its own."
        )
    if found is not None and not regenerate:
        raise NotABenchmarkDatabase(
            f"This database holds {found[0]:,} generated students, not {students:,}. Give "
            "--regenerate to replace them, or use another database."
        )
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        if found is not None:
            say("Removing the data of the earlier run...")
            _remove_everything(cursor)
        # The search index is kept by row triggers, a few thousand rows a second; dropped for
        # the load and built again once over all the rows, it takes a fraction of that.
        search.uninstall(connection)
        _generate(cursor, students, say)
        indexing = time.monotonic()
        search.install(connection)
        say(f"  search index rebuilt ({time.monotonic() - indexing:.1f} s)")
        seconds = round(time.monotonic() - started, 1)
        cursor.execute(
            f"CREATE TABLE {MARKER} (students integer, coaches integer, seconds real, "
            "generated_at timestamptz DEFAULT now())"
        )
        cursor.execute(
            f"INSERT INTO {MARKER} (students, coaches, seconds) VALUES (%s, %s, %s)",
            [students, coaches_for(students), seconds],
        )
    with connection.cursor() as cursor:
        # Fresh statistics, or the planner guesses at tables it has never seen filled.
        cursor.execute("ANALYZE")
    return Generated(
        students, coaches_for(students), seconds, reused=False, generated_at=timezone.now()
    )


def _marker() -> tuple[int, int, float, datetime] | None:
    from django.db import connection

    if MARKER not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT students, coaches, seconds, generated_at FROM {MARKER}")
        row = cursor.fetchone()
    return (row[0], row[1], row[2], row[3]) if row else None


def _has_accounts() -> bool:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.exists()


def _remove_everything(cursor) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session

    # Every row of the app belongs to an account, so emptying the accounts table with CASCADE
    # empties every table that points at it (the search index follows by its triggers).
    tables = [get_user_model()._meta.db_table, Session._meta.db_table]
    cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    cursor.execute(f"DROP TABLE {MARKER}")


# --- One INSERT ... SELECT a table ------------------------------------------------------------


def insert_select(cursor, model, source: str, values: dict[str, str], params: dict) -> int:
    """Insert into ``model``'s table one row per row of ``source`` (SQL after FROM).

    ``values`` maps column names to SQL expressions over ``source``; every other column gets
    the model field's default (or NULL, or an empty string), so this keeps up with the models.
    """
    from django.db import connection

    columns, selected = [], []
    arguments = dict(params)
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(f'"{field.column}"')
        if field.column in values:
            selected.append(values[field.column])
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            selected.append("%(now)s")
        else:
            name = f"default_{field.column}"
            arguments[name] = field.get_db_prep_save(_default_of(model, field), connection)
            selected.append(f"CAST(%({name})s AS {field.db_type(connection)})")
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(selected)} FROM {source}"
    )
    cursor.execute(sql, arguments)
    return cursor.rowcount


def _default_of(model, field) -> Any:
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if field.empty_strings_allowed:
        return ""
    raise NotImplementedError(
        f"{model.__name__}.{field.name} has no default: give it a value in bench/load_generate.py."
    )


def pick(words: str, index: str) -> str:
    """SQL for an entry of the list parameter ``words``, chosen by the SQL ``index`` (from 0)."""
    array = f"%({words})s::text[]"
    return f"({array})[1 + ({index}) %% cardinality({array})]"


def _numbered(cursor, name: str, sql: str) -> None:
    """A temporary table numbering rows per owner (k from 0), indexed for the joins below."""
    cursor.execute(f"CREATE TEMPORARY TABLE {name} ON COMMIT DROP AS {sql}")
    cursor.execute(f"CREATE INDEX ON {name} (owner_id, k)")
    cursor.execute(f"ANALYZE {name}")


def _generate(cursor, students: int, say) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from coffeechat.store.models import (
        Chat,
        CoachGrant,
        Contact,
        FollowUp,
        Note,
        Organisation,
        Outreach,
        Preferences,
    )

    user_model = get_user_model()
    coaches = coaches_for(students)
    params = {
        "now": timezone.now(),
        "students": students,
        "coaches": coaches,
        "password": make_password(secrets.token_urlsafe(16)),
        "first": FIRST,
        "last": LAST,
        "roles": list(ROLES),
        "organisations": ORGANISATION_NAMES,
        "notes": NOTE_TEXTS,
        "cohort": COHORT,
    }

    def step(label: str, model, source: str, values: dict[str, str]) -> None:
        started = time.monotonic()
        count = insert_select(cursor, model, source, values, params)
        say(f"  {count:>10,} {label} ({time.monotonic() - started:.1f} s)")

    say(f"Generating {students:,} students and {coaches:,} coaches:")
    owned = {"code": "gen_random_uuid()"}
    for kind, pattern, count in (
        ("students", STUDENT, "%(students)s"),
        ("coaches", COACH, "%(coaches)s"),
    ):
        address = f"replace('{pattern}', '{{n}}', n::text)"
        step(
            kind,
            user_model,
            f"generate_series(0, {count} - 1) AS n",
            {
                "username": address,
                "email": address,
                "password": "%(password)s",
                "date_joined": "%(now)s - interval '60 days'",
            },
        )
    # Each account and its number: n for a student, the cohort's number for a coach.
    number = "split_part(split_part(username, '@', 1), '-', 2)::integer"
    cursor.execute(
        "CREATE TEMPORARY TABLE bench_account ON COMMIT DROP AS "
        f"SELECT id, {number} AS n, username LIKE 'coach-%%' AS is_coach "
        f"FROM {user_model._meta.db_table} WHERE username LIKE %(pattern)s",
        {"pattern": "%" + ACCOUNT_DOMAIN},
    )
    cursor.execute(
        "CREATE TEMPORARY TABLE bench_student ON COMMIT DROP AS "
        "SELECT id, n FROM bench_account WHERE NOT is_coach"
    )
    step(
        "preferences",
        Preferences,
        "bench_account AS a",
        {
            "owner_id": "a.id",
            "is_coach": "a.is_coach",
            "your_name": "CASE WHEN a.is_coach THEN 'Coach ' ELSE 'Student ' END || a.n",
            # Asked already, so no page sends anyone to the "who are you" question first.
            "identity_asked_at": "%(now)s - interval '60 days'",
        },
    )
    step(
        "organisations",
        Organisation,
        f"bench_student AS s CROSS JOIN generate_series(0, {ORGANISATIONS - 1}) AS k",
        {
            **owned,
            "owner_id": "s.id",
            # Ten different names for each student: consecutive entries of the list.
            "name": pick("organisations", "s.n * 7 + k"),
            "is_target": "k < 3",
        },
    )
    _numbered(
        cursor,
        "bench_organisation",
        "SELECT owner_id, id, row_number() OVER (PARTITION BY owner_id ORDER BY id) - 1 AS k "
        f"FROM {Organisation._meta.db_table}",
    )
    step(
        "contacts",
        Contact,
        f"bench_student AS s CROSS JOIN generate_series(0, {CONTACTS - 1}) AS i "
        f"JOIN bench_organisation AS o ON o.owner_id = s.id AND o.k = i %% {ORGANISATIONS}",
        {
            **owned,
            "owner_id": "s.id",
            "organisation_id": "o.id",
            "name": f"{pick('first', 's.n * 31 + i * 7')} || ' ' || "
            f"{pick('last', 's.n * 13 + i * 11')}",
            "role": pick("roles", "s.n + i"),
            "emails": "jsonb_build_array('person' || s.n || '.' || i || '@example.org')",
        },
    )
    _numbered(
        cursor,
        "bench_contact",
        "SELECT owner_id, id, row_number() OVER (PARTITION BY owner_id ORDER BY id) - 1 AS k "
        f"FROM {Contact._meta.db_table}",
    )
    held, cancelled, no_show = HELD, HELD, HELD + 1
    status = (
        f"CASE WHEN j < {held} THEN 'held' WHEN j = {cancelled} THEN 'cancelled' "
        f"WHEN j = {no_show} THEN 'no_show' ELSE 'planned' END"
    )
    # Held ones every nine days back from yesterday; planned ones from a few hours ahead.
    starts_at = (
        f"CASE WHEN j < {no_show + 1} "
        "THEN %(now)s - make_interval(days => 1 + j * 9, hours => s.n %% 8) "
        f"ELSE %(now)s + make_interval(days => (j - {no_show + 1}) * 4, hours => 3 + s.n %% 5) END"
    )
    step(
        "chats",
        Chat,
        f"bench_student AS s CROSS JOIN generate_series(0, {CHATS - 1}) AS j "
        f"JOIN bench_contact AS c ON c.owner_id = s.id AND c.k = (j * 5 + s.n) %% {CONTACTS}",
        {
            **owned,
            "owner_id": "s.id",
            "contact_id": "c.id",
            "status": status,
            "starts_at": starts_at,
            "medium": "(ARRAY['video', 'in_person', 'phone'])[1 + j %% 3]",
            "actual_start": f"CASE WHEN j < {held} THEN {starts_at} + interval '2 minutes' END",
            "actual_end": f"CASE WHEN j < {held} THEN {starts_at} "
            "+ make_interval(mins => 22 + (s.n + j) %% 9) END",
            "ask": "'Who else should I talk to about this move?'",
            "ask_html": "'<p>Who else should I talk to about this move?</p>'",
        },
    )
    cursor.execute(
        "CREATE TEMPORARY TABLE bench_held ON COMMIT DROP AS SELECT id, owner_id, contact_id, "
        "actual_start, actual_end, "
        "row_number() OVER (PARTITION BY owner_id ORDER BY starts_at DESC) - 1 AS recent "
        f"FROM {Chat._meta.db_table} WHERE status = 'held'"
    )
    step(
        "notes",
        Note,
        f"bench_held AS h CROSS JOIN generate_series(0, {NOTES_PER_HELD_CHAT - 1}) AS k",
        {
            **owned,
            "owner_id": "h.owner_id",
            "contact_id": "h.contact_id",
            "chat_id": "h.id",
            "kind": "(ARRAY['insight', 'memorable'])[1 + k %% 2]",
            "text": pick("notes", "h.id + k"),
            "text_html": f"'<p>' || {pick('notes', 'h.id + k')} || '</p>'",
            "taken_at": "h.actual_start + make_interval(mins => 5 + k * 7)",
        },
    )
    unsent = f"h.recent < {UNSENT_THANK_YOUS}"
    step(
        "thank-yous",
        FollowUp,
        "bench_held AS h",
        {
            **owned,
            "owner_id": "h.owner_id",
            "contact_id": "h.contact_id",
            "chat_id": "h.id",
            "kind": "'thank_you'",
            "due_at": "h.actual_end + interval '24 hours'",
            "sent_at": f"CASE WHEN {unsent} THEN NULL ELSE h.actual_end + interval '5 hours' END",
            "sent_via": f"CASE WHEN {unsent} THEN '' ELSE 'copy' END",
        },
    )
    step(
        "requests for a chat",
        Outreach,
        f"bench_student AS s CROSS JOIN generate_series(0, {OUTREACHES - 1}) AS i "
        f"JOIN bench_contact AS c ON c.owner_id = s.id AND c.k = {CONTACTS // 2} + i",
        {
            **owned,
            "owner_id": "s.id",
            "contact_id": "c.id",
            "subject": "'A question about your path'",
            "message": "'Could we talk for twenty minutes about your move into research?'",
            "status": "'waiting'",
            "sent_at": "%(now)s - make_interval(days => 1 + i * 3)",
            "sent_via": "'copy'",
        },
    )
    step(
        "grants to coaches",
        CoachGrant,
        "bench_student AS s JOIN bench_account AS c ON c.is_coach AND c.n = s.n / %(cohort)s",
        {
            "student_id": "s.id",
            "coach_id": "c.id",
            "granted_at": "%(now)s - interval '30 days'",
        },
    )


# --- Signed-in sessions -----------------------------------------------------------------------


def sign_in(sample: int, seed: int, chats_each: int = 5) -> dict[str, Any]:
    """Sessions for ``sample`` random students and every coach, made straight in the database.

    The sign-in form would hash each password and count failures (its throttle would stop a
    benchmark signing thousands in at once); a session row is what a sign-in leaves behind.
    Earlier runs' sessions are removed first.
    """
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import transaction
    from django.utils import timezone

    from coffeechat.store.models import Chat
    from coffeechat.web.middleware import SIGNED_IN_AT_KEY

    user_model = get_user_model()
    accounts = user_model.objects.filter(username__endswith=ACCOUNT_DOMAIN)
    rng = random.Random(seed)
    student_ids = list(
        accounts.filter(preferences__is_coach=False).order_by("pk").values_list("pk", flat=True)
    )
    chosen = sorted(rng.sample(student_ids, min(sample, len(student_ids))))
    coach_ids = list(
        accounts.filter(preferences__is_coach=True).order_by("pk").values_list("pk", flat=True)
    )
    now = timezone.now()
    store = SessionStore()
    backend = settings.AUTHENTICATION_BACKENDS[0]
    rows, keys = [], {}
    for user in user_model.objects.filter(pk__in=chosen + coach_ids).only("pk", "password"):
        key = secrets.token_hex(16)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            SIGNED_IN_AT_KEY: now.isoformat(),
        }
        rows.append(
            Session(
                session_key=key,
                session_data=store.encode(data),
                expire_date=now + timedelta(seconds=settings.SESSION_COOKIE_AGE),
            )
        )
        keys[user.pk] = key
    chats: dict[int, list[str]] = {pk: [] for pk in chosen}
    for owner_id, code in (
        Chat.objects.filter(owner_id__in=chosen).order_by("owner_id", "starts_at", "pk")
    ).values_list("owner_id", "code"):
        chats[owner_id].append(f"/chats/{code}/")
    with transaction.atomic():
        Session.objects.all().delete()
        Session.objects.bulk_create(rows, batch_size=2000)
    return {
        "cookie": settings.SESSION_COOKIE_NAME,
        "students": [
            # A spread of each student's chats: held ones, the cancelled one, planned ones.
            {"session": keys[pk], "chats": chats[pk][:: max(1, len(chats[pk]) // chats_each)]}
            for pk in chosen
        ],
        "coaches": [{"session": keys[pk], "chats": []} for pk in coach_ids],
    }
