"""Helpers for the view tests: a fixed clock, rows made through services, query counting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coffeechat.services.chats import ChatPlan, add_note, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact

# A Monday morning; every view test starts here so "today" and "upcoming" never depend on
# when the suite runs.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock(time_machine):
    # Autouse fixtures run first, so the signed-in clients' sessions start at this time too. The
    # clock stands still, so countdowns read exactly ("3 h left", not "2 h 59 min left").
    time_machine.move_to(NOW, tick=False)
    return NOW


def make_contact(owner, name: str = "Ada Lovelace", **details):
    return add_contact(owner, ContactDetails(name=name, **details))


def make_chat(owner, contact, starts_at: datetime | None = None, **plan):
    starts_at = starts_at or NOW + timedelta(days=1)
    return plan_chat(
        owner, ChatPlan(contact=contact, starts_at=starts_at, **plan), allow_overlap=True
    )


def make_note(owner, contact, text: str = "They moved from teaching to data.", **kwargs):
    return add_note(owner, contact, text, **kwargs)


def count_queries(client, url: str) -> int:
    """How many SQL queries one GET of ``url`` runs; the page must answer 200."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def text_of(response) -> str:
    return response.content.decode()
