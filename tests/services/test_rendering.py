"""Notes, research notes and prep are rendered once, when saved, and old rows by a migration."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

import pytest
from django.apps import apps

from coffeechat.services.chats import ChatPlan, add_note, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact, change_contact
from coffeechat.services.prep import PrepDetails, save_prep
from coffeechat.services.rendering import rendered
from coffeechat.store.models import Chat, Contact, Note

TEN = datetime(2030, 1, 7, 10, 0, tzinfo=UTC)
PAYLOAD = 'Met at *PyCon* <script>alert("x")</script> [site](javascript:alert(1))'
migration = importlib.import_module("coffeechat.store.migrations.0004_render_markdown")


@pytest.fixture
def ada(alice):
    return add_contact(alice, ContactDetails(name="Ada Lovelace"))


def test_the_helper_renders_markdown_and_treats_none_as_empty():
    assert rendered("*hi*") == "<p><em>hi</em></p>"
    assert rendered(None) == ""


def test_saving_a_note_stores_its_sanitised_html(alice, ada):
    note = add_note(alice, ada, PAYLOAD)
    note.refresh_from_db()
    assert note.text == PAYLOAD
    assert note.text_html.startswith("<p>Met at <em>PyCon</em> &lt;script&gt;")
    assert "<script" not in note.text_html
    assert "href" not in note.text_html


def test_adding_a_contact_stores_their_research_notes_as_html(alice):
    contact = add_contact(alice, ContactDetails(name="Bea", research_notes="- teaches\n- writes"))
    contact.refresh_from_db()
    assert contact.research_notes_html == "<ul>\n<li>teaches</li>\n<li>writes</li>\n</ul>"


def test_changing_a_contacts_research_notes_renders_them_again(alice, ada):
    change_contact(alice, ada, ContactDetails(name="Ada Lovelace", research_notes="**new**"))
    ada.refresh_from_db()
    assert ada.research_notes_html == "<p><strong>new</strong></p>"
    change_contact(alice, ada, ContactDetails(name="Ada Lovelace"))
    ada.refresh_from_db()
    assert ada.research_notes_html == ""


def test_saving_a_chats_prep_stores_each_field_as_html(alice, ada):
    chat = plan_chat(alice, ChatPlan(ada, TEN))
    details = PrepDetails(
        research_notes="Read *the book*", hypothesis="<i>they hire</i>", ask="1. two names"
    )
    save_prep(alice, chat, details)
    chat.refresh_from_db()
    assert chat.research_notes_html == "<p>Read <em>the book</em></p>"
    assert chat.hypothesis_html == "<p>&lt;i&gt;they hire&lt;/i&gt;</p>"
    assert chat.ask_html == "<ol>\n<li>two names</li>\n</ol>"


def _stale_rows(alice, ada):
    """Rows as an older version left them: Markdown saved, no HTML next to it."""
    note = add_note(alice, ada, "*old* note")
    Note.objects.filter(pk=note.pk).update(text_html="")
    Contact.objects.filter(pk=ada.pk).update(research_notes="# Bio", research_notes_html="")
    chat = plan_chat(alice, ChatPlan(ada, TEN))
    Chat.objects.filter(pk=chat.pk).update(
        research_notes="read *the book*", hypothesis="they **hire**", ask="<b>two names</b>"
    )
    return note, chat


def test_the_migration_renders_rows_saved_before_rendering_existed(alice, ada):
    note, chat = _stale_rows(alice, ada)
    migration.render_existing(apps, None)
    note.refresh_from_db()
    ada.refresh_from_db()
    chat.refresh_from_db()
    assert note.text_html == "<p><em>old</em> note</p>"
    assert ada.research_notes_html == "<h3>Bio</h3>"
    assert chat.research_notes_html == "<p>read <em>the book</em></p>"
    assert chat.hypothesis_html == "<p>they <strong>hire</strong></p>"
    assert chat.ask_html == "<p>&lt;b&gt;two names&lt;/b&gt;</p>"


def test_the_migration_works_in_batches_and_leaves_current_rows_alone(alice, ada, monkeypatch):
    monkeypatch.setattr(migration, "BATCH", 2)
    for number in range(5):
        add_note(alice, ada, f"note *{number}*")
    Note.objects.filter(text="note *3*").update(text_html="")
    changed = migration.render_model(Note, migration.FIELDS["Note"])
    assert changed == 1
    assert list(Note.objects.order_by("pk").values_list("text_html", flat=True)) == [
        f"<p>note <em>{number}</em></p>" for number in range(5)
    ]


def test_the_migration_runs_forwards_and_backwards(transactional_db):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([("coffeechat", "0003_prep_and_markdown")])
    executor.loader.build_graph()
    # Back to every latest migration, so later tests find the schema they expect.
    executor.migrate(latest)
    executor.loader.build_graph()
    assert ("coffeechat", "0004_render_markdown") in executor.loader.applied_migrations
