"""Typed look-ups in a model's fields, for the code that walks models (backup, restore, bulk).

django-stubs types ``_meta.get_field`` as any kind of field, reverse relations and generic keys
included, and ``related_model`` as possibly ``"self"`` or None. The callers here name only
columns of the table and foreign keys to other models, so the narrower types below are true.
"""

from __future__ import annotations

from typing import Any, cast

from django.db import models


def column(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The field ``name`` of ``model``: a column of its table (a plain field or a foreign key)."""
    return cast("models.Field[Any, Any]", model._meta.get_field(name))


def related_model(model: type[models.Model], name: str) -> type[models.Model]:
    """The model the foreign key ``name`` of ``model`` points at."""
    return cast("type[models.Model]", model._meta.get_field(name).related_model)
