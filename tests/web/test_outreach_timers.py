"""The 3-and-7 timers on the home page, and their two buttons: write the nudge, not now."""

from __future__ import annotations

from datetime import timedelta

import pytest

from coffeechat.services.outreach import log_outreach
from coffeechat.store.models import FollowUp, Outreach
from tests.web.conftest import NOW, make_contact, text_of

# NOW is Monday 2 March 2026, 09:00 UTC; the user counts Monday to Friday.
THREE_DAYS_AGO = NOW - timedelta(days=5)  # Wednesday 25 February: due just now
SEVEN_DAYS_AGO = NOW - timedelta(days=11)  # Thursday 19 February: the nudge is due just now


def request_to(owner, contact, sent_at=THREE_DAYS_AGO) -> Outreach:
    return log_outreach(owner, contact, "Would you have 20 minutes?", sent_at=sent_at)


def waiting_part(page: str) -> str:
    return page[page.index('id="owed-nudges"') :]


def nudge_url(outreach) -> str:
    return f"/outreach/{outreach.code}/nudge/"


def move_on_url(outreach) -> str:
    return f"/outreach/{outreach.code}/move-on/"


def test_after_three_business_days_the_home_page_suggests_others_there(alice, alice_client):
    ada = make_contact(alice, "Ada Lovelace", organisation="Acme")
    bob = make_contact(alice, "Bob Smith", organisation="Acme")
    carol = make_contact(alice, "Carol Jones", organisation="Acme")
    outreach = request_to(alice, ada)
    page = waiting_part(text_of(alice_client.get("/")))
    assert ">Requests waiting</span>" in page
    assert "3 business days without a reply from Ada Lovelace (Acme)" in page
    assert "Write to <a" in page and " or <a" in page and "</a> at Acme." in page
    for person in (bob, carol):
        assert (
            f'href="/outreach/new/?contact={person.code}&amp;after={outreach.code}"'
            f">Write to {person.name}</a>"
        ) in page
    assert f'action="{move_on_url(outreach)}"' in page
    assert nudge_url(outreach) not in page  # the nudge is not due yet


def test_with_nobody_else_there_it_prompts_to_find_someone(alice, alice_client):
    ada = make_contact(alice, "Ada Lovelace", organisation="Acme")
    request_to(alice, ada)
    page = waiting_part(text_of(alice_client.get("/")))
    assert "You know nobody else at Acme yet" in page
    assert f'href="/organisations/{ada.organisation.code}/"' in page
    assert 'href="/contacts/new/?organisation=Acme"' in page


def test_with_no_organisation_it_asks_where_they_work(alice, alice_client):
    lee = make_contact(alice, "Lee Chen")
    request_to(alice, lee)
    page = waiting_part(text_of(alice_client.get("/")))
    assert "Lee Chen has no organisation on file" in page
    assert f'href="/contacts/{lee.code}/edit/"' in page


def test_names_are_escaped(alice, alice_client):
    ada = make_contact(alice, "<b>Ada</b>", organisation="<i>Acme</i>")
    make_contact(alice, "<script>Bob</script>", organisation="<i>Acme</i>")
    request_to(alice, ada)
    page = waiting_part(text_of(alice_client.get("/")))
    assert "<script>Bob" not in page and "<b>Ada" not in page and "<i>Acme" not in page
    assert "&lt;script&gt;Bob&lt;/script&gt;" in page


def test_after_seven_business_days_it_offers_the_nudge(alice, alice_client):
    ada = make_contact(alice, "Ada Lovelace", organisation="Acme")
    outreach = request_to(alice, ada, SEVEN_DAYS_AGO)
    page = waiting_part(text_of(alice_client.get("/")))
    assert "7 business days without a reply from Ada Lovelace" in page
    assert "Send Ada Lovelace one short nudge." in page
    assert f'action="{nudge_url(outreach)}"' in page
    assert "Write the nudge</button>" in page


def test_writing_the_nudge_opens_the_composer_on_it(alice, alice_client):
    ada = make_contact(alice, "Ada Lovelace", organisation="Acme")
    outreach = request_to(alice, ada, SEVEN_DAYS_AGO)
    response = alice_client.post(nudge_url(outreach), {"next": "/"})
    nudge = FollowUp.objects.get(outreach=outreach)
    assert response["Location"] == f"/follow-ups/{nudge.code}/"
    assert (nudge.kind, nudge.contact, nudge.due_at) == ("outreach_nudge", ada, NOW)
    assert "Hi Ada," in text_of(alice_client.get(response["Location"]))
    # Pressed again, it reopens the same nudge; the home page links to it.
    assert alice_client.post(nudge_url(outreach))["Location"] == f"/follow-ups/{nudge.code}/"
    page = waiting_part(text_of(alice_client.get("/")))
    assert f'href="/follow-ups/{nudge.code}/">finish and send it</a>' in page
    assert page.count("Ada Lovelace (Acme)") == 1


def test_a_nudge_asked_for_too_early_is_refused_with_its_date(alice, alice_client):
    outreach = request_to(alice, make_contact(alice, "Ada Lovelace"))
    response = alice_client.post(nudge_url(outreach), {"next": "/contacts/"}, follow=True)
    assert response.redirect_chain == [("/contacts/", 302)]
    assert "The nudge is due on Fri 6 Mar: give them until then." in text_of(response)
    assert not FollowUp.objects.filter(outreach=outreach).exists()


def test_not_now_puts_the_suggestion_away(alice, alice_client):
    ada = make_contact(alice, "Ada Lovelace", organisation="Acme")
    make_contact(alice, "Bob Smith", organisation="Acme")
    outreach = request_to(alice, ada)
    response = alice_client.post(move_on_url(outreach), {"next": "/#who-do-i-owe"}, follow=True)
    assert response.redirect_chain == [("/#who-do-i-owe", 302)]
    page = text_of(response)
    assert "Noted: no second person for now." in page
    assert 'id="owed-nudges"' not in page
    outreach.refresh_from_db()
    assert (outreach.status, outreach.moved_on_at) == (Outreach.Status.MOVED_ON, NOW)


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "", "foo", "web:contacts"],
)
def test_it_only_goes_back_to_pages_of_this_site(alice, alice_client, target):
    outreach = request_to(alice, make_contact(alice))
    response = alice_client.post(move_on_url(outreach), {"next": target})
    assert response["Location"] == "/"
    # A refused nudge (too early) goes back the same way.
    response = alice_client.post(nudge_url(outreach), {"next": target})
    assert response["Location"] == "/"


def test_a_draft_cannot_be_moved_on_from(alice, alice_client):
    draft = log_outreach(alice, make_contact(alice), "Hello?")
    response = alice_client.post(move_on_url(draft), follow=True)
    assert "has not been sent yet" in text_of(response)


def test_other_peoples_requests_answer_404(alice, bob, bob_client):
    outreach = request_to(alice, make_contact(alice), SEVEN_DAYS_AGO)
    assert bob_client.post(nudge_url(outreach)).status_code == 404
    assert bob_client.post(move_on_url(outreach)).status_code == 404
    assert not FollowUp.objects.exists()
    outreach.refresh_from_db()
    assert outreach.moved_on_at is None


def test_the_buttons_answer_only_post(alice, alice_client):
    outreach = request_to(alice, make_contact(alice), SEVEN_DAYS_AGO)
    assert alice_client.get(nudge_url(outreach)).status_code == 405
    assert alice_client.get(move_on_url(outreach)).status_code == 405


def test_signed_out_visitors_are_sent_to_sign_in(alice, client):
    outreach = request_to(alice, make_contact(alice), SEVEN_DAYS_AGO)
    response = client.post(nudge_url(outreach))
    assert response.status_code == 302 and "nudge" not in response["Location"].split("?")[0]
