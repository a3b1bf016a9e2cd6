"""Every kind of item owed, one person each, for the tests that read it back on each surface.

What is due by tonight (``DUE_TODAY``) belongs on the home page, in ``coffeechat followups`` and
in ``coffeechat today``; what is due later or has no date (``LATER``) on the first two only; what
is snoozed, answered, closed, sent or done (``NOWHERE``) on none.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from coffeechat.services.chats import add_note
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.followups import (
    add_follow_up,
    add_next_step,
    complete_next_step,
    mark_sent,
)
from coffeechat.services.network import add_referral
from coffeechat.services.nextsteps import add_step
from coffeechat.services.outreach import log_outreach, record_reply
from coffeechat.services.outreach_timers import start_nudge
from coffeechat.services.owed import snooze, snooze_item, snooze_reminders
from coffeechat.store.models import FollowUp

BERLIN = ZoneInfo("Europe/Berlin")
MORNING = datetime(2030, 1, 9, 8, 0, tzinfo=BERLIN)  # a Wednesday
# Monday 31 December, 07:00: seven business days later is this morning at 07:00.
SEVEN_DAYS_AGO = datetime(2029, 12, 31, 7, tzinfo=BERLIN)

DUE_TODAY = {
    "Tess Thanks",  # a thank-you due this afternoon
    "Otto Outreach",  # a request whose 7-day nudge came due this morning
    "Mia Mine",  # my next step due today
    "Stan Step",  # a message about a step of mine, due tonight
    "Theo Theirs",  # their promise, due yesterday
    "Nina Nudge",  # their promise whose suggested nudge came due yesterday
    "Kim Cadence",  # a keep-in-touch reminder from the cadence, a day overdue
    "Kit Keep",  # a keep-in-touch message owed since yesterday
    "Val Value",  # an add-value message due in two hours
    "Ned Nudge",  # an outreach nudge due in an hour
}
OVERDUE = {"Otto Outreach", "Theo Theirs", "Nina Nudge", "Kim Cadence", "Kit Keep"}
LATER = {
    "Lou Later",  # a thank-you due tomorrow
    "Rita Referrer",  # a name Rita gave: no date, so nothing presses
    "Rob Named",
}
NOWHERE = {
    "Sid Snoozed",  # a thank-you snoozed
    "Rex Resting",  # an add-value message for someone whose reminders are snoozed
    "Ray Resting",  # a cadence reminder for someone whose reminders are snoozed
    "Pia Promise",  # their promise whose nudge is snoozed
    "Saul Shelved",  # my step due today, snoozed from a reminder
    "Pam Paused",  # their promise (no nudge drafted), snoozed from a reminder
    "Oz Onhold",  # a request whose 7-day nudge came due, snoozed from a reminder
    "Nat Nudging",  # the same, with its nudge begun after the snooze
    "Ann Answered",  # a request answered after its nudge was begun
    "Cleo Closed",  # a request whose wait is over
    "Dan Done",  # a thank-you sent three days ago
    "Mo Met",  # a step of mine done three days ago
}

# People with a keep-in-touch cadence of 30 days.
CADENCE = {"Kim Cadence", "Ray Resting"}


def person(owner, name: str, **details):
    return add_contact(owner, ContactDetails(name=name, **details))


def build_every_kind(owner) -> None:
    """Make one item of every kind, due today, later or nowhere (see the sets above)."""
    people = {
        name: person(owner, name, keep_in_touch_days=30 if name in CADENCE else None)
        for name in DUE_TODAY | LATER | NOWHERE
    }
    day = timedelta(days=1)
    hour = timedelta(hours=1)

    add_follow_up(owner, people["Tess Thanks"], "thank_you", MORNING + 6 * hour)
    log_outreach(owner, people["Otto Outreach"], "Hello?", sent_at=SEVEN_DAYS_AGO)
    add_next_step(owner, people["Mia Mine"], "Send Mia the rubric", due_on=date(2030, 1, 9))
    add_follow_up(owner, people["Stan Step"], "next_step", MORNING + 12 * hour)
    add_next_step(
        owner, people["Theo Theirs"], "Theo will introduce me", side="them", due_on=date(2030, 1, 8)
    )
    add_step(
        owner,
        people["Nina Nudge"],
        "Nina will send the report",
        side="them",
        due_on=date(2030, 1, 4),
    )
    add_note(owner, people["Kim Cadence"], "Met at a meetup", taken_at=MORNING - 31 * day)
    add_follow_up(owner, people["Kit Keep"], "keep_in_touch", MORNING - day)
    add_follow_up(owner, people["Val Value"], "add_value", MORNING + 2 * hour)
    add_follow_up(owner, people["Ned Nudge"], "outreach_nudge", MORNING + hour)

    add_follow_up(owner, people["Lou Later"], "thank_you", MORNING + 30 * hour)
    add_referral(owner, people["Rita Referrer"], people["Rob Named"], status="suggested")

    snooze(
        owner,
        add_follow_up(owner, people["Sid Snoozed"], "thank_you", MORNING + hour),
        MORNING + 2 * day,
    )
    add_follow_up(owner, people["Rex Resting"], "add_value", MORNING - hour)
    snooze_reminders(owner, people["Rex Resting"], MORNING + day)
    add_note(owner, people["Ray Resting"], "Met at a meetup", taken_at=MORNING - 31 * day)
    snooze_reminders(owner, people["Ray Resting"], MORNING + day)
    promise = add_step(
        owner, people["Pia Promise"], "Pia will write", side="them", due_on=date(2030, 1, 4)
    )
    snooze(owner, FollowUp.objects.get(next_step=promise), MORNING + day)
    shelved = add_next_step(
        owner, people["Saul Shelved"], "Send Saul the deck", due_on=MORNING.date()
    )
    snooze_item(owner, f"step-{shelved.code}", MORNING + day)
    paused = add_next_step(
        owner, people["Pam Paused"], "Pam will write", side="them", due_on=date(2030, 1, 8)
    )
    snooze_item(owner, f"step-{paused.code}", MORNING + day)
    on_hold = log_outreach(owner, people["Oz Onhold"], "Hello?", sent_at=SEVEN_DAYS_AGO)
    snooze_item(owner, f"request-{on_hold.code}", MORNING + day)
    nudging = log_outreach(owner, people["Nat Nudging"], "Hello?", sent_at=SEVEN_DAYS_AGO)
    snooze_item(owner, f"request-{nudging.code}", MORNING + day)
    start_nudge(owner, nudging)  # begun from the request's page: the request still waits
    answered = log_outreach(owner, people["Ann Answered"], "Hello?", sent_at=SEVEN_DAYS_AGO)
    start_nudge(owner, answered)
    record_reply(owner, answered)
    log_outreach(owner, people["Cleo Closed"], "Hello?", sent_at=MORNING - 60 * day)
    sent = add_follow_up(owner, people["Dan Done"], "thank_you", MORNING - 4 * day)
    mark_sent(owner, sent, sent_at=MORNING - 3 * day)
    step = add_next_step(owner, people["Mo Met"], "Send Mo the slides")
    complete_next_step(owner, step, done_at=MORNING - 3 * day)
