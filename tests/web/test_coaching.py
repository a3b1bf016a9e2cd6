"""Coaching pages (server mode): the student's Coaches page and share toggle, the coach's pages.

Each coach page answers 200 to a coach with an open grant and 404 to everyone else: a coach
without a grant, a coach after revocation, another student, and the student themselves; a
visitor who is not signed in is sent to sign in.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coffeechat.services.accounts import create_user
from coffeechat.services.coaching import grant, open_grant, person_key, revoke, share_chat
from coffeechat.store.models import CoachGrant, CoachView, Preferences, SharedChat
from tests.services.coaching_data import held_chat, make_coach, noted
from tests.web.conftest import NOW, make_chat, make_contact, text_of


@pytest.fixture(autouse=True)
def server_mode(settings):
    settings.COFFEECHAT_MODE = "server"


@pytest.fixture
def carol(db):
    return make_coach("carol", your_name="Carol Coach")


@pytest.fixture
def dan(db):
    return make_coach("dan")


def client_of(user, **options) -> Client:
    client = Client(**options)
    client.force_login(user)
    return client


@pytest.fixture
def granted(alice, carol):
    """Alice lets Carol in and shares one held chat; returns the coach's three pages."""
    grant(alice, carol.email)
    chat = held_chat(alice, NOW - timedelta(days=1), name="Grace Hopper")
    noted(alice, chat, "They *loved* the question about mentors.", kind="memorable")
    share_chat(alice, chat)
    key = person_key(alice)
    return ["/students/", f"/students/{key}/", f"/students/{key}/chats/{chat.code}/"]


def test_a_coach_with_a_grant_sees_each_page(granted, carol):
    coach = client_of(carol)
    for url in granted:
        assert coach.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["dan", "alice", "bob"])
def test_a_coach_without_a_grant_and_students_get_404(granted, who, request):
    other = client_of(request.getfixturevalue(who))
    for url in granted[1:]:
        assert other.get(url).status_code == 404, (who, url)


def test_students_and_coaches_without_students_see_an_empty_or_no_cohort(granted, alice, dan):
    assert client_of(alice).get("/students/").status_code == 404  # not a coach
    page = client_of(dan).get("/students/")
    assert page.status_code == 200
    assert "No student has let you see their progress yet" in text_of(page)


def test_after_revocation_the_next_request_is_404(granted, alice, carol):
    coach = client_of(carol)
    assert coach.get(granted[1]).status_code == 200
    revoke(alice, open_grant(alice, person_key(carol)))
    for url in granted[1:]:
        assert coach.get(url).status_code == 404, url
    assert "Grace Hopper" not in text_of(coach.get("/students/"))


def test_a_visitor_is_sent_to_sign_in(granted, client):
    for url in granted:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/signin/"), url


def test_every_page_is_404_on_a_laptop(granted, alice, carol, settings):
    settings.COFFEECHAT_MODE = "local"
    for url in granted:
        assert client_of(carol).get(url).status_code == 404, url
    student = client_of(alice)
    assert student.get("/preferences/coaches/").status_code == 404
    assert "/preferences/coaches/" not in text_of(student.get("/preferences/"))


def test_the_cohort_shows_aggregates_and_never_contacts_or_notes(granted, alice, carol):
    make_contact(alice, "Secret Person", emails=["secret@example.com"])
    page = text_of(client_of(carol).get("/students/"))
    assert "alice@example.com" in page  # the student has no name yet: their address stands in
    for private in ("Grace Hopper", "Secret Person", "secret@example.com", "mentors"):
        assert private not in page
    # The chat ended a day ago and its thank-you was never sent: owed, and not in time.
    assert "0 of 1 (0%)" in page


def test_a_student_page_lists_the_shared_chats_and_the_chat_page_its_notes(granted, carol):
    coach = client_of(carol)
    student = text_of(coach.get(granted[1]))
    assert granted[2] in student
    assert "Grace Hopper" not in student
    chat = text_of(coach.get(granted[2]))
    assert "<em>loved</em>" in chat  # sanitised Markdown, as on the student's own pages
    assert "Grace Hopper" not in chat
    assert "Memorable" in chat


def test_an_unshared_chat_is_404_for_the_coach(granted, alice, carol):
    SharedChat.objects.filter(owner=alice).delete()
    assert client_of(carol).get(granted[2]).status_code == 404


def test_each_coach_page_view_is_written_to_the_students_record(granted, alice, carol):
    coach = client_of(carol)
    for url in granted:
        coach.get(url)
    assert CoachView.objects.filter(student=alice).count() == 3
    page = text_of(client_of(alice).get("/preferences/coaches/"))
    assert "Carol Coach viewed the notes of your chat with Grace Hopper" in page
    assert page.index("viewed the notes") < page.index("viewed your progress page")


def test_reloading_the_cohort_page_writes_no_new_line_to_the_record(alice, bob, carol):
    grant(alice, carol.email)
    grant(bob, carol.email)
    coach = client_of(carol)
    for _ in range(3):
        assert coach.get("/students/").status_code == 200
    assert CoachView.objects.filter(coach=carol).count() == 2
    page = text_of(client_of(alice).get("/preferences/coaches/"))
    assert "Carol Coach viewed your progress in their cohort" in page


def test_names_are_escaped_on_every_page(alice, carol):
    Preferences.objects.filter(owner=alice).update(your_name="<b>Alice</b>")
    Preferences.objects.filter(owner=carol).update(your_name="<i>Carol</i>")
    grant(alice, carol.email)
    coach = client_of(carol)
    cohort = text_of(coach.get("/students/"))
    assert "&lt;b&gt;Alice&lt;/b&gt;" in cohort and "<b>Alice</b>" not in cohort
    detail = text_of(coach.get(f"/students/{person_key(alice)}/"))
    assert "&lt;b&gt;Alice&lt;/b&gt;" in detail and "<b>Alice</b>" not in detail
    own = text_of(client_of(alice).get("/preferences/coaches/"))
    assert "&lt;i&gt;Carol&lt;/i&gt;" in own and "<i>Carol</i>" not in own


def test_the_students_link_shows_for_coaches_only(alice, carol):
    assert 'href="/students/"' in text_of(client_of(carol).get("/"))
    assert 'href="/students/"' not in text_of(client_of(alice).get("/"))


def test_the_cohort_page_runs_as_many_queries_for_six_students_as_for_two(carol):
    def cohort_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client_of(carol).get("/students/").status_code == 200
        return len(captured.captured_queries)

    def add_students(names):
        for name in names:
            student = create_user(name, email=f"{name}@example.com")
            held_chat(student, NOW - timedelta(days=2), 4)
            grant(student, carol.email)

    add_students(["s1", "s2"])
    few = cohort_queries()
    add_students(["s3", "s4", "s5", "s6"])
    assert cohort_queries() == few


# --- The student's side ---------------------------------------------------------------------


def test_a_student_grants_a_coach_from_the_coaches_page(alice, carol, alice_client):
    assert 'href="/preferences/coaches/"' in text_of(alice_client.get("/preferences/"))
    response = alice_client.post("/preferences/coaches/", {"email": "carol@college.example"})
    assert response.status_code == 302
    page = text_of(alice_client.get(response["Location"]))
    assert "carol@college.example can now see your progress" in page
    assert "Carol Coach" in page
    assert CoachGrant.objects.filter(student=alice, coach=carol, revoked_at=None).exists()


def test_a_refused_grant_says_why_on_the_form(alice, bob, alice_client):
    response = alice_client.post("/preferences/coaches/", {"email": "bob@example.com"})
    assert response.status_code == 400
    assert "No coach signs in with bob@example.com" in text_of(response)
    assert not CoachGrant.objects.exists()


def test_a_student_takes_access_back(alice, carol, alice_client):
    grant(alice, carol.email)
    response = alice_client.post(f"/preferences/coaches/{person_key(carol)}/revoke/")
    assert response.status_code == 302
    assert not CoachGrant.objects.filter(revoked_at=None).exists()
    # Once more: nothing is open any longer.
    again = alice_client.post(f"/preferences/coaches/{person_key(carol)}/revoke/")
    assert again.status_code == 404


def test_another_student_cannot_revoke_or_share(alice, bob, carol, bob_client):
    grant(alice, carol.email)
    assert bob_client.post(f"/preferences/coaches/{person_key(carol)}/revoke/").status_code == 404
    chat = make_chat(alice, make_contact(alice))
    assert bob_client.post(f"/chats/{chat.code}/share/", {"shared": "1"}).status_code == 404
    assert CoachGrant.objects.filter(revoked_at=None).count() == 1
    assert not SharedChat.objects.exists()


def test_the_share_toggle_shows_only_to_a_student_with_a_coach(alice, carol, alice_client):
    chat = make_chat(alice, make_contact(alice))
    url = f"/chats/{chat.code}/"
    assert "/share/" not in text_of(alice_client.get(url))
    grant(alice, carol.email)
    assert "Share this chat's notes with your coaches" in text_of(alice_client.get(url))
    response = alice_client.post(f"{url}share/", {"shared": "1"})
    assert response["Location"] == url
    assert SharedChat.objects.filter(chat=chat).exists()
    assert "Stop sharing" in text_of(alice_client.get(url))
    alice_client.post(f"{url}share/", {"shared": "0"})
    assert not SharedChat.objects.filter(chat=chat).exists()


def test_the_toggle_is_not_on_a_laptop(alice, carol, alice_client, settings):
    grant(alice, carol.email)
    settings.COFFEECHAT_MODE = "local"
    chat = make_chat(alice, make_contact(alice))
    assert "/share/" not in text_of(alice_client.get(f"/chats/{chat.code}/"))
    assert alice_client.post(f"/chats/{chat.code}/share/", {"shared": "1"}).status_code == 404


def test_every_post_needs_its_form_token(alice, carol):
    grant(alice, carol.email)
    chat = make_chat(alice, make_contact(alice))
    strict = client_of(alice, enforce_csrf_checks=True)
    for url, data in (
        ("/preferences/coaches/", {"email": "carol@college.example"}),
        (f"/preferences/coaches/{person_key(carol)}/revoke/", {}),
        (f"/chats/{chat.code}/share/", {"shared": "1"}),
    ):
        assert strict.post(url, data).status_code == 403, url
    assert CoachGrant.objects.filter(revoked_at=None).count() == 1
    assert not SharedChat.objects.exists()


def test_the_coach_pages_take_no_posts(granted, carol):
    coach = client_of(carol)
    for url in granted:
        assert coach.post(url).status_code == 405, url
