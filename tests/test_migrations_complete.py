"""The migrations describe the models as they stand: a model change without its migration fails
here, on both engines, before a user's `coffeechat` finds the missing column."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command


def test_the_models_need_no_new_migration(db):
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(
            "The models changed without a migration: run `python -m django makemigrations` "
            "(DJANGO_SETTINGS_MODULE=coffeechat.settings) and commit it.\n" + out.getvalue(),
            pytrace=False,
        )
    assert "No changes detected" in out.getvalue()
