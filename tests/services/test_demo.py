from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time, timedelta
from itertools import combinations
from zoneinfo import ZoneInfo

import pytest

from coffeechat.core.clock import ChatSpan
from coffeechat.core.outreach_timers import Stage as TimerStage
from coffeechat.core.outreach_timers import outreach_timers
from coffeechat.services import demo as demo_module
from coffeechat.services import mail
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.agenda import today
from coffeechat.services.chats import ChatPlan, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.demo import fill_demo
from coffeechat.services.errors import NotEmpty
from coffeechat.services.exports import document
from coffeechat.services.funnel import overall_funnel, target_funnels
from coffeechat.services.owed import owed
from coffeechat.services.preferences import identity_asked
from coffeechat.store.models import (
    Chat,
    Contact,
    FollowUp,
    NextStep,
    Note,
    Opportunity,
    Organisation,
    Outreach,
    Pitch,
    Referral,
    Story,
)
from tests.services.export_checks import problems
from tests.services.prefs import set_preferences

BERLIN = ZoneInfo("Europe/Berlin")
# A Wednesday morning in Berlin, before the first of today's chats.
MORNING = datetime(2030, 1, 9, 8, 0, tzinfo=BERLIN)


def degrees(owner) -> dict[int, int]:
    """Each contact's degree: 1 when nobody referred them, else one more than the referrer."""
    edges = list(Referral.objects.for_owner(owner).values_list("from_contact", "to_contact"))
    referred = {to for _, to in edges}
    everyone = Contact.objects.for_owner(owner).values_list("pk", flat=True)
    frontier = [pk for pk in everyone if pk not in referred]
    depth = dict.fromkeys(frontier, 1)
    while frontier:
        following = []
        for source in frontier:
            for start, end in edges:
                if start == source and end not in depth:
                    depth[end] = depth[source] + 1
                    following.append(end)
        frontier = following
    return depth


@pytest.fixture
def berliner(alice, time_machine):
    time_machine.move_to(MORNING, tick=False)
    set_preferences(alice, time_zone="Europe/Berlin")
    return alice


def test_the_demo_is_a_network_big_enough_to_look_around(berliner):
    summary = fill_demo(berliner)
    assert Contact.objects.for_owner(berliner).count() >= 40
    assert Organisation.objects.for_owner(berliner).count() >= 8
    chats = Chat.objects.for_owner(berliner)
    now = datetime.now(UTC)
    assert chats.count() >= 25
    assert chats.filter(starts_at__lt=now).count() >= 10
    assert chats.filter(starts_at__gt=now).count() >= 5
    statuses = Counter(chats.values_list("status", flat=True))
    assert statuses["held"] >= 10
    assert statuses["cancelled"] >= 1
    assert statuses["no_show"] >= 1
    assert summary.counts["contacts"] == Contact.objects.for_owner(berliner).count()
    assert summary.chats_today == 3


def test_contacts_are_varied(berliner):
    fill_demo(berliner)
    contacts = list(Contact.objects.for_owner(berliner))
    assert len({c.name for c in contacts}) == len(contacts)
    assert sum(bool(c.emails) for c in contacts) >= 20
    assert sum(bool(c.phones) for c in contacts) >= 5
    assert sum(bool(c.linkedin_url) for c in contacts) >= 10
    assert len({c.time_zone for c in contacts if c.time_zone}) >= 3
    assert any(c.organisation is None for c in contacts)
    per_org = Counter(c.organisation.name for c in contacts if c.organisation_id)
    # Every organisation has colleagues to suggest, but the one where the user knows just one
    # person: its request shows the prompt to find someone else.
    assert per_org.pop(demo_module.LONE_TARGET.name) == 1
    assert min(per_org.values()) >= 2


def test_three_chats_are_today_at_fixed_local_hours(berliner):
    fill_demo(berliner)
    agenda = today(berliner)
    local = [chat.starts_at.astimezone(BERLIN).time() for chat in agenda.chats]
    assert local == [time(10, 0), time(14, 0), time(16, 30)]
    assert all(chat.status == "planned" for chat in agenda.chats)


def test_an_evening_chat_today_still_fits(berliner):
    fill_demo(berliner)
    ada = add_contact(berliner, ContactDetails(name="Evening Person"))
    evening = datetime(2030, 1, 9, 21, 0, tzinfo=BERLIN)
    assert plan_chat(berliner, ChatPlan(ada, evening), allow_overlap=False).pk


def test_no_two_demo_chats_collide(berliner):
    fill_demo(berliner)
    chats = Chat.objects.for_owner(berliner).exclude(status="cancelled")
    spans = [ChatSpan(c.starts_at, c.agreed_minutes, c.buffer_minutes) for c in chats]
    assert not [pair for pair in combinations(spans, 2) if pair[0].collides_with(pair[1])]


def test_held_chats_have_their_real_clock_and_notes(berliner):
    fill_demo(berliner)
    for chat in Chat.objects.for_owner(berliner).filter(status="held"):
        assert chat.actual_start < chat.actual_end <= datetime.now(UTC)
        assert chat.actual_start >= chat.starts_at
        assert chat.notes.exists()


def test_notes_of_every_kind_are_taken(berliner):
    fill_demo(berliner)
    kinds = set(Note.objects.for_owner(berliner).values_list("kind", flat=True))
    assert kinds == set(Note.Kind.values)


def test_referrals_reach_three_degrees_deep(berliner):
    fill_demo(berliner)
    depth = degrees(berliner)
    assert max(depth.values()) >= 3
    assert Counter(depth.values())[3] >= 2


@pytest.mark.parametrize(
    "local_now",
    [
        datetime(2030, 1, 9, 0, 30, tzinfo=BERLIN),
        MORNING,
        datetime(2030, 1, 9, 12, 10, tzinfo=BERLIN),
        datetime(2030, 1, 9, 17, 45, tzinfo=BERLIN),
        datetime(2030, 1, 9, 23, 50, tzinfo=BERLIN),
        datetime(2030, 1, 12, 11, 0, tzinfo=BERLIN),  # a Saturday
        datetime(2030, 3, 31, 12, 0, tzinfo=BERLIN),  # the clocks went forward overnight
    ],
    ids=["after-midnight", "morning", "noon", "evening", "before-midnight", "saturday", "dst"],
)
def test_follow_ups_are_due_and_overdue_whenever_the_demo_is_made(alice, time_machine, local_now):
    time_machine.move_to(local_now, tick=False)
    set_preferences(alice, time_zone="Europe/Berlin")
    fill_demo(alice)
    agenda, due = today(alice), owed(alice).today
    assert len(due.overdue) >= 2
    assert any(item.kind == "thank_you" for item in due.due_within_a_day)
    assert any(item.kind == "thank_you" for item in due.overdue)
    assert len(agenda.chats) == 3
    assert len([item for item in owed(alice).reminders if item.kind == "cadence"]) == 2


def test_the_thank_you_due_today_is_24_hours_after_a_chat_that_ended_recently(berliner):
    fill_demo(berliner)
    due = [item for item in owed(berliner).today.due_within_a_day if item.kind == "thank_you"]
    for item in due:
        assert item.due_at == item.chat.actual_end + timedelta(hours=24)


def test_it_has_next_steps_opportunities_a_pitch_and_stories(berliner):
    fill_demo(berliner)
    steps = NextStep.objects.for_owner(berliner)
    assert steps.filter(side="me", done_at__isnull=True).exists()
    assert steps.filter(side="them").exists()
    assert steps.filter(done_at__isnull=False).exists()
    assert Opportunity.objects.for_owner(berliner).count() >= 1
    assert set(Pitch.objects.for_owner(berliner).values_list("kind", flat=True)) == {
        "elevator",
        "career_change",
    }
    assert Story.objects.for_owner(berliner).count() >= 3
    assert FollowUp.objects.for_owner(berliner).filter(sent_at__isnull=False).exists()


def test_the_demo_exports_cleanly(berliner):
    fill_demo(berliner)
    assert problems(document(berliner)) == []


def test_it_is_the_same_network_every_time(alice, bob, time_machine):
    time_machine.move_to(MORNING, tick=False)

    def shape(owner):
        chats = Chat.objects.for_owner(owner).order_by("starts_at")
        return [(c.contact.name, c.starts_at, c.status, c.medium) for c in chats]

    fill_demo(alice)
    fill_demo(bob)
    assert shape(alice) == shape(bob)


def test_it_refuses_a_home_that_has_contacts(berliner):
    add_contact(berliner, ContactDetails(name="My own contact"))
    with pytest.raises(NotEmpty, match="already has contacts"):
        fill_demo(berliner)
    assert Contact.objects.for_owner(berliner).count() == 1


def test_another_users_contacts_do_not_count(berliner, bob):
    add_contact(bob, ContactDetails(name="Bob's contact"))
    assert fill_demo(berliner).counts["contacts"] >= 40


def test_a_failure_half_way_leaves_nothing_behind(berliner, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo_module, "record_clock_trial", broken)
    with pytest.raises(RuntimeError):
        fill_demo(berliner)
    assert not Contact.objects.for_owner(berliner).exists()
    assert not Chat.objects.for_owner(berliner).exists()


def test_their_open_promises_carry_a_gentle_nudge(berliner):
    fill_demo(berliner)
    theirs = NextStep.objects.for_owner(berliner).filter(side="them")
    for step in theirs.filter(done_at__isnull=True):
        nudge = step.follow_ups.get(kind="next_step")
        assert nudge.dismissed_at is None
        assert nudge.due_at.astimezone(BERLIN).date() > step.due_on
    # A promise kept already has no nudge, not even one put aside.
    assert not FollowUp.objects.filter(next_step__in=theirs.filter(done_at__isnull=False)).exists()


def test_keep_in_touch_reminders_show_one_overdue_and_one_due_this_week(berliner):
    fill_demo(berliner)
    result = owed(berliner)
    cadence = [item for item in result.reminders if item.kind == "cadence"]
    assert len(cadence) == 2
    assert sum(item.due_at < result.now for item in cadence) == 1
    assert sum(item.due_at > result.now for item in cadence) == 1


def stages(owner) -> Counter:
    """How many of the owner's requests stand at each stage of the 3-and-7 timers now."""
    now = datetime.now(UTC)
    return Counter(
        outreach_timers(
            request.sent_at,
            now,
            tz=BERLIN,
            answered=request.status in ("replied", "declined"),
            moved_on=request.moved_on_at is not None,
            nudged_at=request.nudged_at,
            closed=request.status == "closed",
        ).stage
        for request in Outreach.objects.for_owner(owner)
    )


@pytest.mark.parametrize(
    "local_now",
    [
        MORNING,
        datetime(2030, 1, 12, 11, 0, tzinfo=BERLIN),
        datetime(2030, 1, 14, 7, 0, tzinfo=BERLIN),
    ],
    ids=["wednesday", "saturday", "early-monday"],
)
def test_requests_stand_at_every_stage_of_the_timers(alice, time_machine, local_now):
    time_machine.move_to(local_now, tick=False)
    set_preferences(alice, time_zone="Europe/Berlin")
    fill_demo(alice)
    found = stages(alice)
    for stage in TimerStage:
        assert found[stage] >= 1, stage
    assert found[TimerStage.TRY_SECOND] >= 2
    requests = Outreach.objects.for_owner(alice)
    assert requests.filter(status="declined").exists()
    assert requests.filter(status="moved_on").exists()
    # One request waiting on its second person is at an organisation with nobody else to ask.
    lone = requests.get(contact__organisation__name=demo_module.LONE_TARGET.name)
    assert lone.contact.organisation.contacts.count() == 1


def test_the_funnel_has_people_at_every_stage(berliner):
    fill_demo(berliner)
    counts = overall_funnel(berliner).counts
    assert all(count >= 1 for count in counts), counts
    assert counts[0] > counts[1] > counts[2]


def test_targets_are_varied(berliner):
    fill_demo(berliner)
    targets = Organisation.objects.for_owner(berliner).filter(is_target=True)
    assert 8 <= targets.count() <= 12
    assert set(targets.values_list("motivation", flat=True)) == {1, 2, 3}
    assert len(set(targets.values_list("hiring_signal", flat=True))) >= 3
    assert 1 <= targets.filter(top_slot__isnull=False).count() <= 5
    assert Organisation.objects.for_owner(berliner).filter(is_target=False).exists()
    rows = target_funnels(berliner)
    assert sum(row.funnel.outreach > 0 for row in rows) >= 5


def test_the_demo_user_has_a_name_an_address_and_a_signature_and_is_not_asked(berliner):
    fill_demo(berliner)
    assert mail.eml_sender(berliner) == "Robin Ashby <robin.ashby@mailbox.example>"
    assert "Robin" in ensure_preferences(berliner).signature
    assert identity_asked(berliner)
