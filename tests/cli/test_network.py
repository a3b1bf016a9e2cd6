from __future__ import annotations

from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.network import add_referral


def people(owner, *names: str):
    return [add_contact(owner, ContactDetails(name=name)) for name in names]


def test_an_empty_home_says_how_to_start(owner, run):
    result = run("network")
    assert result.exit_code == 0
    assert result.output.startswith("No contacts yet, so no network.")


def test_it_prints_contacts_per_degree_yield_and_the_longest_chains(owner, run):
    ada, ben, cy, _ = people(owner, "Ada", "Ben", "Cy", "Dee")
    add_referral(owner, ada, ben)
    add_referral(owner, ben, cy)
    result = run("network")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Your network: 4 contacts, 3 degrees deep"
    degrees = lines[lines.index("Contacts per degree") + 1 : lines.index("Referral yield") - 1]
    assert degrees == ["   1st  2  Ada, Dee", "   2nd  1  Ben", "   3rd  1  Cy"]
    assert "  No chats held yet." in lines
    assert lines[-1] == "    3  Ada → Ben → Cy"


def test_long_lists_of_names_are_cut_short(owner, run):
    people(owner, *(f"Person {number:02}" for number in range(30)))
    output = run("network", "--names", "3").output
    assert "  1st  30  Person 00, Person 01, Person 02 and 27 more" in output
    assert "None yet: nobody has referred you on." in output


def test_the_demo_network_runs_four_degrees_deep(owner, run):
    assert run("demo").exit_code == 0
    result = run("network")
    assert result.exit_code == 0, result.output
    assert "4th   1  Rafael Duarte" in result.output
    assert "Amara Okafor → Jonas Lindqvist → Mei Tanaka-Ross → Rafael Duarte" in result.output
    assert "per chat" in result.output
    assert all(len(line) <= 80 for line in result.output.splitlines())


def test_help_carries_an_example(run):
    result = run("network", "--help")
    assert result.exit_code == 0
    assert "coffeechat network --names 20" in result.output
