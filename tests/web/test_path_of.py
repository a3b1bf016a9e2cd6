"""{% path_of %}: the path {% url %} gives for a page named by codes, worked out faster."""

from __future__ import annotations

import re
import uuid

import pytest
from django.template import Context, Template
from django.urls import get_resolver, reverse, set_script_prefix

from coffeechat.web.templatetags.coffeechat import path_of


def pages_named_by_one_code() -> list[str]:
    """Every page of the web app whose only part of the address is one code (a UUID)."""
    namespace = get_resolver().namespace_dict["web"][1]
    names = []
    for name in namespace.reverse_dict:
        if not isinstance(name, str):
            continue
        ((_, pattern, _, converters),) = namespace.reverse_dict.getlist(name)[:1]
        if len(converters) == 1 and all(
            type(converter).__name__ == "UUIDConverter" for converter in converters.values()
        ):
            names.append(f"web:{name}")
    return sorted(names)


def test_there_are_pages_named_by_one_code():
    assert {"web:chat", "web:contact", "web:follow_up", "web:prep"} <= set(
        pages_named_by_one_code()
    )


@pytest.mark.parametrize("name", pages_named_by_one_code())
def test_it_gives_the_path_url_gives(name):
    code = uuid.uuid4()
    assert path_of(name, code) == reverse(name, args=[code])


def test_it_follows_the_prefix_the_app_is_served_under():
    code = uuid.uuid4()
    set_script_prefix("/coffee/")
    try:
        assert (
            path_of("web:chat", code)
            == f"/coffee/chats/{code}/"
            == reverse("web:chat", args=[code])
        )
    finally:
        set_script_prefix("/")
    assert path_of("web:chat", code) == f"/chats/{code}/"


def test_a_code_given_as_text_goes_through_url_as_before():
    code = str(uuid.uuid4())
    assert path_of("web:chat", code) == reverse("web:chat", args=[code])


def test_in_a_template_it_draws_what_url_draws():
    code = uuid.uuid4()
    drawn = Template(
        "{% load coffeechat %}"
        "<a href=\"{% path_of 'web:follow_up' code %}\">"
        "{% path_of 'web:follow_up_snooze' code as action %}{{ action }}"
    ).render(Context({"code": code}))
    expected = Template(
        "<a href=\"{% url 'web:follow_up' code %}\">"
        "{% url 'web:follow_up_snooze' code as action %}{{ action }}"
    ).render(Context({"code": code}))
    assert drawn == expected
    assert re.search(rf'href="/follow-ups/{code}/"', drawn)
