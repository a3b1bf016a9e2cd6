from __future__ import annotations

import pytest

from coffeechat.core.outreach_lint import Options, Verdict, lint
from coffeechat.core.outreach_templates import (
    AFTER_TEMPLATE,
    DEFAULT_TEMPLATE,
    FALLBACKS,
    PLACEHOLDERS,
    TEMPLATE_IDS,
    TEMPLATES,
    TemplateError,
    fill,
    render,
    template_named,
)

# What a user would put in "What you share with them" for each situation.
CONNECTIONS = {
    "suggested": "Ana Silva",
    "shared": "the Leeds geography course",
    "met": "the PyData London meetup",
    "admire": "your article on open data in local government",
    "second": "the Leeds alumni network",
}
VALUES = {
    "first_name": "Maria",
    "organisation": "Acme",
    "interest": "how you moved from teaching into data engineering",
    "my_name": "Priya Natarajan",
}


def rendered(template):
    connection = CONNECTIONS[template.id] if template.uses_connection else ""
    return render(template, {**VALUES, "connection": connection}), connection


@pytest.mark.parametrize("template", TEMPLATES, ids=TEMPLATE_IDS)
def test_every_filled_template_passes_every_rule_of_the_linter(template):
    filled, connection = rendered(template)
    report = lint(filled.body, Options(connection=connection))
    verdicts = {result.rule.id: (result.verdict, result.detail) for result in report.results}
    assert all(verdict is Verdict.PASS for verdict, _ in verdicts.values()), verdicts
    assert report.words <= 100


@pytest.mark.parametrize("template", TEMPLATES, ids=TEMPLATE_IDS)
def test_every_template_names_its_situation_and_fills_every_placeholder(template):
    assert template.name and template.use_when and template.connection_hint
    filled, _ = rendered(template)
    assert "{" not in filled.subject + filled.body
    assert "Maria" in filled.body and filled.body.endswith("Priya Natarajan")
    assert filled.subject


def test_the_templates_have_distinct_ids_and_the_defaults_exist():
    assert len(set(TEMPLATE_IDS)) == len(TEMPLATES) >= 4
    assert template_named(DEFAULT_TEMPLATE).id == "admire"
    assert template_named(AFTER_TEMPLATE).id == "second"


def test_an_unknown_template_is_refused_with_the_ones_there_are():
    with pytest.raises(TemplateError, match="suggested, shared"):
        template_named("pigeon")


def test_empty_values_take_a_fallback_that_shows_what_is_missing():
    filled = render(template_named("suggested"), {})
    assert filled.body.startswith("Hi there,")
    assert FALLBACKS["connection"] in filled.body
    assert filled.body.endswith("Thank you,")


def test_only_known_placeholders_are_filled_and_nothing_is_evaluated():
    assert set(FALLBACKS) == set(PLACEHOLDERS)
    with pytest.raises(TemplateError, match="not something we can fill in"):
        fill("Hi {first_name.__class__}", VALUES)
    with pytest.raises(TemplateError, match="brace is not closed"):
        fill("Hi {first_name", VALUES)


def test_a_value_with_braces_is_inserted_as_typed():
    assert fill("Hi {first_name}", {"first_name": "{my_name}"}) == "Hi {my_name}"
