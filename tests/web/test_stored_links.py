"""Stored web and email addresses in pages: only http(s) goes into an href, whatever is stored.

Rows are changed with ``update()`` to stand for what an older database, a restore or an import
of earlier days may hold: values the forms would refuse today.
"""

from __future__ import annotations

import re

import pytest

from coffeechat.store.models import Chat, Contact, Organisation
from tests.web.conftest import make_chat, make_contact, text_of

PLANTED = [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
]


def hrefs(page: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', page)


def assert_only_safe_links(page: str) -> None:
    for href in hrefs(page):
        assert not re.match(r"\s*(javascript|data|vbscript):", href, re.IGNORECASE), href


@pytest.fixture
def ada(alice):
    return make_contact(alice, "Ada Lovelace", organisation="Analytical Engines")


@pytest.mark.parametrize("planted", PLANTED)
def test_a_contacts_stored_linkedin_address_is_linked_only_when_it_is_http(
    ada, alice_client, planted
):
    Contact.objects.filter(pk=ada.pk).update(linkedin_url=planted)
    page = text_of(alice_client.get(f"/contacts/{ada.code}/"))
    assert_only_safe_links(page)
    assert "LinkedIn" in page  # shown, as text
    Contact.objects.filter(pk=ada.pk).update(linkedin_url="https://www.linkedin.com/in/ada")
    page = text_of(alice_client.get(f"/contacts/{ada.code}/"))
    assert 'href="https://www.linkedin.com/in/ada"' in page


@pytest.mark.parametrize("planted", PLANTED)
def test_an_organisations_stored_website_is_linked_only_when_it_is_http(ada, alice_client, planted):
    Organisation.objects.filter(pk=ada.organisation_id).update(website=planted)
    for url in ("/organisations/", f"/organisations/{ada.organisation.code}/"):
        assert_only_safe_links(text_of(alice_client.get(url)))


def test_a_good_website_is_still_a_link(ada, alice_client):
    Organisation.objects.filter(pk=ada.organisation_id).update(website="https://engines.example")
    page = text_of(alice_client.get("/organisations/"))
    assert '<a href="https://engines.example" rel="noreferrer noopener">engines.example</a>' in page


@pytest.mark.parametrize("planted", PLANTED)
def test_a_chats_stored_link_is_linked_only_when_it_is_http(alice, ada, alice_client, planted):
    chat = make_chat(alice, ada)
    Chat.objects.filter(pk=chat.pk).update(link=planted)
    page = text_of(alice_client.get(f"/chats/{chat.code}/"))
    assert_only_safe_links(page)
    assert "alert(1)" in page or "msgbox" in page or "cookie" in page  # shown, as text


def test_a_stored_list_of_addresses_is_not_one_mailto_link(ada, alice_client):
    Contact.objects.filter(pk=ada.pk).update(
        emails=["ada@example.com, evil@example.com", "a?cc=evil@example.com", "ada@example.org"]
    )
    page = text_of(alice_client.get(f"/contacts/{ada.code}/"))
    mailtos = [href for href in hrefs(page) if href.startswith("mailto:")]
    assert mailtos == ["mailto:a%3Fcc%3Devil@example.com", "mailto:ada@example.org"]
    assert "ada@example.com, evil@example.com" in page  # shown, not linked


def test_a_bare_stored_address_links_with_https_in_front(ada, alice_client):
    Contact.objects.filter(pk=ada.pk).update(linkedin_url="linkedin.com/in/ada")
    page = text_of(alice_client.get(f"/contacts/{ada.code}/"))
    assert (
        'href="https://linkedin.com/in/ada" rel="noreferrer noopener">linkedin.com/in/ada<' in page
    )
