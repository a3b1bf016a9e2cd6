from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from coffeechat.core.outreach_lint import DEFAULT_JOB_WORDS, Verdict
from coffeechat.services import outreach as service
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.errors import InvalidInput
from coffeechat.services.followups import add_follow_up
from coffeechat.services.mail import SendFailed
from coffeechat.services.outreach import log_outreach, record_reply
from coffeechat.store.models import FollowUp, Outreach
from tests.services.test_thanks import Inbox, free_port, smtp_on

NOW = datetime(2030, 1, 9, 12, 0, tzinfo=UTC)


@pytest.fixture
def ada(alice, time_machine):
    time_machine.move_to(NOW, tick=False)
    return add_contact(alice, ContactDetails(name="Ada", organisation="Acme"))


def test_an_unsent_request_is_a_draft_and_a_sent_one_waits(alice, ada):
    assert log_outreach(alice, ada, "Hello?").status == Outreach.Status.DRAFT
    sent = log_outreach(alice, ada, "Hello?", sent_at=NOW - timedelta(days=1))
    assert sent.status == Outreach.Status.WAITING


def test_a_reply_is_recorded_once(alice, ada):
    outreach = log_outreach(alice, ada, "Hello?", sent_at=NOW - timedelta(days=1))
    record_reply(alice, outreach)
    assert (outreach.status, outreach.replied_at) == (Outreach.Status.REPLIED, NOW)
    with pytest.raises(InvalidInput, match="You recorded Ada's yes on Wed 9 Jan already"):
        record_reply(alice, outreach, accepted=False)


def test_a_draft_cannot_be_answered(alice, ada):
    with pytest.raises(InvalidInput, match="not been sent"):
        record_reply(alice, log_outreach(alice, ada, "Hello?"))


def test_a_reply_comes_after_its_request(alice, ada):
    outreach = log_outreach(alice, ada, "Hello?", sent_at=NOW - timedelta(days=1))
    with pytest.raises(InvalidInput, match="after the request"):
        record_reply(alice, outreach, replied_at=NOW - timedelta(days=2))


def test_a_request_cannot_be_sent_in_the_future(alice, ada):
    with pytest.raises(InvalidInput, match="has passed"):
        log_outreach(alice, ada, "Hello?", sent_at=NOW + timedelta(hours=1))


# --- The composer: drafts, settings, sending, replies ----------------------------------------


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free port (aiosmtpd) that keeps, or refuses, what it is sent."""
    started: list[Controller] = []

    def start(reply: str = "250 OK") -> tuple[Inbox, int]:
        inbox, port = Inbox(reply), free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        started.append(controller)
        return inbox, port

    yield start
    for controller in started:
        controller.stop()


GOOD = (
    "Hi Ada,\n\nAna Silva suggested I get in touch with you. I'm curious about how you moved "
    "into data, and she thought your experience at Acme would help.\n\nWould you have 20 "
    "minutes for a call in the next few weeks?\n\nThanks,\nAlice"
)


@pytest.fixture
def mail_ada(alice, time_machine):
    time_machine.move_to(NOW, tick=False)
    return add_contact(
        alice, ContactDetails(name="Ada Lovelace", organisation="Acme", emails=("ada@acme.test",))
    )


def written(owner, contact, text=GOOD, connection="Ana Silva"):
    draft = service.start_outreach(owner, contact)
    return service.save_outreach_draft(
        owner, draft, subject="Ana suggested we talk", message=text, connection=connection
    )


def test_a_new_request_starts_from_the_no_connection_template(alice, mail_ada):
    draft = service.start_outreach(alice, mail_ada)
    assert draft.status == Outreach.Status.DRAFT and draft.sent_at is None
    assert draft.message.startswith("Hi Ada,")
    assert draft.subject == "Your work at Acme"


def test_an_unsent_draft_to_the_same_person_is_reused(alice, mail_ada):
    first = service.start_outreach(alice, mail_ada)
    again = service.start_outreach(alice, mail_ada, template_id="met")
    assert again.pk == first.pk
    assert Outreach.objects.for_owner(alice).count() == 1


def test_an_unknown_template_is_refused(alice, mail_ada):
    with pytest.raises(InvalidInput, match="no template called 'pigeon'"):
        service.start_outreach(alice, mail_ada, template_id="pigeon")
    assert not Outreach.objects.exists()


def test_writing_to_a_second_person_there_uses_that_template_and_moves_the_first_on(
    alice, mail_ada
):
    sent = service.mark_outreach_sent(alice, written(alice, mail_ada), "copy")
    bea = add_contact(alice, ContactDetails(name="Bea Quinn", organisation="Acme"))
    second = service.start_outreach(alice, bea, after=sent)
    assert second.subject == "A question about Acme"
    sent.refresh_from_db()
    assert (sent.status, sent.moved_on_at) == (Outreach.Status.MOVED_ON, NOW)


def test_the_second_person_must_be_someone_else(alice, mail_ada):
    sent = service.mark_outreach_sent(alice, written(alice, mail_ada), "copy")
    with pytest.raises(InvalidInput, match="choose someone else"):
        service.start_outreach(alice, mail_ada, after=sent)


def test_a_draft_keeps_what_was_typed_and_refuses_what_is_too_long(alice, mail_ada):
    draft = written(alice, mail_ada, text="Hi Ada,\r\nA question?\r\n")
    assert draft.message == "Hi Ada,\nA question?"
    with pytest.raises(InvalidInput, match="at most 5,000") as caught:
        service.save_outreach_draft(alice, draft, subject="x", message="y" * 5_001, connection="")
    assert caught.value.field == "body"
    draft.refresh_from_db()
    assert draft.message == "Hi Ada,\nA question?"


def test_a_sent_request_is_kept_as_it_went_out(alice, mail_ada):
    sent = service.mark_outreach_sent(alice, written(alice, mail_ada), "mailto")
    with pytest.raises(InvalidInput, match="kept as it went out"):
        service.save_outreach_draft(alice, sent, subject="x", message="y", connection="")
    with pytest.raises(InvalidInput, match="kept as it went out"):
        service.delete_draft(alice, sent)


def test_a_template_can_be_tried_without_losing_the_saved_draft(alice, mail_ada):
    draft = written(alice, mail_ada)
    fresh = service.draft_from_template(alice, draft, "suggested")
    assert fresh.body.startswith("Hi Ada,\n\nAna Silva suggested")
    draft.refresh_from_db()
    assert draft.message == GOOD


def test_the_linter_reads_the_owners_settings(alice, mail_ada):
    options = service.linter_options(alice, "Ana")
    assert (options.max_words, options.job_words, options.skip) == (100, DEFAULT_JOB_WORDS, set())
    service.save_linter_settings(
        alice, max_words=20, job_words=["gig", " GIG ", "", "side hustle"], rules_off=["about-them"]
    )
    options = service.linter_options(alice)
    assert options.job_words == ("gig", "side hustle")
    report = service.check_outreach(alice, written(alice, mail_ada, text=GOOD + " Any gig?"))
    assert report.result("about-them").verdict is Verdict.OFF
    assert report.result("word-limit").verdict is Verdict.FAIL
    assert report.result("no-job-words").verdict is Verdict.FAIL


@pytest.mark.parametrize(
    ("settings", "field", "message"),
    [
        ({"max_words": 19}, "max_words", "between 20 and 500"),
        ({"max_words": 501}, "max_words", "between 20 and 500"),
        ({"rules_off": ["be-nice"]}, "rules_off", "No rule is called be-nice"),
        ({"job_words": [" ", ""]}, "job_words", "switch the rule off"),
        ({"job_words": ["x" * 61]}, "job_words", "under 60 characters"),
    ],
)
def test_linter_settings_it_cannot_use_are_refused_and_nothing_changes(
    alice, settings, field, message
):
    values = {"max_words": 100, "job_words": ["gig"], "rules_off": []} | settings
    with pytest.raises(InvalidInput, match=message) as caught:
        service.save_linter_settings(alice, **values)
    assert caught.value.field == field
    preferences = ensure_preferences(alice)
    assert (preferences.outreach_max_words, preferences.outreach_job_words) == (100, None)


def test_an_empty_job_list_is_fine_once_that_rule_is_off(alice):
    service.save_linter_settings(alice, max_words=80, job_words=[], rules_off=["no-job-words"])
    assert ensure_preferences(alice).outreach_job_words == []


def test_our_own_list_is_stored_as_ours_and_reset_brings_back_every_default(alice):
    service.save_linter_settings(
        alice, max_words=60, job_words=[w.upper() for w in DEFAULT_JOB_WORDS], rules_off=[]
    )
    assert ensure_preferences(alice).outreach_job_words is None
    service.save_linter_settings(alice, max_words=60, job_words=["gig"], rules_off=["about-them"])
    service.reset_linter_settings(alice)
    preferences = ensure_preferences(alice)
    assert (
        preferences.outreach_max_words,
        preferences.outreach_job_words,
        preferences.outreach_rules_off,
    ) == (100, None, [])


def test_a_request_in_another_language_is_not_guessed_at(alice, mail_ada):
    text = (
        "Hola Ada, Ana Silva me sugirió escribirte. Me encantaría saber cómo llegaste a "
        "trabajar en datos. ¿Tendrías veinte minutos para una llamada la próxima semana?"
    )
    report = service.check_outreach(alice, written(alice, mail_ada, text=text))
    verdicts = {result.rule.id: result.verdict for result in report.results}
    assert verdicts["no-job-words"] is Verdict.CANNOT_JUDGE
    assert verdicts["about-them"] is Verdict.CANNOT_JUDGE
    assert not report.failed


def test_marking_sent_starts_the_wait(alice, mail_ada, time_machine):
    sent = service.mark_outreach_sent(alice, written(alice, mail_ada), "eml")
    assert (sent.status, sent.sent_at, sent.sent_via) == (Outreach.Status.WAITING, NOW, "eml")
    with pytest.raises(InvalidInput, match="sent on Wed 9 Jan; it is kept"):
        service.mark_outreach_sent(alice, sent, "copy")


def test_an_empty_request_cannot_be_sent(alice, mail_ada):
    draft = written(alice, mail_ada, text="  ")
    for attempt in (
        lambda: service.mark_outreach_sent(alice, draft, "copy"),
        lambda: service.outreach_eml(alice, draft),
        lambda: service.send_outreach_by_smtp(alice, draft),
    ):
        with pytest.raises(InvalidInput, match="The request is empty"):
            attempt()
    draft.refresh_from_db()
    assert draft.status == Outreach.Status.DRAFT


def test_marking_sent_needs_a_known_channel(alice, mail_ada):
    with pytest.raises(InvalidInput, match="how the request went out"):
        service.mark_outreach_sent(alice, written(alice, mail_ada), "pigeon")


def test_the_eml_and_the_mailto_link_carry_the_saved_request(alice, mail_ada, settings):
    settings.COFFEECHAT_SMTP = None
    draft = written(alice, mail_ada)
    message = message_from_bytes(service.outreach_eml(alice, draft), policy=default)
    assert message["To"] == "Ada Lovelace <ada@acme.test>"
    assert message["Subject"] == "Ana suggested we talk"
    assert "Ana Silva suggested" in message.get_content()
    assert service.outreach_mailto(alice, draft).startswith("mailto:ada@acme.test?subject=Ana")
    no_email = add_contact(alice, ContactDetails(name="Sam"))
    assert service.outreach_mailto(alice, written(alice, no_email)) == ""


def test_it_sends_through_a_real_smtp_server_and_starts_the_wait(
    alice, mail_ada, smtp_server, settings
):
    inbox, port = smtp_server()
    settings.COFFEECHAT_SMTP = smtp_on(port)
    sent = service.send_outreach_by_smtp(alice, written(alice, mail_ada))
    assert (sent.status, sent.sent_via) == (Outreach.Status.WAITING, "smtp")
    [(_, rcpt_tos, content)] = inbox.received
    assert rcpt_tos == ["ada@acme.test"] and b"Ana Silva suggested" in content


def test_a_failed_send_keeps_the_draft_and_marks_nothing(alice, mail_ada, smtp_server, settings):
    _, port = smtp_server("550 5.7.1 Relaying denied")
    settings.COFFEECHAT_SMTP = smtp_on(port)
    draft = written(alice, mail_ada)
    with pytest.raises(SendFailed, match="550 5.7.1 Relaying denied"):
        service.send_outreach_by_smtp(alice, draft)
    draft.refresh_from_db()
    assert (draft.status, draft.sent_at, draft.message) == (Outreach.Status.DRAFT, None, GOOD)


def test_a_second_reply_names_the_first_and_changes_nothing(alice, mail_ada, time_machine):
    sent = service.mark_outreach_sent(alice, written(alice, mail_ada), "copy")
    time_machine.move_to(NOW + timedelta(days=6), tick=False)
    record_reply(alice, sent, accepted=False)
    with pytest.raises(InvalidInput, match="You recorded Ada's no on Tue 15 Jan already."):
        record_reply(alice, sent, accepted=True)
    sent.refresh_from_db()
    assert (sent.status, sent.replied_at) == (Outreach.Status.DECLINED, NOW + timedelta(days=6))


def test_a_late_reply_still_counts_after_closing(alice, mail_ada, time_machine):
    sent = service.mark_outreach_sent(alice, written(alice, mail_ada), "copy")
    time_machine.move_to(NOW + timedelta(days=30), tick=False)
    service.close_outreach(alice, sent)
    assert sent.status == Outreach.Status.CLOSED
    record_reply(alice, sent)
    assert sent.status == Outreach.Status.REPLIED


def test_a_reply_sets_aside_the_nudge_still_owed(alice, mail_ada, time_machine):
    sent = service.mark_outreach_sent(alice, written(alice, mail_ada), "copy")
    nudge = add_follow_up(alice, mail_ada, "outreach_nudge", NOW + timedelta(days=9))
    FollowUp.objects.filter(pk=nudge.pk).update(outreach=sent)
    time_machine.move_to(NOW + timedelta(days=10), tick=False)
    record_reply(alice, sent)
    nudge.refresh_from_db()
    assert nudge.dismissed_at == NOW + timedelta(days=10)


def test_a_reply_given_on_an_earlier_day_counts_from_that_day(alice, mail_ada, time_machine):
    sent = service.mark_outreach_sent(alice, written(alice, mail_ada), "copy")
    time_machine.move_to(NOW + timedelta(days=3), tick=False)
    moment = service.reply_moment(alice, sent, (NOW + timedelta(days=1)).date())
    assert moment == datetime(2030, 1, 10, 12, 0, tzinfo=UTC)
    assert service.reply_moment(alice, sent, None) == NOW + timedelta(days=3)
    with pytest.raises(InvalidInput, match="after the request"):
        record_reply(
            alice, sent, replied_at=service.reply_moment(alice, sent, NOW.date().replace(day=20))
        )


def test_closing_refuses_drafts_and_answered_requests(alice, mail_ada):
    draft = written(alice, mail_ada)
    with pytest.raises(InvalidInput, match="delete the draft instead"):
        service.close_outreach(alice, draft)
    service.mark_outreach_sent(alice, draft, "copy")
    record_reply(alice, draft)
    with pytest.raises(InvalidInput, match="has its answer"):
        service.close_outreach(alice, draft)


def test_another_users_request_is_refused(alice, bob, mail_ada):
    draft = written(alice, mail_ada)
    for attempt in (
        lambda: service.save_outreach_draft(bob, draft, subject="", message="", connection=""),
        lambda: service.mark_outreach_sent(bob, draft, "copy"),
        lambda: service.check_outreach(bob, draft),
        lambda: service.start_outreach(bob, mail_ada),
        lambda: record_reply(bob, draft),
    ):
        with pytest.raises(InvalidInput, match="not yours"):
            attempt()


def test_the_board_groups_requests_by_where_they_stand(alice, mail_ada, time_machine):
    written(alice, mail_ada)
    bea = add_contact(alice, ContactDetails(name="Bea", organisation="Acme"))
    old = service.mark_outreach_sent(alice, written(alice, bea), "copy")
    cy = add_contact(alice, ContactDetails(name="Cy"))
    answered = service.mark_outreach_sent(alice, written(alice, cy), "copy")
    record_reply(alice, answered)
    time_machine.move_to(NOW + timedelta(days=40), tick=False)
    board = service.outreach_board(alice)
    assert [row.request.pk for row in board.drafts] != []
    assert [row.request.pk for row in board.closed] == [old.pk]
    assert [row.request.pk for row in board.answered] == [answered.pk]
    assert board.waiting == []
