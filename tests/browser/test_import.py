"""Importing LinkedIn connections from the web, end to end: upload the file, read the preview,
confirm it, find the people among the contacts, undo it, and find them gone.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
# Surnames the demo network never uses, so a search finds exactly these people.
CONNECTIONS = (
    "Notes:\r\n"
    '"Some e-mail addresses may be missing: people choose whether LinkedIn shares theirs."\r\n'
    "\r\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    "Philippa,Importwell,https://www.linkedin.com/in/philippa-importwell,,Harbour Lab,"
    "Researcher,15 Mar 2024\r\n"
    'Octavia,Importwell,https://www.linkedin.com/in/octavia-importwell,,"Loom, Thread & Co",'
    "Weaver,2 Apr 2024\r\n"
    ",,https://www.linkedin.com/in/no-name,,,,\r\n"
)


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_upload_preview_confirm_and_undo(owner, coffeechat_server, artifacts, tmp_path):
    connections = tmp_path / "Connections.csv"
    connections.write_text(CONNECTIONS, encoding="utf-8")
    page = owner.new_page()
    base = coffeechat_server.base_url

    page.goto(base + "/contacts/")
    page.get_by_role("link", name="Import contacts").click()
    expect(page.get_by_role("heading", name="Import contacts", level=1)).to_be_visible()
    page.get_by_label("LinkedIn connections").check()
    page.get_by_label("File", exact=True).set_input_files(connections)
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("heading", name="Check before importing")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/import/[0-9a-f-]{36}/$"))
    expect(page.get_by_text("2 + 0 + 0 + 1 = 3 records in Connections.csv.")).to_be_visible()
    expect(page.get_by_text("no first or last name")).to_be_visible()
    page.screenshot(path=artifacts / "import-preview-1280.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=artifacts / "import-preview-375.png", full_page=True)
    assert fits_the_screen(page), "the preview scrolls sideways at 375 px"
    page.set_viewport_size(DESKTOP)
    batch_url = page.url

    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_text("Imported Connections.csv: 2 new")).to_be_visible()
    expect(page.get_by_role("link", name="Philippa Importwell")).to_be_visible()
    page.screenshot(path=artifacts / "import-applied-1280.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=artifacts / "import-applied-375.png", full_page=True)
    assert fits_the_screen(page), "the result page scrolls sideways at 375 px"
    page.set_viewport_size(DESKTOP)

    page.goto(base + "/contacts/?q=Importwell")
    expect(page.get_by_role("link", name="Philippa Importwell")).to_be_visible()
    expect(page.get_by_role("link", name="Octavia Importwell")).to_be_visible()

    page.goto(batch_url)
    page.get_by_role("button", name=re.compile("^Undo this import")).click()
    expect(page.get_by_text("removed 2 contacts it added")).to_be_visible()
    expect(page.get_by_role("heading", name="Undone: Connections.csv")).to_be_visible()

    page.goto(base + "/contacts/?q=Importwell")
    expect(page.get_by_text("Nobody matches")).to_be_visible()

    page.goto(base + "/import/")
    expect(page.get_by_role("link", name=re.compile("Connections.csv"))).to_be_visible()
    page.screenshot(path=artifacts / "import-page-1280.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=artifacts / "import-page-375.png", full_page=True)
    assert fits_the_screen(page), "the import page scrolls sideways at 375 px"
    page.close()
