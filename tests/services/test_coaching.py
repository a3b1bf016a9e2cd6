"""Coaches with consent: grants, the aggregates a coach reads, shared chats and the record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coffeechat.core.coaching import LONGER
from coffeechat.services.accounts import create_user
from coffeechat.services.coaching import (
    SAME_VIEW_WITHIN,
    grant,
    grants_of,
    open_grant,
    person_key,
    revoke,
    share_chat,
    shared_chat,
    student_detail,
    students_of,
    unshare_chat,
    views_of,
)
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.errors import InvalidInput, NotFound
from coffeechat.services.followups import mark_sent
from coffeechat.services.network import add_referral
from coffeechat.services.outreach import log_outreach
from coffeechat.services.outreach_timers import due_outreach
from coffeechat.store.models import Chat, CoachView, FollowUp, Outreach, Preferences
from tests.services.coaching_data import held_chat, make_coach, noted, planned_chat

# A Monday morning; business days and "24 hours" are counted from here.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def carol(db):
    return make_coach("carol", your_name="Carol Coach")


@pytest.fixture
def dan(db):
    return make_coach("dan")


def test_a_student_grants_a_coach_by_the_address_they_sign_in_with(alice, carol):
    made = grant(alice, "  CAROL@college.example ")
    assert (made.student, made.coach, made.revoked_at) == (alice, carol, None)
    [coach] = grants_of(alice)
    assert (coach.name, coach.email, coach.key) == ("Carol Coach", carol.email, person_key(carol))


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("", "Give the email address"),
        ("not an address", "one address only"),
        ("nobody@college.example", "No coach signs in with nobody@college.example"),
        ("bob@example.com", "No coach signs in with"),  # an account, but not a coach's
        ("alice@example.com", "your own address"),
    ],
)
def test_a_grant_is_refused_in_plain_words(alice, bob, carol, address, words):
    with pytest.raises(InvalidInput, match=words) as refused:
        grant(alice, address)
    assert refused.value.field == "email"
    assert grants_of(alice) == []


def test_a_coach_granted_already_is_refused_and_a_revoked_one_can_be_granted_again(alice, carol):
    first = grant(alice, carol.email)
    with pytest.raises(InvalidInput, match="Carol Coach can see your progress already"):
        grant(alice, carol.email)
    revoke(alice, first)
    assert grants_of(alice) == []
    again = grant(alice, carol.email)
    assert again.pk != first.pk
    assert [coach.name for coach in grants_of(alice)] == ["Carol Coach"]


def test_a_student_revokes_only_their_own_grant(alice, bob, carol):
    grant(alice, carol.email)
    with pytest.raises(NotFound):
        open_grant(bob, person_key(carol))
    with pytest.raises(NotFound):
        revoke(bob, open_grant(alice, person_key(carol)))
    assert len(grants_of(alice)) == 1


def build_record(student):
    """A student's record whose aggregates are known exactly (see each line)."""
    # Planned and to come: 2 here and 1 below. A planned chat already past does not count, nor
    # a cancelled one.
    planned_chat(student, NOW + timedelta(days=1))
    planned_chat(student, NOW + timedelta(days=9))
    planned_chat(student, NOW - timedelta(days=1))
    cancelled = planned_chat(student, NOW + timedelta(days=2))
    Chat.objects.filter(pk=cancelled.pk).update(status=Chat.Status.CANCELLED)
    # Held: 10. The five before ran 0-4 minutes over (median 2), the last five 8-12 (median 10).
    overruns = [0, 1, 2, 3, 4, 8, 9, 10, 11, 12]
    held = [
        held_chat(student, NOW - timedelta(days=20 - index, hours=1), overrun, name=f"P{index}")
        for index, overrun in enumerate(overruns)
    ]
    # The newest ended an hour ago: its thank-you is still inside its 24 hours and not counted.
    newest = held_chat(student, NOW - timedelta(hours=1), 10, name="Newest")
    # Of the other 10 thank-yous: 6 sent within 24 hours, 1 sent late, 3 never sent.
    thanks = {t.chat_id: t for t in FollowUp.objects.filter(owner=student, kind="thank_you")}
    for chat in held[:6]:
        mark_sent(student, thanks[chat.pk], sent_at=chat.actual_end + timedelta(hours=20))
    mark_sent(student, thanks[held[6].pk], sent_at=held[6].actual_end + timedelta(hours=30))
    # Referrals: two people from one held chat, one from another, one from a planned chat (no).
    people = [add_contact(student, ContactDetails(name=f"Referred {n}")) for n in range(4)]
    add_referral(student, held[0].contact, people[0], chat=held[0])
    add_referral(student, held[0].contact, people[1], chat=held[0])
    add_referral(student, held[1].contact, people[2], chat=held[1])
    upcoming = planned_chat(student, NOW + timedelta(days=3), name="Later")
    add_referral(student, upcoming.contact, people[3], chat=upcoming)
    # Requests: 7 business days waiting (nudge due), 4 (a second person due), 1 (nothing yet),
    # and one due but snoozed by a reminder.
    writer = add_contact(student, ContactDetails(name="Asked"))
    log_outreach(student, writer, "Hello", sent_at=datetime(2026, 2, 19, 9, tzinfo=UTC))
    log_outreach(student, writer, "Hello", sent_at=datetime(2026, 2, 24, 9, tzinfo=UTC))
    log_outreach(student, writer, "Hello", sent_at=datetime(2026, 2, 27, 9, tzinfo=UTC))
    snoozed = log_outreach(student, writer, "Hello", sent_at=datetime(2026, 2, 23, 9, tzinfo=UTC))
    Outreach.objects.filter(pk=snoozed.pk).update(snoozed_until=NOW + timedelta(hours=5))
    return newest


def test_a_coach_reads_each_aggregate_exactly(alice, bob, carol):
    build_record(alice)
    build_record(bob)  # another student's record, not granted: counted nowhere
    grant(alice, carol.email)
    [row] = students_of(carol, now=NOW)
    progress = row.progress
    assert (row.key, row.name) == (person_key(alice), "alice@example.com")
    assert (progress.planned, progress.held) == (3, 11)
    assert (progress.thanks_on_time, progress.thanks_counted) == (6, 10)
    assert progress.thanks_rate == 0.6
    assert progress.outreach_due == 2 == len(due_outreach(alice, NOW))
    assert progress.trend is not None
    assert (progress.trend.earlier, progress.trend.recent) == (3.0, 10.0)
    assert progress.trend.direction == LONGER
    assert progress.referrals == 3
    assert progress.referrals_per_chat == 3 / 11


def test_a_student_with_nothing_yet_reads_as_zeros_and_no_trend(alice, carol):
    grant(alice, carol.email)
    [row] = students_of(carol, now=NOW)
    progress = row.progress
    assert (progress.planned, progress.held, progress.outreach_due, progress.referrals) == (
        0,
        0,
        0,
        0,
    )
    assert (progress.thanks_rate, progress.referrals_per_chat, progress.trend) == (None, None, None)


def test_the_outreach_count_puts_a_nudge_aside_as_the_home_page_does(alice, carol):
    grant(alice, carol.email)
    writer = add_contact(alice, ContactDetails(name="Asked"))
    request = log_outreach(alice, writer, "Hi", sent_at=datetime(2026, 2, 19, 9, tzinfo=UTC))
    request.moved_on_at = NOW  # the 3-day suggestion was acted on: only the nudge is due
    request.save(update_fields=["moved_on_at"])
    assert students_of(carol, now=NOW)[0].progress.outreach_due == 1 == len(due_outreach(alice))
    FollowUp.objects.create(
        owner=alice,
        contact=writer,
        kind=FollowUp.Kind.OUTREACH_NUDGE,
        outreach=request,
        due_at=NOW,
        dismissed_at=NOW,
    )
    assert students_of(carol, now=NOW)[0].progress.outreach_due == 0 == len(due_outreach(alice))


def test_the_cohort_lists_only_students_with_an_open_grant_to_this_coach(alice, bob, carol, dan):
    grant(alice, carol.email)
    grant(bob, dan.email)
    erin = create_user("erin", email="erin@example.com")
    revoke(erin, grant(erin, carol.email))
    assert [row.key for row in students_of(carol)] == [person_key(alice)]


def test_a_coach_no_longer_a_coach_sees_no_one(alice, carol):
    grant(alice, carol.email)
    Preferences.objects.filter(owner=carol).update(is_coach=False)
    assert students_of(carol) == []
    with pytest.raises(NotFound):
        student_detail(carol, person_key(alice))


def test_a_student_who_never_granted_access_is_not_found(alice, carol):
    with pytest.raises(NotFound):
        student_detail(carol, person_key(alice))
    assert not CoachView.objects.exists()


def test_revocation_applies_on_the_next_call(alice, carol):
    made = grant(alice, carol.email)
    chat = held_chat(alice, NOW - timedelta(days=1))
    share_chat(alice, chat)
    assert student_detail(carol, person_key(alice)).student.key == person_key(alice)
    shared_chat(carol, person_key(alice), chat.code)
    revoke(alice, made)
    with pytest.raises(NotFound):
        student_detail(carol, person_key(alice))
    with pytest.raises(NotFound):
        shared_chat(carol, person_key(alice), chat.code)
    assert students_of(carol) == []


def test_a_chats_notes_reach_the_coach_only_while_shared(alice, carol):
    grant(alice, carol.email)
    chat = held_chat(alice, NOW - timedelta(days=1), name="Grace Hopper")
    noted(alice, chat, "Ask about *compilers*", kind="memorable")
    other = held_chat(alice, NOW - timedelta(days=2))
    noted(alice, other, "Private thought")
    with pytest.raises(NotFound):
        shared_chat(carol, person_key(alice), chat.code)
    share_chat(alice, chat)
    share_chat(alice, chat)  # twice is once
    page = shared_chat(carol, person_key(alice), chat.code)
    assert [note.text for note in page.notes] == ["Ask about *compilers*"]
    assert "<em>compilers</em>" in page.notes[0].text_html
    assert not hasattr(page.chat, "contact")
    assert [row.code for row in student_detail(carol, person_key(alice)).shared] == [chat.code]
    with pytest.raises(NotFound):
        shared_chat(carol, person_key(alice), other.code)
    unshare_chat(alice, chat)
    with pytest.raises(NotFound):
        shared_chat(carol, person_key(alice), chat.code)
    assert student_detail(carol, person_key(alice)).shared == []


def test_a_shared_chat_of_another_student_is_not_found_under_this_one(alice, bob, carol):
    grant(alice, carol.email)
    grant(bob, carol.email)
    bobs = held_chat(bob, NOW - timedelta(days=1))
    share_chat(bob, bobs)
    with pytest.raises(NotFound):
        shared_chat(carol, person_key(alice), bobs.code)
    assert shared_chat(carol, person_key(bob), bobs.code).chat.code == bobs.code


def test_a_student_shares_only_their_own_chats(alice, bob):
    bobs = held_chat(bob, NOW - timedelta(days=1))
    with pytest.raises(InvalidInput):
        share_chat(alice, bobs)


def test_every_read_for_a_coach_is_recorded_for_the_student(alice, bob, carol):
    grant(alice, carol.email)
    grant(bob, carol.email)
    chat = held_chat(alice, NOW - timedelta(days=3), name="Grace Hopper")
    share_chat(alice, chat)
    students_of(carol, now=NOW)
    student_detail(carol, person_key(alice), now=NOW + timedelta(minutes=1))
    shared_chat(carol, person_key(alice), chat.code, now=NOW + timedelta(minutes=2))
    record = [(view.coach_name, view.what) for view in views_of(alice)]
    assert record == [
        ("Carol Coach", "the notes of your chat with Grace Hopper on Fri 27 Feb"),
        ("Carol Coach", "your progress page"),
        ("Carol Coach", "your progress in their cohort"),
    ]
    assert [view.what for view in views_of(bob)] == ["your progress in their cohort"]


def build_cohort(coach, count: int) -> None:
    for number in range(count):
        student = create_user(f"student{number}", email=f"student{number}@example.com")
        held_chat(student, NOW - timedelta(days=2), 3)
        planned_chat(student, NOW + timedelta(days=1))
        writer = add_contact(student, ContactDetails(name="Asked"))
        log_outreach(student, writer, "Hi", sent_at=datetime(2026, 2, 19, 9, tzinfo=UTC))
        grant(student, coach.email)


def queries_for_cohort(coach) -> int:
    with CaptureQueriesContext(connection) as captured:
        rows = students_of(coach, now=NOW)
    assert all(row.progress.held == 1 for row in rows)
    return len(captured.captured_queries)


def test_the_cohort_takes_the_same_number_of_queries_for_3_students_as_for_30(carol):
    build_cohort(carol, 3)
    few = queries_for_cohort(carol)
    for number in range(3, 30):
        student = create_user(f"more{number}", email=f"more{number}@example.com")
        held_chat(student, NOW - timedelta(days=2), 3)
        writer = add_contact(student, ContactDetails(name="Asked"))
        log_outreach(student, writer, "Hi", sent_at=datetime(2026, 2, 19, 9, tzinfo=UTC))
        grant(student, carol.email)
    assert queries_for_cohort(carol) == few
    # The first three were recorded a moment ago: only the 27 new students get a line.
    assert CoachView.objects.filter(coach=carol).count() == 30


def test_a_look_again_within_the_hour_writes_nothing_and_later_one_line(alice, bob, carol):
    grant(alice, carol.email)
    grant(bob, carol.email)
    students_of(carol, now=NOW)
    with CaptureQueriesContext(connection) as again:
        students_of(carol, now=NOW + SAME_VIEW_WITHIN - timedelta(minutes=1))
    assert not [query for query in again.captured_queries if "INSERT" in query["sql"]]
    assert [view.at for view in views_of(alice)] == [NOW]
    students_of(carol, now=NOW + SAME_VIEW_WITHIN + timedelta(minutes=1))
    assert len(views_of(alice)) == len(views_of(bob)) == 2
    # Another page is another line, whatever the time.
    student_detail(carol, person_key(alice), now=NOW + SAME_VIEW_WITHIN + timedelta(minutes=2))
    assert views_of(alice)[0].what == "your progress page"


def test_a_look_by_another_coach_is_its_own_line(alice, carol):
    dan = make_coach("dan", your_name="Dan Coach")
    grant(alice, carol.email)
    grant(alice, dan.email)
    students_of(carol, now=NOW)
    students_of(dan, now=NOW)
    assert sorted(view.coach_name for view in views_of(alice)) == ["Carol Coach", "Dan Coach"]
