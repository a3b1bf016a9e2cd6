from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.agenda import today, today_and_tomorrow
from coffeechat.services.chats import ChatPlan, cancel_chat, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from tests.services.prefs import set_preferences

# 20:00 UTC on a Wednesday is 21:00 in Berlin: the local day still has three hours to go.
NOW = datetime(2030, 1, 9, 20, 0, tzinfo=UTC)


@pytest.fixture
def berliner(alice, time_machine):
    time_machine.move_to(NOW, tick=False)
    set_preferences(alice, time_zone="Europe/Berlin")
    return alice


@pytest.fixture
def ada(alice):
    return add_contact(alice, ContactDetails(name="Ada Lovelace"))


def plan(owner, contact, start):
    return plan_chat(owner, ChatPlan(contact, start), allow_overlap=True)


def test_a_chat_late_in_the_utc_evening_belongs_to_tomorrow_in_berlin(berliner, ada):
    plan(berliner, ada, datetime(2030, 1, 9, 23, 30, tzinfo=UTC))  # 00:30 on the 10th in Berlin
    assert today(berliner).chats == []
    tomorrow = today(berliner, now=NOW + timedelta(hours=4))
    assert len(tomorrow.chats) == 1


def test_tomorrow_means_the_users_local_tomorrow_without_cancelled_chats(berliner, ada):
    late = plan(berliner, ada, datetime(2030, 1, 9, 23, 30, tzinfo=UTC))  # 00:30 on the 10th
    cancel_chat(berliner, plan(berliner, ada, datetime(2030, 1, 10, 12, 0, tzinfo=UTC)))
    plan(berliner, ada, datetime(2030, 1, 10, 23, 30, tzinfo=UTC))  # already the 11th in Berlin
    assert today_and_tomorrow(berliner)[1] == [late]


def test_an_early_utc_chat_belongs_to_the_same_berlin_day(berliner, ada):
    chat = plan(berliner, ada, datetime(2030, 1, 8, 23, 15, tzinfo=UTC))  # 00:15 on the 9th
    assert today(berliner).chats == [chat]


def test_the_same_chat_is_today_for_someone_in_utc(alice, ada, time_machine):
    time_machine.move_to(NOW, tick=False)
    chat = plan(alice, ada, datetime(2030, 1, 9, 23, 30, tzinfo=UTC))
    assert today(alice).chats == [chat]


def test_todays_chats_come_in_order_without_the_cancelled_ones(berliner, ada):
    late = plan(berliner, ada, datetime(2030, 1, 9, 15, 0, tzinfo=UTC))
    early = plan(berliner, ada, datetime(2030, 1, 9, 8, 0, tzinfo=UTC))
    cancelled = plan(berliner, ada, datetime(2030, 1, 9, 12, 0, tzinfo=UTC))
    cancel_chat(berliner, cancelled)
    agenda = today(berliner)
    assert agenda.chats == [early, late]
    assert agenda.day_starts == datetime(2030, 1, 8, 23, 0, tzinfo=UTC)


def test_it_hides_other_peoples_chats(berliner, bob, ada):
    carl = add_contact(bob, ContactDetails(name="Carl"))
    plan(bob, carl, NOW - timedelta(hours=1))
    assert today(berliner).chats == []


def test_an_empty_day_is_empty(berliner):
    agenda = today(berliner)
    assert agenda.chats == []
    assert agenda.time_zone == "Europe/Berlin"


def test_today_and_tomorrow_is_today_and_the_next_days_today_in_one_query(
    berliner, ada, django_assert_num_queries
):
    # Berlin days, in UTC: the 9th runs from 23:00 on the 8th, the 10th from 23:00 on the 9th.
    for start in (
        datetime(2030, 1, 8, 22, 59, tzinfo=UTC),  # the 8th: neither day
        datetime(2030, 1, 8, 23, 0, tzinfo=UTC),  # the first minute of today
        datetime(2030, 1, 9, 22, 59, tzinfo=UTC),  # the last minute of today
        datetime(2030, 1, 9, 23, 0, tzinfo=UTC),  # the first minute of tomorrow
        datetime(2030, 1, 10, 22, 59, tzinfo=UTC),  # the last minute of tomorrow
        datetime(2030, 1, 10, 23, 0, tzinfo=UTC),  # the 11th: neither day
    ):
        plan(berliner, ada, start)
    cancel_chat(berliner, plan(berliner, ada, datetime(2030, 1, 10, 12, 0, tzinfo=UTC)))
    preferences = ensure_preferences(berliner)
    with django_assert_num_queries(1):
        agenda, tomorrow = today_and_tomorrow(berliner, preferences=preferences)
    assert agenda == today(berliner)
    assert tomorrow == today(berliner, now=NOW + timedelta(days=1)).chats
    assert [len(agenda.chats), len(tomorrow)] == [2, 2]
