from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _repair_triggers(sender, using, **kwargs) -> None:
    from django.db import connections

    from coffeechat.store import funnel_stage, search, stamps

    for store in (search, stamps, funnel_stage):
        store.repair(connections[using])


class StoreConfig(AppConfig):
    name = "coffeechat.store"
    label = "coffeechat"
    verbose_name = "coffeechat"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Migrations that rebuild a table on SQLite drop its triggers (search, network stamps,
        # funnel stages): put them back (store.triggers).
        post_migrate.connect(
            _repair_triggers, sender=self, dispatch_uid="coffeechat-trigger-repair"
        )
