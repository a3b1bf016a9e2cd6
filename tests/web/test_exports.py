from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.web.conftest import make_chat, make_contact, text_of

DOWNLOADS = [
    ("/export/coffeechat.json", "application/json", "coffeechat.json"),
    ("/export/contacts.csv", "text/csv; charset=utf-8; header=present", "contacts.csv"),
    ("/export/contacts.vcf", "text/vcard; charset=utf-8", "contacts.vcf"),
    ("/export/chats.ics", "text/calendar; charset=utf-8", "chats.ics"),
]
URLS = [url for url, _, _ in DOWNLOADS]


def test_the_export_page_links_every_download(alice_client):
    response = alice_client.get("/export/")
    assert response.status_code == 200
    page = text_of(response)
    assert "<h1>Export your data</h1>" in page
    for url in URLS:
        assert f'href="{url}"' in page


def test_preferences_link_to_the_export_page(alice_client):
    page = text_of(alice_client.get("/preferences/"))
    assert 'href="/export/">Export your data</a>' in page


@pytest.mark.parametrize(("url", "content_type", "filename"), DOWNLOADS)
def test_each_download_is_an_attachment_of_its_type(alice_client, url, content_type, filename):
    response = alice_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("url", URLS)
def test_bobs_download_never_holds_alices_contacts(alice, bob, bob_client, url):
    make_chat(alice, make_contact(alice, "Alice Secretfriend"))
    make_chat(bob, make_contact(bob, "Bob Openfriend"))
    body = bob_client.get(url).content.decode("utf-8")
    assert "Secretfriend" not in body
    assert "Openfriend" in body


def test_the_json_download_is_the_whole_export(alice, alice_client):
    make_contact(alice, "Ada Lovelace")
    document = json.loads(alice_client.get("/export/coffeechat.json").content)
    assert document["format"] == "coffeechat"
    assert [c["name"] for c in document["contacts"]] == ["Ada Lovelace"]


def test_the_csv_download_neutralises_formulas(alice, alice_client):
    make_contact(alice, '=HYPERLINK("https://evil.example","Click")')
    body = alice_client.get("/export/contacts.csv").content.decode("utf-8")
    assert '"\'=HYPERLINK(""https://evil.example"",""Click"")"' in body


@pytest.mark.parametrize("url", ["/export/", *URLS])
def test_a_signed_out_visitor_is_sent_to_sign_in(db, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/")


@pytest.mark.parametrize("url", ["/export/", *URLS])
def test_posting_is_refused(alice_client, url):
    assert alice_client.post(url).status_code == 405
