"""Every query of the busiest pages finds its rows through an index (issue 16, scale).

A student's home, contact list, chats and contacts, and a coach's cohort, student and shared-chat
pages are loaded over a little of everything; each statement that looks rows up (SELECT, UPDATE,
DELETE) is then EXPLAINed with its own parameters on the engine the suite runs on, and a plan
that reads one of our tables from end to end fails the test.

- SQLite: ``EXPLAIN QUERY PLAN``. "SEARCH" narrows by an index key; "SCAN" reads the whole table
  (or the whole of an index, which is no better). Without statistics SQLite plans every table as
  if it were large, so the plan is the one a big database gets. Temporary b-trees for ORDER BY,
  GROUP BY or DISTINCT are fine: they sort the rows found, they do not find them.
- PostgreSQL: ``EXPLAIN (FORMAT JSON)`` with ``enable_seqscan`` off, or tables of a few rows
  would always be read whole whatever their indexes; a "Seq Scan" left in the plan means no index
  can serve the query. On tables this small the planner may also walk a whole index with only a
  filter when that costs least (a tiny partial index, the inner side of a merge join); which one
  it picks flips with statistics, and at scale it takes the index that narrows. So the
  PostgreSQL run judges seq scans only, and the SQLite run judges every whole read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client

from coffeechat.services.chats import cancel_chat
from coffeechat.services.coaching import grant, open_grant, person_key, revoke, share_chat
from coffeechat.services.debrief import (
    DebriefDetails,
    HeldChat,
    ReferralDetails,
    StepDetails,
    record_held,
    record_no_show,
    save_debrief,
)
from coffeechat.services.followups import add_follow_up, mark_sent
from coffeechat.services.library import StoryDetails, add_story, choose_stories, save_pitch
from coffeechat.services.network import add_opportunity, add_referral
from coffeechat.services.outreach import log_outreach
from coffeechat.services.outreach_timers import start_nudge
from coffeechat.services.prep import PrepDetails, save_prep
from coffeechat.store.models import Chat, Contact, FollowUp
from tests.services.coaching_data import make_coach
from tests.web.conftest import NOW, make_chat, make_contact, make_note, text_of

# Tables that grow with the users: the app's own, the accounts and the sessions.
OURS = {
    model._meta.db_table
    for model in apps.get_app_config("coffeechat").get_models(include_auto_created=True)
} | {"auth_user", "django_session"}

# Tables that may be read whole, each with its reason. None of these pages needs one today; a
# table that is tiny by design (one row per model, say) would go here, never a table of ours
# that grows with the users.
READ_WHOLE: dict[str, str] = {}

LOOKS_UP_ROWS = ("SELECT", "UPDATE", "DELETE")


@pytest.fixture(autouse=True)
def server_mode(settings):
    settings.COFFEECHAT_MODE = "server"


@dataclass(frozen=True)
class Query:
    sql: str
    params: tuple


@dataclass(frozen=True)
class FullScan:
    table: str
    how: str
    sql: str

    def __str__(self) -> str:
        return f"{self.table}: {self.how}\n    in {self.sql[:400]}"


@contextmanager
def recorded() -> Iterator[list[Query]]:
    """Every statement the block sends on the default connection, with its parameters as sent
    (CaptureQueriesContext keeps only the text with the values already written in)."""
    queries: list[Query] = []

    def keep(execute, sql, params, many, context):
        if not many:
            queries.append(Query(sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        yield queries


def _postgresql_scans(query: Query) -> list[FullScan]:
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {query.sql}", query.params)
        (plan,) = cursor.fetchone()  # psycopg hands the JSON over parsed
        cursor.execute("RESET enable_seqscan")
    found = []
    nodes = [plan[0]["Plan"]]
    while nodes:
        node = nodes.pop()
        nodes.extend(node.get("Plans", ()))
        if node["Node Type"] == "Seq Scan":
            found.append(FullScan(node["Relation Name"], "Seq Scan", query.sql))
    return found


SQLITE_SCAN = re.compile(r"SCAN (\S+)")
# Django names a table again in joins and subqueries: "coffeechat_chat" U0, "auth_user" T4.
SQL_ALIAS = re.compile(r'"(\w+)" ([A-Z]\d+)\b')


def _sqlite_scans(query: Query) -> list[FullScan]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {query.sql}", query.params)
        details = [row[3] for row in cursor.fetchall()]
    tables = {alias: table for table, alias in SQL_ALIAS.findall(query.sql)}
    found = []
    for detail in details:
        scan = SQLITE_SCAN.match(detail)
        if scan:
            name = scan.group(1)
            found.append(FullScan(tables.get(name, name), detail, query.sql))
    return found


def full_scans(queries: list[Query]) -> list[FullScan]:
    """The reads of our tables from end to end in the plans of ``queries``."""
    explain = _postgresql_scans if connection.vendor == "postgresql" else _sqlite_scans
    found = []
    for query in queries:
        if query.sql.lstrip().upper().startswith(LOOKS_UP_ROWS):
            found.extend(explain(query))
    return [scan for scan in found if scan.table in OURS and scan.table not in READ_WHOLE]


# --- The data: a few weeks of a student's informational interviews ------------------------------


def fill(student, who: str) -> dict:
    """Every kind of row the pages read, made through the services as the student would."""
    save_pitch(student, "elevator", "I taught science for ten years and now design learning.")
    story = add_story(
        student, StoryDetails(title=f"{who} rewrote a workflow", result="Half the time")
    )
    people = [
        make_contact(
            student,
            f"{who} Person {number}",
            organisation=f"{who} Org {number % 3}",
            emails=(f"person{number}@{who.lower()}.example",),
            tags=("design", "ops"),
            keep_in_touch_days=30 if number % 2 else None,
        )
        for number in range(8)
    ]
    ada, bea, cleo, dev, eli, fay, gus, hal = people
    # Today's chat, prepared; tomorrow's; and chats held, missed and cancelled.
    today = make_chat(student, ada, NOW + timedelta(hours=2))
    save_prep(
        student,
        today,
        PrepDetails(
            ask="An introduction to the research team.", questions=("What surprised you?",)
        ),
    )
    choose_stories(student, today, [story])
    make_chat(student, bea, NOW + timedelta(days=1, hours=1), medium="in_person", venue="Café")
    held(student, cleo, NOW - timedelta(days=1), minutes=25)  # its thank-you is owed
    last_week = held(student, dev, NOW - timedelta(days=7), minutes=20)
    save_debrief(
        student,
        last_week,
        DebriefDetails(
            memorable=("They *loved* the question about mentors.",),
            next_steps=(
                StepDetails("Send them the rubric", due_on=date(2026, 3, 1)),
                StepDetails("They will introduce me to the guild", side="them"),
            ),
            referrals=(ReferralDetails(name=f"{who} Referred", organisation=f"{who} Org 1"),),
            talk_share=40,
        ),
    )
    make_note(student, dev, "Hiring freezes lift next quarter.", chat=last_week)
    thank_you = FollowUp.objects.get(chat=last_week, kind=FollowUp.Kind.THANK_YOU)
    mark_sent(student, thank_you, sent_at=NOW - timedelta(days=6))
    record_no_show(student, make_chat(student, eli, NOW - timedelta(days=3)))
    cancel_chat(student, make_chat(student, fay, NOW + timedelta(days=3)), "They moved it.")
    add_referral(student, dev, gus, chat=last_week, status="intro_asked")
    add_opportunity(student, dev, "lead", "Research operations role", arose_on=date(2026, 2, 26))
    # A contact to keep in touch with, and value to add.
    make_note(student, hal, "Met at the meetup.", taken_at=NOW - timedelta(days=45))
    add_follow_up(student, hal, "add_value", NOW + timedelta(days=2))
    # Requests for a chat: one whose second person is due, one nudged, one still a draft.
    log_outreach(student, gus, "Would you have 20 minutes?", sent_at=NOW - timedelta(days=5))
    nudged = log_outreach(
        student, fay, "Would you have 20 minutes?", sent_at=NOW - timedelta(days=11)
    )
    start_nudge(student, nudged)
    log_outreach(student, eli, "A draft, not sent yet.")
    share_chat(student, last_week)
    return {"held": last_week, "today": today, "met": dev, "referred": gus}


def held(student, contact: Contact, starts_at, *, minutes: int) -> Chat:
    chat = make_chat(student, contact, starts_at)
    ended = starts_at + timedelta(minutes=minutes)
    return record_held(student, chat, HeldChat(actual_start=starts_at, actual_end=ended))


@dataclass(frozen=True)
class Cohort:
    """Three students with their records; a coach granted by two, one grant revoked."""

    student: Client
    coach: Client
    alice: dict
    alice_key: str


@pytest.fixture
def cohort(alice, bob) -> Cohort:
    carol = make_coach("carol", your_name="Carol Coach")
    dan = make_coach("dan")
    erin = make_coach("erin")  # a coach who is a student too, with a record of her own
    mine = fill(alice, "Alice")
    fill(bob, "Bob")
    fill(erin, "Erin")
    grant(alice, carol.email)
    grant(bob, carol.email)
    grant(bob, dan.email)
    grant(erin, carol.email)
    revoke(erin, open_grant(erin, person_key(carol)))
    student, coach = Client(), Client()
    student.force_login(alice)
    coach.force_login(carol)
    return Cohort(student, coach, mine, str(person_key(alice)))


# Each page: who loads it, where, and a few words it shows when all its data is there.
PAGES: dict[str, Callable[[Cohort], tuple[Client, str, tuple[str, ...]]]] = {
    "student home": lambda c: (
        c.student,
        "/",
        ("Alice Person 0", "Requests waiting", "Intros promised to me", "Keep in touch"),
    ),
    "contact list": lambda c: (c.student, "/contacts/", ("Alice Person 7", "Alice Org 2")),
    "held chat": lambda c: (
        c.student,
        f"/chats/{c.alice['held'].code}/",
        ("<em>loved</em>", "Hiring freezes lift"),
    ),
    "today's chat": lambda c: (
        c.student,
        f"/chats/{c.alice['today'].code}/",
        ("Alice rewrote a workflow",),
    ),
    "contact met": lambda c: (
        c.student,
        f"/contacts/{c.alice['met'].code}/",
        ("Hiring freezes lift", "<em>loved</em>"),
    ),
    "contact referred": lambda c: (
        c.student,
        f"/contacts/{c.alice['referred'].code}/",
        ("2nd degree", "Alice Person 3</a>", "Requests for a chat"),
    ),
    "cohort": lambda c: (c.coach, "/students/", ("alice@example.com", "bob@example.com")),
    "student page": lambda c: (
        c.coach,
        f"/students/{c.alice_key}/",
        (f"/students/{c.alice_key}/chats/{c.alice['held'].code}/",),
    ),
    "shared chat": lambda c: (
        c.coach,
        f"/students/{c.alice_key}/chats/{c.alice['held'].code}/",
        ("<em>loved</em>",),
    ),
}


@pytest.mark.parametrize("page", PAGES)
def test_every_query_of_the_page_finds_its_rows_through_an_index(page, cohort):
    client, url, shows = PAGES[page](cohort)
    with recorded() as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    for words in shows:
        assert words in text_of(response), words
    scans = full_scans(queries)
    assert not scans, "\n".join(str(scan) for scan in scans)


def test_the_check_sees_a_table_read_whole(alice):
    fill(alice, "Alice")
    with recorded() as queries:
        list(Contact.objects.for_owner(alice).filter(location="Leeds"))  # owner index: fine
        list(Contact.objects.filter(location="Leeds"))  # every user's contacts: not
    assert [scan.table for scan in full_scans(queries)] == ["coffeechat_contact"]
