"""Who may open what: every page of the app, for every kind of visitor, with each method it takes.

The test reads the URL patterns from the resolver and the methods from each view (``allow``
records them), so a new page cannot slip past it: a page missing from ``PAGES`` fails the test.
Each page is named with one of Alice's objects, and six visitors try it:

- Alice, who owns it: the page answers (200, 302, or 400 for an empty form sent back);
- Bob, another student: 404, exactly as for an object that does not exist;
- Carol, a coach Alice granted: 404 on Alice's own pages; her student pages and the chat Alice
  shared answer, and nothing else of Alice's does;
- Dan, a coach without a grant, and Erin, a coach Alice revoked: 404;
- a visitor who is not signed in: sent to sign in, or 404 on a secret link that is not right.

Pages without an object (lists, forms) show each signed-in visitor their own data; there the
check is that nothing of Alice's appears in anyone else's answer. Every request runs in a
transaction that is rolled back, so a delete sent by one visitor cannot hide what the next one
would meet.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from coffeechat.services import lan
from coffeechat.services.accounts import issue_login_link
from coffeechat.services.calendars import import_file, renew_feed_token
from coffeechat.services.coaching import grant, open_grant, person_key, revoke, share_chat
from coffeechat.services.demo import fill_demo
from coffeechat.services.devices import pair, pairing_secret
from coffeechat.services.imports import stage_upload
from coffeechat.services.invitations import invite
from coffeechat.services.password_reset import reset_path
from coffeechat.services.snooze_links import issue_snooze_link
from coffeechat.store.models import (
    Chat,
    ClockTrial,
    Contact,
    FollowUp,
    NextStep,
    Organisation,
    Outreach,
    Story,
)
from tests.services.coaching_data import held_chat, make_coach, noted
from tests.web.conftest import NOW

ROLES = ("owner", "other_student", "coach_granted", "coach_without", "coach_revoked", "anonymous")
# 400: an empty form sent back with its problems; 409: an action the object's state does not
# allow (capturing on a chat that is not live).
OWNER_ANSWERS = {200, 302, 400, 409}
# A secret link that is wrong: not found, or refused with a page that says so (a sign-in,
# invitation, reset or pairing link that is unknown, used or expired reads the same).
REFUSED = {403, 404}
# Words that only Alice's data holds: nobody else's answer may contain them.
MARKS = ("Zebedee Quillfeather", "Quillfeather & Sons", "the lighthouse-keeper question")

OVER_LAN = {lan.LAN_MARK: "127.0.0.2", "HTTP_HOST": "127.0.0.2:8000"}
CALENDAR = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:busy-1\r\n"
    b"DTSTART:20260303T100000Z\r\nDTEND:20260303T110000Z\r\nSUMMARY:Dentist\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n"
)


@dataclass(frozen=True)
class Page:
    """What a page is named by, and so who may open it.

    kind:
    - "owned": one of Alice's objects; only Alice;
    - "own": no object; every signed-in visitor gets their own page;
    - "coach": a coach's page about Alice; only the coach she granted;
    - "coaches": a coach's own page (no student named); coaches only, 404 to students;
    - "inviters": the invitations pages; coaches (and administrators) only;
    - "public": open to everyone, signed in or not;
    - "secret": opened by a secret in the address; the right secret works for anyone, a wrong
      one (or another owner's object under it) is 404 for everyone.
    """

    kind: str
    args: tuple[str, ...] = ()


# Every page by name. The arguments name attributes of the World below.
PAGES: dict[str, Page] = {
    "home": Page("own"),
    "healthz": Page("public"),
    "readyz": Page("public"),
    "sign_in": Page("public"),
    "redeem": Page("secret", ("login_secret",)),
    "sign_out": Page("public"),
    "join": Page("secret", ("join_secret",)),
    "account": Page("own"),
    "account_password": Page("own"),
    "account_sign_out_everywhere": Page("own"),
    "account_delete": Page("own"),
    "password_forgot": Page("public"),
    "password_reset_confirm": Page("secret", ("reset_uid", "reset_token")),
    "invitations": Page("inviters"),
    "invitation_resend": Page("inviters"),
    "invitation_revoke": Page("inviters"),
    "phone": Page("own"),
    "phone_on": Page("own"),
    "phone_off": Page("own"),
    "device_sign_out": Page("owned", ("device",)),
    "pair": Page("secret", ("pair_secret",)),
    "contacts": Page("own"),
    "contact_new": Page("own"),
    "contact": Page("owned", ("contact",)),
    "contact_edit": Page("owned", ("contact",)),
    "contact_delete": Page("owned", ("contact",)),
    "contact_note": Page("owned", ("contact",)),
    "contact_merge_pick": Page("owned", ("contact",)),
    "contact_merge": Page("owned", ("contact", "second_contact")),
    "organisations": Page("own"),
    "organisation": Page("owned", ("organisation",)),
    "organisation_edit": Page("owned", ("organisation",)),
    "chats": Page("own"),
    "chat_new": Page("own"),
    "chat": Page("owned", ("chat",)),
    "chat_edit": Page("owned", ("chat",)),
    "chat_cancel": Page("owned", ("chat",)),
    "chat_note": Page("owned", ("chat",)),
    "preferences": Page("own"),
    "reminders": Page("own"),
    "reminders_test": Page("own"),
    "identity": Page("own"),
    "live": Page("owned", ("chat",)),
    "live_state": Page("owned", ("chat",)),
    "live_start": Page("owned", ("chat",)),
    "live_extend": Page("owned", ("chat",)),
    "live_wrap": Page("owned", ("chat",)),
    "live_end": Page("owned", ("chat",)),
    "live_felt": Page("owned", ("chat",)),
    "live_note": Page("owned", ("chat",)),
    "live_capture": Page("owned", ("chat",)),
    "live_sync": Page("owned", ("chat",)),
    "scripts": Page("own"),
    "calendar": Page("own"),
    "calendar_upload": Page("own"),
    "calendar_feed_add": Page("own"),
    "calendar_source_fetch": Page("owned", ("calendar_source",)),
    "calendar_source_delete": Page("owned", ("calendar_source",)),
    "calendar_source_all_day": Page("owned", ("calendar_source",)),
    "calendar_token": Page("own"),
    "calendar_feed": Page("secret", ("feed_token",)),
    "calendar_feed_chat": Page("secret", ("feed_token", "chat")),
    "chat_ics": Page("owned", ("chat",)),
    "trainer": Page("own"),
    "trial_start": Page("own"),
    "trial": Page("owned", ("trial",)),
    "trial_stop": Page("owned", ("trial",)),
    "reflection": Page("own"),
    "prep": Page("owned", ("chat",)),
    "brief": Page("owned", ("chat",)),
    "library": Page("own"),
    "pitch_save": Page("own", ("pitch_kind",)),
    "story_new": Page("own"),
    "story_edit": Page("owned", ("story",)),
    "story_delete": Page("owned", ("story",)),
    "network": Page("own"),
    "network_opportunities": Page("own"),
    "follow_up_snooze": Page("owned", ("follow_up",)),
    "contact_snooze_reminders": Page("owned", ("contact",)),
    "contact_keep_in_touch": Page("owned", ("contact",)),
    "snooze_link": Page("secret", ("snooze_token",)),
    "debrief": Page("owned", ("held_chat",)),
    "next_steps": Page("own"),
    "owed_section": Page("own", ("owed_section",)),
    "step_done": Page("owned", ("step",)),
    "step_undo": Page("owned", ("step",)),
    "step_due": Page("owned", ("step",)),
    "follow_up": Page("owned", ("follow_up",)),
    "follow_up_eml": Page("owned", ("follow_up",)),
    "message_templates": Page("own"),
    "export": Page("own"),
    "export_json": Page("own"),
    "export_csv": Page("own"),
    "export_vcard": Page("own"),
    "export_ics": Page("own"),
    "imports": Page("own"),
    "import_upload": Page("own"),
    "import_batch": Page("owned", ("batch",)),
    "import_confirm": Page("owned", ("batch",)),
    "import_discard": Page("owned", ("batch",)),
    "import_undo": Page("owned", ("batch",)),
    "search": Page("own"),
    "targets": Page("own"),
    "target_add": Page("own"),
    "targets_bulk": Page("own"),
    "target_edit": Page("owned", ("organisation",)),
    "outreach": Page("own"),
    "outreach_new": Page("own"),
    "outreach_detail": Page("owned", ("outreach",)),
    "outreach_eml": Page("owned", ("outreach",)),
    "outreach_reply": Page("owned", ("outreach",)),
    "outreach_nudge": Page("owned", ("outreach",)),
    "outreach_move_on": Page("owned", ("outreach",)),
    "outreach_settings": Page("own"),
    "funnel": Page("own"),
    "manifest": Page("public"),
    "service_worker": Page("public"),
    "offline": Page("own"),
    "offline_pages": Page("own"),
    "coaches": Page("own"),
    "coach_revoke": Page("owned", ("granted_coach",)),
    "chat_share": Page("owned", ("chat",)),
    "students": Page("coaches"),
    "student": Page("coach", ("student",)),
    "student_chat": Page("coach", ("student", "shared_chat")),
}


@dataclass
class World:
    """Alice's objects (what the addresses name) and everyone's signed-in clients."""

    clients: dict[str, Client]
    contact: str
    second_contact: str
    organisation: str
    chat: str
    held_chat: str
    shared_chat: str
    unshared_chat: str
    calendar_source: str
    trial: str
    story: str
    follow_up: str
    step: str
    batch: str
    outreach: str
    device: str
    granted_coach: str
    student: str
    feed_token: str
    snooze_token: str
    login_secret: str
    join_secret: str
    reset_uid: str
    reset_token: str
    pair_secret: str
    pitch_kind: str = "elevator"
    owed_section: str = "requests"  # a section of Who do I owe: not an object, the same for all


def every_pattern(patterns=None, prefix: str = "") -> list[URLPattern]:
    found: list[URLPattern] = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            found.extend(every_pattern(pattern.url_patterns))
        else:
            found.append(pattern)
    return found


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def codes(model, owner) -> list[str]:
    return [str(code) for code in model.objects.for_owner(owner).values_list("code", flat=True)]


@pytest.fixture
def world(alice, bob, settings) -> World:
    settings.COFFEECHAT_MODE = "server"
    fill_demo(alice)
    # Marks of Alice's own, on a contact, an organisation and a shared chat's note.
    marked = fill_marks(alice)
    held_chat(bob, NOW - timedelta(days=2), name="Bob's contact")
    carol = make_coach("carol")
    dan = make_coach("dan")
    erin = make_coach("erin")
    grant(alice, carol.email)
    grant(alice, erin.email)
    revoke(alice, open_grant(alice, person_key(erin)))
    share_chat(alice, marked)
    source = import_file(alice, "busy.ics", CALENDAR, now=NOW)
    batch, _report = stage_upload(
        alice, "vcard", "people.vcf", b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Kat\r\nEND:VCARD\r\n"
    )
    follow_up = FollowUp.objects.for_owner(alice).filter(sent_at__isnull=True).first()
    invitation = invite("newcomer@example.com", invited_by=carol)
    contacts = codes(Contact, alice)
    return World(
        clients={
            "owner": client_of(alice),
            "other_student": client_of(bob),
            "coach_granted": client_of(carol),
            "coach_without": client_of(dan),
            "coach_revoked": client_of(erin),
            "anonymous": Client(),
        },
        contact=contacts[0],
        second_contact=contacts[1],
        organisation=codes(Organisation, alice)[0],
        chat=str(Chat.objects.for_owner(alice).filter(status=Chat.Status.PLANNED).first().code),
        held_chat=str(Chat.objects.for_owner(alice).filter(status=Chat.Status.HELD).first().code),
        shared_chat=str(marked.code),
        unshared_chat=str(
            Chat.objects.for_owner(alice)
            .filter(status=Chat.Status.HELD)
            .exclude(pk=marked.pk)
            .first()
            .code
        ),
        calendar_source=str(source.code),
        trial=codes(ClockTrial, alice)[0],
        story=codes(Story, alice)[0],
        follow_up=str(follow_up.code),
        step=codes(NextStep, alice)[0],
        batch=str(batch.code),
        outreach=codes(Outreach, alice)[0],
        device=str(pair(pairing_secret(alice), "Mozilla/5.0 (iPhone)").code),
        granted_coach=str(person_key(carol)),
        student=str(person_key(alice)),
        feed_token=renew_feed_token(alice),
        snooze_token=issue_snooze_link(alice, f"followup-{follow_up.code}"),
        login_secret=issue_login_link(alice),
        join_secret=invitation.secret,
        reset_uid=reset_path(alice).strip("/").split("/")[-2],
        reset_token=reset_path(alice).strip("/").split("/")[-1],
        pair_secret=pairing_secret(alice),
    )


def fill_marks(alice) -> Chat:
    from coffeechat.services.contacts import ContactDetails, add_contact  # noqa: PLC0415

    add_contact(alice, ContactDetails(name=MARKS[0], organisation=MARKS[1]))
    chat = held_chat(alice, NOW - timedelta(days=1), name="Grace Hopper")
    noted(alice, chat, f"They loved {MARKS[2]}.", kind="memorable")
    return chat


def altered(secret: str) -> str:
    """The secret with its last character changed, as a guess or a typo would."""
    return secret[:-1] + ("A" if secret[-1] != "A" else "B")


# The World's attributes that are secrets, so an altered link changes them.
SECRETS = {
    "login_secret",
    "join_secret",
    "reset_token",
    "pair_secret",
    "feed_token",
    "snooze_token",
}


def url_of(world: World, pattern: URLPattern, *, alter: bool = False) -> str:
    page = PAGES[pattern.name]
    values = [getattr(world, name) for name in page.args]
    if alter:
        values = [
            altered(value) if name in SECRETS else value
            for name, value in zip(page.args, values, strict=True)
        ]
    names = list(pattern.pattern.converters) or list(pattern.pattern.regex.groupindex)
    return reverse(f"web:{pattern.name}", kwargs=dict(zip(names, values, strict=True)))


def expected(page: Page, role: str) -> set[int] | str:
    """What ``role`` may get from ``page`` named with Alice's objects ("sign in": a 302 there)."""
    if role == "anonymous" and page.kind != "public":
        return "sign in"
    match page.kind:
        case "public":
            # readyz: 503 while a migration waits to be run, which is its purpose.
            return OWNER_ANSWERS | {503}
        case "own":
            return OWNER_ANSWERS
        case "owned":
            return OWNER_ANSWERS if role == "owner" else {404}
        case "coach":
            return OWNER_ANSWERS if role == "coach_granted" else {404}
        case "coaches" | "inviters":
            return OWNER_ANSWERS if role.startswith("coach") else {404}
    raise AssertionError(page.kind)


def send(client: Client, method: str, url: str, **extra) -> tuple[int, str, str]:
    """One request whose writes are all undone: its status, where it leads, and its body."""
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    try:
        with transaction.atomic():
            response = client.generic(method, url, **extra)
            # A download streams from the database: read it before the writes are undone.
            body = b"".join(
                response.streaming_content if response.streaming else [response.content]
            )
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return response.status_code, response.get("Location", ""), body.decode(errors="replace")


def methods_of(pattern: URLPattern) -> list[str]:
    # HEAD is answered by the GET view (``allow``), so GET covers it.
    return [method for method in pattern.callback.allowed_methods if method != "HEAD"]


def answers_as_expected(status: int, location: str, want: set[int] | str) -> bool:
    if want == "sign in":
        return status == 302 and location.startswith("/signin/")
    return status in want


def test_every_page_is_in_the_table_and_names_its_methods():
    patterns = every_pattern()
    assert {pattern.name for pattern in patterns} == set(PAGES)
    for pattern in patterns:
        assert getattr(pattern.callback, "allowed_methods", None), pattern.name


def test_every_page_answers_each_visitor_as_it_should(world):
    wrong = []
    seen = []
    for pattern in every_pattern():
        page = PAGES[pattern.name]
        if page.kind == "secret":
            continue  # below: the right secret, and an altered one
        url = url_of(world, pattern)
        for role in ROLES:
            want = expected(page, role)
            for method in methods_of(pattern):
                status, location, body = send(world.clients[role], method, url)
                if not answers_as_expected(status, location, want):
                    wrong.append((pattern.name, role, method, status))
                if role != "owner" and not (
                    role == "coach_granted" and pattern.name == "student_chat"
                ):
                    seen.extend(
                        (pattern.name, role, method, mark) for mark in MARKS if mark in body
                    )
    assert wrong == []
    assert seen == [], "Alice's data in someone else's answer"


def test_a_method_a_page_does_not_take_is_refused(world):
    for pattern in every_pattern():
        refused = "PUT" if "POST" in pattern.callback.allowed_methods else "POST"
        # Coaches' pages are 404 to students, whatever the method: ask as the coach.
        kind = PAGES[pattern.name].kind
        role = "coach_granted" if kind in ("coach", "coaches", "inviters") else "owner"
        status, _location, _body = send(world.clients[role], refused, url_of(world, pattern))
        assert status == 405, (pattern.name, refused, status)


def test_a_secret_link_opens_for_whoever_holds_it_and_not_when_altered(world, bob):
    secret = [pattern for pattern in every_pattern() if PAGES[pattern.name].kind == "secret"]
    for pattern in secret:
        # A pairing link works only on the LAN address (the phone's way in).
        extra = OVER_LAN if pattern.name == "pair" else {}
        status, _location, _body = send(Client(), "GET", url_of(world, pattern), **extra)
        assert status in OWNER_ANSWERS, (pattern.name, status)
    wrong = []
    for pattern, role in itertools.product(secret, ROLES):
        url = url_of(world, pattern, alter=True)
        for method in methods_of(pattern):
            status, _location, body = send(world.clients[role], method, url)
            if status not in REFUSED or any(mark in body for mark in MARKS):
                wrong.append((pattern.name, role, method, status))
    assert wrong == []
    # The feed's secret names one owner: another owner's chat under it is not found.
    bobs = Chat.objects.for_owner(bob).first()
    url = reverse("web:calendar_feed_chat", args=[world.feed_token, bobs.code])
    assert send(Client(), "GET", url)[0] == 404


def test_a_coach_never_reads_a_chat_the_student_did_not_share(world):
    url = reverse("web:student_chat", args=[world.student, world.unshared_chat])
    for role in ROLES[:-1]:
        assert send(world.clients[role], "GET", url)[0] == 404, role


# Coaching is a server's: on a laptop these answer 404 to everyone.
SERVER_ONLY = {"coach_revoke", "chat_share"}


def test_on_a_laptop_too_each_object_answers_only_its_owner(world, settings):
    settings.COFFEECHAT_MODE = "local"
    wrong = []
    for pattern in every_pattern():
        page = PAGES[pattern.name]
        if page.kind != "owned" or pattern.name in SERVER_ONLY:
            continue
        for role in ("owner", "other_student", "anonymous"):
            want = expected(page, role)
            for method in methods_of(pattern):
                status, location, _body = send(world.clients[role], method, url_of(world, pattern))
                if not answers_as_expected(status, location, want):
                    wrong.append((pattern.name, role, method, status))
    assert wrong == []


def test_every_form_refuses_a_post_without_its_csrf_token(world, alice):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    for pattern in every_pattern():
        # The snooze link's button works from a mail app, without a cookie: its signed one-time
        # token is the proof (views.snooze).
        if "POST" not in pattern.callback.allowed_methods or pattern.name == "snooze_link":
            continue
        status, _location, _body = send(browser, "POST", url_of(world, pattern))
        assert status == 403, (pattern.name, status)
