from __future__ import annotations

import pytest

from coffeechat.services.chats import ChatPlan, add_note, plan_chat
from coffeechat.services.contacts import (
    ContactDetails,
    add_contact,
    change_contact,
    find_contacts,
    remove_contact,
)
from coffeechat.services.errors import InvalidInput
from coffeechat.store.models import Chat, Contact, Note, Organisation


def test_it_adds_a_contact_with_clean_details(alice):
    contact = add_contact(
        alice,
        ContactDetails(
            name="  Ada   Lovelace ",
            role=" Analyst ",
            organisation="Analytical Engines",
            emails=("ADA@Example.org", "ada@example.org", ""),
            phones=(" +44 7700 900123 ",),
            time_zone="Europe/London",
            tags=("maths", "Maths", "mentor"),
        ),
    )
    assert contact.name == "Ada Lovelace"
    assert contact.role == "Analyst"
    assert contact.organisation.name == "Analytical Engines"
    # The local part as written, the domain in lower case; a repeat differing in case dropped.
    assert contact.emails == ["ADA@example.org"]
    assert contact.phones == ["+44 7700 900123"]
    assert contact.tags == ["maths", "mentor"]
    assert contact.owner == alice


def test_it_reuses_an_organisation_whatever_its_case(alice):
    first = add_contact(alice, ContactDetails(name="Ada", organisation="Acme Labs"))
    second = add_contact(alice, ContactDetails(name="Bea", organisation="  ACME   labs "))
    assert first.organisation == second.organisation
    assert Organisation.objects.for_owner(alice).count() == 1


def test_it_keeps_organisations_apart_between_users(alice, bob):
    mine = add_contact(alice, ContactDetails(name="Ada", organisation="Acme"))
    theirs = add_contact(bob, ContactDetails(name="Bea", organisation="Acme"))
    assert mine.organisation != theirs.organisation


def test_a_blank_organisation_means_none(alice):
    assert add_contact(alice, ContactDetails(name="Ada", organisation="  ")).organisation is None


@pytest.mark.parametrize(
    ("details", "field", "message"),
    [
        (ContactDetails(name="   "), "name", "Give the contact a name."),
        (ContactDetails(name="x" * 201), "name", "at most 200 characters"),
        (ContactDetails(name="Ada", time_zone="Mars/Olympus"), "time_zone", "not a time zone"),
        (ContactDetails(name="Ada", organisation="o" * 201), "organisation", "at most 200"),
        (
            ContactDetails(name="Ada", emails=("ada@example.org, evil@example.com",)),
            "emails",
            '"ada@example.org, evil@example.com" is not one email address',
        ),
        (
            ContactDetails(name="Ada", emails=("ada@example.org\r\nBcc: evil@example.com",)),
            "emails",
            "line break",
        ),
        (
            ContactDetails(name="Ada", linkedin_url="javascript:alert(1)"),
            "linkedin_url",
            "must start with http:// or https://",
        ),
    ],
)
def test_it_refuses_details_it_cannot_use(alice, details, field, message):
    with pytest.raises(InvalidInput) as refused:
        add_contact(alice, details)
    assert refused.value.field == field
    assert message in refused.value.message
    assert not Contact.objects.exists()


def test_it_changes_a_contact_and_moves_them_to_another_organisation(alice):
    contact = add_contact(alice, ContactDetails(name="Ada", organisation="Acme", role="Analyst"))
    change_contact(alice, contact, ContactDetails(name="Ada King", organisation="Babbage & Co"))
    contact.refresh_from_db()
    assert contact.name == "Ada King"
    assert contact.role == ""
    assert contact.organisation.name == "Babbage & Co"


def test_it_refuses_to_change_someone_elses_contact(alice, bob):
    contact = add_contact(bob, ContactDetails(name="Bea"))
    with pytest.raises(InvalidInput):
        change_contact(alice, contact, ContactDetails(name="Mine now"))
    contact.refresh_from_db()
    assert contact.name == "Bea"


def test_removing_a_contact_removes_their_chats_and_notes(alice):
    from datetime import UTC, datetime

    contact = add_contact(alice, ContactDetails(name="Ada"))
    chat = plan_chat(alice, ChatPlan(contact, datetime(2030, 1, 7, 10, tzinfo=UTC)))
    add_note(alice, contact, "Likes tea", chat=chat)
    remove_contact(alice, contact)
    assert not Contact.objects.exists()
    assert not Chat.objects.exists()
    assert not Note.objects.exists()


def test_it_refuses_to_remove_someone_elses_contact(alice, bob):
    contact = add_contact(bob, ContactDetails(name="Bea"))
    with pytest.raises(InvalidInput):
        remove_contact(alice, contact)
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_finding_matches_every_word_and_hides_other_peoples_contacts(alice, bob):
    add_contact(alice, ContactDetails(name="Ada Lovelace", organisation="Analytical"))
    add_contact(alice, ContactDetails(name="Ada Byron", tags=("poetry",)))
    add_contact(bob, ContactDetails(name="Ada Bob"))
    assert [c.name for c in find_contacts(alice, "ada")] == ["Ada Byron", "Ada Lovelace"]
    assert [c.name for c in find_contacts(alice, "ada analytical")] == ["Ada Lovelace"]
    assert [c.name for c in find_contacts(alice, "poetry")] == ["Ada Byron"]
    assert [c.name for c in find_contacts(bob, "")] == ["Ada Bob"]


@pytest.mark.parametrize("days", [0, -3, 3651])
def test_a_keep_in_touch_cadence_outside_one_day_to_ten_years_is_refused(alice, days):
    with pytest.raises(InvalidInput, match="Keep in touch every 1 to 3650 days"):
        add_contact(alice, ContactDetails(name="Ada", keep_in_touch_days=days))


def test_a_bare_linkedin_address_gets_https_as_the_form_gives_it(alice):
    contact = add_contact(alice, ContactDetails(name="Ada", linkedin_url=" linkedin.com/in/ada "))
    assert contact.linkedin_url == "https://linkedin.com/in/ada"
