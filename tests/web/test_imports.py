from __future__ import annotations

import codecs

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from coffeechat.services.imports import UndoReport, stage_upload
from coffeechat.store.models import Contact, ImportBatch
from coffeechat.web.views.imports import undo_message
from tests.web.conftest import count_queries, make_contact, make_note, text_of

PREAMBLE = (
    "Notes:\r\n"
    '"When you export your connections, some e-mail addresses may be missing: only people '
    'who allow it share theirs."\r\n'
    "\r\n"
)
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
ADA = (
    "Ada,Lovelace,https://www.linkedin.com/in/ada-lovelace,,Analytical Engines,Programmer,"
    "15 Mar 2024\r\n"
)
GRACE = (
    "Grace,Hopper,https://www.linkedin.com/in/grace-hopper,grace@example.com,US Navy,"
    "Rear Admiral,01 Apr 2024\r\n"
)
NAMELESS = ",,https://www.linkedin.com/in/someone,,Somewhere,,\r\n"
# Lines: 1-3 preamble, 4 header, 5 Ada, 6 Grace, 7 the row without a name.
CONNECTIONS = (PREAMBLE + HEADER + ADA + GRACE + NAMELESS).encode()

VCARDS = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Katherine Johnson\r\nN:Johnson;Katherine;;;\r\n"
    b"ORG:NASA\r\nTITLE:Mathematician\r\nEMAIL:katherine@example.com\r\nEND:VCARD\r\n"
)
GOOGLE = (
    b"First Name,Last Name,Organization Name,Organization Title,E-mail 1 - Value\r\n"
    b"Dorothy,Vaughan,NASA,Supervisor,dorothy@example.com\r\n"
)


def upload(client, data: bytes, source: str = "linkedin", name: str = "Connections.csv"):
    return client.post(
        "/import/upload/", {"source": source, "file": SimpleUploadedFile(name, data)}
    )


def staged(owner, data: bytes = CONNECTIONS, source: str = "linkedin") -> ImportBatch:
    batch, _preview = stage_upload(owner, source, "Connections.csv", data)
    return batch


def names(owner) -> list[str]:
    return sorted(Contact.objects.for_owner(owner).values_list("name", flat=True))


def test_the_page_explains_where_each_file_comes_from(alice_client):
    response = alice_client.get("/import/")
    assert response.status_code == 200
    page = text_of(response)
    assert "Get a copy of your data" in page and "Connections" in page
    assert "contacts.google.com" in page and "Google CSV" in page
    assert "vCard" in page and ".vcf" in page
    assert 'enctype="multipart/form-data"' in page
    # LinkedIn is chosen until the user picks another source.
    assert 'value="linkedin" id="id_source_0" required checked' in page
    assert "No imports yet" in page


def test_an_upload_shows_a_preview_and_imports_nothing_yet(alice, alice_client):
    response = upload(alice_client, CONNECTIONS)
    assert response.status_code == 302
    batch = ImportBatch.objects.for_owner(alice).get()
    assert response.url == f"/import/{batch.code}/"
    page = text_of(alice_client.get(response.url))
    assert "Check before importing" in page
    assert "2 + 0 + 0 + 1 = 3 records in Connections.csv." in page
    assert "Line 7</span>: no first or last name" in page
    assert "Confirm import" in page and "Discard this file" in page
    assert names(alice) == []


def test_confirming_imports_the_contacts_and_lists_them(alice, alice_client):
    batch = staged(alice)
    response = alice_client.post(f"/import/{batch.code}/confirm/", follow=True)
    page = text_of(response)
    assert "Imported Connections.csv: 2 new, 0 updated, 0 unchanged and 1 skipped." in page
    assert names(alice) == ["Ada Lovelace", "Grace Hopper"]
    ada = Contact.objects.for_owner(alice).get(name="Ada Lovelace")
    assert f'href="/contacts/{ada.code}/">Ada Lovelace</a>' in page
    assert "Undo this import: remove 2 added, restore 0 updated" in page


def test_undoing_removes_what_the_import_added(alice, alice_client):
    batch = staged(alice)
    alice_client.post(f"/import/{batch.code}/confirm/")
    response = alice_client.post(f"/import/{batch.code}/undo/", follow=True)
    page = text_of(response)
    assert "Undid the import of Connections.csv: removed 2 contacts it added" in page
    assert "Undone: Connections.csv" in page
    assert names(alice) == []


def test_undo_keeps_an_added_contact_that_gained_a_note_and_says_so(alice, alice_client):
    batch = staged(alice)
    alice_client.post(f"/import/{batch.code}/confirm/")
    make_note(alice, Contact.objects.for_owner(alice).get(name="Grace Hopper"))
    page = text_of(alice_client.post(f"/import/{batch.code}/undo/", follow=True))
    assert "removed 1 contact it added" in page
    assert "Kept 1 it added, because they have chats, notes" in page
    assert "Grace Hopper." in page
    assert names(alice) == ["Grace Hopper"]


def test_confirming_or_undoing_twice_changes_nothing_and_says_why(alice, alice_client):
    batch = staged(alice)
    alice_client.post(f"/import/{batch.code}/confirm/")
    response = alice_client.post(f"/import/{batch.code}/confirm/", follow=True)
    assert 'class="message message--error"' in text_of(response)
    assert names(alice) == ["Ada Lovelace", "Grace Hopper"]
    alice_client.post(f"/import/{batch.code}/undo/")
    response = alice_client.post(f"/import/{batch.code}/undo/", follow=True)
    assert 'class="message message--error"' in text_of(response)
    assert names(alice) == []
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE


def test_discarding_a_staged_file_forgets_it(alice, alice_client):
    batch = staged(alice)
    response = alice_client.post(f"/import/{batch.code}/discard/", follow=True)
    assert "Discarded Connections.csv; nothing was imported from it." in text_of(response)
    assert not ImportBatch.objects.for_owner(alice).exists()
    assert names(alice) == []


def test_a_staged_import_that_lost_its_file_can_only_be_discarded(alice, alice_client):
    batch = staged(alice)
    ImportBatch.objects.filter(pk=batch.pk).update(staged_file=None)
    page = text_of(alice_client.get(f"/import/{batch.code}/"))
    assert "upload it again" in page
    assert "Confirm import" not in page and "Discard this file" in page


def test_a_reimport_shows_who_changed_organisation_or_title(alice, alice_client):
    make_contact(
        alice,
        "Ada Lovelace",
        organisation="Babbage & Co",
        role="Translator",
        linkedin_url="https://www.linkedin.com/in/ada-lovelace",
    )
    batch = staged(alice)
    preview = text_of(alice_client.get(f"/import/{batch.code}/"))
    assert "1 + 1 + 0 + 1 = 3 records" in preview
    alice_client.post(f"/import/{batch.code}/confirm/")
    result = text_of(alice_client.get(f"/import/{batch.code}/"))
    for page in (preview, result):
        assert "Who changed organisation or title" in page
        assert '<span class="was">Babbage &amp; Co</span>' in page
        assert "becomes</span> Analytical Engines" in page
        assert '<span class="was">Translator</span>' in page


def test_a_long_list_of_skips_starts_folded_and_pages(alice, alice_client):
    data = (PREAMBLE + HEADER + ADA + NAMELESS * 60).encode()
    url = f"/import/{staged(alice, data).code}/"
    page = text_of(alice_client.get(url))
    assert '<details class="import-skips">' in page
    assert "60 records will be left out" in page
    assert "Page 1 of 2" in page and "?skips=2#skips" in page
    second = text_of(alice_client.get(url + "?skips=2"))
    assert '<details class="import-skips" open>' in second
    assert "Line 65</span>" in second and "Line 55</span>" not in second


@pytest.mark.parametrize(
    ("source", "name", "data", "who"),
    [
        ("vcard", "contacts.vcf", VCARDS, "Katherine Johnson"),
        ("google", "contacts.csv", GOOGLE, "Dorothy Vaughan"),
    ],
)
def test_google_and_vcard_files_import_the_same_way(alice, alice_client, source, name, data, who):
    response = upload(alice_client, data, source=source, name=name)
    assert response.status_code == 302
    assert "1 + 0 + 0 + 0 = 1 record in" in text_of(alice_client.get(response.url))
    alice_client.post(response.url + "confirm/")
    assert names(alice) == [who]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "The file is empty"),
        (b"<!doctype html><title>LinkedIn</title><p>Sign in", "not LinkedIn"),
        # UTF-16 by its byte-order mark, but cut off in the middle of a character.
        (codecs.BOM_UTF16_LE + "First Name,Last".encode("utf-16-le") + b"\x00", "UTF-16"),
    ],
)
def test_a_bad_file_is_refused_on_the_form_with_the_source_kept(alice, alice_client, data, words):
    response = upload(alice_client, data, source="linkedin")
    assert response.status_code == 400
    page = text_of(response)
    assert words in page
    assert "Nothing was imported" in page
    assert 'value="linkedin" id="id_source_0" required checked' in page
    assert not ImportBatch.objects.for_owner(alice).exists()


def test_a_google_file_given_as_linkedin_keeps_the_choice_made(alice, alice_client):
    response = upload(alice_client, GOOGLE, source="google", name="Connections.csv")
    # A Google file read as Google works; the same bytes sent as vCard are refused, vCard kept.
    assert response.status_code == 302
    response = upload(alice_client, GOOGLE, source="vcard", name="contacts.csv")
    assert response.status_code == 400
    assert 'value="vcard" id="id_source_2" required checked' in text_of(response)


def test_a_file_over_the_limit_is_dropped_as_it_arrives_with_a_clear_message(
    alice, alice_client, monkeypatch
):
    # The real limit is tens of megabytes; a small one shows the same path without the memory.
    monkeypatch.setattr("coffeechat.web.views.imports.MAX_IMPORT_BYTES", 2000)
    response = upload(alice_client, CONNECTIONS + b"x" * 5000, source="google")
    assert response.status_code == 400
    page = text_of(response)
    assert "Connections.csv is larger than" in page
    assert "Choose the file to import" not in page
    assert 'value="google" id="id_source_1" required checked' in page
    assert not ImportBatch.objects.for_owner(alice).exists()


def test_a_missing_file_or_source_is_named(alice_client):
    response = alice_client.post("/import/upload/", {})
    assert response.status_code == 400
    page = text_of(response)
    assert "Choose where the file comes from." in page
    assert "Choose the file to import." in page


def test_another_users_import_does_not_exist_for_them(alice, alice_client, bob_client):
    batch = staged(alice)
    assert bob_client.get(f"/import/{batch.code}/").status_code == 404
    for action in ("confirm", "discard", "undo"):
        assert bob_client.post(f"/import/{batch.code}/{action}/").status_code == 404
    alice_client.post(f"/import/{batch.code}/confirm/")
    assert bob_client.post(f"/import/{batch.code}/undo/").status_code == 404
    assert names(alice) == ["Ada Lovelace", "Grace Hopper"]


def test_every_post_needs_the_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = upload(client, CONNECTIONS)
    assert response.status_code == 403
    assert not ImportBatch.objects.for_owner(alice).exists()
    batch = staged(alice)
    for action in ("confirm", "discard", "undo"):
        assert client.post(f"/import/{batch.code}/{action}/").status_code == 403
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.STAGED


def test_actions_refuse_a_get(alice, alice_client):
    batch = staged(alice)
    assert alice_client.get("/import/upload/").status_code == 405
    assert alice_client.get(f"/import/{batch.code}/confirm/").status_code == 405


def test_the_history_lists_each_import_with_a_constant_number_of_queries(alice, alice_client):
    staged(alice)
    few = count_queries(alice_client, "/import/")
    for _ in range(4):
        staged(alice)
    applied = staged(alice)
    alice_client.post(f"/import/{applied.code}/confirm/")
    # The confirmation's message waits in the session; showing it costs queries of its own.
    alice_client.get("/import/")
    assert count_queries(alice_client, "/import/") == few
    page = text_of(alice_client.get("/import/"))
    assert page.count('<span class="row__title">Connections.csv</span>') == 6
    assert "Waiting for confirmation" in page and "Imported" in page


def test_the_result_page_lists_new_contacts_with_a_constant_number_of_queries(alice, alice_client):
    small = staged(alice, (PREAMBLE + HEADER + ADA).encode())
    alice_client.post(f"/import/{small.code}/confirm/")
    few = count_queries(alice_client, f"/import/{small.code}/")
    rows = "".join(
        f"Person,Number{i},https://www.linkedin.com/in/p{i},,Org {i},Role,\r\n" for i in range(30)
    )
    big = staged(alice, (PREAMBLE + HEADER + rows).encode())
    alice_client.post(f"/import/{big.code}/confirm/")
    assert count_queries(alice_client, f"/import/{big.code}/") == few


def test_contacts_and_export_pages_lead_to_the_import(alice, alice_client):
    assert 'href="/import/"' in text_of(alice_client.get("/contacts/"))
    make_contact(alice)
    assert "Import contacts" in text_of(alice_client.get("/contacts/"))
    assert "Bring contacts in" in text_of(alice_client.get("/export/"))


def test_the_undo_message_names_who_was_kept_and_who_was_merged_into():
    message = undo_message(
        "c.csv", UndoReport(removed=1, restored=0, kept=("Grace",), merged=("A. Lovelace",))
    )
    assert "removed 1 contact it added" in message
    assert "Kept 1 it added" in message and "Grace" in message
    assert "merged into them since: A. Lovelace." in message


def test_the_preview_lists_values_that_will_be_left_out(alice, alice_client):
    data = CONNECTIONS.replace(b"https://www.linkedin.com/in/ada-lovelace", b"javascript:alert(1)")
    batch = staged(alice, data)
    page = text_of(alice_client.get(f"/import/{batch.code}/"))
    assert "2 + 0 + 0 + 1 = 3 records in Connections.csv." in page
    assert "Imported, with a note" in page
    assert (
        "Line 5</span>: The LinkedIn address &quot;javascript:alert(1)&quot; was left out" in page
    )
    assert 'href="javascript' not in page
