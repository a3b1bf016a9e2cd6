"""Headers on every page: the Content-Security-Policy, and no caching of anyone's data.

The test walks the app as a user would: from the home page of a demo network it follows every
link to a page of ours, a few of each kind, and checks each answer. A page that no link reaches
(a form's target, a secret link) is named in NOT_LINKED, so a new page cannot slip past unchecked.
"""

from __future__ import annotations

import html
import re
import uuid
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, get_resolver, resolve

from coffeechat.services.accounts import issue_login_link
from coffeechat.services.calendars import renew_feed_token
from coffeechat.services.demo import fill_demo
from coffeechat.services.imports import stage_upload
from coffeechat.store.models import Chat, FollowUp

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "manifest-src": "'self'",
    "worker-src": "'self'",
}
# Pages no link leads to: the targets of forms (POST only), secret links, and what scripts fetch.
NOT_LINKED = {
    "sign_in",  # a signed-in user is sent on from it: checked below, signed out
    "sign_out",
    "redeem",  # the one-time sign-in link: checked below, signed out
    "calendar_feed",  # the secret feed address: checked below, signed out
    "calendar_feed_chat",  # one chat under the feed's secret (a QR code): checked below
    "live_state",  # fetched by live.js: checked below
    "contact_note",  # a form's target; as a page, linked from a contact with many notes
    "chat_note",
    "live_start",
    "live_extend",
    "live_wrap",
    "live_end",
    "live_felt",
    "live_note",
    "live_sync",  # posted by live.js with what the phone kept offline
    "calendar_upload",
    "calendar_feed_add",
    "calendar_source_fetch",
    "calendar_source_delete",
    "calendar_source_all_day",
    "calendar_token",
    "trial_start",
    "trial_stop",
    "pitch_save",
    "follow_up_snooze",
    "contact_snooze_reminders",
    "contact_keep_in_touch",
    "step_done",
    "step_undo",
    "step_due",
    "import_upload",
    "import_confirm",
    "import_discard",
    "import_undo",
    "outreach_reply",
    "outreach_nudge",
    "outreach_move_on",
    "live_capture",  # the capture form's target on the live page
    "phone_on",
    "phone_off",
    "reminders_test",  # the Reminders page's "Send a test" buttons post to it
    "device_sign_out",
    "pair",  # the one-time pairing link, opened by the phone: checked below, signed out
    "snooze_link",  # a reminder's signed one-time link, opened from a mail or a push: see
    # tests/web/test_snooze_link.py
    "identity",  # asked once after the first sign-in (the demo was asked): checked below
    "follow_up_eml",  # the .eml of a message already sent (the composer posts): checked below
    "service_worker",  # registered by pwa.js in server mode: tests/web/test_pwa.py
    "offline_pages",  # fetched by the service worker: tests/web/test_pwa.py
    "offline",  # kept by the service worker for when a page was not: tests/web/test_pwa.py
    "network_opportunities",  # linked from the network page past ten: tests/web/test_network.py
    "healthz",  # asked by the proxy and monitors, never by a person: tests/web/test_health.py
    "readyz",  # the same, for a load balancer: tests/web/test_health.py
    "coach_revoke",  # the Coaches page's "Take access back" buttons post to it
    "chat_share",  # the share toggle of a chat's page posts to it (shown to students with a coach)
    # A coach's pages: the demo's user is no coach, so no link leads there (test_coaching.py).
    "students",
    "student",
    "student_chat",
}
# Accounts on a server (404 in local mode): tests/web/test_join.py, test_account.py,
# test_password_reset.py and test_admin_invitations.py.
NOT_LINKED |= {
    "join",  # the invitation's secret link, opened from a mail: checked below, signed out
    "account_password",  # the Account page's forms post to these
    "account_sign_out_everywhere",
    "password_forgot",  # on the sign-in page, which sends a signed-in user on: checked below
    "password_reset_confirm",  # the secret link of a reset mail: checked below, signed out
    "invitations",  # for administrators and coaches; the demo's user is neither
    "invitation_resend",
    "invitation_revoke",
}
# The manifest is linked from every page in server mode only (the installable app); coaches:
# server mode only, from Preferences; the Account page and its delete page: server mode only.
NOT_LINKED_LOCALLY = {"manifest", "coaches", "account", "account_delete"}
LINK = re.compile(r'href="([^"]+)"')
# A search box or a filter is a form sent with GET: its target is a page too.
GET_FORM = re.compile(r'<form[^>]*method="get"[^>]*action="([^"]+)"')
# Enough pages of each kind to meet its variants (a chat to come, a chat held) without walking
# every contact of the demo.
PER_KIND = 3


def policy_of(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return dict(parts)


def check_headers(response, url: str) -> None:
    assert "no-store" in response.get("Cache-Control", ""), url
    if response["Content-Type"].startswith("text/html"):
        assert policy_of(response) == POLICY, url


def links_in(response) -> list[str]:
    if not response["Content-Type"].startswith("text/html"):
        return []
    found = []
    page = response.content.decode()
    for raw in LINK.findall(page) + GET_FORM.findall(page):
        parts = urlsplit(html.unescape(raw))
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue  # another site, a mail link, or a fragment of this page
        if parts.path.startswith("/static/"):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def walk(client: Client, *starts: str) -> set[str]:
    """Follow links from the home page and ``starts``; check every answer; return the kinds met."""
    seen_urls: set[str] = set()
    per_kind: dict[str, int] = {}
    waiting = [*starts, "/"]
    while waiting:
        url = waiting.pop(0)
        if url in seen_urls:
            continue
        seen_urls.add(url)
        try:
            name = resolve(urlsplit(url).path).url_name
        except Resolver404:
            continue
        if per_kind.get(name, 0) >= PER_KIND:
            continue
        per_kind[name] = per_kind.get(name, 0) + 1
        response = client.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)
        check_headers(response, url)
        if response.status_code == 302:
            waiting.append(response["Location"])
        waiting.extend(links_in(response))
    return set(per_kind)


@pytest.fixture
def demo(alice):
    fill_demo(alice)
    # An import waiting for its confirmation: the demo has none.
    stage_upload(
        alice, "vcard", "people.vcf", b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Kat\r\nEND:VCARD\r\n"
    )
    return alice


@pytest.mark.parametrize("mode", ["local", "server"])
def test_every_page_has_the_policy_and_is_never_cached(demo, alice_client, settings, mode):
    settings.COFFEECHAT_MODE = mode
    # A held chat first: only its page links to the debrief.
    held = Chat.objects.for_owner(demo).filter(status=Chat.Status.HELD).first()
    met = walk(alice_client, f"/chats/{held.code}/")
    every = {
        name for name in get_resolver("coffeechat.web.urls").reverse_dict if isinstance(name, str)
    }
    not_linked = NOT_LINKED | (NOT_LINKED_LOCALLY if mode == "local" else set())
    assert every - met - not_linked == set(), "pages no link led to: add a link or name them"
    assert met & NOT_LINKED == set(), "pages in NOT_LINKED that a link reaches: take them out"


@pytest.mark.parametrize("mode", ["local", "server"])
def test_pages_for_visitors_have_the_policy_and_are_never_cached(demo, client, settings, mode):
    settings.COFFEECHAT_MODE = mode
    token = renew_feed_token(demo)
    chat = Chat.objects.for_owner(demo).first()
    for url in (
        "/signin/",
        "/join/not-a-real-secret/",
        "/password-reset/",
        "/password-reset/MQ/not-a-token/",
        "/signin/not-a-real-secret/",
        f"/signin/{issue_login_link(demo)}/",
        "/pair/not-a-real-secret/",
        f"/calendar/feed/{token}.ics",
        f"/calendar/feed/{token}/chats/{chat.code}.ics",
    ):
        check_headers(client.get(url), url)


def test_error_pages_have_the_policy_and_are_never_cached(alice_client):
    for url, status in (("/no-such-page/", 404), (f"/contacts/{uuid.uuid4()}/", 404)):
        response = alice_client.get(url)
        assert response.status_code == status
        check_headers(response, url)
    response = alice_client.get("/signout/")
    assert response.status_code == 405
    check_headers(response, "/signout/")


def test_what_scripts_fetch_is_never_cached(demo, alice_client):
    chat = Chat.objects.for_owner(demo).first()
    response = alice_client.get(f"/chats/{chat.code}/live/state.json")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_static_files_keep_their_caching(alice_client):
    response = alice_client.get("/static/coffeechat/app.css")
    response.close()  # WhiteNoise answers with the open file; filterwarnings=error would see it
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_pages_only_a_sign_in_or_a_sent_message_lead_to_have_the_policy(demo, alice_client):
    follow_up = FollowUp.objects.for_owner(demo).exclude(contact__emails=[]).first()
    for url in ("/you/", f"/follow-ups/{follow_up.code}/message.eml"):
        response = alice_client.get(url)
        assert response.status_code == 200, url
        check_headers(response, url)
