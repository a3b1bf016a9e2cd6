"""The helpers every views module shares: here, where a "next" page may lead."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from coffeechat.web.shortcuts import LONGEST_NEXT, go_back, next_path

factory = RequestFactory()


@pytest.mark.parametrize(
    "target", ["/", "/chats/", "/#who-do-i-owe", "/contacts/?q=ada&page=2", "/a\\b/"]
)
def test_a_path_of_this_site_is_taken(target):
    assert next_path(factory.post("/x/", {"next": target})) == target
    assert next_path(factory.get("/x/", {"next": target})) == target


@pytest.mark.parametrize(
    "target",
    [
        "",
        "foo",
        "web:home",
        "chats/",
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "/\t/evil.example/",
        "/\n/evil.example/",
        "/chats/\x00",
        " /chats/",
        "javascript:alert(1)",
        "/" + "a" * LONGEST_NEXT,
    ],
)
def test_anything_else_is_not(target):
    assert next_path(factory.post("/x/", {"next": target})) == ""


def test_going_back_falls_back_to_a_named_page_or_a_path():
    assert go_back(factory.post("/x/", {"next": "/chats/"}), "web:home")["Location"] == "/chats/"
    assert go_back(factory.post("/x/", {"next": "foo"}), "web:home")["Location"] == "/"
    assert go_back(factory.post("/x/"), "/next-steps/")["Location"] == "/next-steps/"
