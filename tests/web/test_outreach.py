from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse

from coffeechat.config import SmtpConfig
from coffeechat.services import outreach as service
from coffeechat.services.merge import merge_contacts
from coffeechat.store.models import Chat, Outreach
from tests.web.conftest import NOW, count_queries, make_contact, text_of

GOOD = (
    "Hi Ada,\n\nAna Silva suggested I get in touch with you. I'm curious about how you moved "
    "into data, and she thought your experience at Acme would help.\n\nWould you have 20 "
    "minutes for a call in the next few weeks?\n\nThanks,\nAlice"
)


@pytest.fixture
def ada(alice):
    return make_contact(alice, organisation="Acme", emails=["ada@acme.test"])


@pytest.fixture
def draft(alice, ada):
    made = service.start_outreach(alice, ada)
    return service.save_outreach_draft(
        alice, made, subject="Ana suggested we talk", message=GOOD, connection="Ana Silva"
    )


@pytest.fixture
def sent(alice, draft):
    return service.mark_outreach_sent(alice, draft, "copy", NOW - timedelta(days=1))


def url(outreach, name="web:outreach_detail"):
    return reverse(name, args=[outreach.code])


def compose(**changes):
    return {"subject": "Ana suggested we talk", "connection": "Ana Silva", "body": GOOD} | changes


# The list


def test_the_empty_list_explains_the_three_and_seven_routine(alice_client):
    page = text_of(alice_client.get(reverse("web:outreach")))
    assert "after 3 without a reply" in page and "after 7" in page
    assert reverse("web:contacts") in page and reverse("web:targets") in page


def test_the_list_groups_drafts_waiting_and_answered(alice, alice_client, draft, time_machine):
    bea = make_contact(alice, "Bea Quinn", organisation="Acme")
    waiting = service.mark_outreach_sent(alice, service.start_outreach(alice, bea), "copy")
    assert waiting.message  # the template filled it
    time_machine.move_to(NOW + timedelta(days=3), tick=False)  # Thursday: 3 business days
    page = text_of(alice_client.get(reverse("web:outreach")))
    assert "Ada Lovelace" in page and "Bea Quinn" in page
    assert "3 business days without a reply: try a second person at Acme." in page


def test_the_list_runs_the_same_queries_for_2_or_20_requests(alice, alice_client):
    def add(count):
        for index in range(count):
            contact = make_contact(alice, f"Person {index} {count}", organisation=f"Org {index}")
            made = service.start_outreach(alice, contact)
            if index % 2:
                service.mark_outreach_sent(alice, made, "copy")

    add(2)
    few = count_queries(alice_client, reverse("web:outreach"))
    add(18)
    assert count_queries(alice_client, reverse("web:outreach")) == few


def test_the_list_shows_the_latest_answers_and_pages_the_rest(alice, alice_client):
    total = service.PAST_SHOWN + 5
    for index in range(total):
        contact = make_contact(alice, f"Answered {index:02}")
        sent_at = NOW - timedelta(days=60 - index)
        made = service.log_outreach(alice, contact, "Hello?", sent_at=sent_at)
        service.record_reply(alice, made, replied_at=sent_at + timedelta(hours=2))
    page = text_of(alice_client.get(reverse("web:outreach")))
    assert f"Answered {total - 1:02}" in page  # the latest
    assert "Answered 00" not in page  # the oldest, a page away
    assert f"All {total} answered and closed requests" in page
    few = count_queries(alice_client, reverse("web:outreach"))

    past = text_of(alice_client.get(reverse("web:outreach") + "?show=past"))
    assert f"{total} requests, the latest first" in past
    assert "Answered 00" in past or "Page 1 of" in past
    everything = "".join(
        text_of(alice_client.get(reverse("web:outreach") + f"?show=past&page={number}"))
        for number in (1, 2)
    )
    assert all(f"Answered {index:02}" in everything for index in range(total))

    for index in range(10):
        contact = make_contact(alice, f"More {index}")
        made = service.log_outreach(alice, contact, "Hi", sent_at=NOW - timedelta(days=80))
        service.record_reply(alice, made, replied_at=NOW - timedelta(days=79))
    assert count_queries(alice_client, reverse("web:outreach")) == few


# Starting a request


def test_without_a_contact_the_page_offers_a_picker_with_organisations(alice, alice_client, ada):
    page = text_of(alice_client.get(reverse("web:outreach_new")))
    assert "Ada Lovelace (Acme)" in page and 'name="template"' in page


def test_a_get_with_a_contact_makes_nothing(alice, alice_client, ada):
    response = alice_client.get(reverse("web:outreach_new") + f"?contact={ada.code}")
    assert "Write to Ada Lovelace (Acme)" in text_of(response)
    assert not Outreach.objects.exists()


def test_posting_makes_a_draft_and_opens_the_composer(alice, alice_client, ada):
    response = alice_client.post(
        reverse("web:outreach_new") + f"?contact={ada.code}", {"template": "met"}
    )
    made = Outreach.objects.get()
    assert response["Location"] == url(made)
    assert made.subject.startswith("Good to meet you at")


def test_the_picker_posts_the_contact_it_chose(alice, alice_client, ada):
    alice_client.post(reverse("web:outreach_new"), {"contact": ada.code, "template": "shared"})
    assert Outreach.objects.get().contact == ada


def test_an_existing_draft_is_reused_and_the_page_says_so(alice, alice_client, draft, ada):
    new = reverse("web:outreach_new") + f"?contact={ada.code}"
    assert "unsent request to Ada Lovelace already" in text_of(alice_client.get(new))
    response = alice_client.post(new, {"template": "met"}, follow=True)
    assert "here it is, as you left it" in text_of(response)
    assert Outreach.objects.count() == 1


def test_the_picker_refuses_a_missing_contact_and_keeps_the_choice(alice, alice_client, ada):
    response = alice_client.post(reverse("web:outreach_new"), {"template": "met"})
    assert response.status_code == 400
    assert "Choose whom to write to." in text_of(response)
    assert not Outreach.objects.exists()


def test_writing_after_an_unanswered_request_moves_it_on(alice, alice_client, sent):
    bea = make_contact(alice, "Bea Quinn", organisation="Acme")
    new = reverse("web:outreach_new") + f"?contact={bea.code}&after={sent.code}"
    page = text_of(alice_client.get(new))
    assert re.search(r'<input[^>]*value="second"[^>]*checked', page)
    alice_client.post(new, {"template": "second"})
    sent.refresh_from_db()
    assert sent.status == Outreach.Status.MOVED_ON


def test_after_an_unanswered_request_the_page_offers_others_there(alice, alice_client, sent):
    bea = make_contact(alice, "Bea Quinn", organisation="Acme", role="Analyst")
    page = text_of(alice_client.get(reverse("web:outreach_new") + f"?after={sent.code}"))
    assert "Your contacts at Acme" in page and "Write to Bea Quinn" in page
    assert f"contact={bea.code}&amp;after={sent.code}" in page
    assert "Write to Ada Lovelace" not in page


def test_with_no_one_else_there_the_page_says_how_to_find_someone(alice_client, sent):
    page = text_of(alice_client.get(reverse("web:outreach_new") + f"?after={sent.code}"))
    assert "You know no one else at Acme yet" in page


def test_a_merged_contact_or_a_bad_code_is_not_found(alice, alice_client, ada):
    kept = make_contact(alice, "Ada L.")
    merge_contacts(alice, kept.code, ada.code, {})
    new = reverse("web:outreach_new")
    assert alice_client.get(f"{new}?contact={ada.code}").status_code == 404
    assert alice_client.get(f"{new}?contact=nope").status_code == 404


# The composer


def test_the_composer_shows_every_rule_with_its_verdict_and_why(alice_client, draft):
    page = text_of(alice_client.get(url(draft)))
    assert page.count('class="lint__rule ') == 6
    assert "The shared connection comes first" in page and "<summary>Why" in page
    assert "words of 100" in page or "word of 100" in page
    assert reverse("web:outreach_settings") in page
    assert 'href="mailto:ada@acme.test?subject=Ana' in page


def test_check_saves_first_and_flags_what_fails(alice_client, draft):
    body = "Hi Ada,\n\nI am looking for a job at Acme. I have ten years in sales."
    response = alice_client.post(url(draft), compose(body=body, action="check"))
    page = text_of(response)
    assert response.status_code == 200
    assert "lint__rule--fail" in page and "&#x27;job&#x27;" in page
    draft.refresh_from_db()
    assert draft.message == body


def test_a_request_in_another_language_shows_cannot_judge(alice_client, draft):
    body = (
        "Hola Ada, Ana Silva me sugirió escribirte. Me encantaría saber cómo llegaste a "
        "trabajar en datos. ¿Tendrías veinte minutos para una llamada la próxima semana?"
    )
    page = text_of(alice_client.post(url(draft), compose(body=body, action="check")))
    assert "Cannot judge" in page and "does not read as English" in page


def test_the_live_check_answers_with_just_the_results_and_saves_nothing(alice_client, draft):
    response = alice_client.post(
        url(draft),
        compose(body="Hi Ada, any jobs?", action="check"),
        headers={"X-Coffeechat-Partial": "check"},
    )
    page = text_of(response)
    assert page.lstrip().startswith('<section class="lint"') and "<html" not in page
    draft.refresh_from_db()
    assert draft.message == GOOD


def test_a_draft_too_long_comes_back_with_the_text_kept(alice_client, draft):
    response = alice_client.post(url(draft), compose(subject="S" * 301, action="save"))
    assert response.status_code == 400
    page = text_of(response)
    assert "The draft was not saved" in page and "Ana Silva suggested I get in touch" in page


def test_a_template_replaces_the_text_but_keeps_the_saved_draft(alice_client, draft):
    response = alice_client.post(url(draft), compose(action="template:suggested"), follow=True)
    page = text_of(response)
    assert "Started again from “Someone suggested I write”" in page
    assert "Ana Silva suggested we talk" in page  # the template's subject, filled
    draft.refresh_from_db()
    assert draft.message == GOOD


@pytest.mark.parametrize("channel", ["copy", "mailto", "eml", "elsewhere"])
def test_each_i_sent_it_button_saves_and_marks_the_channel(alice_client, draft, channel):
    response = alice_client.post(url(draft), compose(action=f"sent:{channel}"), follow=True)
    draft.refresh_from_db()
    assert (draft.status, draft.sent_via, draft.sent_at) == ("waiting", channel, NOW)
    page = text_of(response)
    assert "They said yes" in page and "As it went out" in page


def test_an_empty_request_is_not_marked_sent(alice_client, draft):
    response = alice_client.post(url(draft), compose(body="", action="sent:copy"), follow=True)
    assert "The request is empty" in text_of(response)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_send_now_delivers_through_the_mail_server(alice_client, draft, settings):
    from aiosmtpd.controller import Controller

    from tests.services.test_thanks import Inbox, free_port

    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.COFFEECHAT_SMTP = SmtpConfig(
            host="127.0.0.1", port=port, from_addr="Alice <alice@example.com>", security="none"
        )
        response = alice_client.post(url(draft), compose(action="send"), follow=True)
    finally:
        controller.stop()
    assert "Sent to Ada Lovelace." in text_of(response)
    assert inbox.received[0][1] == ["ada@acme.test"]
    draft.refresh_from_db()
    assert draft.sent_via == "smtp"


def test_a_failed_send_keeps_the_draft_and_says_why(alice_client, draft, settings):
    settings.COFFEECHAT_SMTP = SmtpConfig(host="127.0.0.1", port=1, from_addr="a@example.com")
    body = GOOD.replace("20 minutes", "twenty minutes")
    response = alice_client.post(url(draft), compose(body=body, action="send"), follow=True)
    page = text_of(response)
    assert "Could not reach the mail server" in page and "twenty minutes" in page
    draft.refresh_from_db()
    assert (draft.status, draft.message) == ("draft", body)


def test_deleting_a_draft(alice_client, draft):
    response = alice_client.post(url(draft), compose(action="delete"))
    assert response["Location"] == reverse("web:outreach")
    assert not Outreach.objects.exists()


def test_a_sent_request_cannot_be_edited(alice_client, sent):
    response = alice_client.post(url(sent), compose(body="Changed"), follow=True)
    assert "kept as it went out" in text_of(response)
    sent.refresh_from_db()
    assert sent.message == GOOD


def test_the_eml_downloads_and_parses_back(alice_client, draft, settings):
    settings.COFFEECHAT_SMTP = None
    response = alice_client.get(url(draft, "web:outreach_eml"))
    assert response["Content-Type"] == "message/rfc822"
    assert 'filename="request-ada-lovelace.eml"' in response["Content-Disposition"]
    message = message_from_bytes(response.content, policy=default)
    assert message["Subject"] == "Ana suggested we talk"


def test_the_eml_of_an_empty_request_explains_instead(alice, alice_client, ada):
    made = service.start_outreach(alice, ada)
    service.save_outreach_draft(alice, made, subject="", message="", connection="")
    response = alice_client.get(url(made, "web:outreach_eml"), follow=True)
    assert "The request is empty" in text_of(response)


# The reply


def test_a_yes_opens_chat_planning_with_the_contact_and_the_request(alice_client, sent, ada):
    response = alice_client.post(url(sent, "web:outreach_reply"), {"answer": "yes"})
    planning = response["Location"]
    assert planning.startswith(reverse("web:chat_new"))
    assert f"contact={ada.code}" in planning and f"outreach={sent.code}" in planning
    sent.refresh_from_db()
    assert (sent.status, sent.replied_at) == ("replied", NOW)


def test_the_chat_planned_from_a_yes_remembers_the_request(alice_client, sent, ada):
    planning = reverse("web:chat_new") + f"?contact={ada.code}&outreach={sent.code}"
    page = text_of(alice_client.get(planning))
    assert f'value="{ada.code}" selected' in page
    response = alice_client.post(
        planning,
        {
            "contact": str(ada.code),
            "date": "2026-03-04",
            "start_time": "10:00",
            "agreed_minutes": 20,
            "buffer_minutes": 15,
            "medium": "video",
            "time_zone": "",
        },
    )
    assert response.status_code == 302, text_of(response)
    assert Chat.objects.get().outreach == sent


def test_a_no_is_recorded_and_a_second_answer_is_refused_clearly(alice_client, sent):
    alice_client.post(url(sent, "web:outreach_reply"), {"answer": "no"})
    response = alice_client.post(url(sent, "web:outreach_reply"), {"answer": "yes"}, follow=True)
    assert "You recorded Ada&#x27;s no on Mon 2 Mar already." in text_of(response)
    sent.refresh_from_db()
    assert sent.status == "declined"


def test_a_reply_date_before_the_request_is_refused(alice_client, sent):
    response = alice_client.post(
        url(sent, "web:outreach_reply"),
        {"answer": "yes", "replied_on": "2026-02-01"},
        follow=True,
    )
    assert "The reply comes after the request" in text_of(response)
    sent.refresh_from_db()
    assert sent.status == "waiting"


def test_an_unreadable_reply_date_is_explained(alice_client, sent):
    response = alice_client.post(
        url(sent, "web:outreach_reply"), {"answer": "yes", "replied_on": "soon"}, follow=True
    )
    assert "YYYY-MM-DD" in text_of(response)


def test_stop_waiting_closes_it_and_a_late_yes_still_counts(alice_client, sent):
    alice_client.post(url(sent, "web:outreach_reply"), {"answer": "close"})
    sent.refresh_from_db()
    assert sent.status == "closed"
    alice_client.post(url(sent, "web:outreach_reply"), {"answer": "yes"})
    sent.refresh_from_db()
    assert sent.status == "replied"


# Settings


def test_the_settings_page_lists_every_rule_and_our_job_words(alice_client):
    page = text_of(alice_client.get(reverse("web:outreach_settings")))
    assert page.count('type="checkbox"') == 6
    assert "hire me" in page and "This is our list" in page


def test_settings_are_saved_and_reset(alice, alice_client):
    data = {"max_words": 80, "job_words": "gig\nGig\n side hustle "} | {
        f"rule_{rule}": "on"
        for rule in ("word-limit", "no-job-words", "connection-first", "ends-with-question")
    }
    response = alice_client.post(reverse("web:outreach_settings"), data)
    assert response.status_code == 302
    options = service.linter_options(alice)
    assert options.max_words == 80 and options.job_words == ("gig", "side hustle")
    assert options.skip == {"about-them", "broad-interest"}
    alice_client.post(reverse("web:outreach_settings"), {"reset": "1"})
    assert service.linter_options(alice).skip == set()


def test_bad_settings_keep_what_was_typed(alice_client):
    data = {"max_words": 5, "job_words": "gig\nside hustle", "rule_word-limit": "on"}
    response = alice_client.post(reverse("web:outreach_settings"), data)
    assert response.status_code == 400
    page = text_of(response)
    assert "Use a word limit of at least 20." in page and "side hustle" in page


def test_an_empty_job_list_with_the_rule_on_is_explained(alice_client):
    data = {"max_words": 100, "job_words": "", "rule_no-job-words": "on"}
    response = alice_client.post(reverse("web:outreach_settings"), data)
    assert response.status_code == 400
    assert "switch the rule off" in text_of(response)


def test_the_preferences_page_links_to_the_linter_settings(alice_client):
    page = text_of(alice_client.get(reverse("web:preferences")))
    assert reverse("web:outreach_settings") in page


# The contact page


def test_the_contact_page_offers_a_request_and_lists_theirs(alice_client, ada, sent):
    page = text_of(alice_client.get(reverse("web:contact", args=[ada.code])))
    assert reverse("web:outreach_new") + f"?contact={ada.code}" in page
    assert url(sent) in page and "Waiting for a reply" in page


# Safety


def test_other_peoples_requests_are_not_found(bob_client, draft, sent):
    for name in ("web:outreach_detail", "web:outreach_eml"):
        assert bob_client.get(url(draft, name)).status_code == 404
    assert bob_client.post(url(draft), compose()).status_code == 404
    assert bob_client.post(url(sent, "web:outreach_reply"), {"answer": "yes"}).status_code == 404
    assert bob_client.get(reverse("web:outreach_new") + f"?after={sent.code}").status_code == 404


def test_every_form_needs_the_csrf_token(alice, draft, sent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(url(draft), compose()).status_code == 403
    assert client.post(url(sent, "web:outreach_reply"), {"answer": "yes"}).status_code == 403
    assert client.post(reverse("web:outreach_new"), {}).status_code == 403
    assert client.post(reverse("web:outreach_settings"), {"reset": "1"}).status_code == 403


def test_the_reply_view_only_takes_posts(alice_client, sent):
    assert alice_client.get(url(sent, "web:outreach_reply")).status_code == 405


def test_a_request_due_its_nudge_offers_to_write_it_and_says_what_comes_next(
    alice, alice_client, time_machine
):
    from coffeechat.services.contacts import ContactDetails, add_contact
    from coffeechat.services.outreach import log_outreach

    # Nine days after the views' fixed clock: within the two weeks a signed-in session lasts.
    time_machine.move_to(datetime(2026, 3, 11, 10, 0, tzinfo=UTC), tick=False)
    ada = add_contact(alice, ContactDetails(name="Ada Lovelace", organisation="Analytical"))
    # Sent Monday 2 March, 9:00: 7 business days later is Wednesday 11 March, 9:00.
    request = log_outreach(alice, ada, "Hello", sent_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    response = alice_client.get(f"/outreach/{request.code}/")
    assert response.status_code == 200, response
    page = response.content.decode()
    assert f'action="/outreach/{request.code}/nudge/"' in page
    assert "Write the one nudge to Ada" in page
    assert "It closes quietly on" in page

    fresh = log_outreach(alice, ada, "Hi", sent_at=datetime(2026, 3, 11, 9, 0, tzinfo=UTC))
    page = alice_client.get(f"/outreach/{fresh.code}/").content.decode()
    assert "Write the one nudge" not in page
    assert "A second person there is suggested on Mon 16 Mar 2026" in page


def test_a_reply_date_out_of_range_is_explained(alice_client, sent):
    response = alice_client.post(
        url(sent, "web:outreach_reply"), {"answer": "yes", "replied_on": "9999-12-31"}, follow=True
    )
    assert response.status_code == 200
    assert "Give a day between 1 January 1900 and 31 December 2200." in text_of(response)
    sent.refresh_from_db()
    assert sent.status == "waiting"


# What you send is what you see: every way out saves the text as posted, then carries it

EDITED = GOOD.replace("20 minutes", "twenty minutes & a coffee")


def plain_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def test_every_way_out_is_a_button_of_the_form_that_holds_the_text(alice_client, draft):
    page = text_of(alice_client.get(url(draft)))
    for action in ("copy", "mailto", "eml"):
        assert f'name="action" value="{action}"' in page
    assert f'href="{url(draft, "web:outreach_eml")}"' not in page


def test_download_eml_saves_the_edit_and_downloads_exactly_it(alice_client, draft, settings):
    settings.COFFEECHAT_SMTP = None
    response = alice_client.post(url(draft), compose(body=EDITED, action="eml"))
    assert response["Content-Type"] == "message/rfc822"
    assert 'filename="request-ada-lovelace.eml"' in response["Content-Disposition"]
    assert plain_text(message_from_bytes(response.content, policy=default)) == EDITED + "\n"
    draft.refresh_from_db()
    assert (draft.message, draft.status) == (EDITED, "draft")


def test_open_in_the_mail_program_saves_the_edit_and_goes_to_a_link_carrying_it(
    alice_client, draft
):
    response = alice_client.post(url(draft), compose(body=EDITED, action="mailto"))
    assert response.status_code == 302
    link = response["Location"]
    assert link.startswith("mailto:ada@acme.test?subject=Ana%20suggested%20we%20talk&body=")
    assert unquote(link.split("&body=", 1)[1]) == EDITED.replace("\n", "\r\n")
    draft.refresh_from_db()
    assert (draft.message, draft.status) == (EDITED, "draft")


def test_copy_saves_the_edit_with_or_without_the_script(alice_client, draft):
    response = alice_client.post(url(draft), compose(body=EDITED, action="copy"))
    assert response["Location"] == url(draft) + "#id_body"
    draft.refresh_from_db()
    assert draft.message == EDITED
    again = EDITED + "\n\nP.S. Thanks!"
    response = alice_client.post(
        url(draft), compose(body=again, action="copy"), headers={"X-Coffeechat-Partial": "saved"}
    )
    assert text_of(response).strip() == "<span data-saved>Your draft is saved.</span>"
    draft.refresh_from_db()
    assert (draft.message, draft.status) == (again, "draft")


def test_send_now_sends_exactly_the_edit(alice_client, draft, settings):
    from aiosmtpd.controller import Controller

    from tests.services.test_thanks import Inbox, free_port

    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.COFFEECHAT_SMTP = SmtpConfig(
            host="127.0.0.1", port=port, from_addr="Alice <alice@example.com>", security="none"
        )
        alice_client.post(url(draft), compose(body=EDITED, action="send"))
    finally:
        controller.stop()
    [(_, _, content)] = inbox.received
    assert plain_text(message_from_bytes(content, policy=default)) == EDITED + "\n"
