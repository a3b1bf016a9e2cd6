"""Imports keep what a contact file carries (issue 17 point 4): websites, email addresses as
written, dates kept as written, rows with only an email; and plain refusals for the wrong file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.exports import write_vcard
from coffeechat.services.imports import ImportProblem, import_file, undo_batch
from coffeechat.services.merge import merge_contacts
from coffeechat.store.models import Contact

LINKEDIN = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position",
            "Connected On"]  # fmt: skip
GOOGLE = ["First Name", "Last Name", "Labels", "E-mail 1 - Value", "Website 1 - Value"]
ADA_CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEMAIL:Ada.Lovelace@Example.ORG\r\n"
    "URL:https://example.org/profile?id=1,2\r\nitem1.URL:ada.example\r\n"
    "URL;TYPE=x-linkedin:https://www.linkedin.com/in/ada\r\nEND:VCARD\r\n"
)


def csv_text(header: list[str], *rows: list[str], preamble: str = "") -> str:
    out = io.StringIO()
    out.write(preamble)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@pytest.fixture
def write(tmp_path):
    def write(name: str, content: str) -> Path:
        path = tmp_path / name
        path.write_text(content, encoding="utf-8", newline="")
        return path

    return write


def contacts(owner):
    return Contact.objects.for_owner(owner).active()


def test_a_vcards_websites_and_email_as_written_are_stored(alice, write):
    report = import_file(alice, "vcard", write("ada.vcf", ADA_CARD))
    assert report.new == 1
    ada = contacts(alice).get()
    assert ada.websites == ["https://example.org/profile?id=1,2", "https://ada.example"]
    assert ada.linkedin_url == "https://www.linkedin.com/in/ada"
    assert ada.emails == ["Ada.Lovelace@example.org"]


def test_reimporting_our_own_vcard_export_adds_no_contact_and_no_website(alice, write):
    import_file(alice, "vcard", write("ada.vcf", ADA_CARD))
    out = io.StringIO()
    write_vcard(alice, out)
    assert "URL:https://example.org/profile?id=1,2\r\n" in out.getvalue()
    report = import_file(alice, "vcard", write("export.vcf", out.getvalue()))
    assert (report.new, report.updated, report.unchanged) == (0, 0, 1)
    ada = contacts(alice).get()
    assert ada.websites == ["https://example.org/profile?id=1,2", "https://ada.example"]


def test_a_matched_contact_gains_new_websites_once_and_undo_takes_them_back(alice, write):
    add_contact(
        alice,
        ContactDetails(name="Ada", emails=("ada@example.org",), websites=("https://ada.example/",)),
    )
    text = csv_text(
        GOOGLE,
        ["Ada", "", "", "ADA@example.org", "http://ada.example ::: https://blog.ada.example"],
    )
    report = import_file(alice, "google", write("google.csv", text))
    assert (report.new, report.updated) == (0, 1)  # matched without case
    ada = contacts(alice).get()
    assert ada.websites == ["https://ada.example/", "https://blog.ada.example"]
    assert ada.emails == ["ada@example.org"]
    undo_batch(alice, report.batch_code)
    ada.refresh_from_db()
    assert ada.websites == ["https://ada.example/"]


def test_an_unreadable_connected_on_date_is_kept_in_how_we_met_and_named_in_the_preview(
    alice, write
):
    text = csv_text(
        LINKEDIN,
        ["Ada", "Lovelace", "", "", "", "", "15-Jan-24"],
        ["Alan", "Turing", "", "", "", "", "sometime in May"],
        preamble="Notes:\r\n\r\n",
    )
    report = import_file(alice, "linkedin", write("Connections.csv", text), dry_run=True)
    assert [(item.line, item.reason[:40]) for item in report.left_out] == [
        (5, 'The "Connected On" date "sometime in May'),
    ]
    import_file(alice, "linkedin", write("Connections.csv", text))
    assert contacts(alice).get(name="Ada Lovelace").how_we_met == (
        "Connected on LinkedIn on 15 Jan 2024"
    )
    assert contacts(alice).get(name="Alan Turing").how_we_met == (
        "Connected on LinkedIn: sometime in May"
    )


def test_a_google_row_with_only_an_email_comes_in_under_the_address(alice, write):
    text = csv_text(GOOGLE, ["", "", "", "Omega@Example.com", ""])
    report = import_file(alice, "google", write("google.csv", text))
    assert (report.new, len(report.skipped)) == (1, 0)
    assert report.left_out[0].line == 2
    assert report.left_out[0].reason.startswith("No name was given, so this contact was imported")
    omega = contacts(alice).get()
    assert (omega.name, omega.emails) == ("Omega@example.com", ["Omega@example.com"])


def test_a_calendar_given_as_a_vcard_is_refused_with_where_to_import_it(alice, write):
    calendar = "BEGIN:VCALENDAR\r\nVERSION:1.0\r\nBEGIN:VEVENT\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    with pytest.raises(ImportProblem, match="looks like a calendar") as caught:
        import_file(alice, "vcard", write("diary.vcs", calendar))
    assert "Calendar page" in str(caught.value)
    assert not contacts(alice).exists()


def test_a_damaged_csv_is_refused_in_plain_words(alice, write):
    text = csv_text(GOOGLE, ["Ada", "", "", "", ""]) + '"Alan,"",\r\n' + "x" * 140_000
    with pytest.raises(ImportProblem) as caught:
        import_file(alice, "google", write("google.csv", text))
    message = str(caught.value)
    assert "near line" in message
    assert "field limit" not in message and "(131072)" not in message


def test_merging_two_contacts_unions_their_websites(alice):
    kept = add_contact(alice, ContactDetails(name="Ada", websites=("https://ada.example",)))
    other = add_contact(
        alice,
        ContactDetails(name="A. Lovelace", websites=("http://ADA.example/", "https://b.example")),
    )
    merge_contacts(alice, kept.code, other.code, {})
    kept.refresh_from_db()
    assert kept.websites == ["https://ada.example", "https://b.example"]
