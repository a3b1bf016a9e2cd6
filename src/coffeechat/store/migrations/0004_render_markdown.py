"""Fill the *_html fields of rows written before notes and prep were rendered on save."""

from __future__ import annotations

from django.db import migrations

from coffeechat.core.markdown import render

BATCH = 500

# Model name -> (Markdown source field, stored HTML field) pairs.
FIELDS = {
    "Note": (("text", "text_html"),),
    "Contact": (("research_notes", "research_notes_html"),),
    "Chat": (
        ("research_notes", "research_notes_html"),
        ("hypothesis", "hypothesis_html"),
        ("ask", "ask_html"),
    ),
}


def render_model(model, pairs) -> int:
    """Render every row of ``model`` in primary-key batches; return how many rows changed."""
    sources = [source for source, _ in pairs]
    targets = [target for _, target in pairs]
    changed = 0
    last_pk = 0
    while True:
        # Keyset paging: fixed memory however many rows, and no OFFSET rescans.
        rows = list(
            model.objects.filter(pk__gt=last_pk).order_by("pk").only("pk", *sources, *targets)[
                :BATCH
            ]
        )
        if not rows:
            return changed
        dirty = []
        for row in rows:
            fresh = {target: render(getattr(row, source) or "") for source, target in pairs}
            if any(getattr(row, target) != html for target, html in fresh.items()):
                for target, html in fresh.items():
                    setattr(row, target, html)
                dirty.append(row)
        if dirty:
            # bulk_update leaves updated_at alone: rendering is not an edit by the user.
            model.objects.bulk_update(dirty, targets)
            changed += len(dirty)
        last_pk = rows[-1].pk


def render_existing(apps, schema_editor) -> None:
    for name, pairs in FIELDS.items():
        render_model(apps.get_model("coffeechat", name), pairs)


class Migration(migrations.Migration):
    dependencies = [
        ("coffeechat", "0003_prep_and_markdown"),
    ]

    operations = [
        # Going back keeps the HTML: the fields still exist after 0003 and stay valid.
        migrations.RunPython(render_existing, migrations.RunPython.noop, elidable=True),
    ]
