from __future__ import annotations

from coffeechat.services.contacts import ContactDetails, add_contact, find_contacts


def test_a_contact_can_be_added_and_found(alice):
    add_contact(
        alice, ContactDetails(name="Ada Lovelace", organisation="Analytical", emails=("ADA@x.org",))
    )
    assert [c.name for c in find_contacts(alice, "ada@x")] == ["Ada Lovelace"]
    assert [c.name for c in find_contacts(alice, "analyt")] == ["Ada Lovelace"]
