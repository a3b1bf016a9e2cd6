"""Contact keys follow the contacts they describe, however the contact was written."""

from __future__ import annotations

from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.store.models import Contact, ContactKey


def keys_of(contact) -> set[str]:
    return set(ContactKey.objects.filter(contact=contact).values_list("key", flat=True))


def test_a_new_contact_gets_its_keys(alice):
    contact = add_contact(
        alice,
        ContactDetails(
            name="Ada Lovelace", emails=("ada@example.com",), linkedin_url="linkedin.com/in/ada"
        ),
    )
    assert keys_of(contact) == {"li:in/ada", "em:ada@example.com", "nm:ada lovelace"}
    assert set(ContactKey.objects.for_owner(alice).values_list("contact", flat=True)) == {
        contact.pk
    }


def test_an_edit_replaces_the_keys(alice):
    contact = add_contact(alice, ContactDetails(name="Ada", emails=("old@example.com",)))
    contact.emails = ["new@example.com"]
    contact.save()
    assert keys_of(contact) == {"em:new@example.com", "nm:ada"}


def test_saving_other_fields_leaves_the_keys_alone(alice, django_assert_num_queries):
    contact = add_contact(alice, ContactDetails(name="Ada"))
    with django_assert_num_queries(1):
        contact.save(update_fields=["role"])
    assert keys_of(contact) == {"nm:ada"}


def test_deleting_a_contact_deletes_its_keys(alice):
    contact = add_contact(alice, ContactDetails(name="Ada"))
    contact.delete()
    assert not ContactKey.objects.exists()
    assert not Contact.objects.exists()
