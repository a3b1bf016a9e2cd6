"""``coffeechat invite``: invitations from the server's command line, the first admin's too."""

from __future__ import annotations

import dataclasses
import re

import pytest
from django.test import Client

from coffeechat.services import invitations
from coffeechat.services.accounts import ensure_preferences
from coffeechat.store.models import Invitation
from tests.services.test_invitations import received

LINK = re.compile(r"https://coffee\.example\.edu/join/([A-Za-z0-9_-]+)/")
PASSWORD = "a long walk by the river"


@pytest.fixture
def server(settings, db):
    settings.CONFIG = dataclasses.replace(
        settings.CONFIG, mode="server", allowed_hosts=["coffee.example.edu", "10.0.0.5"]
    )
    settings.COFFEECHAT_MODE = "server"
    settings.COFFEECHAT_SMTP = None
    return settings


def test_the_first_administrator_is_invited_from_the_command_line(server, run):
    result = run("invite", "Ops@Example.edu", "--admin")
    assert result.exit_code == 0, result.output
    assert "Invited ops@example.edu as admin. Send them this link:" in result.output
    secret = LINK.search(result.output).group(1)
    user = invitations.accept(secret, PASSWORD)
    assert user.is_staff
    client = Client()
    assert client.login(username="ops@example.edu", password=PASSWORD)


def test_a_coach_invitation(server, run):
    result = run("invite", "kim@example.edu", "--coach")
    assert result.exit_code == 0, result.output
    user = invitations.accept(LINK.search(result.output).group(1), PASSWORD)
    assert ensure_preferences(user).is_coach
    assert not user.is_staff


def test_with_a_mail_server_the_link_goes_by_email(server, run, mail_server):
    result = run("invite", "sam@example.edu")
    assert result.exit_code == 0, result.output
    assert "on its way by email" in result.output
    assert LINK.search(result.output) is None
    (message,) = received(mail_server)
    assert message["To"] == "sam@example.edu"
    assert LINK.search(message.get_content())


def test_no_email_prints_the_link_even_with_a_mail_server(server, run, mail_server):
    result = run("invite", "sam@example.edu", "--no-email", "--site", "https://cc.example.org/")
    assert "https://cc.example.org/join/" in result.output
    assert received(mail_server) == []


def test_inviting_again_replaces_the_link(server, run):
    first = LINK.search(run("invite", "sam@example.edu").output).group(1)
    second = LINK.search(run("invite", "sam@example.edu").output).group(1)
    assert first != second
    assert Invitation.objects.count() == 1
    with pytest.raises(invitations.InvitationRejected):
        invitations.invitation_for(first)


@pytest.mark.parametrize("address", ["sam", "sam@a.org,kim@b.org"])
def test_a_bad_address_is_refused_plainly(server, run, address):
    result = run("invite", address)
    assert result.exit_code == 1
    assert "Error:" in result.output
    assert "Traceback" not in result.output
    assert not Invitation.objects.exists()


def test_an_address_with_an_account_is_refused(server, run, alice):
    result = run("invite", "alice@example.com")
    assert result.exit_code == 1
    assert "has an account already" in result.output


def test_without_a_plain_allowed_host_it_asks_for_the_site(server, run, settings):
    settings.CONFIG = dataclasses.replace(settings.CONFIG, allowed_hosts=[".example.edu"])
    result = run("invite", "sam@example.edu")
    assert result.exit_code == 1
    assert "--site" in result.output
    assert not Invitation.objects.exists()


def test_a_local_coffeechat_has_nobody_to_invite(run, db):
    result = run("invite", "sam@example.edu")
    assert result.exit_code == 1
    assert "one user" in result.output and "COFFEECHAT_MODE=server" in result.output
    assert not Invitation.objects.exists()
