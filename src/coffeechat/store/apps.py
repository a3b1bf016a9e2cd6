from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _repair_search(sender, using, **kwargs) -> None:
    from django.db import connections

    from coffeechat.store.search import repair

    repair(connections[using])


class StoreConfig(AppConfig):
    name = "coffeechat.store"
    label = "coffeechat"
    verbose_name = "coffeechat"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Migrations that rebuild a table on SQLite drop its search triggers; put them back.
        post_migrate.connect(_repair_search, sender=self, dispatch_uid="coffeechat-search-repair")
