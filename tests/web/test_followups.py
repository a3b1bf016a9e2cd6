from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes
from email.policy import default
from urllib.parse import unquote

import pytest
from aiosmtpd.controller import Controller

from coffeechat.config import SmtpConfig
from coffeechat.services import thanks
from coffeechat.services.chats import add_note
from coffeechat.services.debrief import HeldChat, record_held
from coffeechat.services.followups import add_follow_up, add_next_step
from coffeechat.services.preferences import Identity, save_identity
from coffeechat.store.models import FollowUp
from tests.services.test_thanks import Inbox, free_port
from tests.web.conftest import NOW, make_chat, make_contact, text_of

NOTE = "Their newsroom switched to a four-day week last spring"
STEP = "Send Maya the report on local news funding"


def held(owner, contact, *, ended=NOW - timedelta(hours=2)):
    chat = make_chat(owner, contact, starts_at=ended - timedelta(minutes=30))
    record_held(owner, chat, HeldChat(actual_start=ended - timedelta(minutes=25), actual_end=ended))
    return chat


@pytest.fixture
def maya(alice):
    return make_contact(alice, "Maya Okafor", emails=("maya@example.org",))


@pytest.fixture
def thank_you(alice, maya):
    chat = held(alice, maya)
    add_note(alice, maya, NOTE, kind="memorable", chat=chat)
    add_next_step(alice, maya, STEP, chat=chat)
    return FollowUp.objects.for_owner(alice).get(chat=chat, kind="thank_you")


def url(item) -> str:
    return f"/follow-ups/{item.code}/"


def test_the_composer_is_prefilled_with_a_draft_and_shows_the_countdown(alice_client, thank_you):
    page = text_of(alice_client.get(url(thank_you)))
    assert "Thank-you for Maya Okafor" in page
    # The debrief note is about them; the draft speaks to them (core.compose.stuck_from_note).
    assert "how your newsroom switched to a four-day week last spring" in page
    assert "send you the report on local news funding" in page
    assert "22 h left" in page
    assert "Maya Okafor &lt;maya@example.org&gt;" in page
    assert 'href="mailto:maya@example.org?subject=Thank%20you' in page
    assert "Download .eml" in page and "Mark sent elsewhere" in page and "I sent it" in page


def test_an_overdue_thank_you_says_how_late_it_is(alice_client, alice):
    sam = make_contact(alice, "Sam Lee")
    chat = held(alice, sam, ended=NOW - timedelta(hours=27))
    item = FollowUp.objects.for_owner(alice).get(chat=chat)
    assert "3 h overdue" in text_of(alice_client.get(url(item)))


def test_check_saves_the_draft_and_explains_each_problem(alice_client, thank_you):
    body = "Hi Maya, thanks for your time. Could you look over my résumé?"
    response = alice_client.post(url(thank_you), {"subject": "Hi", "body": body, "action": "check"})
    page = text_of(response)
    assert response.status_code == 200
    for code in ("nothing_specific", "next_steps_missing", "new_request", "unasked_attachment"):
        assert f'data-code="{code}"' in page
    assert "Could you look over my résumé?" in page
    thank_you.refresh_from_db()
    assert thank_you.draft == body


def test_a_clean_draft_checks_clean(alice_client, thank_you):
    page = text_of(alice_client.get(url(thank_you)))
    assert "data-code" not in page
    draft = text_of(
        alice_client.post(
            url(thank_you),
            {
                "subject": "Thank you",
                "body": f"Hi Maya,\nYour newsroom's four-day week stayed with me.\nI will {STEP}.",
                "action": "check",
            },
        )
    )
    assert "No problems found" in draft
    # A success note of its own, not inside the warning frame.
    assert 'class="guard-ok"' in draft and 'class="guard"' not in draft


def test_a_fresh_draft_with_nothing_captured_is_flagged_by_check(alice_client, alice, maya):
    item = FollowUp.objects.for_owner(alice).get(chat=held(alice, maya), kind="thank_you")
    page = text_of(alice_client.get(url(item)))
    assert "[One specific thing they said that stayed with you]" in page
    draft = thanks.draft_for(alice, item)
    checked = text_of(
        alice_client.post(
            url(item), {"subject": draft.subject, "body": draft.body, "action": "check"}
        )
    )
    assert 'data-code="gap_left"' in checked
    assert "No problems found" not in checked


def test_the_saved_draft_comes_back_next_time(alice_client, thank_you):
    response = alice_client.post(
        url(thank_you), {"subject": "My subject", "body": "My words", "action": "save"}
    )
    assert response.status_code == 302
    page = text_of(alice_client.get(url(thank_you)))
    assert "My words" in page and 'value="My subject"' in page


def test_a_draft_too_long_comes_back_with_the_text_and_a_reason(alice_client, thank_you):
    body = "x" * 20_001
    response = alice_client.post(url(thank_you), {"subject": "Hi", "body": body, "action": "save"})
    assert response.status_code == 400
    page = text_of(response)
    assert body in page and "was not saved" in page


@pytest.mark.parametrize("channel", ["copy", "mailto", "eml", "elsewhere"])
def test_i_sent_it_records_the_channel(alice_client, thank_you, channel):
    response = alice_client.post(
        url(thank_you), {"subject": "Hi", "body": "Hi Maya", "action": f"sent:{channel}"}
    )
    assert response.status_code == 302
    thank_you.refresh_from_db()
    assert (thank_you.sent_at, thank_you.sent_via, thank_you.draft) == (NOW, channel, "Hi Maya")
    assert "Sent Mon 2 Mar 2026" in text_of(alice_client.get(url(thank_you)))


def test_the_eml_downloads_as_an_attachment_that_parses_back(alice_client, thank_you, settings):
    settings.COFFEECHAT_SMTP = None
    alice_client.post(
        url(thank_you), {"subject": "Thanks, Maya", "body": "Hi Maya", "action": "save"}
    )
    response = alice_client.get(url(thank_you) + "message.eml")
    assert response.status_code == 200
    assert response["Content-Type"] == "message/rfc822"
    assert response["Content-Disposition"] == 'attachment; filename="thank-you-maya-okafor.eml"'
    message = message_from_bytes(response.content, policy=default)
    assert message["Subject"] == "Thanks, Maya"
    assert message["To"].addresses[0].addr_spec == "maya@example.org"
    assert message["From"] is None  # no address given, none made up (see services/test_mail)


def test_the_page_says_your_address_in_preferences_fills_the_sender(
    alice, alice_client, thank_you, settings
):
    settings.COFFEECHAT_SMTP = None
    page = text_of(alice_client.get(url(thank_you)))
    assert "add your email address in Preferences</a> to fill it in" in page
    assert "example.invalid" not in page
    save_identity(alice, Identity(your_email="alice@example.com"))
    assert "add your email address in Preferences" not in text_of(alice_client.get(url(thank_you)))
    page = text_of(alice_client.get(url(thank_you)))
    assert "Not set up: to send from coffeechat, set COFFEECHAT_SMTP_HOST" in page
    assert 'value="send"' not in page


def test_without_an_email_the_mail_buttons_explain_why(alice_client, alice, settings):
    settings.COFFEECHAT_SMTP = SmtpConfig(host="127.0.0.1", port=1, from_addr="a@example.com")
    sam = make_contact(alice, "Sam Lee")
    item = FollowUp.objects.for_owner(alice).get(chat=held(alice, sam))
    page = text_of(alice_client.get(url(item)))
    assert "Sam Lee has no email address" in page
    assert "mailto:" not in page
    assert "Not available: Sam Lee has no email address." in page
    assert 'value="send"' not in page


class Mail:
    def __init__(self, reply: str = "250 OK") -> None:
        self.inbox = Inbox(reply)
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)


@pytest.fixture
def smtp(settings):
    servers: list[Mail] = []

    def start(reply: str = "250 OK") -> Mail:
        mail = Mail(reply)
        mail.controller.start()
        servers.append(mail)
        settings.COFFEECHAT_SMTP = SmtpConfig(
            host="127.0.0.1", port=mail.port, from_addr="Alice <alice@example.com>", security="none"
        )
        return mail

    yield start
    for mail in servers:
        mail.controller.stop()


def test_send_now_delivers_and_marks_sent(alice_client, thank_you, smtp):
    mail = smtp()
    assert 'value="send"' in text_of(alice_client.get(url(thank_you)))
    response = alice_client.post(
        url(thank_you), {"subject": "Thanks", "body": "Hi Maya", "action": "send"}, follow=True
    )
    assert "Sent to Maya Okafor." in text_of(response)
    [(_, rcpt_tos, _)] = mail.inbox.received
    assert rcpt_tos == ["maya@example.org"]
    thank_you.refresh_from_db()
    assert thank_you.sent_via == "smtp"


def test_a_refused_send_keeps_the_draft_and_says_why(alice_client, thank_you, smtp):
    smtp("550 5.7.1 Relaying denied")
    response = alice_client.post(
        url(thank_you),
        {"subject": "Thanks", "body": "My careful words", "action": "send"},
        follow=True,
    )
    page = text_of(response)
    assert "550 5.7.1 Relaying denied" in page and "draft is saved" in page
    assert "My careful words" in page
    thank_you.refresh_from_db()
    assert (thank_you.draft, thank_you.sent_at) == ("My careful words", None)


def test_redraft_starts_again_from_the_template_with_something_of_value(alice_client, thank_you):
    alice_client.post(url(thank_you), {"subject": "Mine", "body": "Mine", "action": "save"})
    response = alice_client.post(
        url(thank_you),
        {"subject": "Mine", "body": "Mine", "action": "redraft", "value": "https://example.com/r"},
    )
    page = text_of(response)
    assert "https://example.com/r" in page and "your newsroom switched" in page
    thank_you.refresh_from_db()
    assert thank_you.draft == "Mine"


def test_a_thank_you_for_a_chat_not_yet_held_is_refused_clearly(alice_client, alice, maya):
    chat = make_chat(alice, maya)
    item = add_follow_up(alice, maya, "thank_you", NOW + timedelta(days=2), chat=chat)
    for response in (
        alice_client.get(url(item)),
        alice_client.post(url(item), {"subject": "Hi", "body": "Hi", "action": "save"}),
        alice_client.get(url(item) + "message.eml"),
    ):
        assert response.status_code == 409
        assert "not held yet" in text_of(response)


def test_other_peoples_follow_ups_answer_404(bob_client, thank_you):
    assert bob_client.get(url(thank_you)).status_code == 404
    response = bob_client.post(url(thank_you), {"subject": "x", "body": "x", "action": "sent:copy"})
    assert response.status_code == 404
    assert bob_client.get(url(thank_you) + "message.eml").status_code == 404
    thank_you.refresh_from_db()
    assert thank_you.sent_at is None and thank_you.draft == ""


def test_methods_other_than_the_allowed_ones_answer_405(alice_client, thank_you):
    assert alice_client.put(url(thank_you)).status_code == 405
    assert alice_client.post(url(thank_you) + "message.eml").status_code == 405
    assert alice_client.delete("/preferences/messages/").status_code == 405


def test_a_held_chat_links_to_its_thank_you(alice_client, thank_you):
    page = text_of(alice_client.get(f"/chats/{thank_you.chat.code}/"))
    assert f'href="/follow-ups/{thank_you.code}/"' in page
    assert "Write the thank-you" in page
    assert "22 h left" in page


def test_a_planned_chat_has_no_thank_you_link(alice_client, alice, maya):
    chat = make_chat(alice, maya)
    assert "Write the thank-you" not in text_of(alice_client.get(f"/chats/{chat.code}/"))


# --- The thank-you template ------------------------------------------------------------------


def test_the_template_page_saves_and_resets(alice_client, thank_you):
    page = text_of(alice_client.get("/preferences/messages/"))
    assert "{first_name}" in page and "Using the default." in page
    response = alice_client.post(
        "/preferences/messages/", {"subject": "Cheers {first_name}", "body": "Yo {first_name}"}
    )
    assert response.status_code == 302
    assert "Yo Maya" in text_of(alice_client.get(url(thank_you)))
    alice_client.post("/preferences/messages/", {"reset": "thank_you"})
    assert "Hi Maya," in text_of(alice_client.get(url(thank_you)))


def test_the_template_page_refuses_an_unknown_placeholder(alice_client):
    response = alice_client.post("/preferences/messages/", {"subject": "Hi", "body": "Hi {boss}"})
    assert response.status_code == 400
    page = text_of(response)
    assert "{boss} is not something we can fill in" in page
    assert "Hi {boss}" in page


def test_the_preferences_page_links_to_the_template(alice_client):
    assert 'href="/preferences/messages/"' in text_of(alice_client.get("/preferences/"))


def test_a_stored_address_that_is_not_one_address_is_explained_not_linked(
    alice, alice_client, thank_you, settings
):
    settings.COFFEECHAT_SMTP = SmtpConfig(host="127.0.0.1", port=1, from_addr="a@example.com")
    type(thank_you.contact).objects.filter(pk=thank_you.contact_id).update(
        emails=["maya@example.org, evil@example.com"]
    )
    page = text_of(alice_client.get(url(thank_you)))
    assert "is not one email address" in page
    assert "mailto:" not in page
    assert 'value="send"' not in page
    response = alice_client.get(url(thank_you) + "message.eml", follow=True)
    assert response.status_code == 200
    page = text_of(response)
    assert "Maya Okafor&#x27;s email address" in page and "Correct it on the contact" in page


# --- What you send is what you see: every way out saves the text as posted, then carries it ---

EDITED = (
    "Hi Maya,\n\nThank you for the hour & the frank answers: the four-day week story stuck."
    "\n\nAlice"
)


def plain_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def edited(action: str) -> dict[str, str]:
    return {"subject": "Thank you, Maya!", "body": EDITED, "action": action}


def test_every_way_out_is_a_button_of_the_form_that_holds_the_text(alice_client, thank_you):
    page = text_of(alice_client.get(url(thank_you)))
    for action in ("copy", "mailto", "eml"):
        assert f'name="action" value="{action}"' in page
    assert f'href="/follow-ups/{thank_you.code}/message.eml"' not in page


def test_download_eml_saves_the_edit_and_downloads_exactly_it(alice_client, thank_you, settings):
    settings.COFFEECHAT_SMTP = None
    response = alice_client.post(url(thank_you), edited("eml"))
    assert response.status_code == 200
    assert response["Content-Type"] == "message/rfc822"
    assert response["Content-Disposition"] == 'attachment; filename="thank-you-maya-okafor.eml"'
    message = message_from_bytes(response.content, policy=default)
    assert message["Subject"] == "Thank you, Maya!"
    assert plain_text(message) == EDITED + "\n"
    thank_you.refresh_from_db()
    assert (thank_you.subject, thank_you.draft, thank_you.sent_at) == (
        "Thank you, Maya!",
        EDITED,
        None,
    )


def test_open_in_the_mail_program_saves_the_edit_and_goes_to_a_link_carrying_it(
    alice_client, thank_you
):
    response = alice_client.post(url(thank_you), edited("mailto"))
    assert response.status_code == 302
    link = response["Location"]
    assert link.startswith("mailto:maya@example.org?subject=Thank%20you%2C%20Maya%21&body=")
    body = unquote(link.split("&body=", 1)[1])
    assert body == EDITED.replace("\n", "\r\n")
    thank_you.refresh_from_db()
    assert thank_you.draft == EDITED and thank_you.sent_at is None


def test_copy_without_the_script_saves_the_edit_and_shows_it_to_copy(alice_client, thank_you):
    response = alice_client.post(url(thank_you), edited("copy"))
    assert response.status_code == 302
    assert response["Location"] == url(thank_you) + "#id_body"
    page = text_of(alice_client.get(response["Location"]))
    assert "Your draft is saved. Select the message in the box" in page
    assert "the hour &amp; the frank answers" in page
    thank_you.refresh_from_db()
    assert thank_you.draft == EDITED and thank_you.sent_at is None


@pytest.mark.parametrize("action", ["copy", "mailto", "save"])
def test_the_script_saving_alongside_gets_just_a_note_back(alice_client, thank_you, action):
    response = alice_client.post(
        url(thank_you), edited(action), headers={"X-Coffeechat-Partial": "saved"}
    )
    assert response.status_code == 200
    assert text_of(response).strip() == "<span data-saved>Your draft is saved.</span>"
    thank_you.refresh_from_db()
    assert thank_you.draft == EDITED
    # No message waits for the next page: the script said it already.
    assert "Draft saved." not in text_of(alice_client.get(url(thank_you)))


def test_send_now_sends_exactly_the_edit(alice_client, thank_you, smtp):
    mail = smtp()
    alice_client.post(url(thank_you), edited("send"))
    [(_, _, content)] = mail.inbox.received
    message = message_from_bytes(content, policy=default)
    assert message["Subject"] == "Thank you, Maya!"
    assert plain_text(message) == EDITED + "\n"


def test_without_an_email_copy_and_eml_still_work_and_the_page_says_what_is_missing(
    alice_client, alice, settings
):
    settings.COFFEECHAT_SMTP = None
    sam = make_contact(alice, "Sam Lee")
    item = FollowUp.objects.for_owner(alice).get(chat=held(alice, sam))
    page = text_of(alice_client.get(url(item)))
    assert "Sam Lee has no email address" in page
    assert "opens with no recipient" in page
    posted = {"subject": "Thanks, Sam", "body": "Hi Sam, thank you.", "action": "eml"}
    response = alice_client.post(url(item), posted)
    message = message_from_bytes(response.content, policy=default)
    assert message["To"] is None or str(message["To"]) == ""
    assert "Hi Sam, thank you." in message.get_body(preferencelist=("plain",)).get_content()
    copied = alice_client.post(url(item), posted | {"action": "copy"}, follow=True)
    assert "Your draft is saved." in text_of(copied)
    refused = alice_client.post(url(item), posted | {"action": "mailto"}, follow=True)
    assert refused.redirect_chain == [(url(item), 302)]
    page = text_of(refused)
    assert "Sam Lee has no email address to open your mail program with." in page
    item.refresh_from_db()
    assert item.draft == "Hi Sam, thank you." and item.sent_at is None
