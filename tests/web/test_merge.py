"""Merging contacts: the pick page, the side-by-side page, confirming, and old links."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from coffeechat.services.network import add_referral
from coffeechat.store.models import Chat, Contact, Note, Referral
from tests.web.conftest import NOW, count_queries, make_chat, make_contact, make_note, text_of
from tests.web.crafted import CRAFTED_QUERIES


def pair(alice):
    kept = make_contact(alice, "Ada Lovelace", role="Analyst", emails=("ada@a.org",))
    other = make_contact(
        alice,
        "Ada King",
        role="Countess",
        emails=("countess@b.org",),
        how_we_met="<b>At the Society</b>",
    )
    return kept, other


def merge_url(kept, other) -> str:
    return f"/contacts/{kept.code}/merge/{other.code}/"


# Owner isolation: another user's contacts look as if they do not exist.


def test_another_users_contact_is_not_found_on_any_merge_page(alice, bob, bob_client):
    kept, other = pair(alice)
    mine = make_contact(bob, "Bob's friend")
    assert bob_client.get(f"/contacts/{kept.code}/merge/").status_code == 404
    assert bob_client.get(merge_url(kept, other)).status_code == 404
    assert bob_client.get(merge_url(mine, other)).status_code == 404
    assert bob_client.post(merge_url(mine, other), {}).status_code == 404
    assert not Contact.objects.filter(merged_into__isnull=False).exists()


def test_an_unknown_contact_is_not_found(alice, alice_client):
    kept, _ = pair(alice)
    assert alice_client.get(f"/contacts/{kept.code}/merge/{uuid.uuid4()}/").status_code == 404


def test_merge_pages_need_a_signed_in_user(alice, client):
    kept, other = pair(alice)
    response = client.get(merge_url(kept, other))
    assert response.status_code == 302
    assert "/signin/" in response["Location"]


# The pick page.


def test_a_contacts_page_links_to_merging(alice, alice_client):
    kept, _ = pair(alice)
    page = text_of(alice_client.get(f"/contacts/{kept.code}/"))
    assert f'href="/contacts/{kept.code}/merge/"' in page
    assert "Merge with another contact…" in page


def test_the_pick_page_suggests_likely_duplicates_first(alice, alice_client):
    ada = make_contact(alice, "Ada Lovelace", emails=("ada@a.org",))
    twin = make_contact(alice, "Countess of Lovelace", emails=("ADA@a.org",))
    make_contact(alice, "Charles Babbage")
    page = text_of(alice_client.get(f"/contacts/{ada.code}/merge/"))
    likely, rest = page.split("Any contact", 1)
    assert merge_url(ada, twin) in likely
    assert "same email" in likely
    assert "Charles Babbage" not in likely
    assert "Charles Babbage" in rest
    # Itself is never offered.
    assert merge_url(ada, ada) not in page


def test_the_pick_page_searches_active_contacts(alice, alice_client):
    ada, other = pair(alice)
    gone = make_contact(alice, "Ada Byron")
    alice_client.post(merge_url(other, gone), {})
    page = text_of(alice_client.get(f"/contacts/{ada.code}/merge/", {"q": "ada"}))
    assert merge_url(ada, other) in page
    assert str(gone.code) not in page
    page = text_of(alice_client.get(f"/contacts/{ada.code}/merge/", {"q": "nobody"}))
    assert "Nobody else matches “nobody”" in page


@pytest.mark.parametrize("query", CRAFTED_QUERIES)
def test_crafted_searches_on_the_pick_page_answer_a_normal_page(alice, alice_client, query):
    ada, _other = pair(alice)
    response = alice_client.get(f"/contacts/{ada.code}/merge/", {"q": query})
    assert response.status_code == 200


def test_the_pick_page_runs_as_many_queries_for_40_contacts_as_for_4(alice, alice_client):
    ada = make_contact(alice, "Ada Lovelace", emails=("ada@a.org",))

    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            make_contact(
                alice, "Ada Lovelace", organisation=f"Org {number}", emails=(f"{number}@a.org",)
            )
            make_contact(alice, f"Person {number}", organisation=f"Org {number}")

    add(2, 0)
    few = count_queries(alice_client, f"/contacts/{ada.code}/merge/")
    add(18, 2)
    assert count_queries(alice_client, f"/contacts/{ada.code}/merge/") == few


# The side-by-side page.


def test_the_page_shows_both_values_of_each_differing_field_escaped(alice, alice_client):
    kept, other = pair(alice)
    response = alice_client.get(merge_url(kept, other))
    assert response.status_code == 200
    page = text_of(response)
    assert 'name="role" value="keep" checked' in page
    assert 'name="role" value="other"' in page
    assert "Analyst" in page and "Countess" in page
    # Lists are united by default: both addresses, the kept one first.
    assert 'name="emails" value="both" checked' in page
    assert "ada@a.org, countess@b.org" in page
    # Only one side knows how they met: that side is the default.
    assert 'name="how_we_met" value="other" checked' in page
    assert "&lt;b&gt;At the Society&lt;/b&gt;" in page
    assert "<b>At the Society</b>" not in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_the_page_says_what_will_move(alice, alice_client):
    kept, other = pair(alice)
    third = make_contact(alice, "Charles")
    for day in (1, 2, 3):
        make_chat(alice, other, NOW - timedelta(days=day))
    make_note(alice, other)
    add_referral(alice, other, third)
    add_referral(alice, other, kept)
    page = text_of(alice_client.get(merge_url(kept, other)))
    assert "3 chats, 1 note, 1 referral will move from Ada King to Ada Lovelace." in page
    assert "1 referral between the two will be removed" in page


def test_confirming_merges_and_leads_to_the_kept_contact(alice, alice_client):
    kept, other = pair(alice)
    make_chat(alice, other, NOW - timedelta(days=2))
    make_note(alice, other)
    response = alice_client.post(
        merge_url(kept, other), {"role": "other", "emails": "keep", "how_we_met": "other"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/contacts/{kept.code}/"
    kept.refresh_from_db()
    assert (kept.role, kept.emails) == ("Countess", ["ada@a.org"])
    assert Chat.objects.get().contact == kept
    assert Note.objects.get().contact == kept
    page = text_of(alice_client.get(response["Location"]))
    assert "Merged Ada King into Ada Lovelace" in page


def test_an_old_link_to_the_merged_contact_leads_to_the_kept_one(alice, alice_client):
    kept, other = pair(alice)
    alice_client.post(merge_url(kept, other), {})
    for suffix in ("", "edit/", "delete/", "merge/"):
        response = alice_client.get(f"/contacts/{other.code}/{suffix}")
        assert response.status_code == 302, suffix
        assert response["Location"] == f"/contacts/{kept.code}/"
    page = text_of(alice_client.get(f"/contacts/{other.code}/", follow=True))
    assert "Ada King was merged into Ada Lovelace." in page


def test_a_note_sent_from_a_stale_page_lands_on_the_kept_contact(alice, alice_client):
    kept, other = pair(alice)
    alice_client.post(merge_url(kept, other), {})
    alice_client.post(f"/contacts/{other.code}/notes/", {"text": "Typed late", "kind": "insight"})
    assert Note.objects.get().contact == kept


def test_a_tampered_choice_changes_nothing_and_keeps_the_other_choices(alice, alice_client):
    kept, other = pair(alice)
    make_chat(alice, other, NOW - timedelta(days=2))
    response = alice_client.post(
        merge_url(kept, other), {"role": "both", "emails": "other", "name": "other"}
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "Role: choose the kept contact&#x27;s or the other contact&#x27;s" in page
    assert "Nothing was changed" in page
    assert 'name="emails" value="other" checked' in page
    assert 'name="name" value="other" checked' in page
    assert 'name="role" value="keep" checked' in page
    other.refresh_from_db()
    assert other.merged_into is None
    assert Chat.objects.get().contact == other


def test_merging_a_contact_with_itself_is_refused_with_a_message(alice, alice_client):
    kept, _ = pair(alice)
    response = alice_client.get(merge_url(kept, kept), follow=True)
    assert "cannot be merged with itself" in text_of(response)
    assert response.redirect_chain[-1][0] == f"/contacts/{kept.code}/merge/"


def test_merging_into_an_already_merged_contact_is_refused(alice, alice_client):
    kept, other = pair(alice)
    third = make_contact(alice, "Charles")
    alice_client.post(merge_url(kept, other), {})
    response = alice_client.post(merge_url(third, other), {}, follow=True)
    assert "Ada King was already merged into Ada Lovelace" in text_of(response)
    assert not Referral.objects.exists()
    assert Contact.objects.get(pk=third.pk).merged_into is None


def test_the_side_by_side_page_runs_as_many_queries_for_many_rows_as_for_few(alice, alice_client):
    kept, other = pair(alice)
    friends = [make_contact(alice, f"Friend {n}") for n in range(12)]

    def add(count: int, start: int) -> None:
        for n in range(start, start + count):
            make_chat(alice, other, NOW - timedelta(days=n + 1))
            make_note(alice, other)
            add_referral(alice, other, friends[n])

    add(1, 0)
    few = count_queries(alice_client, merge_url(kept, other))
    add(10, 1)
    assert count_queries(alice_client, merge_url(kept, other)) == few


@pytest.mark.parametrize("method", ["put", "delete"])
def test_other_methods_are_refused(alice, alice_client, method):
    kept, other = pair(alice)
    assert getattr(alice_client, method)(merge_url(kept, other)).status_code == 405
