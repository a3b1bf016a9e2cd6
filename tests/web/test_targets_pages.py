"""The target board a page at a time, in the order asked, with every target counted."""

from __future__ import annotations

import re

from coffeechat.services.targets import add_target
from coffeechat.web.views.targets import TARGETS_PER_PAGE
from tests.web.conftest import count_queries, make_contact, text_of

MORE = 5


def board_names(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/organisations/[^"]+/">([^<]+)</a></th>', page)


def targets(owner, count: int, prefix: str = "Org") -> None:
    # The first five of the first batch are the top five; there are only five.
    top = prefix == "Org"
    for number in range(count):
        name = f"{prefix} {number:02}"
        add_target(owner, name, motivation=1 + number % 3, top_five=top and number < 5)


def test_a_long_board_shows_a_page_and_counts_every_target(alice, alice_client):
    targets(alice, TARGETS_PER_PAGE + MORE)
    first = text_of(alice_client.get("/targets/?sort=name&dir=asc"))
    assert board_names(first) == [f"Org {number:02}" for number in range(TARGETS_PER_PAGE)]
    assert f"{TARGETS_PER_PAGE + MORE} targets · 5 top" in first
    assert "Page 1 of 2" in first
    # The next page keeps the order asked for.
    assert "sort=name&amp;dir=asc&amp;page=2" in first
    second = text_of(alice_client.get("/targets/?sort=name&dir=asc&page=2"))
    assert board_names(second) == [
        f"Org {number:02}" for number in range(TARGETS_PER_PAGE, TARGETS_PER_PAGE + MORE)
    ]


def test_a_page_past_the_end_shows_the_last_one(alice, alice_client):
    targets(alice, TARGETS_PER_PAGE + MORE)
    last = text_of(alice_client.get("/targets/?page=40"))
    assert "Page 2 of 2" in last and len(board_names(last)) == MORE


def test_a_filter_counts_its_matches_and_its_pages_keep_it(alice, alice_client):
    targets(alice, MORE)
    for number in range(TARGETS_PER_PAGE + 1):
        add_target(alice, f"Hiring {number:02}", motivation=2, hiring_signal="active")
    page = text_of(alice_client.get("/targets/?hiring=active"))
    assert f"{TARGETS_PER_PAGE + 1} of {TARGETS_PER_PAGE + 1 + MORE} targets" in page
    assert "Page 1 of 2" in page and "hiring=active&amp;page=2" in page
    last = board_names(text_of(alice_client.get("/targets/?hiring=active&page=2")))
    assert len(last) == 1 and last[0].startswith("Hiring")


def test_no_page_shows_another_persons_targets(alice, alice_client, bob):
    targets(bob, 3, prefix="Bobs")
    targets(alice, TARGETS_PER_PAGE + 1)
    pages = [text_of(alice_client.get(f"/targets/?page={number}")) for number in (1, 2)]
    assert not any("Bobs" in page for page in pages)
    assert sum(len(board_names(page)) for page in pages) == TARGETS_PER_PAGE + 1


def test_more_targets_than_a_page_take_as_many_queries_as_three(alice, alice_client):
    make_contact(alice, "Ada", organisation="Org 00")
    targets(alice, 3)
    few = count_queries(alice_client, "/targets/")
    targets(alice, TARGETS_PER_PAGE * 2, prefix="More")
    assert count_queries(alice_client, "/targets/") == few
    assert count_queries(alice_client, "/targets/?page=3&sort=contacts") == few
    assert len(board_names(text_of(alice_client.get("/targets/")))) == TARGETS_PER_PAGE
