"""What a phone kept offline: applied once each, in order, at the time it happened."""

from __future__ import annotations

import itertools
import random
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coffeechat.core.live import confirm_end, latest_end
from coffeechat.services.accounts import create_user
from coffeechat.services.chats import ChatPlan, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.errors import InvalidInput
from coffeechat.services.live import end_chat, next_commitment, start_chat
from coffeechat.services.sync import (
    APPLIED,
    MOST_ACTIONS,
    REFUSED,
    ChatGone,
    apply_actions,
    happened_at,
    start_steps,
)
from coffeechat.store.models import Chat, ChatEvent, Note, SyncedAction

ONE = datetime(2030, 1, 7, 13, 0, tzinfo=UTC)  # a Monday, 13:00 UTC; the owner's zone is UTC
LATER = ONE + timedelta(hours=2)  # when the phone's queue reaches the server


def at(minutes: float) -> str:
    return (ONE + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


def action(kind: str, when: float, *, after: str | None = None, **fields) -> dict:
    """One queued action, ``when`` minutes after the chat's start."""
    return {"id": str(uuid.uuid4()), "after": after, "kind": kind, "at": at(when), **fields}


def chained(*actions: dict) -> list[dict]:
    """The actions as the phone queues them: each names the one before it."""
    previous = None
    for each in actions:
        each["after"] = previous
        previous = each["id"]
    return list(actions)


def note(when: float, text: str = "Ask about the clinic app", **kwargs) -> dict:
    return action("note", when, text=text, note_kind="insight", **kwargs)


@pytest.fixture
def ada(alice):
    return add_contact(alice, ContactDetails(name="Ada Lovelace"))


@pytest.fixture
def live(alice, ada):
    chat = plan_chat(alice, ChatPlan(ada, ONE, agreed_minutes=20), allow_overlap=True)
    return start_chat(alice, chat, now=ONE)


def notes_of(chat: Chat) -> list[tuple[str, datetime]]:
    return list(Note.objects.filter(chat=chat).order_by("taken_at").values_list("text", "taken_at"))


def events_of(chat: Chat) -> list[tuple[str, datetime, int | None]]:
    rows = ChatEvent.objects.filter(chat=chat).order_by("at", "pk")
    return list(rows.values_list("kind", "at", "minutes"))


def statuses(answers) -> list[str]:
    return [answer.status for answer in answers]


# Once, and at the time it happened.


def test_a_note_is_kept_at_the_time_it_was_taken_not_when_it_arrived(alice, live):
    answers = apply_actions(alice, live, [note(5)], now=LATER)
    assert statuses(answers) == ["applied"]
    assert notes_of(live) == [("Ask about the clinic app", ONE + timedelta(minutes=5))]


def test_the_same_note_sent_twice_is_stored_once_and_answered_the_same(alice, live):
    sent = note(5)
    first = apply_actions(alice, live, [sent], now=LATER)
    again = apply_actions(alice, live, [sent, sent], now=LATER + timedelta(minutes=1))
    assert again == [first[0], first[0]]
    assert len(notes_of(live)) == 1
    assert SyncedAction.objects.filter(owner=alice).count() == 1


def test_a_refused_action_is_answered_the_same_when_sent_again(alice, live):
    empty = note(5, text="   ")
    first = apply_actions(alice, live, [empty], now=LATER)
    assert first[0].status == "refused"
    assert first[0].message == "Write something before saving the note."
    assert apply_actions(alice, live, [empty], now=LATER) == first


def test_the_database_keeps_one_row_per_action(alice, live):
    sent = note(5)
    apply_actions(alice, live, [sent], now=LATER)
    row = SyncedAction.objects.get()
    row.pk = None
    row.code = uuid.uuid4()
    with pytest.raises(Exception, match="(?i)unique"):
        row.save()


def test_outcomes_take_effect_at_the_time_they_happened(alice, live):
    actions = chained(
        action("extend", 18, who="they", minutes=10),
        action("wrap", 26),
        action("end", 31),
        action("felt", 32, minutes=25),
    )
    assert statuses(apply_actions(alice, live, actions, now=LATER)) == ["applied"] * 4
    live.refresh_from_db()
    assert live.status == Chat.Status.HELD
    assert live.actual_end == ONE + timedelta(minutes=31)
    assert live.felt_minutes == 25
    assert [(kind, moment - ONE) for kind, moment, _ in events_of(live)] == [
        ("started", timedelta(0)),
        ("they_extended", timedelta(minutes=18)),
        ("wrap_up", timedelta(minutes=26)),
        ("ended", timedelta(minutes=31)),
        ("felt", timedelta(minutes=32)),
    ]


# In order.


def test_an_action_whose_predecessor_has_not_arrived_waits_with_the_rest_of_its_batch(alice, live):
    first, second, third = chained(note(5, "one"), note(6, "two"), note(7, "three"))
    answers = apply_actions(alice, live, [second, third], now=LATER)
    assert statuses(answers) == ["waiting", "waiting"]
    assert notes_of(live) == []
    assert not SyncedAction.objects.exists()
    answers = apply_actions(alice, live, [first, second, third], now=LATER)
    assert statuses(answers) == ["applied"] * 3
    assert [text for text, _ in notes_of(live)] == ["one", "two", "three"]


def test_an_extension_sent_after_its_end_waits_for_it_rather_than_being_refused(alice, live):
    # Sent out of order, the end would come first and the extension would be refused.
    end, felt = chained(action("end", 20), action("felt", 21, minutes=20))
    assert statuses(apply_actions(alice, live, [felt, end], now=LATER)) == ["waiting", "waiting"]
    assert statuses(apply_actions(alice, live, [end, felt], now=LATER)) == ["applied", "applied"]


def test_a_predecessor_that_cannot_be_read_refuses_the_action(alice, live):
    answers = apply_actions(alice, live, [note(5, after="not-an-id")], now=LATER)
    assert answers[0].status == "refused"
    assert "earlier action" in answers[0].message


# When it happened.


def test_a_time_in_the_future_is_taken_as_now(alice, live):
    future = note(0)
    future["at"] = (LATER + timedelta(hours=1)).isoformat()
    apply_actions(alice, live, [future], now=LATER)
    assert notes_of(live)[0][1] == LATER


def test_a_time_a_little_ahead_is_a_clock_error_and_taken_as_now():
    ahead = (LATER + timedelta(seconds=90)).isoformat()
    assert happened_at(ahead, LATER) == LATER


@pytest.mark.parametrize(
    "moment",
    [None, "", "yesterday", "2030-01-07 13:05", "2030-01-07T13:05:00", "2030-02-30T13:05:00Z", 17],
)
def test_a_missing_or_unreadable_time_refuses_the_action_in_plain_words(alice, live, moment):
    sent = note(5)
    sent["at"] = moment
    answers = apply_actions(alice, live, [sent], now=LATER)
    assert answers[0].status == "refused"
    assert answers[0].message == "This action came without a time it happened that can be read."
    assert notes_of(live) == []


def test_an_action_without_a_readable_id_is_refused_and_not_kept(alice, live):
    sent = note(5)
    sent["id"] = "12"
    assert apply_actions(alice, live, [sent, "junk"], now=LATER)[0].status == "refused"
    assert not SyncedAction.objects.exists()


def test_an_unknown_kind_is_refused(alice, live):
    answers = apply_actions(alice, live, [action("dance", 5)], now=LATER)
    assert answers[0].status == "refused"


# Conflicts.


def test_end_on_two_devices_the_first_end_wins_and_the_other_is_told_when(alice, live):
    end_chat(alice, live, now=ONE + timedelta(minutes=32))
    answers = apply_actions(alice, live, [action("end", 30)], now=LATER)
    assert answers[0].status == "refused"
    assert answers[0].message == "This chat was ended on another device at 13:32."
    live.refresh_from_db()
    assert live.actual_end == ONE + timedelta(minutes=32)


def test_an_extension_for_a_chat_ended_meanwhile_is_refused_in_words(alice, live):
    end_chat(alice, live, now=ONE + timedelta(minutes=21))
    answers = apply_actions(alice, live, [action("extend", 20, who="me", minutes=10)], now=LATER)
    assert answers[0].message == (
        "This chat was ended on another device at 13:21, so the extension was not recorded."
    )
    assert live.extension_minutes == 0


def test_a_note_for_a_chat_ended_meanwhile_is_still_kept(alice, live):
    end_chat(alice, live, now=ONE + timedelta(minutes=21))
    assert statuses(apply_actions(alice, live, [note(20)], now=LATER)) == ["applied"]


def test_a_chat_deleted_meanwhile_says_it_is_gone(alice, live):
    Chat.objects.filter(pk=live.pk).delete()
    with pytest.raises(ChatGone, match="notes are kept on this phone"):
        apply_actions(alice, live, [note(5)], now=LATER)


def test_a_newer_capture_is_not_overwritten_by_an_older_one_arriving_late(alice, live):
    end_chat(alice, live, now=ONE + timedelta(minutes=20))
    laptop = action("capture", 30, stuck="Written on the laptop", agreed="", suggested="")
    phone = action("capture", 25, stuck="Typed on the phone", agreed="", suggested="")
    apply_actions(alice, live, [laptop], now=LATER)
    answers = apply_actions(alice, live, [phone], now=LATER)
    assert answers[0].status == "refused"
    assert answers[0].message.startswith("A later capture, written at 13:30, is kept")
    live.refresh_from_db()
    assert live.capture_stuck == "Written on the laptop"


def test_a_capture_over_the_limit_is_refused_with_the_capture_s_own_words(alice, live):
    end_chat(alice, live, now=ONE + timedelta(minutes=20))
    long = action("capture", 25, stuck="x" * 2001, agreed="", suggested="")
    answers = apply_actions(alice, live, [long], now=LATER)
    assert answers[0].status == "refused"
    assert "limited to 2,000 characters" in answers[0].message


def test_a_note_over_the_limit_is_refused(alice, live):
    answers = apply_actions(alice, live, [note(5, text="x" * 10_001)], now=LATER)
    assert answers[0].message == "A note has at most 10,000 characters."


def test_a_note_without_text_is_refused_not_a_crash(alice, live):
    answers = apply_actions(alice, live, [note(5, text=["x"])], now=LATER)
    assert answers[0].status == "refused"


def test_a_batch_is_bounded(alice, live):
    with pytest.raises(InvalidInput, match=f"at most {MOST_ACTIONS} actions"):
        apply_actions(alice, live, [note(1)] * (MOST_ACTIONS + 1), now=LATER)


def test_a_batch_that_is_not_a_list_is_refused(alice, live):
    with pytest.raises(InvalidInput):
        apply_actions(alice, live, {"id": "x"}, now=LATER)


# A Start kept on the phone.


@pytest.fixture
def planned(alice, ada):
    plan = ChatPlan(ada, ONE, agreed_minutes=20, buffer_minutes=10)
    return plan_chat(alice, plan, allow_overlap=True)


def plan_next(owner, name: str, starts_at: datetime) -> Chat:
    contact = add_contact(owner, ContactDetails(name=name))
    return plan_chat(owner, ChatPlan(contact, starts_at, agreed_minutes=20), allow_overlap=True)


def test_a_start_kept_on_the_phone_starts_the_chat_when_it_was_pressed(alice, planned):
    answers = apply_actions(alice, planned, chained(action("start", 2), note(3)), now=LATER)
    assert statuses(answers) == ["applied", "applied"]
    assert answers[0].message == "Started."
    planned.refresh_from_db()
    assert planned.status == Chat.Status.LIVE
    assert planned.actual_start == ONE + timedelta(minutes=2)
    assert planned.target_end_at == ONE + timedelta(minutes=22)
    assert events_of(planned) == [("started", ONE + timedelta(minutes=2), 20)]


def test_a_start_kept_on_the_phone_confirms_the_end_the_next_commitment_allowed_then(
    alice, planned
):
    plan_next(alice, "Grace Hopper", ONE + timedelta(minutes=30))
    apply_actions(alice, planned, [action("start", 2.5)], now=LATER)
    planned.refresh_from_db()
    pressed = ONE + timedelta(minutes=2, seconds=30)
    expected = confirm_end(pressed, 20, ONE + timedelta(minutes=30), 10)
    assert planned.target_end_at == expected.ends_at == pressed + timedelta(minutes=17)


def test_a_start_after_another_device_started_the_chat_is_answered_in_words(alice, planned):
    start_chat(alice, planned, now=ONE + timedelta(minutes=1))
    answers = apply_actions(alice, planned, chained(action("start", 2), note(3)), now=LATER)
    assert statuses(answers) == ["refused", "applied"]
    assert answers[0].message == "This chat was started on another device at 13:01."
    planned.refresh_from_db()
    assert planned.actual_start == ONE + timedelta(minutes=1)


def test_a_start_for_a_chat_ended_meanwhile_is_answered_in_words(alice, planned):
    start_chat(alice, planned, now=ONE + timedelta(minutes=1))
    end_chat(alice, planned, now=ONE + timedelta(minutes=21))
    answers = apply_actions(alice, planned, [action("start", 2)], now=LATER)
    assert answers[0].message == (
        "This chat was ended on another device at 13:21, so the start was not recorded."
    )


def test_a_start_outside_the_window_is_refused_with_the_live_page_s_words(alice, planned):
    answers = apply_actions(alice, planned, [action("start", -90)], now=LATER)
    assert answers[0].status == "refused"
    assert answers[0].message.startswith("This chat is planned for")
    planned.refresh_from_db()
    assert planned.status == Chat.Status.PLANNED


@pytest.mark.parametrize("minutes", [-30, 0, 29.5, 30, 31, 119, 120, 150, 180])
def test_the_step_for_any_moment_start_may_be_pressed_gives_the_latest_end_start_uses(
    alice, planned, minutes
):
    plan_next(alice, "Grace Hopper", ONE + timedelta(minutes=30))
    plan_next(alice, "Linus Pauling", ONE + timedelta(minutes=120))
    steps = start_steps(alice, planned, ONE - timedelta(minutes=30))
    assert [step.since - ONE for step in steps] == [
        timedelta(minutes=-30),
        timedelta(minutes=30),
        timedelta(minutes=120),
    ]
    pressed = ONE + timedelta(minutes=minutes)
    step = [step for step in steps if step.since <= pressed][-1]
    following = next_commitment(alice, pressed, excluding=planned)
    assert step.latest_end == latest_end(following.starts_at if following else None, 10)
    assert step.following == following


# Any order, any duplicates: the same result as once, in order.

STEP = st.one_of(
    st.tuples(st.just("start"), st.none()),
    st.tuples(st.just("note"), st.sampled_from(["Clinic app", "Ask about Tom", "Q1 plans"])),
    st.tuples(st.just("extend"), st.sampled_from([5, 10])),
    st.tuples(st.just("wrap"), st.none()),
    st.tuples(st.just("end"), st.none()),
    st.tuples(st.just("capture"), st.sampled_from(["Clinic app", "I'll send my CV by Friday"])),
)


def _actions(steps) -> list[dict]:
    made = []
    for minute, (kind, value) in enumerate(steps, start=2):
        if kind == "note":
            made.append(note(minute * 3, value))
        elif kind == "extend":
            made.append(action("extend", minute * 3, who="they", minutes=value))
        elif kind == "capture":
            made.append(action("capture", minute * 3, stuck=value, agreed=value, suggested=""))
        else:
            made.append(action(kind, minute * 3))
    return chained(*made)


def _stored(owner) -> tuple:
    chat = Chat.objects.get(owner=owner)
    return (
        chat.status,
        chat.actual_start,
        chat.actual_end,
        chat.target_end_at,
        chat.extension_minutes,
        chat.capture_stuck,
        chat.capture_agreed,
        sorted(Note.objects.filter(chat=chat).values_list("kind", "text", "taken_at")),
        events_of(chat),
        sorted(SyncedAction.objects.filter(owner=owner).values_list("action", "status", "message")),
    )


def _fresh_chat(name: str, *, started: bool = True) -> tuple:
    owner = create_user(name, email=f"{name}@example.com")
    contact = add_contact(owner, ContactDetails(name="Ada Lovelace"))
    chat = plan_chat(owner, ChatPlan(contact, ONE, agreed_minutes=20), allow_overlap=True)
    return owner, start_chat(owner, chat, now=ONE) if started else chat


def _batches(actions: list[dict], size: int) -> list[list[dict]]:
    return [actions[start : start + size] for start in range(0, len(actions), size)]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(STEP, min_size=1, max_size=10),
    cuts=st.lists(st.integers(min_value=0, max_value=10), max_size=5),
    copies=st.lists(st.integers(min_value=1, max_value=3), min_size=6, max_size=6),
    seed=st.integers(),
)
def test_batches_duplicated_and_shuffled_store_what_one_send_in_order_stores(
    db, steps, cuts, copies, seed
):
    tag = uuid.uuid4().hex[:8]
    # The chat is started from the phone's queue, as at the café; a second Start is refused.
    actions = _actions([("start", None), *steps])

    once, once_chat = _fresh_chat(f"once{tag}", started=False)
    for batch in _batches(actions, MOST_ACTIONS):
        apply_actions(once, once_chat, batch, now=LATER)

    mixed, mixed_chat = _fresh_chat(f"mixed{tag}", started=False)
    edges = sorted({0, len(actions), *(cut for cut in cuts if cut < len(actions))})
    batches = [actions[start:end] for start, end in itertools.pairwise(edges)]
    sent = [batch for batch, times in zip(batches, copies, strict=False) for _ in range(times)]
    random.Random(seed).shuffle(sent)
    for batch in sent:
        apply_actions(mixed, mixed_chat, batch, now=LATER)
    # The phone keeps what was not answered and sends it all again, in order.
    for batch in _batches(actions, MOST_ACTIONS):
        apply_actions(mixed, mixed_chat, batch, now=LATER)

    assert _stored(mixed) == _stored(once)


def test_the_answers_kept_are_the_model_s_own():
    assert {APPLIED, REFUSED} == set(SyncedAction.Status.values)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_action_sent_twice_at_once_is_stored_once():
    from django.db import connections

    owner, chat = _fresh_chat("racing")
    sent = note(5)
    start = threading.Barrier(2)
    answers = []

    def send() -> None:
        start.wait()
        try:
            answers.extend(apply_actions(owner, chat, [sent], now=LATER))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses(answers) == ["applied", "applied"]
    assert len(notes_of(chat)) == 1
    assert SyncedAction.objects.filter(owner=owner).count() == 1
