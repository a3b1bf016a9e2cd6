"""Owner-scoped query sets: the one way views and services reach a user's rows."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Self, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db import models

from coffeechat.core import chat_limits

if TYPE_CHECKING:
    # Named as strings in the base classes below (the models import this module).
    from coffeechat.store.models import Chat, Contact, FollowUp  # noqa: F401
    from coffeechat.store.owners import Owner

# The model whose rows a query set returns.
_M = TypeVar("_M", bound=models.Model)


class OwnedQuerySet(models.QuerySet[_M]):
    # Self: a method of ContactQuerySet or ChatQuerySet chains after for_owner().
    def for_owner(self, owner: Owner | AnonymousUser | None) -> Self:
        """Only the rows that belong to ``owner``; an anonymous owner sees nothing."""
        if owner is None or not getattr(owner, "is_authenticated", False):
            return self.none()
        return self.filter(owner=owner)


class ContactQuerySet(OwnedQuerySet["Contact"]):
    def active(self) -> Self:
        """Contacts that have not been merged into another one."""
        return self.filter(merged_into__isnull=True)


# The longest a chat plus its buffer may last, so a look-up for chats reaching into a window
# only scans that far back (kept here too for the modules that import it from the store).
LONGEST_BUFFERED_CHAT = chat_limits.LONGEST_BUFFERED_CHAT


class ChatQuerySet(OwnedQuerySet["Chat"]):
    def reaching_into(self, start: datetime, end: datetime) -> Self:
        """Planned or live chats whose buffered span may overlap ``[start, end)``.

        A candidate list: callers compare the exact spans, which need each chat's minutes.
        """
        return self.filter(
            status__in=("planned", "live"),
            starts_at__lt=end,
            starts_at__gt=start - LONGEST_BUFFERED_CHAT,
        ).select_related("contact")

    def starting_between(self, start: datetime, end: datetime) -> Self:
        return self.filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at")

    def upcoming(self, now: datetime) -> Self:
        return self.filter(starts_at__gte=now, status__in=("planned", "live")).order_by("starts_at")

    def past(self, now: datetime) -> Self:
        return self.filter(starts_at__lt=now).order_by("-starts_at")


class FollowUpQuerySet(OwnedQuerySet["FollowUp"]):
    def open(self) -> Self:
        return self.filter(sent_at__isnull=True, dismissed_at__isnull=True)

    def due_by(self, moment: datetime) -> Self:
        """Open follow-ups due at or before ``moment``, soonest first (overdue ones lead)."""
        return self.open().filter(due_at__lte=moment).order_by("due_at")


OwnedManager = models.Manager.from_queryset(OwnedQuerySet)
ContactManager = models.Manager.from_queryset(ContactQuerySet)
ChatManager = models.Manager.from_queryset(ChatQuerySet)
FollowUpManager = models.Manager.from_queryset(FollowUpQuerySet)
