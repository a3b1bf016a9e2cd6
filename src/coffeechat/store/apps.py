from __future__ import annotations

from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "coffeechat.store"
    label = "coffeechat"
    verbose_name = "coffeechat"
    default_auto_field = "django.db.models.BigAutoField"
