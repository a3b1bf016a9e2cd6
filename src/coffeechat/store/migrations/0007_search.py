"""The full-text search index over contacts, organisations and notes, kept by triggers."""

from django.db import migrations

from coffeechat.store import search


def create_index(apps, schema_editor):
    """Create the index and its triggers for this database, and index what is there already."""
    search.install(schema_editor.connection)


def drop_index(apps, schema_editor):
    search.uninstall(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("coffeechat", "0006_imports_and_contact_keys"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
