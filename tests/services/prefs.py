"""Set a test user's preferences through the service, changing only what a test names."""

from __future__ import annotations

from dataclasses import fields

from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.preferences import PreferenceChoices, update_preferences


def set_preferences(user, **changes) -> None:
    current = ensure_preferences(user)
    values = {field.name: getattr(current, field.name) for field in fields(PreferenceChoices)}
    update_preferences(user, PreferenceChoices(**{**values, **changes}))
