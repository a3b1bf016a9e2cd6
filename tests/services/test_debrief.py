from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction

from coffeechat.services.chats import ChatPlan, cancel_chat, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.debrief import (
    TO_COMPLETE,
    DebriefDetails,
    HeldChat,
    Match,
    PossibleDuplicate,
    ReferralDetails,
    StepDetails,
    record_held,
    record_no_show,
    save_debrief,
)
from coffeechat.services.errors import InvalidInput
from coffeechat.store.models import Chat, Contact, FollowUp, NextStep, Note, Referral

START = datetime(2030, 1, 7, 10, 0, tzinfo=UTC)
HELD = HeldChat(
    actual_start=START + timedelta(minutes=2),
    actual_end=START + timedelta(minutes=29),
    extension="they_asked",
    extension_minutes=7,
    felt_minutes=22,
    talk_share=35,
    time_confirmed=True,
    ask_made=True,
)


@pytest.fixture
def chat(alice, time_machine):
    time_machine.move_to(START + timedelta(hours=3), tick=False)
    ada = add_contact(alice, ContactDetails(name="Ada"))
    return plan_chat(alice, ChatPlan(ada, START))


def test_a_held_chat_keeps_its_real_clock_and_owes_a_thank_you_a_day_later(alice, chat):
    record_held(alice, chat, HELD)
    chat.refresh_from_db()
    assert chat.status == Chat.Status.HELD
    assert (chat.actual_start, chat.actual_end) == (HELD.actual_start, HELD.actual_end)
    assert (chat.extension, chat.extension_minutes, chat.talk_share) == ("they_asked", 7, 35)
    thank_you = FollowUp.objects.get(chat=chat)
    assert thank_you.kind == FollowUp.Kind.THANK_YOU
    assert thank_you.due_at == HELD.actual_end + timedelta(hours=24)
    assert thank_you.contact == chat.contact


def test_a_chat_is_held_only_once(alice, chat):
    record_held(alice, chat, HELD)
    with pytest.raises(InvalidInput, match="only a planned or live chat"):
        record_held(alice, chat, HELD)
    assert FollowUp.objects.count() == 1


def test_the_database_refuses_a_second_thank_you_for_one_chat(alice, chat):
    # The one_thank_you_per_chat constraint, not only record_held's check, keeps it to one.
    record_held(alice, chat, HELD)
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.create(
            owner=alice,
            contact=chat.contact,
            chat=chat,
            kind=FollowUp.Kind.THANK_YOU,
            due_at=START + timedelta(days=1),
        )
    # Other follow-ups of the same chat are not limited.
    FollowUp.objects.create(
        owner=alice,
        contact=chat.contact,
        chat=chat,
        kind=FollowUp.Kind.ADD_VALUE,
        due_at=START + timedelta(days=30),
    )
    assert FollowUp.objects.filter(chat=chat).count() == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"actual_end": START}, "end after it started"),
        ({"actual_end": START + timedelta(hours=9)}, "at most 8 hours"),
        ({"actual_end": START + timedelta(hours=4)}, "in the future"),
        ({"extension": "both"}, "who asked"),
        ({"extension": "none", "extension_minutes": 5}, "need someone who asked"),
        ({"talk_share": 101}, "0 to 100"),
        ({"felt_minutes": 0}, "1 to 600"),
        ({"actual_start": datetime(2030, 1, 7, 10, 0)}, "time zone"),
    ],
)
def test_it_refuses_a_clock_that_cannot_be(alice, chat, changes, message):
    with pytest.raises(InvalidInput, match=message):
        record_held(alice, chat, replace(HELD, **changes))
    chat.refresh_from_db()
    assert chat.status == Chat.Status.PLANNED


def test_a_cancelled_chat_cannot_be_held(alice, chat):
    cancel_chat(alice, chat)
    with pytest.raises(InvalidInput, match="cancelled"):
        record_held(alice, chat, HELD)


def test_someone_elses_chat_cannot_be_held(bob, chat):
    with pytest.raises(InvalidInput, match="not yours"):
        record_held(bob, chat, HELD)


def test_a_chat_that_has_started_can_be_a_no_show(alice, chat):
    record_no_show(alice, chat)
    chat.refresh_from_db()
    assert chat.status == Chat.Status.NO_SHOW


def test_a_chat_still_to_come_cannot_be_a_no_show(alice, chat):
    with pytest.raises(InvalidInput, match="not started yet"):
        record_no_show(alice, chat, now=START - timedelta(minutes=1))


# The debrief of a held chat.


@pytest.fixture
def held(alice, chat):
    return record_held(alice, chat, replace(HELD, talk_share=None, time_confirmed=None))


def referral(name="Grace Hopper", **details) -> ReferralDetails:
    return ReferralDetails(name=name, **details)


def test_a_debrief_keeps_notes_steps_referrals_and_the_self_assessment(alice, held):
    done = save_debrief(
        alice,
        held,
        DebriefDetails(
            memorable=("They learnt **Rust** on a night shift",),
            next_steps=(
                StepDetails("Send my portfolio", side="me", due_on=date(2030, 1, 9)),
                StepDetails("Introduce me to Grace", side="them", due_on=date(2030, 1, 10)),
            ),
            referrals=(
                referral(
                    organisation="Navy Labs",
                    role="Engineer",
                    email="Grace@Navy.example",
                    phone="+1 555 0100",
                    linkedin_url="https://www.linkedin.com/in/grace",
                    may_use_name=True,
                ),
            ),
            talk_share=30,
            time_confirmed=True,
            ask_made=False,
        ),
    )
    held.refresh_from_db()
    assert (held.talk_share, held.time_confirmed, held.ask_made) == (30, True, False)
    note = Note.objects.get(chat=held)
    assert note.kind == Note.Kind.MEMORABLE
    assert "<strong>Rust</strong>" in note.text_html
    steps = {step.text: step.side for step in NextStep.objects.filter(chat=held)}
    assert steps == {"Send my portfolio": "me", "Introduce me to Grace": "them"}
    grace = Contact.objects.get(name="Grace Hopper")
    assert (grace.role, grace.organisation.name, grace.emails) == (
        "Engineer",
        "Navy Labs",
        ["Grace@navy.example"],  # the part before the @ as written, the domain lower-cased
    )
    assert grace.phones == ["+1 555 0100"]
    assert grace.how_we_met == "Suggested by Ada in our chat on 7 January 2030."
    edge = Referral.objects.get()
    assert (edge.from_contact, edge.to_contact, edge.chat) == (held.contact, grace, held)
    assert edge.may_use_name
    assert done.new_contacts == [grace] and done.to_complete == []


def test_a_referral_with_only_a_first_name_is_kept_and_tagged_to_complete(alice, held):
    done = save_debrief(alice, held, DebriefDetails(referrals=(referral("  Sam "),)))
    sam = Contact.objects.get(name="Sam")
    assert sam.tags == [TO_COMPLETE]
    assert done.to_complete == [sam]
    assert Referral.objects.get().to_contact == sam


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ({"name": "G. Hopper", "email": "GRACE@navy.example"}, "same email"),
        ({"name": "G. H.", "linkedin_url": "http://linkedin.com/in/Grace/"}, "same LinkedIn URL"),
        ({"name": "grace  hoppér", "organisation": "NAVY labs"}, "same name and organisation"),
    ],
)
def test_a_look_alike_of_an_existing_contact_is_offered_not_duplicated(alice, held, typed, reason):
    grace = add_contact(
        alice,
        ContactDetails(
            name="Grace Hopper",
            organisation="Navy Labs",
            emails=("grace@navy.example",),
            linkedin_url="https://www.linkedin.com/in/grace",
        ),
    )
    details = DebriefDetails(memorable=("A detail",), referrals=(referral(**typed),))
    with pytest.raises(PossibleDuplicate, match="Already in your contacts") as refused:
        save_debrief(alice, held, details)
    assert refused.value.candidates == {0: (Match(grace, reason),)}
    assert Contact.objects.count() == 2
    assert not Note.objects.exists()

    linked = replace(details, referrals=(replace(details.referrals[0], link_to=grace),))
    done = save_debrief(alice, held, linked)
    assert Contact.objects.count() == 2
    assert Referral.objects.get().to_contact == grace
    assert done.linked_contacts == [grace] and done.new_contacts == []


def test_a_look_alike_can_be_added_as_someone_new(alice, held):
    add_contact(alice, ContactDetails(name="Sam"))
    save_debrief(alice, held, DebriefDetails(referrals=(referral("Sam", add_new=True),)))
    assert Contact.objects.filter(name="Sam").count() == 2


def test_another_users_contacts_are_never_offered(alice, bob, held):
    add_contact(bob, ContactDetails(name="Grace Hopper"))
    save_debrief(alice, held, DebriefDetails(referrals=(referral(),)))
    assert Contact.objects.for_owner(alice).filter(name="Grace Hopper").exists()


def test_linking_to_another_users_contact_is_refused(alice, bob, held):
    stranger = add_contact(bob, ContactDetails(name="Grace Hopper"))
    with pytest.raises(InvalidInput, match="not yours"):
        save_debrief(alice, held, DebriefDetails(referrals=(referral(link_to=stranger),)))


@pytest.mark.parametrize("status", ["planned", "live", "cancelled", "no_show"])
def test_a_chat_not_held_has_no_debrief(alice, chat, status):
    Chat.objects.filter(pk=chat.pk).update(status=status)
    chat.refresh_from_db()
    with pytest.raises(InvalidInput, match=f"This chat is {chat.get_status_display().lower()}"):
        save_debrief(alice, chat, DebriefDetails(memorable=("Nice",)))
    assert not Note.objects.exists()


def test_a_failing_referral_leaves_nothing_written(alice, held):
    ada = held.contact
    details = DebriefDetails(
        memorable=("They started in retail",),
        next_steps=(StepDetails("Read their paper", due_on=date(2030, 1, 9)),),
        referrals=(referral("Linus Pauling"), referral("X" * 201)),
        talk_share=40,
    )
    with pytest.raises(InvalidInput, match="at most 200") as refused:
        save_debrief(alice, held, details)
    assert refused.value.field == "referrals.1.name"
    held.refresh_from_db()
    assert held.talk_share is None
    assert not Note.objects.exists()
    assert not NextStep.objects.exists()
    assert not FollowUp.objects.exclude(kind="thank_you").exists()
    assert list(Contact.objects.all()) == [ada]
    assert not Referral.objects.exists()


def test_a_bad_next_step_names_its_row(alice, held):
    details = DebriefDetails(next_steps=(StepDetails("Fine"), StepDetails("Mine", side="both")))
    with pytest.raises(InvalidInput) as refused:
        save_debrief(alice, held, details)
    assert refused.value.field == "next_steps.1.side"
    assert not NextStep.objects.exists()


def test_a_talk_share_over_100_is_refused(alice, held):
    with pytest.raises(InvalidInput, match="0 to 100"):
        save_debrief(alice, held, DebriefDetails(talk_share=120))
