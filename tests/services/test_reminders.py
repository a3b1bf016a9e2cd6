"""Reminders that reach the user: each sent once per channel, retried, and read from one rule.

A real SMTP server (aiosmtpd) and a small HTTP receiver standing in for ntfy run on loopback
and count what arrives.
"""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from django.test import Client

from coffeechat.core import reminders as plans
from coffeechat.services.accounts import create_user, ensure_preferences
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.errors import InvalidInput
from coffeechat.services.followups import add_follow_up
from coffeechat.services.owed import item_key, owed
from coffeechat.services.reminders import (
    ReminderSettings,
    _claim,
    recent,
    remind,
    send_test,
    update_reminder_settings,
)
from coffeechat.store.models import Reminder
from tests.cli.owed_kinds import DUE_TODAY, LATER, MORNING, NOWHERE, build_every_kind
from tests.receivers import receiver_fixture
from tests.services.test_thanks import Inbox, free_port, smtp_on

push_receiver = receiver_fixture()
HOUR = timedelta(hours=1)


@pytest.fixture
def inbox(mail_server):
    return mail_server


@pytest.fixture
def morning(time_machine):
    time_machine.move_to(MORNING, tick=False)


@pytest.fixture
def owner(alice, morning):
    preferences = ensure_preferences(alice)
    preferences.time_zone = "Europe/Berlin"
    preferences.your_email = "alice@example.com"
    preferences.save()
    build_every_kind(alice)
    return alice


def owe_thank_you(owner, due_at, name: str = "Tess"):
    return add_follow_up(owner, add_contact(owner, ContactDetails(name=name)), "thank_you", due_at)


def turn_on(owner, **chosen):
    values = {"link_address": "https://coffeechat.example.org/", **chosen}
    return update_reminder_settings(owner, ReminderSettings(**values))


def emails(inbox):
    return [message_from_bytes(content, policy=default) for _, _, content in inbox.received]


def names_in(text: str) -> set[str]:
    return {name for name in DUE_TODAY | LATER | NOWHERE if name in text}


def test_the_digest_lists_what_the_one_rule_says_is_due_today(owner, inbox):
    turn_on(owner, email_digest=True, digest_hour=8)
    report = remind(owner=owner)
    [message] = emails(inbox)
    body = message.get_content()
    assert names_in(body) == DUE_TODAY
    assert names_in(body) == {item.contact.name for item in owed(owner).today.open_items}
    assert message["To"] == "alice@example.com"
    assert message["Subject"].startswith(f"coffeechat: {len(DUE_TODAY)} things due today")
    assert "https://coffeechat.example.org/" in body
    assert "Change or stop these reminders: https://coffeechat.example.org/" in body
    assert [outcome.status for outcome in report.outcomes] == ["sent"]


def test_the_digest_goes_once_a_day_however_often_the_run_comes(owner, inbox, time_machine):
    turn_on(owner, email_digest=True, digest_hour=8)
    for minutes in range(0, 120, 5):
        time_machine.move_to(MORNING + timedelta(minutes=minutes), tick=False)
        remind(owner=owner)
    assert len(inbox.received) == 1
    time_machine.move_to(MORNING + timedelta(days=1), tick=False)
    remind(owner=owner)
    assert len(inbox.received) == 2


def test_before_the_digest_hour_nothing_goes(owner, inbox):
    turn_on(owner, email_digest=True, digest_hour=9)
    assert remind(owner=owner).outcomes == []
    assert inbox.received == []


def test_each_push_is_for_an_item_the_rule_lists(owner, push_receiver, time_machine):
    turn_on(owner, push_url=push_receiver.topic_url())
    keys = {item_key(item) for item in owed(owner).open_items}
    remind(owner=owner)
    titles = [push["title"] for push in push_receiver.pushes]
    assert titles, "something is due this morning"
    assert not names_in(" ".join(titles)) & NOWHERE
    sent_keys = {row.key.split("@")[0].removeprefix("due-") for row in Reminder.objects.all()}
    assert sent_keys <= keys
    # Run again: nothing more.
    remind(owner=owner)
    assert len(push_receiver.pushes) == len(titles)


def test_a_push_links_to_the_item_and_carries_a_snooze_button_that_works_once(
    alice, push_receiver, time_machine
):
    time_machine.move_to(MORNING, tick=False)
    thanks = owe_thank_you(alice, MORNING + 2 * HOUR, "Tess Thanks")
    turn_on(alice, push_url=push_receiver.topic_url())
    remind(owner=alice)
    [push] = push_receiver.pushes
    assert push["title"] == "Thank-you to Tess Thanks"
    assert push["click"] == f"https://coffeechat.example.org/follow-ups/{thanks.code}/"
    [action] = push["actions"]
    assert action["method"] == "POST"
    path = action["url"].removeprefix("https://coffeechat.example.org")
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post(path).status_code == 200
    assert owed(alice).thank_yous == []
    assert anonymous.post(path).status_code != 200 or "Already" in anonymous.post(path).text


def test_a_failed_push_is_tried_again_later_each_time_waiting_longer(
    alice, push_receiver, time_machine
):
    time_machine.move_to(MORNING, tick=False)
    owe_thank_you(alice, MORNING + HOUR)
    turn_on(alice, push_url=push_receiver.topic_url())
    push_receiver.answer_always(503)
    [outcome] = remind(owner=alice).outcomes
    assert outcome.status == "failed" and "503" in outcome.error
    assert outcome.next_try_at == MORNING + plans.RETRY_WAITS[0]
    # Before the wait is over, nothing is tried.
    time_machine.move_to(MORNING + plans.RETRY_WAITS[0] - timedelta(seconds=1), tick=False)
    assert remind(owner=alice).outcomes == []
    time_machine.move_to(MORNING + plans.RETRY_WAITS[0], tick=False)
    [again] = remind(owner=alice).outcomes
    assert again.status == "failed"
    assert again.next_try_at == MORNING + plans.RETRY_WAITS[0] + plans.RETRY_WAITS[1]
    [row] = recent(alice)
    assert (row.status, row.attempts) == ("failed", 2) and "503" in row.error
    push_receiver.answer_always(200)
    time_machine.move_to(again.next_try_at, tick=False)
    [sent] = remind(owner=alice).outcomes
    assert sent.status == "sent"
    [row] = recent(alice)
    assert (row.status, row.error, row.next_try_at) == ("sent", "", None)
    assert len([request for request in push_receiver.requests if request.accepted]) == 1


def test_a_refusing_mail_server_is_recorded_with_its_reason(alice, settings, time_machine):
    time_machine.move_to(MORNING, tick=False)
    received = Inbox("550 No such user here")
    port = free_port()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.COFFEECHAT_SMTP = smtp_on(port)
        turn_on(alice, email_digest=True, digest_hour=0)
        # An empty digest is not sent; give the day something to say.
        owe_thank_you(alice, MORNING + HOUR)
        [outcome] = remind(owner=alice).outcomes
    finally:
        controller.stop()
    assert outcome.status == "failed"
    assert "550 No such user here" in outcome.error
    assert "draft" not in outcome.error  # no draft here: the record says when it tries again


def test_a_mail_server_that_is_not_there_is_a_failure_not_a_crash(alice, settings, time_machine):
    time_machine.move_to(MORNING, tick=False)
    settings.COFFEECHAT_SMTP = smtp_on(free_port())
    turn_on(alice, email_digest=True, digest_hour=0)
    owe_thank_you(alice, MORNING)
    [outcome] = remind(owner=alice).outcomes
    assert outcome.status == "failed" and "Could not reach the mail server" in outcome.error


def test_an_empty_day_sends_no_digest_and_settles_the_day(alice, inbox, time_machine):
    time_machine.move_to(MORNING, tick=False)
    turn_on(alice, email_digest=True, digest_hour=0)
    [outcome] = remind(owner=alice).outcomes
    assert outcome.status == "skipped"
    assert inbox.received == [] and recent(alice) == []
    assert remind(owner=alice).outcomes == []


def test_a_claim_is_taken_once(alice, morning):
    out = plans.Outgoing("digest-2030-01-09", plans.EMAIL, plans.DIGEST, ())
    assert _claim(alice, out, MORNING) is not None
    assert _claim(alice, out, MORNING) is None


def test_a_claim_left_by_a_run_that_died_is_taken_again_after_the_lease(
    alice, push_receiver, time_machine
):
    time_machine.move_to(MORNING, tick=False)
    owe_thank_you(alice, MORNING + HOUR)
    turn_on(alice, push_url=push_receiver.topic_url())
    [planned] = remind(owner=alice, dry_run=True).outcomes
    # A run claimed it and was killed before it could send.
    key = plans.plan(
        [
            plans.Due(item_key(item), item.due_at, is_thank_you=True)
            for item in owed(alice).thank_yous
        ],
        plans.Channels(plans.ZoneInfo("UTC"), push=True),
        MORNING,
    )[0].key
    Reminder.objects.create(owner=alice, key=key, channel="push", kind="due", claimed_at=MORNING)
    assert remind(owner=alice).outcomes == []
    time_machine.move_to(MORNING + plans.CLAIM_LEASE, tick=False)
    [outcome] = remind(owner=alice).outcomes
    assert outcome.status == "sent" and outcome.subject == planned.subject
    assert len(push_receiver.pushes) == 1


def test_a_user_held_by_another_run_is_left_to_it(owner, push_receiver):
    turn_on(owner, push_url=push_receiver.topic_url())
    preferences = ensure_preferences(owner)
    preferences.reminders_busy_until = MORNING + HOUR
    preferences.save()
    report = remind(owner=owner)
    assert (report.outcomes, report.busy) == ([], 1)
    assert push_receiver.pushes == []


def test_a_dry_run_lists_and_sends_nothing(owner, inbox, push_receiver):
    turn_on(owner, email_digest=True, push_url=push_receiver.topic_url())
    report = remind(owner=owner, dry_run=True)
    assert {outcome.status for outcome in report.outcomes} == {"would send"}
    assert inbox.received == [] and push_receiver.pushes == []
    assert not Reminder.objects.exists()
    sent = remind(owner=owner)
    assert [o.subject for o in sent.outcomes] == [o.subject for o in report.outcomes]
    assert remind(owner=owner, dry_run=True).outcomes == []


def test_quiet_hours_hold_pushes_but_not_the_digest(owner, inbox, push_receiver, time_machine):
    turn_on(
        owner,
        email_digest=True,
        push_url=push_receiver.topic_url(),
        quiet_from=7,
        quiet_until=10,
    )
    remind(owner=owner)
    assert len(inbox.received) == 1 and push_receiver.pushes == []
    time_machine.move_to(MORNING + 2 * HOUR, tick=False)  # 10:00 in Berlin
    remind(owner=owner)
    assert push_receiver.pushes


def test_the_due_soon_email_reads_as_a_note_to_the_user(alice, inbox, time_machine):
    time_machine.move_to(MORNING, tick=False)
    preferences = ensure_preferences(alice)
    preferences.time_zone = "Europe/Berlin"
    preferences.save()
    owe_thank_you(alice, MORNING + 2 * HOUR + 30 * timedelta(minutes=1), "Tess Thanks")
    turn_on(alice, email_due_soon=True)
    remind(owner=alice)
    [message] = emails(inbox)
    assert message["Subject"] == "Thank-you to Tess Thanks: due by 10:30 today (2 h 30 min left)"
    body = message.get_content().replace("\r\n", "\n")
    assert body.startswith(
        "Your thank-you to Tess Thanks is due by 10:30 today (2 h 30 min left).\n"
    )
    assert "Write it: https://coffeechat.example.org/follow-ups/" in body
    assert "Snooze it a day: https://coffeechat.example.org/r/snooze/" in body


def test_a_server_run_serves_every_user_with_a_channel_in_batches(
    alice, push_receiver, time_machine
):
    time_machine.move_to(MORNING, tick=False)
    users = [alice, *(create_user(f"user{n}", email=f"user{n}@example.com") for n in range(4))]
    for user in users:
        owe_thank_you(user, MORNING + HOUR)
        turn_on(user, push_url=push_receiver.topic_url(f"topic-{user.pk}"))
    create_user("quiet", email="quiet@example.com")  # no channel: not served
    report = remind(batch=2)
    assert report.users == len(users)
    assert sorted(push["topic"] for push in push_receiver.pushes) == sorted(
        f"topic-{user.pk}" for user in users
    )


def test_settings_are_checked_in_plain_words(alice, settings):
    settings.COFFEECHAT_SMTP = None
    with pytest.raises(InvalidInput, match="Sending email is not set up"):
        turn_on(alice, email_digest=True)
    with pytest.raises(InvalidInput, match="both ends"):
        turn_on(alice, quiet_from=22)
    with pytest.raises(InvalidInput, match="from 0 to 23"):
        turn_on(alice, digest_hour=24)
    with pytest.raises(InvalidInput, match="https://"):
        turn_on(alice, link_address="coffeechat.example.org")
    with pytest.raises(InvalidInput):
        turn_on(alice, push_url="ftp://ntfy.example/topic")


def test_a_test_push_says_where_it_went(alice, push_receiver):
    turn_on(alice, push_url=push_receiver.topic_url())
    assert "test push went to" in send_test(alice, "push")
    assert push_receiver.pushes[0]["title"] == "coffeechat: a test reminder"


def test_a_mail_server_that_hangs_up_mid_message_is_a_failure_to_retry(
    alice, settings, time_machine
):
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def greet_then_hang_up() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.sendall(b"220 mail.example ready\r\n")
            connection.recv(1024)  # EHLO: no answer, the line goes dead

    threading.Thread(target=greet_then_hang_up, daemon=True).start()
    time_machine.move_to(MORNING, tick=False)
    settings.COFFEECHAT_SMTP = smtp_on(listener.getsockname()[1])
    turn_on(alice, email_digest=True, digest_hour=0)
    owe_thank_you(alice, MORNING + HOUR)
    try:
        [outcome] = remind(owner=alice).outcomes
    finally:
        listener.close()
    assert outcome.status == "failed" and outcome.next_try_at is not None
    assert outcome.error.startswith("Sending through 127.0.0.1:")
