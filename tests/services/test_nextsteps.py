from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.errors import InvalidInput
from coffeechat.services.followups import mark_sent
from coffeechat.services.nextsteps import add_step, change_due, mark_done, step_lists, undo
from coffeechat.store.managers import FollowUpQuerySet
from coffeechat.store.models import FollowUp
from tests.services.prefs import set_preferences

# A Wednesday.
NOW = datetime(2030, 1, 9, 12, 0, tzinfo=UTC)
FRIDAY = date(2030, 1, 11)
NEXT_TUESDAY = date(2030, 1, 15)


@pytest.fixture
def ada(alice, time_machine):
    time_machine.move_to(NOW, tick=False)
    return add_contact(alice, ContactDetails(name="Ada"))


def open_nudges(owner) -> FollowUpQuerySet:
    return FollowUp.objects.for_owner(owner).open().filter(kind=FollowUp.Kind.NEXT_STEP)


def test_a_promise_of_theirs_gets_a_nudge_only_once_it_is_late(alice, ada, time_machine):
    set_preferences(alice, time_zone="Europe/Paris")
    step = add_step(alice, ada, "Introduce me to Grace", side="them", due_on=FRIDAY)
    nudge = FollowUp.objects.get(next_step=step)
    assert nudge.kind == FollowUp.Kind.NEXT_STEP
    assert (nudge.contact, nudge.chat) == (ada, None)
    assert nudge.due_at == datetime(2030, 1, 15, 8, 0, tzinfo=UTC)  # 9:00 in Paris
    assert not FollowUp.objects.for_owner(alice).due_by(NOW).exists()

    time_machine.move_to(datetime(2030, 1, 15, 7, 59, tzinfo=UTC), tick=False)
    assert not FollowUp.objects.for_owner(alice).due_by(datetime.now(UTC)).exists()
    time_machine.move_to(datetime(2030, 1, 15, 8, 0, tzinfo=UTC), tick=False)
    assert list(FollowUp.objects.for_owner(alice).due_by(datetime.now(UTC))) == [nudge]


def test_the_nudge_skips_the_public_holidays_of_the_users_country(alice, ada, time_machine):
    time_machine.move_to(datetime(2026, 12, 1, tzinfo=UTC), tick=False)
    set_preferences(alice, time_zone="Europe/London", holiday_country="GB")
    # Promised for Wednesday 23 December 2026: Christmas (Friday) and the Monday after it,
    # when Boxing Day is observed, do not count, so two working days on is Tuesday the 29th.
    step = add_step(alice, ada, "Send me the report", side="them", due_on=date(2026, 12, 23))
    nudge = FollowUp.objects.get(next_step=step)
    assert nudge.due_at == datetime(2026, 12, 29, 9, 0, tzinfo=UTC)


def test_my_own_steps_and_undated_ones_need_no_nudge(alice, ada):
    add_step(alice, ada, "Send my portfolio", side="me", due_on=FRIDAY)
    add_step(alice, ada, "Think about it", side="them")
    assert not FollowUp.objects.exists()


def test_moving_their_date_moves_the_nudge(alice, ada):
    step = add_step(alice, ada, "Introduce me", side="them", due_on=FRIDAY)
    change_due(alice, step, date(2030, 1, 21))
    nudge = FollowUp.objects.get(next_step=step)
    assert nudge.due_at == datetime(2030, 1, 23, 9, 0, tzinfo=UTC)
    change_due(alice, step, None)
    assert not open_nudges(alice).exists()
    change_due(alice, step, FRIDAY)
    assert list(open_nudges(alice)) == [nudge]
    assert FollowUp.objects.count() == 1


def test_done_puts_the_nudge_aside_and_undo_brings_it_back(alice, ada):
    step = add_step(alice, ada, "Introduce me", side="them", due_on=FRIDAY)
    mark_done(alice, step)
    step.refresh_from_db()
    assert step.done_at == NOW
    assert not open_nudges(alice).exists()
    undo(alice, step)
    step.refresh_from_db()
    assert step.done_at is None
    assert open_nudges(alice).count() == 1


def test_a_nudge_sent_is_never_suggested_again(alice, ada, time_machine):
    step = add_step(alice, ada, "Introduce me", side="them", due_on=FRIDAY)
    time_machine.move_to(datetime(2030, 1, 16, 9, 0, tzinfo=UTC), tick=False)
    mark_sent(alice, FollowUp.objects.get(next_step=step))
    change_due(alice, step, date(2030, 1, 25))
    assert FollowUp.objects.count() == 1
    assert not open_nudges(alice).exists()


def test_undo_of_an_open_step_is_refused(alice, ada):
    step = add_step(alice, ada, "Write", side="me")
    with pytest.raises(InvalidInput, match="still open"):
        undo(alice, step)


def test_someone_elses_step_cannot_be_changed(alice, bob, ada):
    step = add_step(alice, ada, "Write", side="me")
    for change in (lambda: undo(bob, step), lambda: change_due(bob, step, FRIDAY)):
        with pytest.raises(InvalidInput, match="not yours"):
            change()
    with pytest.raises(InvalidInput, match="not yours"):
        mark_done(bob, step)


def test_the_lists_split_mine_theirs_and_done_with_undated_steps_last(alice, ada):
    undated = add_step(alice, ada, "Someday", side="me")
    later = add_step(alice, ada, "Later", side="me", due_on=NEXT_TUESDAY)
    sooner = add_step(alice, ada, "Sooner", side="me", due_on=FRIDAY)
    theirs = add_step(alice, ada, "Intro", side="them", due_on=FRIDAY)
    finished = add_step(alice, ada, "Finished", side="them")
    mark_done(alice, finished)
    lists = step_lists(alice)
    assert lists.mine == [sooner, later, undated]
    assert lists.theirs == [theirs]
    assert lists.done == [finished]
    assert lists.today == date(2030, 1, 9)
