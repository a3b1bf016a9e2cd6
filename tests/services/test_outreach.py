from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coffeechat.services.contacts import ContactDetails, add_contact
from coffeechat.services.errors import InvalidInput
from coffeechat.services.outreach import log_outreach, mark_target, record_reply
from coffeechat.store.models import Outreach

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
    with pytest.raises(InvalidInput, match="answer already"):
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


def test_an_organisation_becomes_a_target_with_its_priority(alice, ada):
    organisation = mark_target(
        alice, ada.organisation, motivation=3, hiring_signal="active", top_five=True
    )
    assert (organisation.is_target, organisation.motivation, organisation.top_five) == (
        True,
        3,
        True,
    )


@pytest.mark.parametrize(
    ("motivation", "hiring", "message"),
    [(4, "active", "Rate your motivation"), (2, "maybe", "hiring signal")],
)
def test_it_refuses_a_priority_it_cannot_read(alice, ada, motivation, hiring, message):
    with pytest.raises(InvalidInput, match=message):
        mark_target(alice, ada.organisation, motivation=motivation, hiring_signal=hiring)
