from __future__ import annotations

import socket
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from coffeechat.config import SmtpConfig
from coffeechat.core import guard
from coffeechat.core.compose import GAP
from coffeechat.services import thanks
from coffeechat.services.capture import save_capture
from coffeechat.services.chats import ChatPlan, add_note, plan_chat
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.debrief import HeldChat, record_held
from coffeechat.services.errors import InvalidInput
from coffeechat.services.followups import add_follow_up, add_next_step
from coffeechat.services.messages import get_template, reset_template, save_template
from coffeechat.services.network import add_referral
from coffeechat.services.preferences import Identity, save_identity
from coffeechat.store.models import FollowUp

NOW = datetime(2030, 5, 6, 12, 0, tzinfo=UTC)
ENDED = NOW - timedelta(hours=2)
NOTE = "She left teaching for data science after a summer bootcamp"


@pytest.fixture
def maya(alice, time_machine):
    time_machine.move_to(NOW, tick=False)
    return add_contact(alice, ContactDetails(name="Maya Okafor", emails=("maya@example.org",)))


def held_chat(owner, contact, *, notes=(NOTE,), steps=()):
    chat = plan_chat(
        owner,
        ChatPlan(contact=contact, starts_at=ENDED - timedelta(minutes=30)),
        allow_overlap=True,
    )
    record_held(owner, chat, HeldChat(actual_start=ENDED - timedelta(minutes=25), actual_end=ENDED))
    for text in notes:
        add_note(owner, contact, text, kind="memorable", chat=chat, taken_at=ENDED)
    for side, text, due_on in steps:
        add_next_step(owner, contact, text, side=side, due_on=due_on, chat=chat)
    return chat


def thank_you_of(owner, chat) -> FollowUp:
    return FollowUp.objects.for_owner(owner).get(chat=chat, kind="thank_you")


@pytest.fixture
def follow_up(alice, maya):
    chat = held_chat(
        alice,
        maya,
        steps=[
            ("me", "Send Maya the article on hiring career changers", date(2030, 5, 9)),
            ("them", "Introduce me to Sam Patel", None),
        ],
    )
    return thank_you_of(alice, chat)


def test_the_draft_cites_the_note_and_recaps_both_sides(alice, follow_up):
    message = thanks.draft_for(alice, follow_up)
    assert message.subject == "Thank you for your time, Maya"
    assert message.body.startswith("Hi Maya,")
    # The debrief note is about her; the letter speaks to her.
    assert (
        "I keep thinking about how you left teaching for data science after a summer bootcamp."
    ) in message.body
    assert (
        "I’ll send you the article on hiring career changers by Thu 9 May. Thank you for "
        "offering to introduce me to Sam Patel."
    ) in message.body
    assert "From me" not in message.body
    assert not message.saved


def captured_chat(owner, contact, **texts):
    chat = held_chat(owner, contact, notes=())
    save_capture(owner, chat, now=ENDED + timedelta(minutes=5), **texts)
    return chat


def test_the_draft_is_built_from_the_capture_and_signed(alice, maya):
    save_identity(alice, Identity(your_name="Lee Chen", signature="Lee Chen\nUX designer"))
    chat = captured_chat(
        alice,
        maya,
        stuck="Hearing how you moved into UX through the clinic app stayed with me",
        agreed="I'll send her my case study on the booking flow by Friday\n"
        "She'll introduce me to Tom\n"
        "I'll read the book she mentioned by the end of Q1",
        suggested="Tom Lee at Acme\nSara Kim",
    )
    body = thanks.draft_for(alice, thank_you_of(alice, chat)).body
    assert body == (
        "Hi Maya,\n"
        "\n"
        "Thank you for taking the time to talk with me. Hearing how you moved into UX through "
        "the clinic app stayed with me.\n"
        "\n"
        "I’ll send you my case study on the booking flow by Friday and read the book you "
        "mentioned by the end of Q1. Thank you for offering to introduce me to Tom.\n"
        "\n"
        "Thank you too for suggesting I talk to Tom Lee at Acme and Sara Kim.\n"
        "\n"
        "I really enjoyed our conversation, and I am grateful for it.\n"
        "\n"
        "All the best,\n"
        "Lee Chen\n"
        "UX designer"
    )
    assert thanks.check(alice, thank_you_of(alice, chat), NOW) == []


def test_without_a_signature_the_draft_is_signed_with_the_users_name(alice, maya):
    save_identity(alice, Identity(your_name="Lee Chen"))
    chat = captured_chat(alice, maya, stuck="Your story about the clinic app")
    body = thanks.draft_for(alice, thank_you_of(alice, chat)).body
    assert body.endswith("All the best,\nLee Chen")
    assert "Your story about the clinic app stayed with me." in body


def test_the_people_linked_in_the_debrief_are_thanked_when_the_capture_names_none(alice, maya):
    chat = held_chat(alice, maya)
    tom = add_contact(alice, ContactDetails(name="Tom Lee", organisation="Acme"))
    add_referral(alice, maya, tom, chat=chat)
    body = thanks.draft_for(alice, thank_you_of(alice, chat)).body
    assert "Thank you too for suggesting I talk to Tom Lee at Acme." in body


def test_with_nothing_captured_the_draft_leaves_a_gap_and_check_says_so(alice, maya):
    chat = held_chat(alice, maya, notes=())
    follow_up = thank_you_of(alice, chat)
    body = thanks.draft_for(alice, follow_up).body
    assert GAP in body
    assert [problem.code for problem in thanks.check(alice, follow_up, NOW)] == [guard.GAP_LEFT]


def test_a_draft_of_only_the_templates_sentences_is_not_specific(alice, maya):
    chat = held_chat(alice, maya, notes=())
    follow_up = thank_you_of(alice, chat)
    body = thanks.draft_for(alice, follow_up).body.replace(GAP, "")
    thanks.save_draft(alice, follow_up, "Thank you for your time, Maya", body)
    codes = [problem.code for problem in thanks.check(alice, follow_up, NOW)]
    assert codes == [guard.NOTHING_SPECIFIC]


def test_the_fresh_draft_passes_the_guard(alice, follow_up):
    assert thanks.check(alice, follow_up, NOW) == []


def test_a_saved_draft_is_what_the_composer_shows_next_time(alice, follow_up):
    thanks.save_draft(alice, follow_up, "  Thanks,\n Maya ", "Hi Maya,\r\nThank you.\r\n")
    follow_up.refresh_from_db()
    assert (follow_up.subject, follow_up.draft) == ("Thanks, Maya", "Hi Maya,\nThank you.")
    message = thanks.current_message(alice, follow_up)
    assert message.saved and message.body == "Hi Maya,\nThank you."


def test_the_guard_reads_the_saved_draft(alice, follow_up):
    thanks.save_draft(alice, follow_up, "Hello", "Hi Maya, thanks. Could you review my CV?")
    codes = [problem.code for problem in thanks.check(alice, follow_up, NOW)]
    assert codes == [
        guard.NOTHING_SPECIFIC,
        guard.STEPS_MISSING,
        guard.NEW_REQUEST,
        guard.UNASKED_ATTACHMENT,
    ]


def test_the_guard_warns_as_the_deadline_nears(alice, follow_up):
    late = follow_up.due_at - timedelta(hours=1)
    assert [p.code for p in thanks.check(alice, follow_up, late)] == [guard.DEADLINE_CLOSE]


def test_a_draft_that_is_too_long_is_refused_and_the_old_one_stays(alice, follow_up):
    thanks.save_draft(alice, follow_up, "Hi", "Kept")
    with pytest.raises(InvalidInput, match="at most"):
        thanks.save_draft(alice, follow_up, "Hi", "x" * (thanks.MAX_BODY + 1))
    follow_up.refresh_from_db()
    assert follow_up.draft == "Kept"


def test_marking_sent_records_when_and_how(alice, follow_up):
    thanks.mark_sent(alice, follow_up, "mailto", NOW)
    follow_up.refresh_from_db()
    assert (follow_up.sent_at, follow_up.sent_via) == (NOW, "mailto")
    with pytest.raises(InvalidInput, match="sent already"):
        thanks.save_draft(alice, follow_up, "Hi", "Too late")


def test_marking_sent_needs_a_known_channel(alice, follow_up):
    with pytest.raises(InvalidInput, match="how the message went out"):
        thanks.mark_sent(alice, follow_up, "pigeon", NOW)


def test_a_thank_you_for_a_chat_not_yet_held_is_refused(alice, maya):
    chat = plan_chat(alice, ChatPlan(contact=maya, starts_at=NOW + timedelta(days=1)))
    early = add_follow_up(alice, maya, "thank_you", NOW + timedelta(days=2), chat=chat)
    for attempt in (
        lambda: thanks.draft_for(alice, early),
        lambda: thanks.check(alice, early, NOW),
        lambda: thanks.mark_sent(alice, early, "copy", NOW),
        lambda: thanks.send_by_smtp(alice, early, NOW),
    ):
        with pytest.raises(thanks.NotHeldYet, match="not held yet"):
            attempt()


def test_another_users_follow_up_is_refused(bob, follow_up):
    with pytest.raises(InvalidInput):
        thanks.draft_for(bob, follow_up)
    with pytest.raises(InvalidInput):
        thanks.save_draft(bob, follow_up, "Hi", "Hi")


def test_the_eml_carries_the_message_and_no_made_up_sender(alice, follow_up, settings):
    settings.COFFEECHAT_SMTP = None
    thanks.save_draft(alice, follow_up, "Thank you, Maya", "Hi Maya,\nThank you.")
    message = message_from_bytes(thanks.eml_for(alice, follow_up, NOW), policy=default)
    assert message["Subject"] == "Thank you, Maya"
    assert message["To"].addresses[0].addr_spec == "maya@example.org"
    assert message["From"] is None  # the mail program fills it in (see test_mail)
    assert message.get_content().replace("\r\n", "\n") == "Hi Maya,\nThank you.\n"


def test_the_mailto_link_needs_an_address(alice, time_machine):
    time_machine.move_to(NOW, tick=False)
    nobody = add_contact(alice, ContactDetails(name="Sam"))
    follow_up = thank_you_of(alice, held_chat(alice, nobody))
    assert thanks.mailto_for(alice, follow_up) == ""
    assert thanks.recipient(follow_up) == ""
    with pytest.raises(InvalidInput, match="Sam has no email address") as caught:
        thanks.mailto_link(alice, follow_up)
    assert "Your draft is saved." in caught.value.message


def test_the_mailto_link_to_open_carries_the_saved_draft(alice, follow_up):
    thanks.save_draft(alice, follow_up, "Thanks!", "Hi Maya,\nThank you & see you.")
    link = thanks.mailto_link(alice, follow_up)
    assert link == thanks.mailto_for(alice, follow_up)
    assert link == (
        "mailto:maya@example.org?subject=Thanks%21"
        "&body=Hi%20Maya%2C%0D%0AThank%20you%20%26%20see%20you."
    )


# --- Templates -------------------------------------------------------------------------------


def test_the_owners_template_shapes_the_draft_and_reset_brings_back_ours(alice, follow_up):
    save_template(alice, "thank_you", "Cheers {first_name}", "Dear {first_name}: {memorable}")
    assert thanks.draft_for(alice, follow_up).body == (
        "Dear Maya: I keep thinking about how you left teaching for data science after a summer "
        "bootcamp."
    )
    reset_template(alice, "thank_you")
    assert thanks.draft_for(alice, follow_up).subject == "Thank you for your time, Maya"


def test_a_template_with_an_unknown_placeholder_is_refused(alice):
    with pytest.raises(InvalidInput, match=r"\{salary\}") as caught:
        save_template(alice, "thank_you", "Hi", "Hi {salary}")
    assert caught.value.field == "body"
    assert get_template(alice, "thank_you").subject == "Thank you for your time, {first_name}"


def test_templates_are_per_user(alice, bob):
    save_template(alice, "thank_you", "Mine", "Mine {first_name}")
    assert get_template(bob, "thank_you").subject != "Mine"


# --- SMTP ------------------------------------------------------------------------------------


class Inbox:
    """An aiosmtpd handler that keeps what it receives, or refuses with a fixed reply."""

    def __init__(self, reply: str = "250 OK") -> None:
        self.reply = reply
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.reply.startswith("250"):
            self.received.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return self.reply


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_on(port: int) -> SmtpConfig:
    return SmtpConfig(
        host="127.0.0.1", port=port, from_addr="Alice <alice@example.com>", security="none"
    )


@pytest.fixture
def mail_server():
    def start(reply: str = "250 OK") -> tuple[Inbox, int]:
        inbox = Inbox(reply)
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        started.append(controller)
        return inbox, port

    started: list[Controller] = []
    yield start
    for controller in started:
        controller.stop()


def test_it_sends_through_a_real_smtp_server_and_marks_sent(
    alice, follow_up, mail_server, settings
):
    inbox, port = mail_server()
    settings.COFFEECHAT_SMTP = smtp_on(port)
    message = thanks.draft_for(alice, follow_up)
    thanks.save_draft(alice, follow_up, message.subject, message.body)
    thanks.send_by_smtp(alice, follow_up, NOW)
    [(mail_from, rcpt_tos, content)] = inbox.received
    assert (mail_from, rcpt_tos) == ("alice@example.com", ["maya@example.org"])
    received = message_from_bytes(content, policy=default)
    assert received["Subject"] == message.subject
    assert received["To"].addresses[0].display_name == "Maya Okafor"
    assert received.get_content().replace("\r\n", "\n") == message.body + "\n"
    follow_up.refresh_from_db()
    assert (follow_up.sent_at, follow_up.sent_via) == (NOW, "smtp")


def test_a_refusing_server_is_explained_and_nothing_is_marked_sent(
    alice, follow_up, mail_server, settings
):
    _, port = mail_server("550 5.7.1 Relaying denied")
    settings.COFFEECHAT_SMTP = smtp_on(port)
    thanks.save_draft(alice, follow_up, "Thanks", "Hi Maya")
    with pytest.raises(thanks.SendFailed, match="550 5.7.1 Relaying denied") as caught:
        thanks.send_by_smtp(alice, follow_up, NOW)
    assert "draft is saved" in caught.value.message
    follow_up.refresh_from_db()
    assert (follow_up.draft, follow_up.sent_at, follow_up.sent_via) == ("Hi Maya", None, "")


def test_a_closed_port_is_explained_and_nothing_is_marked_sent(alice, follow_up, settings):
    settings.COFFEECHAT_SMTP = smtp_on(free_port())
    thanks.save_draft(alice, follow_up, "Thanks", "Hi Maya")
    with pytest.raises(thanks.SendFailed, match="Could not reach the mail server") as caught:
        thanks.send_by_smtp(alice, follow_up, NOW)
    assert "COFFEECHAT_SMTP_HOST" in caught.value.message
    follow_up.refresh_from_db()
    assert (follow_up.draft, follow_up.sent_at) == ("Hi Maya", None)


def test_sending_without_a_mail_server_says_how_to_set_one_up(alice, follow_up, settings):
    settings.COFFEECHAT_SMTP = None
    thanks.save_draft(alice, follow_up, "Thanks", "Hi Maya")
    with pytest.raises(thanks.SendFailed, match="COFFEECHAT_SMTP_HOST"):
        thanks.send_by_smtp(alice, follow_up, NOW)
    follow_up.refresh_from_db()
    assert follow_up.sent_at is None


def test_sending_to_a_contact_without_email_is_refused(alice, settings, time_machine):
    time_machine.move_to(NOW, tick=False)
    settings.COFFEECHAT_SMTP = smtp_on(free_port())
    sam = add_contact(alice, ContactDetails(name="Sam"))
    follow_up = thank_you_of(alice, held_chat(alice, sam))
    thanks.save_draft(alice, follow_up, "Thanks", "Hi Sam")
    with pytest.raises(thanks.SendFailed, match="Sam has no email address"):
        thanks.send_by_smtp(alice, follow_up, NOW)


def test_an_unsaved_draft_is_not_sent(alice, follow_up, settings):
    settings.COFFEECHAT_SMTP = smtp_on(free_port())
    with pytest.raises(thanks.SendFailed, match="Write and save"):
        thanks.send_by_smtp(alice, follow_up, NOW)


# --- One address is one recipient --------------------------------------------------------

PLANTED = [
    "maya@example.org, evil@example.com",
    "maya@example.org\r\nBcc: evil@example.com",
    "Maya <maya@example.org>",
]


def with_stored_email(contact, address: str) -> None:
    """What an older database or a careless import may hold: a value the forms refuse."""
    type(contact).objects.filter(pk=contact.pk).update(emails=[address])
    contact.refresh_from_db()


@pytest.mark.parametrize("planted", PLANTED)
def test_a_stored_address_that_is_not_one_address_gives_a_plain_refusal_for_the_eml(
    alice, follow_up, settings, planted
):
    settings.COFFEECHAT_SMTP = None
    with_stored_email(follow_up.contact, planted)
    with pytest.raises(InvalidInput, match="Maya Okafor's email address") as caught:
        thanks.eml_for(alice, follow_up, NOW)
    assert "Correct it on the contact" in caught.value.message
    assert "Header" not in caught.value.message and "linefeed" not in caught.value.message
    assert thanks.mailto_for(alice, follow_up) == ""
    assert thanks.recipient(follow_up) == ""
    with pytest.raises(InvalidInput, match="Maya Okafor's email address") as caught:
        thanks.mailto_link(alice, follow_up)
    assert "Your draft is saved." in caught.value.message


@pytest.mark.parametrize("planted", PLANTED)
def test_nothing_is_sent_to_a_stored_address_that_is_not_one_address(
    alice, follow_up, mail_server, settings, planted
):
    inbox, port = mail_server()
    settings.COFFEECHAT_SMTP = smtp_on(port)
    thanks.save_draft(alice, follow_up, "Thanks", "Hi Maya")
    with_stored_email(follow_up.contact, planted)
    with pytest.raises(thanks.SendFailed, match="is not one email address") as caught:
        thanks.send_by_smtp(alice, follow_up, NOW)
    assert "draft is saved" in caught.value.message
    assert inbox.received == []
    follow_up.refresh_from_db()
    assert follow_up.sent_at is None


def test_the_eml_and_the_mailto_carry_exactly_the_one_address(alice, follow_up, settings):
    settings.COFFEECHAT_SMTP = None
    with_stored_email(follow_up.contact, " a?cc=evil@example.com ")
    message = message_from_bytes(thanks.eml_for(alice, follow_up, NOW), policy=default)
    assert [a.addr_spec for a in message["To"].addresses] == ["a?cc=evil@example.com"]
    assert message["Cc"] is None
    assert thanks.mailto_for(alice, follow_up).startswith("mailto:a%3Fcc%3Devil@example.com?")
