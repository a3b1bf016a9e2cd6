from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from coffeechat.core.contact_keys import email_key
from coffeechat.services.chats import ChatPlan, add_note, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.errors import InvalidInput, NotFound
from coffeechat.services.followups import add_follow_up, add_next_step
from coffeechat.services.merge import (
    BOTH,
    FIELD_NAMES,
    HANDLED_BY_HAND,
    KEEP,
    MOVED,
    OTHER,
    merge_candidates,
    merge_contacts,
    merge_plan,
    survivor_of,
)
from coffeechat.services.network import add_opportunity, add_referral
from coffeechat.services.outreach import log_outreach
from coffeechat.store.models import (
    Chat,
    Contact,
    ContactKey,
    FollowUp,
    ImportBatch,
    ImportRow,
    NextStep,
    Note,
    Opportunity,
    Outreach,
    Referral,
)

NOW = datetime(2030, 1, 9, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def person(owner, name: str = "Ada Lovelace", **details) -> Contact:
    return add_contact(owner, ContactDetails(name=name, **details))


def everything_of(owner, contact: Contact, *, day: int) -> None:
    """One row of every kind that hangs off a contact."""
    starts = NOW - timedelta(days=day)
    chat = plan_chat(
        owner, ChatPlan(contact, starts, agreed_minutes=20, buffer_minutes=0), allow_overlap=True
    )
    add_note(owner, contact, f"Note on day {day}", chat=chat, taken_at=starts)
    add_note(owner, contact, f"Loose note on day {day}", taken_at=starts)
    add_next_step(owner, contact, f"Send the article of day {day}", chat=chat)
    add_follow_up(owner, contact, "thank_you", starts + timedelta(days=1), chat=chat)
    add_opportunity(owner, contact, "lead", f"Lead {day}", arose_on=date(2030, 1, 1))
    log_outreach(owner, contact, "Could we talk?", sent_at=starts - timedelta(days=3))
    batch = ImportBatch.objects.create(owner=owner, source="vcard", file_name="a.vcf")
    ImportRow.objects.create(owner=owner, batch=batch, line=day, outcome="new", contact=contact)


def counts(owner, contact: Contact) -> dict[str, int]:
    return {
        "chats": Chat.objects.filter(owner=owner, contact=contact).count(),
        "notes": Note.objects.filter(owner=owner, contact=contact).count(),
        "steps": NextStep.objects.filter(owner=owner, contact=contact).count(),
        "follow-ups": FollowUp.objects.filter(owner=owner, contact=contact).count(),
        "opportunities": Opportunity.objects.filter(owner=owner, contact=contact).count(),
        "outreaches": Outreach.objects.filter(owner=owner, contact=contact).count(),
        "import rows": ImportRow.objects.filter(owner=owner, contact=contact).count(),
    }


def test_every_relation_to_a_contact_is_handled_by_the_merge():
    # A new foreign key to Contact fails here until merge.py says what happens to its rows.
    relations = {
        (relation.related_model, relation.field.name) for relation in Contact._meta.related_objects
    }
    handled = {(moved.model, moved.field) for moved in MOVED} | set(HANDLED_BY_HAND)
    assert relations == handled


def test_every_row_of_both_ends_up_on_the_kept_contact(alice):
    kept, other = person(alice), person(alice, "Ada King")
    everything_of(alice, kept, day=2)
    everything_of(alice, other, day=5)
    everything_of(alice, other, day=9)
    before = {
        key: counts(alice, kept)[key] + counts(alice, other)[key] for key in counts(alice, kept)
    }

    merged = merge_contacts(alice, kept.code, other.code, {})

    assert counts(alice, kept) == before
    assert set(counts(alice, other).values()) == {0}
    assert merged.moved["chats"] == 2
    assert merged.moved["notes"] == 4
    assert merged.moved["imported records"] == 2
    # Chats stay linked to their own notes and follow-ups.
    for chat in Chat.objects.filter(contact=kept):
        assert set(chat.notes.values_list("contact", flat=True)) == {kept.pk}
        assert set(chat.follow_ups.values_list("contact", flat=True)) == {kept.pk}


def test_the_other_contact_stays_as_a_tombstone_that_lists_leave_out(alice):
    kept, other = person(alice), person(alice, "Ada King")
    merge_contacts(alice, kept.code, other.code, {})
    other.refresh_from_db()
    assert other.merged_into == kept
    assert other.name == "Ada King"  # the tombstone keeps what it was, for exports and old links
    assert list(Contact.objects.for_owner(alice).active()) == [kept]
    assert survivor_of(alice, other) == kept


def test_the_plan_counts_what_will_move(alice):
    kept, other, third = person(alice), person(alice, "Ada King"), person(alice, "Charles")
    everything_of(alice, other, day=5)
    add_referral(alice, other, third)
    plan = merge_plan(alice, kept.code, other.code)
    assert plan.moving_phrases() == [
        "1 chat",
        "2 notes",
        "1 next step",
        "1 referral",
        "1 follow-up",
        "1 opportunity",
        "1 outreach message",
        "1 imported record",
    ]


def test_lists_are_united_with_the_kept_side_first_by_default(alice):
    kept = person(alice, emails=("ada@a.org",), phones=("+44 20 7946 0000",), tags=("maths",))
    other = person(
        alice,
        "Ada King",
        emails=("ADA@a.org", "ada@b.org"),
        phones=("+442079460000", "+33 1 23 45 67 89"),
        tags=("Maths", "poetry"),
    )
    merge_contacts(alice, kept.code, other.code, {})
    kept.refresh_from_db()
    assert kept.emails == ["ada@a.org", "ada@b.org"]
    assert kept.phones == ["+44 20 7946 0000", "+33 1 23 45 67 89"]
    assert kept.tags == ["maths", "poetry"]


def test_a_list_can_be_taken_from_one_side_only(alice):
    kept = person(alice, emails=("old@a.org",), tags=("x",))
    other = person(alice, "Ada King", emails=("new@b.org",), tags=("y",))
    merge_contacts(alice, kept.code, other.code, {"emails": OTHER, "tags": KEEP})
    kept.refresh_from_db()
    assert kept.emails == ["new@b.org"]
    assert kept.tags == ["x"]


def test_single_values_follow_the_choices(alice):
    kept = person(alice, role="Analyst", organisation="Engines", location="London")
    other = person(
        alice,
        "Augusta Ada King",
        role="Countess",
        organisation="Royal Society",
        location="Paris",
        time_zone="Europe/Paris",
        keep_in_touch_days=30,
    )
    merge_contacts(
        alice,
        kept.code,
        other.code,
        {"name": OTHER, "role": KEEP, "organisation": OTHER, "location": KEEP},
    )
    kept.refresh_from_db()
    assert kept.name == "Augusta Ada King"
    assert kept.role == "Analyst"
    assert kept.organisation.name == "Royal Society"
    assert kept.location == "London"
    # Left out: the kept value, unless it is empty.
    assert kept.time_zone == "Europe/Paris"
    assert kept.keep_in_touch_days == 30


def test_differing_texts_are_joined_by_default_and_rendered(alice):
    kept = person(alice, how_we_met="At PyCon.", research_notes="Likes *engines*.")
    other = person(alice, "Ada King", how_we_met="Through Charles.", research_notes="Writes poems.")
    merge_contacts(alice, kept.code, other.code, {"how_we_met": KEEP})
    kept.refresh_from_db()
    assert kept.how_we_met == "At PyCon."
    assert kept.research_notes == "Likes *engines*.\n\nWrites poems."
    assert "<em>engines</em>" in kept.research_notes_html
    assert "Writes poems." in kept.research_notes_html


def test_a_text_that_contains_the_other_is_the_default(alice):
    kept = person(alice, how_we_met="At PyCon.")
    other = person(alice, "Ada King", how_we_met="At PyCon. Then at DjangoCon.")
    plan = merge_plan(alice, kept.code, other.code)
    met = next(c for c in plan.fields if c.field.name == "how_we_met")
    assert [option.choice for option in met.options] == [KEEP, OTHER]
    assert met.default == OTHER


def test_fields_that_agree_need_no_choice(alice):
    kept = person(alice, role="Analyst", emails=("ada@a.org",))
    other = person(alice, role="Analyst", emails=("ada@a.org",), location="London")
    plan = merge_plan(alice, kept.code, other.code)
    assert [c.field.name for c in plan.differing] == ["location"]
    assert plan.defaults() == {"location": OTHER}
    assert set(FIELD_NAMES) == {c.field.name for c in plan.fields}


def test_a_referral_between_the_two_is_removed_not_turned_on_itself(alice):
    kept, other, third = person(alice), person(alice, "Ada King"), person(alice, "Charles")
    add_referral(alice, other, kept)
    add_referral(alice, kept, third)
    plan = merge_plan(alice, kept.code, other.code)
    assert plan.referrals_between == 1
    merged = merge_contacts(alice, kept.code, other.code, {})
    assert merged.referrals_removed == 1
    assert list(Referral.objects.values_list("from_contact", "to_contact")) == [(kept.pk, third.pk)]


def test_referrals_given_and_received_move_and_twins_combine(alice):
    kept, other = person(alice), person(alice, "Ada King")
    charles, mary, sophia = person(alice, "Charles"), person(alice, "Mary"), person(alice, "Sophia")
    add_referral(alice, charles, other, status="met", may_use_name=True)
    add_referral(alice, charles, kept, status="suggested")  # the same introduction, twice
    add_referral(alice, other, mary, status="introduced")
    add_referral(alice, sophia, other)
    plan = merge_plan(alice, kept.code, other.code)
    assert plan.referrals_combined == 1

    merged = merge_contacts(alice, kept.code, other.code, {})

    assert merged.moved["referrals"] == 3
    assert merged.referrals_combined == 1
    pairs = {(row.from_contact_id, row.to_contact_id): row for row in Referral.objects.all()}
    assert set(pairs) == {(charles.pk, kept.pk), (kept.pk, mary.pk), (sophia.pk, kept.pk)}
    combined = pairs[(charles.pk, kept.pk)]
    assert (combined.status, combined.may_use_name) == ("met", True)
    assert pairs[(kept.pk, mary.pk)].status == "introduced"


def test_contacts_merged_into_the_other_now_point_at_the_kept_one(alice):
    kept, other, older = person(alice), person(alice, "Ada King"), person(alice, "A. King")
    merge_contacts(alice, other.code, older.code, {})
    merge_contacts(alice, kept.code, other.code, {})
    older.refresh_from_db()
    assert older.merged_into == kept


def test_an_import_matches_the_kept_contact_by_the_merged_ones_email(alice):
    kept = person(alice, emails=("ada@a.org",))
    other = person(
        alice, "Augusta King", emails=("countess@b.org",), linkedin_url="https://linkedin.com/in/ak"
    )
    merge_contacts(alice, kept.code, other.code, {})
    owners_of = ContactKey.objects.for_owner(alice).values_list("contact", flat=True)
    assert list(owners_of.filter(key="em:" + email_key("Countess@B.org"))) == [kept.pk]
    assert list(owners_of.filter(key="li:in/ak")) == [kept.pk]
    # The tombstone's name is no longer a key: nothing matches it.
    assert not ContactKey.objects.filter(contact=other).exists()


def test_it_refuses_to_merge_a_contact_with_itself(alice):
    ada = person(alice)
    with pytest.raises(InvalidInput, match="with itself"):
        merge_contacts(alice, ada.code, ada.code, {})


def test_it_refuses_a_contact_already_merged(alice):
    kept, other, third = person(alice), person(alice, "Ada King"), person(alice, "Charles")
    merge_contacts(alice, kept.code, other.code, {})
    with pytest.raises(InvalidInput, match="Ada King was already merged into Ada Lovelace"):
        merge_contacts(alice, third.code, other.code, {})
    with pytest.raises(InvalidInput, match="already merged"):
        merge_plan(alice, other.code, third.code)


def test_another_users_contact_is_not_found(alice, bob):
    mine, theirs = person(alice), person(bob)
    everything_of(bob, theirs, day=3)
    with pytest.raises(NotFound):
        merge_contacts(alice, mine.code, theirs.code, {})
    with pytest.raises(NotFound):
        merge_plan(bob, mine.code, theirs.code)
    with pytest.raises(NotFound):
        merge_plan(alice, mine.code, "not-a-code")
    assert counts(bob, theirs)["chats"] == 1
    assert Contact.objects.get(pk=theirs.pk).merged_into is None


def test_a_merge_never_moves_another_users_rows(alice, bob):
    kept, other = person(alice), person(alice, "Ada King")
    theirs = person(bob)
    everything_of(bob, theirs, day=3)
    before = counts(bob, theirs)
    merge_contacts(alice, kept.code, other.code, {})
    assert counts(bob, theirs) == before


@pytest.mark.parametrize(
    ("choices", "field", "message"),
    [
        ({"role": BOTH}, "role", "Role: choose the kept contact's or the other contact's"),
        ({"emails": "mine"}, "emails", "'mine' is not one of them"),
        ({"password": KEEP}, None, "no field called 'password'"),
    ],
)
def test_a_bad_choice_changes_nothing(alice, choices, field, message):
    kept = person(alice, role="Analyst", emails=("a@a.org",))
    other = person(alice, "Ada King", role="Countess", emails=("b@b.org",))
    everything_of(alice, other, day=4)
    with pytest.raises(InvalidInput, match=message) as refused:
        merge_contacts(alice, kept.code, other.code, choices)
    assert refused.value.field == field
    kept.refresh_from_db()
    other.refresh_from_db()
    assert (kept.role, kept.emails, other.merged_into) == ("Analyst", ["a@a.org"], None)
    assert counts(alice, other)["chats"] == 1


def test_a_failure_half_way_leaves_everything_as_it_was(alice, monkeypatch):
    kept, other = person(alice), person(alice, "Ada King", role="Countess")
    everything_of(alice, other, day=4)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("coffeechat.services.merge._move_referrals", broken)
    with pytest.raises(RuntimeError):
        merge_contacts(alice, kept.code, other.code, {})
    assert counts(alice, other)["chats"] == 1
    kept.refresh_from_db()
    assert kept.role == ""


def test_a_snoozed_reminder_stays_snoozed(alice):
    kept, other = person(alice), person(alice, "Ada King")
    Contact.objects.filter(pk=other.pk).update(reminders_snoozed_until=NOW + timedelta(days=9))
    merge_contacts(alice, kept.code, other.code, {})
    kept.refresh_from_db()
    assert kept.reminders_snoozed_until == NOW + timedelta(days=9)


def test_candidates_are_active_contacts_sharing_a_key_likeliest_first(alice, bob):
    ada = person(alice, emails=("ada@a.org",), linkedin_url="https://www.linkedin.com/in/ada/")
    by_name = person(alice, "ADA  lovelace")
    by_email = person(alice, "Countess", emails=("Ada@A.org",))
    by_profile = person(alice, "A. L.", linkedin_url="https://uk.linkedin.com/in/Ada")
    person(alice, "Charles")
    gone = person(alice, "Ada Lovelace")
    merge_contacts(alice, by_name.code, gone.code, {})
    person(bob, "Ada Lovelace", emails=("ada@a.org",))

    found = merge_candidates(alice, ada)

    assert [(c.contact, c.reasons) for c in found] == [
        (by_profile, ("same LinkedIn profile",)),
        (by_email, ("same email",)),
        (by_name, ("same name",)),
    ]
