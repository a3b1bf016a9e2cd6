"""One rule for what is owed: the home page, ``coffeechat today`` and ``followups`` agree.

Every kind of due item is built once, with one person per item (tests/cli/owed_kinds.py), then
each surface is read for the names it lists.
"""

from __future__ import annotations

import pytest
from django.test import Client

from coffeechat.services.owed import owed
from tests.cli.owed_kinds import DUE_TODAY, LATER, MORNING, NOWHERE, OVERDUE, build_every_kind


@pytest.fixture
def morning(time_machine):
    time_machine.move_to(MORNING, tick=False)


def names_in(text: str) -> set[str]:
    return {name for name in DUE_TODAY | LATER | NOWHERE if name in text}


def overdue_in(output: str) -> set[str]:
    return names_in("\n".join(line for line in output.splitlines() if "overdue" in line))


def who_do_i_owe(owner) -> str:
    client = Client()
    client.force_login(owner)
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    part = page[page.index('id="who-do-i-owe"') :]
    # What was done lately is a record, not a debt.
    return part.split('id="owed-done"')[0]


def followups_output(run) -> str:
    result = run("followups")
    assert result.exit_code == 0, result.output
    return result.output.split("Done in the last")[0]


def today_output(run) -> str:
    result = run("today")
    assert result.exit_code == 0, result.output
    return result.output


def test_the_rule_lists_what_is_due_today_later_and_nothing_put_aside(owner, morning):
    build_every_kind(owner)
    owing = owed(owner)

    def names(items) -> set[str]:
        found = {item.contact.name for item in items}
        return found | {item.referral.to_contact.name for item in items if item.referral}

    assert names(owing.open_items) == DUE_TODAY | LATER
    assert names(owing.today.open_items) == DUE_TODAY
    assert names(owing.overdue) == OVERDUE


def test_the_home_page_today_and_followups_list_the_same_items(owner, run, morning):
    build_every_kind(owner)
    assert names_in(who_do_i_owe(owner)) == DUE_TODAY | LATER
    assert names_in(followups_output(run)) == DUE_TODAY | LATER
    assert names_in(today_output(run)) == DUE_TODAY


def test_the_three_surfaces_agree_on_what_is_overdue(owner, run, morning):
    build_every_kind(owner)
    assert overdue_in(followups_output(run)) == OVERDUE
    assert overdue_in(today_output(run)) == OVERDUE
    assert f"{len(OVERDUE)} overdue" in who_do_i_owe(owner)
