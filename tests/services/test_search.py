"""Search: kept in step by the database, scoped to the owner, ranked, highlighted, unbreakable."""

from __future__ import annotations

import importlib
import io
import json
from datetime import UTC, datetime

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coffeechat.core.search import END, START
from coffeechat.services.chats import ChatPlan, add_note, plan_chat
from coffeechat.services.contacts import (
    ContactDetails,
    add_contact,
    change_contact,
    remove_contact,
)
from coffeechat.services.errors import InvalidInput
from coffeechat.services.exports import document
from coffeechat.services.organisations import update_organisation
from coffeechat.services.restore import restore_json
from coffeechat.services.search import search
from coffeechat.store import search as index
from coffeechat.store.models import Contact, Note, Organisation

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POSTGRESQL = connection.vendor == "postgresql"


def titles(owner, text: str) -> list[str]:
    return [plain(hit.title) for hit in search(owner, text).hits]


def plain(text: str) -> str:
    return text.replace(START, "").replace(END, "")


def kinds(owner, text: str) -> list[tuple[str, str]]:
    return [(hit.kind, plain(hit.title)) for hit in search(owner, text).hits]


def ada(owner, **details):
    fields = {"role": "Data analyst", "organisation": "Acme Labs", **details}
    return add_contact(owner, ContactDetails(name="Ada Lovelace", **fields))


def test_a_new_contact_is_found_by_name_role_organisation_email_and_tag(alice):
    ada(alice, emails=("ada@example.com",), tags=("mentor",), location="Leeds")
    for text in ("ada", "lovelace", "analyst", "acme", "example", "ada@example.com", "mentor"):
        assert ("contact", "Ada Lovelace") in kinds(alice, text), text
    assert titles(alice, "leeds") == ["Ada Lovelace"]


def test_the_last_word_matches_as_a_prefix(alice):
    ada(alice)
    assert titles(alice, "ada lov") == ["Ada Lovelace"]
    assert titles(alice, "lov ada") == []  # only the last word is a prefix


def test_every_word_must_match(alice):
    ada(alice)
    add_contact(alice, ContactDetails(name="Ada Byron"))
    assert titles(alice, "ada lovelace") == ["Ada Lovelace"]


def test_organisations_are_found_by_name_website_and_notes(alice):
    contact = ada(alice)
    update_organisation(
        alice, contact.organisation, name="Acme Labs", website="https://acme.test", notes="Hiring"
    )
    assert ("organisation", "Acme Labs") in kinds(alice, "hiring")
    assert ("organisation", "Acme Labs") in kinds(alice, "acme")


def test_a_note_is_found_by_its_text_and_links_to_its_chat(alice):
    contact = ada(alice)
    chat = plan_chat(alice, ChatPlan(contact=contact, starts_at=NOW), allow_overlap=True)
    add_note(alice, contact, "Ask about the onboarding guild", chat=chat)
    add_note(alice, contact, "Loves onboarding puzzles")
    hits = search(alice, "onboarding").hits
    assert {(hit.kind, plain(hit.title)) for hit in hits} == {("note", "Ada Lovelace")}
    assert {hit.chat_code for hit in hits} == {chat.code, None}
    assert {hit.code for hit in hits} == {contact.code}


def test_an_edit_replaces_what_was_indexed(alice):
    contact = ada(alice)
    change_contact(alice, contact, ContactDetails(name="Grace Hopper", role="Admiral"))
    assert titles(alice, "lovelace") == []
    assert titles(alice, "analyst") == []
    assert titles(alice, "grace admiral") == ["Grace Hopper"]


def test_renaming_a_contact_renames_their_notes(alice):
    contact = ada(alice)
    add_note(alice, contact, "Met at the meetup")
    change_contact(alice, contact, ContactDetails(name="Ada King"))
    assert kinds(alice, "meetup") == [("note", "Ada King")]


def test_renaming_an_organisation_reaches_its_contacts(alice):
    contact = ada(alice)
    update_organisation(alice, contact.organisation, name="Analytical Engines")
    assert ("contact", "Ada Lovelace") in kinds(alice, "engines")
    assert kinds(alice, "acme") == []


def test_deleting_a_contact_takes_its_notes_out_of_the_index(alice):
    contact = ada(alice)
    add_note(alice, contact, "Met at the meetup")
    remove_contact(alice, contact)
    assert titles(alice, "meetup") == []
    assert titles(alice, "ada") == []


def test_a_merged_contact_is_not_found_the_one_it_became_is(alice):
    old = ada(alice)
    new = add_contact(alice, ContactDetails(name="Ada King Lovelace"))
    Contact.objects.filter(pk=old.pk).update(merged_into=new)
    assert titles(alice, "lovelace") == ["Ada King Lovelace"]


def test_rows_written_in_bulk_are_indexed(alice):
    organisation = Organisation.objects.create(owner=alice, name="Bulk Org")
    contacts = Contact.objects.bulk_create(
        [Contact(owner=alice, name=f"Person {n}", organisation=organisation) for n in range(3)]
    )
    Note.objects.bulk_create(
        [Note(owner=alice, contact=contacts[0], text="quarterly freeze", taken_at=NOW)]
    )
    found = sorted(kinds(alice, "person"))
    assert found == [("contact", f"Person {n}") for n in range(3)] + [("note", "Person 0")]
    assert kinds(alice, "quarterly") == [("note", "Person 0")]
    Contact.objects.filter(owner=alice).delete()
    assert titles(alice, "person") == titles(alice, "quarterly") == []


def test_a_restored_export_is_searchable(alice, bob):
    contact = ada(alice)
    add_note(alice, contact, "Recommends the design guild")
    exported = document(alice)
    alice.delete()
    restore_json(bob, io.BytesIO(json.dumps(exported).encode()))
    assert kinds(bob, "guild") == [("note", "Ada Lovelace")]
    assert ("contact", "Ada Lovelace") in kinds(bob, "ada")


def test_nobody_finds_another_users_rows(alice, bob):
    ada(alice)
    add_contact(bob, ContactDetails(name="Ada Bobson"))
    assert titles(bob, "ada") == ["Ada Bobson"]
    assert titles(alice, "bobson") == []
    # The owner's token is no search word either.
    assert titles(bob, f"u{alice.pk}") == []


def test_a_name_ranks_above_a_mention(alice):
    other = add_contact(alice, ContactDetails(name="Grace Hopper"))
    add_note(alice, other, "She said to ask Turing about compilers")
    add_contact(alice, ContactDetails(name="Alan Turing"))
    assert kinds(alice, "turing")[0] == ("contact", "Alan Turing")


def test_matched_words_are_marked(alice):
    ada(alice, research_notes="Wrote the first program for the engine")
    hit = search(alice, "program").hits[0]
    assert f"{START}program{END}" in hit.snippet
    hit = search(alice, "ada").hits[0]
    assert hit.title == f"{START}Ada{END} Lovelace"


def test_marker_characters_in_the_data_never_reach_the_output(alice):
    add_contact(alice, ContactDetails(name=f"Eve {START}Evil{END}"))
    hit = search(alice, "eve").hits[0]
    assert plain(hit.title) == "Eve Evil"
    assert hit.title == f"{START}Eve{END} Evil"


def test_accents_do_not_matter(alice):
    add_contact(alice, ContactDetails(name="José Martínez"))
    assert titles(alice, "jose martinez") == ["José Martínez"]
    assert titles(alice, "JOSÉ") == ["José Martínez"]
    hit = search(alice, "jose").hits[0]
    assert hit.title == f"{START}José{END} Martínez"


def test_a_query_without_words_asks_for_one(alice):
    with pytest.raises(InvalidInput, match="Type a word"):
        search(alice, " ?!* ")


def test_pages_follow_each_other_and_say_when_more_follow(alice):
    for n in range(5):
        add_contact(alice, ContactDetails(name=f"Sam {n}"))
    first = search(alice, "sam", limit=3)
    second = search(alice, "sam", limit=3, offset=3)
    assert len(first.hits) == 3 and first.more
    assert len(second.hits) == 2 and not second.more
    assert {h.code for h in first.hits}.isdisjoint({h.code for h in second.hits})


def test_one_search_is_one_query(alice, django_assert_num_queries):
    for n in range(30):
        add_note(alice, ada(alice) if n == 0 else Contact.objects.first(), f"note {n} data")
    with django_assert_num_queries(1):
        search(alice, "data")


HOSTILE = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.sampled_from(
            [
                '"',
                "'",
                "*",
                "(",
                ")",
                "NEAR",
                "AND",
                "OR",
                "NOT",
                ":",
                "^",
                "-",
                "{",
                "}",
                "\\",
                "%",
                "_",
                "ada",
                "lov",
                "\x00",
                START,
                END,
                "é",
                "&",
                "|",
                "!",
                "<->",
            ]
        ),
        max_size=40,
    ).map(" ".join),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=HOSTILE)
def test_no_query_breaks_the_search(alice, text):
    if not any(ch.isalnum() for ch in text):
        return
    try:
        results = search(alice, text)
    except InvalidInput:
        return
    assert isinstance(results.hits, tuple)


def test_a_very_long_query_is_cut_short_not_refused(alice):
    ada(alice)
    assert search(alice, "ada " + "x" * 100_000).hits == ()


@pytest.mark.sqlite_only
def test_triggers_lost_to_a_table_rebuild_are_put_back_and_the_index_rebuilt(alice):
    ada(alice)
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER coffeechat_search_contact_insert")
        cursor.execute("DELETE FROM coffeechat_search")
    add_contact(alice, ContactDetails(name="Grace Hopper"))
    assert titles(alice, "grace") == []
    assert index.repair() is True
    assert titles(alice, "grace") == ["Grace Hopper"]
    assert titles(alice, "ada") == ["Ada Lovelace"]
    assert index.repair() is False
    add_contact(alice, ContactDetails(name="Alan Turing"))
    assert titles(alice, "alan") == ["Alan Turing"]


# --- Ranking quality: pinned on a fixed network, with and without the bounded window ----------

FILLER = "coffee at the station about careers in research and teaching"


def ranking_network(owner):
    """People, organisations and many notes, fixed: the queries below know what must come first."""
    ada_l = ada(owner)
    add_contact(owner, ContactDetails(name="Ada Byron", role="Poet"))
    add_contact(owner, ContactDetails(name="Alan Turing", organisation="Bletchley Park"))
    add_contact(owner, ContactDetails(name="Joan Clarke", organisation="Turing Institute"))
    grace = add_contact(owner, ContactDetails(name="Grace Hopper", role="Admiral"))
    rosa = add_contact(owner, ContactDetails(name="Rosa Guild", role="Recruiter"))
    people = [ada_l, grace, rosa]
    # A common word: "onboarding" in sixty notes, "guild" in forty of them.
    for n in range(60):
        extra = " and the design guild" if n % 3 else ""
        add_note(owner, people[n % 3], f"Note {n}: onboarding {FILLER}{extra}")
    # A rare word, in three notes: the more often a note says it, the better the match.
    add_note(owner, grace, f"Zeppelin tours, zeppelin history. {FILLER} {FILLER}")
    add_note(owner, rosa, "Zeppelin zeppelin zeppelin")
    add_note(owner, ada_l, f"Mentioned {FILLER} {FILLER} and one zeppelin, long ago")
    # Hopper in a note's text, not only as the note's contact.
    add_note(owner, ada_l, "Ask Hopper about compilers")


# The window is what bounds ranking at scale; a small one makes this network big enough for it.
@pytest.mark.parametrize("window", [None, 5])
def test_ranking_keeps_its_quality(alice, monkeypatch, window):
    if window:
        monkeypatch.setattr(index, "RANKED_WINDOW", window, raising=False)
    ranking_network(alice)
    # An exact name first, whatever else mentions the words.
    assert kinds(alice, "ada lovelace")[0] == ("contact", "Ada Lovelace")
    assert kinds(alice, "lovel")[0] == ("contact", "Ada Lovelace")
    first_two = set(kinds(alice, "ada")[:2])
    assert first_two == {("contact", "Ada Lovelace"), ("contact", "Ada Byron")}
    # Names before context: the organisation and the man named Turing, then who works there.
    turing = kinds(alice, "turing")
    assert set(turing[:2]) == {("contact", "Alan Turing"), ("organisation", "Turing Institute")}
    assert turing[2] == ("contact", "Joan Clarke")
    # A name, then the notes taken with her, before a note that only mentions her.
    hopper = [
        (hit.kind, plain(hit.title), hit.snippet) for hit in search(alice, "hopper", limit=200).hits
    ]
    assert hopper[0][:2] == ("contact", "Grace Hopper")
    assert [hit[:2] for hit in hopper[1:4]] == [("note", "Grace Hopper")] * 3
    assert any("compilers" in plain(hit[2]) for hit in hopper)
    # A common word still shows the name first, then notes.
    guild = kinds(alice, "guild")
    assert guild[0] == ("contact", "Rosa Guild")
    assert {kind for kind, _ in guild[1:]} == {"note"}
    assert len(search(alice, "onboarding", limit=200).hits) == 60
    # A rare word ranks as before: by how often each note says it.
    zeppelin = search(alice, "zeppelin").hits
    assert [plain(hit.title) for hit in zeppelin] == ["Rosa Guild", "Grace Hopper", "Ada Lovelace"]


@pytest.mark.parametrize("window", [None, 5])
def test_pages_of_a_large_match_list_hold_every_match_once(alice, monkeypatch, window):
    if window:
        monkeypatch.setattr(index, "RANKED_WINDOW", window, raising=False)
    ranking_network(alice)
    whole = [(hit.kind, hit.snippet) for hit in search(alice, "onboarding", limit=200).hits]
    paged = []
    for offset in range(0, 60, 7):
        page = search(alice, "onboarding", limit=7, offset=offset)
        paged += [(hit.kind, hit.snippet) for hit in page.hits]
        assert page.more == (offset + 7 < 60)
    assert paged == whole
    assert len(set(paged)) == 60


@pytest.mark.parametrize("window", [None, 5])
def test_pages_past_the_names_reach_the_other_matches(alice, monkeypatch, window):
    # While names and context fill a page, the other matches are not read; later pages must
    # still list them, after the names.
    if window:
        monkeypatch.setattr(index, "RANKED_WINDOW", window, raising=False)
    ranking_network(alice)
    whole = [(hit.kind, hit.snippet) for hit in search(alice, "hopper", limit=200).hits]
    paged = []
    for offset in range(0, len(whole) + 5, 5):
        paged += [
            (hit.kind, hit.snippet) for hit in search(alice, "hopper", limit=5, offset=offset).hits
        ]
    assert paged == whole
    assert len(set(whole)) == len(whole) == 23  # Grace, the 21 notes on her, one mention
    assert "compilers" in plain(whole[-1][1])


def test_a_name_comes_before_notes_on_that_person_however_long_their_research_notes(alice):
    # bm25 alone weighs a row by its whole length: a short note whose contact is Luca Okafor
    # outranked Luca Okafor himself once his research notes were long.
    luca = add_contact(alice, ContactDetails(name="Luca Okafor", research_notes=f"{FILLER}. " * 40))
    add_note(alice, luca, "Call back on Friday")
    assert kinds(alice, "okafor") == [("contact", "Luca Okafor"), ("note", "Luca Okafor")]
    # The same while the last word has only its first letter.
    assert kinds(alice, "luca o") == [("contact", "Luca Okafor"), ("note", "Luca Okafor")]


# --- One letter alone, and the indexes the tiers read (issue 18) ---------------------------------


def test_one_letter_alone_finds_names_and_the_second_letter_finds_the_rest(alice):
    zara = add_contact(alice, ContactDetails(name="Zara Quinn", role="Zoologist"))
    add_contact(alice, ContactDetails(name="Ada Lovelace", organisation="Zenith Labs"))
    add_note(alice, zara, "Zeppelin tours")
    # Names only: not Ada, whose organisation starts with z, nor the notes.
    assert set(kinds(alice, "z")) == {("contact", "Zara Quinn"), ("organisation", "Zenith Labs")}
    assert all(START in hit.title for hit in search(alice, "z").hits)
    assert kinds(alice, "zo") == [("contact", "Zara Quinn")]
    assert set(kinds(alice, "ze")) == {
        ("organisation", "Zenith Labs"),
        ("contact", "Ada Lovelace"),
        ("note", "Zara Quinn"),
    }


def test_one_letter_alone_pages_through_every_name_once(alice):
    for n in range(7):
        add_contact(alice, ContactDetails(name=f"Sam {n}"))
    whole = [hit.code for hit in search(alice, "s", limit=50).hits]
    paged = [
        hit.code for offset in (0, 3, 6) for hit in search(alice, "s", limit=3, offset=offset).hits
    ]
    assert paged == whole and len(set(whole)) == 7


def test_the_migration_creates_the_indexes_the_query_reads():
    # Migration 0016 freezes its SQL; the query must still spell the same expressions, or
    # PostgreSQL would not use the indexes on a database migrated before a change.
    migration = importlib.import_module("coffeechat.store.migrations.0016_search_tiers")
    assert migration.INDEXES == {
        "coffeechat_search_titled": index.TITLE_VECTOR,
        "coffeechat_search_named": index.NAMED_VECTOR,
    }


def _index_names(plan: dict) -> set[str]:
    names, nodes = set(), [plan]
    while nodes:
        node = nodes.pop()
        nodes.extend(node.get("Plans", ()))
        if "Index Name" in node:
            names.add(node["Index Name"])
    return names


# PostgreSQL's indexes; FTS5 filters columns itself.
@pytest.mark.postgres_only
@pytest.mark.parametrize("text", ["hopper", "h"])
def test_names_and_context_are_found_through_their_own_indexes(alice, text):
    ranking_network(alice)
    queries = []

    def keep(execute, sql, params, many, context):
        queries.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        search(alice, text)
    ((sql, params),) = [query for query in queries if index.TABLE in query[0]]
    with connection.cursor() as cursor:
        # On a few rows, reading them all (or all the owner's) is cheapest; with those ways
        # closed (the index dropped inside the test's transaction), the plan shows whether the
        # query is written so that the tiers' indexes serve it.
        cursor.execute(f"DROP INDEX {index.TABLE}_owner")
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone()
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_indexscan")
    used = _index_names(plan[0]["Plan"])
    expected = {"coffeechat_search_titled"} | (
        {"coffeechat_search_named", "coffeechat_search_document"} if len(text) > 1 else set()
    )
    assert expected <= used, used


# --- Names that fill the page (issue 18: a surname's notes are not ranked for the first page) -


def test_another_owners_names_do_not_hide_my_matches(alice, bob):
    # SQLite's index holds every owner's rows: whether names fill the page counts mine only.
    for n in range(25):
        add_contact(bob, ContactDetails(name=f"Okafor {n}"))
    luca = add_contact(alice, ContactDetails(name="Luca Okafor"))
    add_note(alice, luca, "Call back on Friday")
    grace = add_contact(alice, ContactDetails(name="Grace Hopper"))
    add_note(alice, grace, "Met okafor at the fair")
    assert kinds(alice, "okafor") == [
        ("contact", "Luca Okafor"),
        ("note", "Luca Okafor"),
        ("note", "Grace Hopper"),
    ]


def _people_called_okafor(owner, notes_each: int) -> list:
    people = [add_contact(owner, ContactDetails(name=f"Okafor {n}")) for n in range(25)]
    _notes_on(owner, people, notes_each)
    return people


def _notes_on(owner, people, notes_each: int) -> None:
    for person in people:
        for k in range(notes_each):
            add_note(owner, person, f"Note {k}")


def _steps_to_search(owner, text: str) -> int:
    """SQLite's virtual machine steps for one search: its work, the same on any machine."""
    steps = 0

    def step() -> int:
        nonlocal steps
        steps += 1
        return 0  # go on

    raw = connection.connection
    raw.set_progress_handler(step, 1)
    try:
        results = search(owner, text)
    finally:
        raw.set_progress_handler(None, 1)
    assert [hit.kind for hit in results.hits] == ["contact"] * 20 and results.more
    return steps


@pytest.mark.sqlite_only
def test_when_names_fill_the_page_the_notes_about_them_are_not_read(alice):
    people = _people_called_okafor(alice, 0)
    alone = _steps_to_search(alice, "okafor")
    _notes_on(alice, people, 12)
    # 300 notes whose contact is an Okafor: reading their part of the index costs a little
    # (about 2,800 steps); ranking them, as before, cost 15,000 more.
    assert _steps_to_search(alice, "okafor") - alone < 6_000


@pytest.mark.postgres_only
def test_when_names_fill_the_page_names_and_context_are_not_scanned(alice):
    _people_called_okafor(alice, 4)
    queries = []

    def keep(execute, sql, params, many, context):
        queries.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        results = search(alice, "okafor")
    assert [hit.kind for hit in results.hits] == ["contact"] * 20 and results.more
    ((sql, params),) = [query for query in queries if index.TABLE in query[0]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone()
    named = [node for node in plan[0]["Plan"]["Plans"] if node.get("Subplan Name") == "CTE named"]
    assert named and named[0]["Plans"][-1]["Actual Loops"] == 0, named
