"""The capture where a chat ends: kept as typed, its next steps and memorable note kept in step."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from coffeechat.services.capture import NothingToCapture, read_capture, save_capture
from coffeechat.services.chats import ChatPlan, cancel_chat, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.errors import InvalidInput
from coffeechat.services.live import end_chat, start_chat
from coffeechat.services.nextsteps import mark_done
from coffeechat.store.models import Chat, Contact, FollowUp, NextStep, Note

# A Monday, 13:00 UTC; the owner's zone is UTC, so the chat's day is Monday 7 January.
ONE = datetime(2030, 1, 7, 13, 0, tzinfo=UTC)
FRIDAY = date(2030, 1, 11)


@pytest.fixture
def priya(alice):
    return add_contact(alice, ContactDetails(name="Priya Shah"))


@pytest.fixture
def planned(alice, priya, time_machine):
    time_machine.move_to(ONE, tick=False)
    return plan_chat(alice, ChatPlan(contact=priya, starts_at=ONE), allow_overlap=True)


@pytest.fixture
def held(alice, planned, time_machine):
    start_chat(alice, planned, now=ONE)
    time_machine.move_to(ONE + timedelta(minutes=25), tick=False)
    return end_chat(alice, planned, now=ONE + timedelta(minutes=25))


def steps(chat: Chat) -> list[tuple[str, str, date | None, str]]:
    rows = NextStep.objects.filter(chat=chat, from_capture=True).order_by("pk")
    return [(row.side, row.text, row.due_on, row.due_text) for row in rows]


def memorable(chat: Chat) -> list[str]:
    return list(Note.objects.filter(chat=chat, kind="memorable").values_list("text", flat=True))


def test_it_keeps_the_three_texts_as_typed(alice, held):
    save_capture(
        alice,
        held,
        stuck="Hearing how you moved into UX through the clinic app.",
        agreed="I'll send you my case study by Friday",
        suggested="Tom Lee at Monzo",
    )
    held.refresh_from_db()
    assert held.capture_stuck == "Hearing how you moved into UX through the clinic app."
    assert held.capture_agreed == "I'll send you my case study by Friday"
    assert held.capture_suggested == "Tom Lee at Monzo"


def test_each_line_agreed_becomes_a_next_step_with_its_side_and_date(alice, held):
    save_capture(
        alice,
        held,
        agreed="I'll send you my case study by Friday\nPriya will introduce me to Tom\n"
        "I'll read the handbook by the end of Q1",
    )
    assert steps(held) == [
        ("me", "send you my case study", FRIDAY, "by Friday"),
        ("them", "introduce me to Tom", None, ""),
        ("me", "read the handbook", None, "by the end of Q1"),
    ]


def test_a_step_of_theirs_with_a_date_gets_its_nudge(alice, held):
    save_capture(alice, held, agreed="Priya will send the job description by Friday")
    step = NextStep.objects.get(chat=held, from_capture=True)
    assert FollowUp.objects.filter(next_step=step, kind="next_step").count() == 1


def test_saving_the_same_capture_again_changes_nothing(alice, held):
    texts = {
        "stuck": "How you moved into UX.",
        "agreed": "I'll send my case study by Friday\nThey'll introduce me to Tom",
        "suggested": "Tom Lee at Monzo",
    }
    save_capture(alice, held, **texts)
    rows = list(NextStep.objects.filter(chat=held).values_list("pk", "updated_at"))
    notes = list(Note.objects.filter(chat=held).values_list("pk", "updated_at"))
    held.refresh_from_db()
    updated = held.updated_at

    save_capture(alice, held, **texts)

    assert list(NextStep.objects.filter(chat=held).values_list("pk", "updated_at")) == rows
    assert list(Note.objects.filter(chat=held).values_list("pk", "updated_at")) == notes
    held.refresh_from_db()
    assert held.updated_at == updated


def test_editing_the_lines_replaces_the_steps_and_keeps_a_step_unchanged_and_done(alice, held):
    save_capture(alice, held, agreed="I'll send my case study\nI'll read the handbook")
    kept = NextStep.objects.get(chat=held, text="send my case study")
    mark_done(alice, kept, done_at=ONE + timedelta(minutes=25))

    save_capture(alice, held, agreed="I'll send my case study by Friday\nI'll call Tom")

    assert steps(held) == [
        ("me", "send my case study", FRIDAY, "by Friday"),
        ("me", "call Tom", None, ""),
    ]
    kept.refresh_from_db()
    assert kept.done_at is not None


def test_emptying_what_was_agreed_removes_its_steps_but_not_the_debriefs(alice, held, priya):
    NextStep.objects.create(owner=alice, contact=priya, chat=held, text="From the debrief")
    save_capture(alice, held, agreed="I'll send my case study")
    save_capture(alice, held, agreed="")
    assert steps(held) == []
    assert list(NextStep.objects.filter(chat=held).values_list("text", flat=True)) == [
        "From the debrief"
    ]


def test_what_stuck_is_one_memorable_note_updated_in_place(alice, held):
    save_capture(alice, held, stuck="How you moved into UX.")
    note = Note.objects.get(chat=held, kind="memorable")
    save_capture(alice, held, stuck="How you moved into UX through the clinic app.")
    assert memorable(held) == ["How you moved into UX through the clinic app."]
    assert Note.objects.get(chat=held, kind="memorable").pk == note.pk


def test_a_memorable_quick_note_is_left_alone(alice, held, priya):
    Note.objects.create(
        owner=alice, contact=priya, chat=held, kind="memorable", text="Loves maps", taken_at=ONE
    )
    save_capture(alice, held, stuck="How you moved into UX.")
    save_capture(alice, held, stuck="")
    assert memorable(held) == ["Loves maps"]


def test_names_suggested_stay_text_and_make_no_contacts(alice, held):
    before = Contact.objects.count()
    reading = save_capture(alice, held, suggested="Tom Lee at Monzo\nSam")
    assert [(name.name, name.organisation) for name in reading.suggested] == [
        ("Tom Lee", "Monzo"),
        ("Sam", ""),
    ]
    assert Contact.objects.count() == before


def test_dates_are_read_from_the_day_of_the_chat_not_the_day_of_the_edit(alice, held, time_machine):
    time_machine.move_to(ONE + timedelta(days=3), tick=False)  # Thursday
    save_capture(alice, held, agreed="I'll send my case study by Friday")
    assert steps(held)[0][2] == FRIDAY
    held.refresh_from_db()
    assert read_capture(alice, held).agreed[0].due_on == FRIDAY


def test_it_refuses_a_chat_that_never_started(alice, planned):
    with pytest.raises(NothingToCapture, match="has not started yet"):
        save_capture(alice, planned, stuck="Something")
    planned.refresh_from_db()
    assert planned.capture_stuck == ""


def test_it_refuses_a_cancelled_chat(alice, planned):
    cancel_chat(alice, planned, "They were ill")
    planned.refresh_from_db()
    with pytest.raises(NothingToCapture, match="cancelled"):
        save_capture(alice, planned, stuck="Something")


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("stuck", "What stuck with you"),
        ("agreed", "What we agreed"),
        ("suggested", "Who they suggested"),
    ],
)
def test_it_refuses_a_text_over_the_limit_and_saves_nothing(alice, held, field, label):
    save_capture(alice, held, stuck="Before")
    with pytest.raises(InvalidInput, match=f"{label} is limited to 2,000 characters") as refused:
        save_capture(alice, held, **{field: "x" * 10_000})
    assert refused.value.field == field
    held.refresh_from_db()
    assert held.capture_stuck == "Before"
    assert not held.capture_agreed and not held.capture_suggested
    assert steps(held) == []


def test_a_step_too_long_is_refused_on_what_we_agreed(alice, held):
    with pytest.raises(InvalidInput, match="at most 500 characters") as refused:
        save_capture(alice, held, stuck="Kept?", agreed="I'll " + "write " * 100)
    assert refused.value.field == "agreed"
    held.refresh_from_db()
    assert held.capture_stuck == ""


def test_another_users_chat_is_refused(bob, held):
    with pytest.raises(InvalidInput):
        save_capture(bob, held, stuck="Mine now")


def test_a_line_taken_out_keeps_its_step_once_it_is_done(alice, held):
    save_capture(alice, held, agreed="I'll send my case study\nI'll read the handbook")
    done = NextStep.objects.get(chat=held, text="send my case study")
    mark_done(alice, done, done_at=ONE + timedelta(minutes=25))

    save_capture(alice, held, agreed="I'll read the handbook")

    assert steps(held) == [("me", "read the handbook", None, "")]
    done.refresh_from_db()
    assert done.done_at is not None and not done.from_capture
