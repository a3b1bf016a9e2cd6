from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.errors import InvalidInput
from coffeechat.services.organisations import organisation_named
from coffeechat.services.outreach import log_outreach, record_reply
from coffeechat.services.targets import (
    SORTS,
    add_target,
    bulk_add_targets,
    mark_target,
    remove_target,
    target_board,
    target_candidates,
    target_summary,
    update_target,
)
from coffeechat.store.models import Contact, Organisation

NOW = datetime(2030, 1, 9, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def person(owner, name: str, organisation: str = "Acme") -> Contact:
    return add_contact(owner, ContactDetails(name=name, organisation=organisation))


def names(rows) -> list[str]:
    return [row.organisation.name for row in rows]


# --- marking and adding ------------------------------------------------------------------------


def test_an_organisation_becomes_a_target_with_its_priority(alice):
    acme = person(alice, "Ada").organisation
    organisation = mark_target(alice, acme, motivation=3, hiring_signal="active", top_five=True)
    organisation.refresh_from_db()
    assert (organisation.is_target, organisation.motivation, organisation.top_five) == (
        True,
        3,
        True,
    )
    assert organisation.hiring_signal == "active"


@pytest.mark.parametrize(
    ("motivation", "hiring", "message"),
    [
        (4, "active", "Rate your motivation from 1 \\(low\\) to 3 \\(high\\)"),
        (0, "active", "Rate your motivation"),
        (True, "active", "Rate your motivation"),
        (2, "maybe", "Choose a hiring signal"),
    ],
)
def test_it_refuses_a_priority_it_cannot_read(alice, motivation, hiring, message):
    acme = person(alice, "Ada").organisation
    with pytest.raises(InvalidInput, match=message):
        mark_target(alice, acme, motivation=motivation, hiring_signal=hiring)
    acme.refresh_from_db()
    assert not acme.is_target


def test_adding_a_target_by_name_creates_the_organisation(alice):
    target = add_target(alice, "  Globex  ", motivation=2, hiring_signal="some")
    assert (target.name, target.is_target, target.motivation) == ("Globex", True, 2)
    assert target.has_advocate is None


def test_adding_a_target_finds_the_existing_organisation_whatever_the_case(alice):
    acme = person(alice, "Ada").organisation
    target = add_target(alice, "ACME", motivation=3, knows_someone=False)
    assert target.pk == acme.pk
    assert target.has_advocate is False


def test_adding_a_target_twice_is_refused_and_keeps_the_first_priority(alice):
    add_target(alice, "Acme", motivation=3, hiring_signal="active", top_five=True)
    with pytest.raises(InvalidInput, match="Acme is a target already") as refused:
        add_target(alice, "acme", motivation=1)
    assert refused.value.field == "name"
    acme = Organisation.objects.get(owner=alice, name="Acme")
    assert (acme.motivation, acme.top_five, acme.hiring_signal) == (3, True, "active")


def test_a_blank_name_is_refused(alice):
    with pytest.raises(InvalidInput, match="Give the organisation's name"):
        add_target(alice, "   ", motivation=2)


def test_a_refused_priority_leaves_no_new_organisation_behind(alice):
    with pytest.raises(InvalidInput):
        add_target(alice, "Initech", motivation=9)
    assert not Organisation.objects.filter(owner=alice, name="Initech").exists()


def test_updating_changes_a_target_and_refuses_a_non_target(alice):
    acme = add_target(alice, "Acme", motivation=1)
    update_target(alice, acme, motivation=3, hiring_signal="none", knows_someone=True)
    acme.refresh_from_db()
    assert (acme.motivation, acme.hiring_signal, acme.has_advocate) == (3, "none", True)
    globex = organisation_named(alice, "Globex")
    with pytest.raises(InvalidInput, match="Globex is not a target"):
        update_target(alice, globex, motivation=2)


def test_removing_a_target_clears_its_priority_and_keeps_its_people(alice):
    ada = person(alice, "Ada")
    acme = mark_target(alice, ada.organisation, motivation=3, hiring_signal="active", top_five=True)
    remove_target(alice, acme)
    acme.refresh_from_db()
    assert (acme.is_target, acme.motivation, acme.top_five, acme.has_advocate) == (
        False,
        None,
        False,
        None,
    )
    assert acme.hiring_signal == "unknown"
    assert Contact.objects.get(pk=ada.pk).organisation_id == acme.pk


def test_nobody_can_mark_or_remove_another_users_organisation(alice, bob):
    acme = person(alice, "Ada").organisation
    with pytest.raises(InvalidInput, match="not yours"):
        mark_target(bob, acme, motivation=2)
    mark_target(alice, acme, motivation=2)
    with pytest.raises(InvalidInput, match="not yours"):
        remove_target(bob, acme)
    with pytest.raises(InvalidInput, match="not yours"):
        update_target(bob, acme, motivation=1)
    acme.refresh_from_db()
    assert (acme.is_target, acme.motivation) == (True, 2)


def test_a_name_adds_a_target_among_ones_own_organisations_only(alice, bob):
    bobs = add_target(bob, "Acme", motivation=3)
    alices = add_target(alice, "Acme", motivation=1)
    assert alices.pk != bobs.pk
    bobs.refresh_from_db()
    assert bobs.motivation == 3


# --- the top five --------------------------------------------------------------------------------


def test_a_sixth_top_target_is_refused_with_the_five_named(alice):
    for name in ("Echo", "Delta", "Alpha", "Charlie", "Bravo"):
        add_target(alice, name, motivation=3, top_five=True)
    with pytest.raises(InvalidInput) as refused:
        add_target(alice, "Foxtrot", motivation=3, top_five=True)
    assert refused.value.message == (
        "You have five top targets already (Alpha, Bravo, Charlie, Delta, Echo): unflag one first."
    )
    assert refused.value.field == "top_five"
    # The refused add rolled back whole: no Foxtrot organisation left behind.
    assert not Organisation.objects.filter(owner=alice, name="Foxtrot").exists()


def test_one_of_the_five_can_be_edited_and_a_freed_place_taken(alice):
    five = [add_target(alice, f"Org {n}", motivation=3, top_five=True) for n in range(5)]
    update_target(alice, five[0], motivation=2, top_five=True)
    update_target(alice, five[1], motivation=3, top_five=False)
    sixth = add_target(alice, "Org 6", motivation=3, top_five=True)
    assert sixth.top_five
    assert target_summary(alice).top_five == 5


def test_a_removed_target_frees_its_top_five_place(alice):
    five = [add_target(alice, f"Org {n}", motivation=3, top_five=True) for n in range(5)]
    remove_target(alice, five[2])
    assert add_target(alice, "Org 6", motivation=3, top_five=True).top_five


def test_other_users_top_five_do_not_count(alice, bob):
    for n in range(5):
        add_target(bob, f"Org {n}", motivation=3, top_five=True)
    assert add_target(alice, "Org 0", motivation=3, top_five=True).top_five


# --- knowing someone -----------------------------------------------------------------------------


def test_knowing_someone_is_worked_out_from_contacts_unless_the_user_said(alice):
    person(alice, "Ada", "Acme")
    add_target(alice, "Acme", motivation=2)
    add_target(alice, "Globex", motivation=2)
    add_target(alice, "Initech", motivation=2, knows_someone=True)
    person(alice, "Bea", "Umbrella")
    add_target(alice, "Umbrella", motivation=2, knows_someone=False)
    rows = {row.organisation.name: row for row in target_board(alice, sort="name")}
    assert (rows["Acme"].knows_someone, rows["Acme"].knows_automatic) == (True, True)
    assert (rows["Globex"].knows_someone, rows["Globex"].knows_automatic) == (False, True)
    assert (rows["Initech"].knows_someone, rows["Initech"].knows_automatic) == (True, False)
    assert (rows["Umbrella"].knows_someone, rows["Umbrella"].knows_automatic) == (False, False)
    assert rows["Umbrella"].contacts == 1


def test_merged_contacts_are_not_counted(alice):
    ada = person(alice, "Ada", "Acme")
    twin = person(alice, "Ada L.", "Acme")
    lone = person(alice, "Cy", "Globex")
    Contact.objects.filter(pk=twin.pk).update(merged_into=ada)
    add_target(alice, "Acme", motivation=2)
    add_target(alice, "Globex", motivation=2)
    Contact.objects.filter(pk=lone.pk).update(merged_into=ada)
    rows = {row.organisation.name: row for row in target_board(alice)}
    assert rows["Acme"].contacts == 1
    assert (rows["Globex"].contacts, rows["Globex"].knows_someone) == (0, False)


# --- the board -----------------------------------------------------------------------------------


def test_the_board_counts_requests_waiting_and_replies(alice):
    ada = person(alice, "Ada", "Acme")
    bea = person(alice, "Bea", "Acme")
    add_target(alice, "Acme", motivation=3)
    add_target(alice, "Globex", motivation=3)
    log_outreach(alice, ada, "Draft only")
    log_outreach(alice, ada, "First", sent_at=NOW - timedelta(days=9))
    answered = log_outreach(alice, bea, "Second", sent_at=NOW - timedelta(days=2))
    record_reply(alice, answered, accepted=False)
    rows = {row.organisation.name: row for row in target_board(alice)}
    acme = rows["Acme"]
    assert (acme.contacts, acme.requests, acme.waiting, acme.replied) == (2, 2, 1, 1)
    assert acme.last_request_at == NOW - timedelta(days=2)
    globex = rows["Globex"]
    assert (globex.requests, globex.waiting, globex.replied, globex.last_request_at) == (
        0,
        0,
        0,
        None,
    )


def test_the_board_shows_only_the_owners_targets(alice, bob):
    add_target(alice, "Acme", motivation=2)
    add_target(bob, "Globex", motivation=2)
    person(alice, "Ada", "Initech")  # an organisation, not a target
    assert names(target_board(alice)) == ["Acme"]


@pytest.fixture
def board(alice):
    """Four targets that each sort a different way."""
    person(alice, "Ada", "Acme")
    person(alice, "Bea", "Acme")
    cy = person(alice, "Cy", "Globex")
    add_target(alice, "Acme", motivation=2, hiring_signal="some")
    add_target(alice, "Globex", motivation=3, hiring_signal="none")
    add_target(alice, "Initech", motivation=3, hiring_signal="active")
    add_target(alice, "Umbrella", motivation=1, hiring_signal="unknown", top_five=True)
    log_outreach(alice, cy, "Hello?", sent_at=NOW - timedelta(days=1))
    return alice


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        # Top five first, then motivation, then the hiring signal.
        ("priority", ["Umbrella", "Initech", "Globex", "Acme"]),
        ("name", ["Acme", "Globex", "Initech", "Umbrella"]),
        ("motivation", ["Globex", "Initech", "Acme", "Umbrella"]),
        ("knows", ["Acme", "Globex", "Initech", "Umbrella"]),
        ("hiring", ["Initech", "Acme", "Umbrella", "Globex"]),
        ("contacts", ["Acme", "Globex", "Initech", "Umbrella"]),
        ("requests", ["Globex", "Acme", "Initech", "Umbrella"]),
        ("last_request", ["Globex", "Acme", "Initech", "Umbrella"]),
        ("no-such-column", ["Umbrella", "Initech", "Globex", "Acme"]),
    ],
)
def test_the_board_sorts_by_each_column(board, sort, expected):
    assert names(target_board(board, sort=sort)) == expected


def test_every_sort_can_run_the_other_way(board):
    for sort in SORTS:
        forward = names(target_board(board, sort=sort, descending=False))
        backward = names(target_board(board, sort=sort, descending=True))
        assert sorted(forward) == sorted(backward) == ["Acme", "Globex", "Initech", "Umbrella"]
    assert names(target_board(board, sort="name", descending=True)) == [
        "Umbrella",
        "Initech",
        "Globex",
        "Acme",
    ]
    # Targets never asked for a chat stay last, whichever way the dates run.
    assert names(target_board(board, sort="last_request", descending=False))[0] == "Globex"


def test_the_board_filters_top_five_and_hiring(board):
    assert names(target_board(board, only_top_five=True)) == ["Umbrella"]
    assert names(target_board(board, hiring="active")) == ["Initech"]
    assert len(target_board(board, hiring="nonsense")) == 4


def test_the_board_runs_the_same_two_queries_for_45_targets_as_for_3(alice):
    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            contact = person(alice, f"Person {number}", f"Org {number:02}")
            add_target(alice, f"Org {number:02}", motivation=1 + number % 3)
            log_outreach(alice, contact, "Hello?", sent_at=NOW - timedelta(days=1))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            rows = target_board(alice, sort="requests")
        assert rows
        return len(captured.captured_queries)

    add(3, 0)
    few = queries()
    add(42, 3)
    assert queries() == few == 2
    assert len(target_board(alice)) == 45


def test_the_board_counts_people_and_requests_from_indexes_alone(alice):
    """Neither count reads a contact's or a request's row (migration 0023): on SQLite each is
    found through a covering index; on PostgreSQL the indexes it needs exist."""
    contact = person(alice, "Ada", "Acme")
    add_target(alice, "Acme", motivation=2)
    log_outreach(alice, contact, "Hello?", sent_at=NOW - timedelta(days=1))
    indexes = {
        table: connection.introspection.get_constraints(connection.cursor(), table)
        for table in ("coffeechat_contact", "coffeechat_outreach")
    }
    assert indexes["coffeechat_contact"]["contact_organisation_active"]["columns"] == [
        "organisation_id",
        "merged_into_id",
    ]
    assert indexes["coffeechat_outreach"]["outreach_contact_sent"]["columns"] == [
        "contact_id",
        "sent_at",
        "replied_at",
        "status",
    ]
    with CaptureQueriesContext(connection) as captured:
        assert target_board(alice)[0].requests == 1
    if connection.vendor != "sqlite":
        return
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            # The logged SQL has its values written in; it plans the same.
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plans.append(" / ".join(row[-1] for row in cursor.fetchall()))
    joins = [plan for plan in plans if "coffeechat_contact" in plan]
    assert len(joins) == 2, plans
    for plan in joins:
        assert "COVERING INDEX contact_organisation_active" in plan, plan
    assert any("COVERING INDEX outreach_contact_sent" in plan for plan in plans), plans


# --- bulk-adding ---------------------------------------------------------------------------------


def test_candidates_are_non_target_organisations_among_contacts_most_people_first(alice, bob):
    for name, organisation in [
        ("Ada", "Acme"),
        ("Bea", "Globex"),
        ("Cy", "Globex"),
        ("Di", "Initech"),
        ("Ed", "Hooli"),
    ]:
        person(alice, name, organisation)
    person(bob, "Fay", "Bobcorp")
    add_target(alice, "Hooli", motivation=2)
    organisation_named(alice, "Empty Inc")
    candidates = target_candidates(alice)
    assert [(c.organisation.name, c.contacts) for c in candidates] == [
        ("Globex", 2),
        ("Acme", 1),
        ("Initech", 1),
    ]


def test_an_organisation_whose_only_contact_was_merged_away_is_no_candidate(alice):
    ada = person(alice, "Ada", "Acme")
    twin = person(alice, "Ada L.", "Globex")
    Contact.objects.filter(pk=twin.pk).update(merged_into=ada)
    assert [c.organisation.name for c in target_candidates(alice)] == ["Acme"]


def test_bulk_adding_marks_the_picked_organisations_with_one_motivation(alice):
    acme = person(alice, "Ada", "Acme").organisation
    globex = person(alice, "Bea", "Globex").organisation
    person(alice, "Cy", "Initech")
    result = bulk_add_targets(alice, [str(acme.code), globex.code], motivation=3)
    assert (result.added, result.skipped) == (2, 0)
    assert sorted(names(target_board(alice))) == ["Acme", "Globex"]
    assert {row.organisation.motivation for row in target_board(alice)} == {3}
    assert [c.organisation.name for c in target_candidates(alice)] == ["Initech"]


def test_bulk_adding_ignores_other_users_codes_and_counts_them(alice, bob):
    acme = person(alice, "Ada", "Acme").organisation
    bobs = person(bob, "Bea", "Bobcorp").organisation
    result = bulk_add_targets(alice, [acme.code, bobs.code, "not-a-code"])
    assert (result.added, result.skipped) == (1, 2)
    bobs.refresh_from_db()
    assert (bobs.is_target, bobs.motivation) == (False, None)


def test_bulk_adding_leaves_existing_targets_as_they_were(alice):
    acme = add_target(alice, "Acme", motivation=1, top_five=True)
    globex = person(alice, "Bea", "Globex").organisation
    result = bulk_add_targets(alice, [acme.code, globex.code], motivation=3)
    assert (result.added, result.skipped) == (1, 1)
    acme.refresh_from_db()
    assert (acme.motivation, acme.top_five) == (1, True)


def test_bulk_adding_nothing_gets_a_clear_message(alice):
    with pytest.raises(InvalidInput, match="Pick at least one organisation"):
        bulk_add_targets(alice, [])


def test_bulk_adding_refuses_a_motivation_out_of_range(alice):
    acme = person(alice, "Ada", "Acme").organisation
    with pytest.raises(InvalidInput, match="Rate your motivation"):
        bulk_add_targets(alice, [acme.code], motivation=5)
    acme.refresh_from_db()
    assert not acme.is_target


def test_a_sixth_top_target_from_a_race_gets_a_plain_message(alice, monkeypatch):
    # Two tabs flag a target at once: both read the same free place before either saved. The
    # stale read is played here by offering a place already taken; the database refuses it.
    from coffeechat.services import targets

    add_target(alice, "Acme", motivation=3, top_five=True)
    monkeypatch.setattr(targets, "_top_slot", lambda owner, organisation: 1)
    with pytest.raises(InvalidInput, match="changed at the same moment") as refused:
        add_target(alice, "Initech", motivation=3, top_five=True)
    assert refused.value.field == "top_five"
    assert list(Organisation.objects.for_owner(alice).filter(top_slot=1).values_list("name")) == [
        ("Acme",)
    ]


def test_the_top_five_take_free_places_and_keep_theirs(alice):
    five = [add_target(alice, f"Org {n}", motivation=3, top_five=True) for n in range(5)]
    assert [organisation.top_slot for organisation in five] == [1, 2, 3, 4, 5]
    update_target(alice, five[3], motivation=1, top_five=True)
    remove_target(alice, five[1])
    assert (five[3].top_slot, five[1].top_slot) == (4, None)
    assert add_target(alice, "Org 6", motivation=3, top_five=True).top_slot == 2
