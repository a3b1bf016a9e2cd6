"""Who a message is from: the .eml and SMTP sender, from who the user says they are."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default
from urllib.parse import unquote

import pytest
from aiosmtpd.controller import Controller

from coffeechat.config import SmtpConfig
from coffeechat.services import mail
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.preferences import Identity, save_identity
from tests.services.test_thanks import Inbox, free_port

NOW = datetime(2030, 5, 6, 12, 0, tzinfo=UTC)
SAM = Identity(your_name="Sam Rivera", your_email="sam@rivera.example", signature="Sam")


@pytest.fixture
def maya(alice):
    return add_contact(alice, ContactDetails(name="Maya Okafor", emails=("maya@example.org",)))


@pytest.fixture
def inbox():
    received = Inbox()
    port = free_port()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    yield received, port
    controller.stop()


def eml_of(owner, contact):
    payload = mail.eml(owner, contact, "Thank you, Maya", "Hi Maya,\nThank you.", NOW)
    assert b"example.invalid" not in payload
    return message_from_bytes(payload, policy=default)


def smtp_config(port: int = 1, from_addr: str = "Coffeechat <chats@relay.example>"):
    return SmtpConfig(host="127.0.0.1", port=port, from_addr=from_addr, security="none")


def test_the_eml_is_from_who_you_said_you_are(alice, maya, settings):
    settings.COFFEECHAT_SMTP = None
    save_identity(alice, SAM)
    message = eml_of(alice, maya)
    assert str(message["From"]) == "Sam Rivera <sam@rivera.example>"
    assert message["Reply-To"] is None


@pytest.mark.parametrize("configured", [None, smtp_config()])
def test_without_your_address_the_eml_leaves_the_sender_for_the_mail_program(
    alice, maya, settings, configured
):
    settings.COFFEECHAT_SMTP = configured
    save_identity(alice, Identity(your_name="Sam Rivera"))
    message = eml_of(alice, maya)
    assert message["From"] is None
    assert message["To"].addresses[0].addr_spec == "maya@example.org"
    assert message.get_content().replace("\r\n", "\n") == "Hi Maya,\nThank you.\n"


def test_a_name_alone_signs_but_sends_from_nobody(alice, settings):
    settings.COFFEECHAT_SMTP = None
    save_identity(alice, Identity(your_name="Sam Rivera"))
    assert mail.my_name(alice) == "Sam Rivera"
    assert mail.eml_sender(alice) == ""
    assert mail.sender(alice) == ""


def test_the_name_falls_back_to_the_accounts(alice):
    alice.first_name, alice.last_name = "Alice", "Liddell"
    alice.save()
    assert mail.my_name(alice) == "Alice Liddell"
    save_identity(alice, Identity(your_name="Alice L."))
    assert mail.my_name(alice) == "Alice L."


def test_the_mail_server_sends_from_its_own_address_under_your_name_with_replies_to_you(alice):
    save_identity(alice, SAM)
    sent = mail.smtp_sender(alice, smtp_config())
    assert sent.from_line == "Sam Rivera <chats@relay.example>"
    assert sent.reply_to == "Sam Rivera <sam@rivera.example>"


def test_when_the_server_sends_from_your_address_there_is_no_reply_to(alice):
    save_identity(alice, SAM)
    sent = mail.smtp_sender(alice, smtp_config(from_addr="SAM@rivera.example"))
    assert sent == mail.SmtpSender("Sam Rivera <SAM@rivera.example>")


def test_without_who_you_are_the_server_sends_as_configured(alice):
    sent = mail.smtp_sender(alice, smtp_config())
    assert sent == mail.SmtpSender("Coffeechat <chats@relay.example>")


def test_a_message_sent_through_the_server_carries_your_name_and_reply_to(
    alice, maya, inbox, settings
):
    received_by, port = inbox
    settings.COFFEECHAT_SMTP = smtp_config(port)
    save_identity(alice, SAM)
    mail.send(maya, "Thank you, Maya", "Hi Maya,\nThank you.", NOW)
    [(mail_from, rcpt_tos, content)] = received_by.received
    assert (mail_from, rcpt_tos) == ("chats@relay.example", ["maya@example.org"])
    received = message_from_bytes(content, policy=default)
    assert str(received["From"]) == "Sam Rivera <chats@relay.example>"
    assert str(received["Reply-To"]) == "Sam Rivera <sam@rivera.example>"
    assert b"example.invalid" not in content


def test_the_mailto_link_names_no_sender(alice, maya):
    save_identity(alice, SAM)
    link = unquote(mail.mailto(maya, "Thank you, Maya", "Hi Maya"))
    assert link.startswith("mailto:maya@example.org?")
    assert "from=" not in link.lower() and "sam@rivera.example" not in link
