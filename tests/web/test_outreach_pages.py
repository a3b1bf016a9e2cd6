"""The outreach list a page at a time: the most urgent waiting requests first, counts exact."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.db.models.signals import post_init
from django.urls import reverse

from coffeechat.services.outreach import log_outreach, record_reply
from coffeechat.store.models import Contact, Outreach
from coffeechat.web.views.outreach import WAITING_PER_PAGE
from tests.web.conftest import NOW, count_queries, make_contact, text_of

LIST = reverse("web:outreach")


def waiting(owner, name: str, days_ago: float) -> Outreach:
    contact = make_contact(owner, name, organisation=f"{name} Ltd")
    return log_outreach(owner, contact, "Hello?", sent_at=NOW - timedelta(days=days_ago))


def fresh(owner, count: int, prefix: str = "Fresh") -> None:
    # Sent yesterday (a Sunday): nothing due for days.
    for number in range(count):
        waiting(owner, f"{prefix} {number:02}", 1)


def names(page: str) -> list[str]:
    return re.findall(r'<span class="row__title">([^<]+)</span>', page)


def test_the_most_urgent_requests_come_first_and_the_rest_a_page_away(alice, alice_client):
    # Sent first, so the newest-first order of before put it last, on the second page.
    waiting(alice, "Overdue Nudge", 14)  # 10 business days: the nudge is due
    waiting(alice, "Second Person", 6)  # 4 business days: time to try someone else there
    fresh(alice, WAITING_PER_PAGE + 3)
    total = WAITING_PER_PAGE + 5
    first = text_of(alice_client.get(LIST))
    shown = names(first)
    assert shown[:2] == ["Overdue Nudge", "Second Person"]
    assert len(shown) == WAITING_PER_PAGE
    assert f'<span class="outreach__count">{total}</span>' in first
    assert "2 with something to do now" in first
    assert "Page 1 of 2" in first and "page=2" in first
    second = names(text_of(alice_client.get(LIST + "?page=2")))
    assert len(second) == total - WAITING_PER_PAGE
    assert set(shown) | set(second) == {
        "Overdue Nudge",
        "Second Person",
        *(f"Fresh {number:02}" for number in range(WAITING_PER_PAGE + 3)),
    }


def test_a_page_past_the_end_shows_the_last_one(alice, alice_client):
    fresh(alice, WAITING_PER_PAGE + 2)
    last = text_of(alice_client.get(LIST + "?page=99"))
    assert "Page 2 of 2" in last and len(names(last)) == 2
    assert "Page 1 of 2" in text_of(alice_client.get(LIST + "?page=nonsense"))


def test_no_page_shows_another_persons_requests(alice, alice_client, bob):
    fresh(bob, 3, prefix="Bobs")
    fresh(alice, WAITING_PER_PAGE + 1)
    pages = [text_of(alice_client.get(LIST + f"?page={number}")) for number in (1, 2)]
    assert not any("Bobs" in page for page in pages)
    assert f'<span class="outreach__count">{WAITING_PER_PAGE + 1}</span>' in pages[0]


def test_a_request_whose_wait_is_over_is_closed_and_leaves_the_waiting_count(alice, alice_client):
    over = waiting(alice, "Long Gone", 40)
    fresh(alice, 2)
    page = text_of(alice_client.get(LIST))
    assert '<span class="outreach__count">2</span>' in page
    assert "Closed without an answer" in page and "Long Gone" in page
    assert Outreach.objects.get(pk=over.pk).status == Outreach.Status.CLOSED


def test_more_requests_than_a_page_take_as_many_queries_as_two(alice, alice_client):
    fresh(alice, 2)
    waiting(alice, "Due Once", 6)
    few = count_queries(alice_client, LIST)
    fresh(alice, WAITING_PER_PAGE * 2, prefix="More")
    for number in range(5):
        waiting(alice, f"Due {number}", 6 + number)
    assert count_queries(alice_client, LIST) == few
    assert count_queries(alice_client, LIST + "?page=3") == few
    assert len(names(text_of(alice_client.get(LIST)))) == WAITING_PER_PAGE


@contextmanager
def instances_built(model) -> Iterator[list]:
    """The instances of ``model`` built while the block runs."""
    built: list = []

    def count(sender, instance, **kwargs):
        built.append(instance)

    post_init.connect(count, sender=model)
    try:
        yield built
    finally:
        post_init.disconnect(count, sender=model)


def test_the_list_reads_the_contacts_of_the_rows_it_shows_only(alice, alice_client):
    # Hundreds of requests wait in a big network; building each one's contact and organisation
    # cost more than the rest of the page, which shows a page of them.
    fresh(alice, WAITING_PER_PAGE + 10)
    with instances_built(Contact) as built:
        page = text_of(alice_client.get(LIST))
    assert len(names(page)) == WAITING_PER_PAGE
    assert len(built) == WAITING_PER_PAGE
    # Same order as before: nothing is due, so by when the next timer fires, then by name.
    assert names(page) == [f"Fresh {number:02}" for number in range(WAITING_PER_PAGE)]
    assert "Fresh 00 Ltd" in page


def test_the_list_builds_the_requests_it_shows_only(alice, alice_client):
    # The rest are counted and sorted from plain values: building hundreds of requests cost
    # more than the page that shows a few of them.
    fresh(alice, WAITING_PER_PAGE + 10)
    for name in ("Draft One", "Draft Two"):
        log_outreach(alice, make_contact(alice, name), "Hello?")
    answered = waiting(alice, "Said Yes", 3)
    record_reply(alice, answered, replied_at=NOW - timedelta(days=2))
    with instances_built(Outreach) as built:
        page = text_of(alice_client.get(LIST))
    shown = names(page)
    assert sorted(shown[:2]) == ["Draft One", "Draft Two"]
    assert shown[2 : 2 + WAITING_PER_PAGE] == [f"Fresh {n:02}" for n in range(WAITING_PER_PAGE)]
    assert shown[-1] == "Said Yes"
    assert f'<span class="outreach__count">{WAITING_PER_PAGE + 10}</span>' in page
    assert len(built) == len(shown) == 2 + WAITING_PER_PAGE + 1
