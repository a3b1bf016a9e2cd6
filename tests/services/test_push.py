"""Pushes to an ntfy topic: what arrives, every way it can fail, and where it may not go."""

from __future__ import annotations

import json
import socket

import pytest

from coffeechat.services import outbound
from coffeechat.services.errors import InvalidInput
from coffeechat.services.push import Push, PushFailed, check_push_url, send_push
from tests.receivers import PushReceiver, receiver_fixture

push_receiver = receiver_fixture()

REMINDER = Push(
    title="Thank-you to Zoë Łukasik due by 14:30 ☕",
    message="You met at Café Müller — 2 hours left.\nMention the talk on 日本語 type.",
    click="https://coffeechat.example/chats/abc/thanks",
    snooze_url="https://coffeechat.example/snooze/s1gned",
    tags=("hourglass", "coffee"),
)

# A self-signed certificate for push.example (valid 2000-2100), and its key: a loopback https
# receiver that a client trusts for that one name.
CERTIFICATE = """\
-----BEGIN CERTIFICATE-----
MIIBajCCARCgAwIBAgIBATAKBggqhkjOPQQDAjAXMRUwEwYDVQQDDAxwdXNoLmV4
YW1wbGUwIBcNMDAwMTAxMDAwMDAwWhgPMjEwMDAxMDEwMDAwMDBaMBcxFTATBgNV
BAMMDHB1c2guZXhhbXBsZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABGk1NES/
ouYTXTyg1Z+FdBS71Enc/J3rItRMkIqYRaZ+bHrOtndtvo/SATpLDn6y2vjgzY/A
60yh+LTZOEYxULujSzBJMA8GA1UdEwEB/wQFMAMBAf8wHQYDVR0OBBYEFCTewOEP
b/njaGZ4xbP7mZjsbMf7MBcGA1UdEQQQMA6CDHB1c2guZXhhbXBsZTAKBggqhkjO
PQQDAgNIADBFAiB++Cs/nz77hTwUftNvqMhlnFHq2tqOITJ3pAW+eqjumgIhAL10
W4GcXQeNU57zR/hTxcuw3iOlUmAQNweKk+4Crb6T
-----END CERTIFICATE-----
"""
KEY = """\
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgcevgJ5WgqrwmZg4q
CKWMdlx1NpimaCvbD+EkW2aLkrShRANCAARpNTREv6LmE108oNWfhXQUu9RJ3Pyd
6yLUTJCKmEWmfmx6zrZ3bb6P0gE6Sw5+str44M2PwOtMofi02ThGMVC7
-----END PRIVATE KEY-----
"""
PUBLIC = "93.184.215.14"  # a global address; no test ever connects to it


def where(receiver: PushReceiver) -> str:
    return f"127.0.0.1:{receiver.port}"


def closed_port() -> int:
    """A loopback port nothing listens on: bound for a moment, never listened on, let go."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Lookups:
    """socket.getaddrinfo answering from a script: each call takes the next answer."""

    def __init__(self, *answers: str | None) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):
        self.asked.append(host)
        answer = self.answers[min(len(self.asked), len(self.answers)) - 1]
        if answer is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (answer, port))]


@pytest.fixture
def server_mode(settings):
    settings.COFFEECHAT_MODE = "server"


@pytest.fixture
def nowhere(monkeypatch) -> list:
    """Connections refused before any packet leaves: the addresses a send tried, in order."""
    tried: list = []

    def connect(addresses, deadline):
        tried.extend(sockaddr for *_, sockaddr in addresses)
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(outbound, "connect", connect)
    return tried


# What arrives.


def test_a_push_arrives_with_its_words_link_and_snooze_button_intact(push_receiver):
    send_push(push_receiver.topic_url("cc-reminders_42"), REMINDER, timeout=5)

    [request] = push_receiver.requests
    assert (request.method, request.path) == ("POST", "/")  # ntfy's JSON form: the server root
    assert request.headers["content-type"] == "application/json"
    assert request.body.isascii()  # every other character travels escaped
    assert push_receiver.pushes == [
        {
            "topic": "cc-reminders_42",
            "title": "Thank-you to Zoë Łukasik due by 14:30 ☕",
            "message": "You met at Café Müller — 2 hours left.\nMention the talk on 日本語 type.",
            "click": "https://coffeechat.example/chats/abc/thanks",
            "tags": ["hourglass", "coffee"],
            "actions": [
                {
                    "action": "http",
                    "label": "Snooze a day",
                    "url": "https://coffeechat.example/snooze/s1gned",
                    "method": "POST",
                    "clear": True,
                }
            ],
        }
    ]


def test_a_push_without_a_link_or_button_carries_neither(push_receiver):
    send_push(push_receiver.topic_url(), Push(title="Nudge Ana", message="No reply in 7 days"))
    assert push_receiver.pushes == [
        {"topic": "reminders", "title": "Nudge Ana", "message": "No reply in 7 days"}
    ]


def test_the_access_token_in_the_address_goes_along(push_receiver):
    send_push(push_receiver.topic_url("mine") + "/?auth=QmVhcmVyIHRrX3NlY3JldA", REMINDER)
    assert push_receiver.requests[0].path == "/?auth=QmVhcmVyIHRrX3NlY3JldA"
    assert push_receiver.pushes[0]["topic"] == "mine"


def test_the_receiver_waits_for_pushes_and_answers_as_told(push_receiver):
    push_receiver.answer_next(503)
    with pytest.raises(PushFailed):
        send_push(push_receiver.topic_url(), REMINDER)
    assert push_receiver.wait_for(1, timeout=0.01) is False  # a refused push never arrived
    send_push(push_receiver.topic_url(), REMINDER)  # back to the standing answer: success
    assert push_receiver.wait_for(1) is True
    assert [r.status for r in push_receiver.requests] == [503, 200]


# The server says no.


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (401, "answered 401 Unauthorized: check the topic address and whether it needs an "),
        (403, "answered 403 Forbidden: check the topic address and whether it needs an access "),
        (404, "answered 404 Not Found: check that the address is a topic on an ntfy server."),
        (429, "answered 429 Too Many Requests: it takes only so many messages at a time;"),
        (500, "answered 500 Internal Server Error: the server has a problem; try again later"),
        (502, "answered 502 Bad Gateway: the server has a problem"),
    ],
)
def test_an_error_answer_says_what_the_server_said_and_what_to_check(push_receiver, status, words):
    push_receiver.answer_always(status)
    with pytest.raises(PushFailed) as failed:
        send_push(push_receiver.topic_url(), REMINDER)
    assert failed.value.message.startswith(f"{where(push_receiver)} {words}")
    assert push_receiver.pushes == []


def test_a_redirect_is_reported_not_followed(push_receiver):
    elsewhere = f"http://127.0.0.1:{push_receiver.port}/elsewhere/?auth=secret"
    push_receiver.answer_always(301, location=elsewhere)
    with pytest.raises(PushFailed) as failed:
        send_push(push_receiver.topic_url(), REMINDER)
    assert failed.value.message == (
        f"{where(push_receiver)} redirects to http://127.0.0.1:{push_receiver.port}/elsewhere/: "
        "give the address it redirects to, with your topic at the end."
    )
    assert len(push_receiver.requests) == 1  # nothing went to the new address


def test_a_server_that_never_answers_is_left_at_the_deadline(push_receiver):
    push_receiver.answer_always(hang=True)
    with pytest.raises(PushFailed) as failed:
        send_push(push_receiver.topic_url(), REMINDER, timeout=0.3)
    assert failed.value.message == (
        f"{where(push_receiver)} did not answer within 0.3 seconds; try again later."
    )
    assert len(push_receiver.requests) == 1 and push_receiver.pushes == []


def test_a_closed_port_says_the_server_could_not_be_reached():
    port = closed_port()
    with pytest.raises(PushFailed) as failed:
        send_push(f"http://127.0.0.1:{port}/reminders", REMINDER, timeout=2)
    assert failed.value.message == (
        f"Could not reach 127.0.0.1:{port} (Connection refused): check the topic address and "
        "that the ntfy server is running."
    )


def test_an_unknown_host_says_it_could_not_be_found(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", Lookups(None))
    with pytest.raises(PushFailed, match="^Could not find push.example: check the topic address"):
        send_push("https://push.example/reminders", REMINDER)


# Addresses that are not topic addresses.

BAD_ADDRESSES = [
    ("", "Give the address of your ntfy topic, such as https://ntfy.sh/your-secret-topic."),
    ("ftp://ntfy.sh/reminders", "Give the topic's address starting with https://"),
    ("file:///etc/passwd", "Give the topic's address starting with https://"),
    ("javascript:alert(1)", "Give the topic's address starting with https://"),
    ("ntfy.sh/reminders", "Give the topic's address starting with https://"),
    ("https://ntfy.sh", "Add your topic to the end of the address"),
    ("https://ntfy.sh/", "Add your topic to the end of the address"),
    ("https://ntfy.sh:99999/reminders", "That is not a web address"),
    ("https://me:hunter2@ntfy.sh/reminders", "Leave the user name and password out"),
    ("https://:tk_secret@ntfy.sh/reminders", "Leave the user name and password out"),
    ("https://me@ntfy.sh/reminders", "Leave the user name and password out"),
    ("https://ntfy.sh/reminders/json", "Give the topic's own address"),
    ("https://ntfy.sh/remin%20ders", "A topic name has 1 to 64 letters"),
    ("https://ntfy.sh/réminders", "A topic name has 1 to 64 letters"),
    (f"https://ntfy.sh/{'a' * 65}", "A topic name has 1 to 64 letters"),
    ("https://ntfy.sh/remin ders", "no spaces, line breaks or control characters"),
    ("https://ntfy.sh/a\r\nX-Injected: 1", "no spaces, line breaks or control characters"),
    (f"https://ntfy.sh/{'a' * 500}", "longer than 500 characters"),
]


@pytest.mark.parametrize(("url", "words"), BAD_ADDRESSES)
def test_an_address_that_is_not_a_topic_is_refused_in_plain_words(url, words):
    with pytest.raises(InvalidInput) as refused:
        check_push_url(url)
    assert refused.value.field == "push_url"
    assert words in refused.value.message


@pytest.mark.parametrize(("url", "words"), BAD_ADDRESSES)
def test_an_address_that_is_not_a_topic_is_never_sent_to(monkeypatch, nowhere, url, words):
    lookups = Lookups(PUBLIC)
    monkeypatch.setattr(socket, "getaddrinfo", lookups)
    with pytest.raises(PushFailed) as failed:
        send_push(url, REMINDER)
    assert words in failed.value.message
    assert lookups.asked == [] and nowhere == []


@pytest.mark.parametrize(
    "url",
    [
        "https://ntfy.sh/cc-reminders-x7Qp2",
        "https://NTFY.sh/cc_reminders/",
        "http://ntfy.example.org:8080/reminders?auth=QmVhcmVy",
        "http://127.0.0.1:2586/reminders",  # a user's own ntfy on their computer
        "http://192.168.1.20/reminders",  # or on their home network
        "http://[::1]:2586/reminders",
    ],
)
def test_a_topic_address_is_kept_as_given_less_the_spaces_around_it(url):
    assert check_push_url(f"  {url}\n") == url


# A shared server keeps pushes off its own network.

INSIDE = [
    "http://127.0.0.1:2586/reminders",
    "http://10.0.0.5/reminders",
    "http://192.168.1.20/reminders",
    "http://100.64.0.1/reminders",  # carrier-grade NAT
    "http://169.254.169.254/reminders",  # a cloud's metadata service
    "http://0.0.0.0/reminders",
    "http://[::1]/reminders",
    "http://[::ffff:127.0.0.1]/reminders",
    "http://[fd00::1]/reminders",
    "http://[fe80::1%25eth0]/reminders",
]


@pytest.mark.parametrize("url", INSIDE)
def test_a_shared_server_refuses_topics_on_its_own_network(server_mode, nowhere, url):
    with pytest.raises(InvalidInput, match="is not a public address") as refused:
        check_push_url(url)
    assert refused.value.field == "push_url"
    with pytest.raises(PushFailed, match="is not a public address: on a shared server"):
        send_push(url, REMINDER)
    assert nowhere == []


def test_a_shared_server_refuses_a_name_that_stands_for_an_inside_address(
    server_mode, monkeypatch, push_receiver
):
    monkeypatch.setattr(socket, "getaddrinfo", Lookups("127.0.0.1"))
    url = push_receiver.topic_url(host="push.example")
    with pytest.raises(InvalidInput, match="^push.example is not a public address"):
        check_push_url(url)
    with pytest.raises(PushFailed, match="^push.example is not a public address"):
        send_push(url, REMINDER)
    assert push_receiver.requests == []


def test_a_shared_server_accepts_public_topics_and_names_it_cannot_look_up_yet(
    server_mode, monkeypatch
):
    monkeypatch.setattr(socket, "getaddrinfo", Lookups(PUBLIC))
    assert check_push_url("https://ntfy.sh/reminders") == "https://ntfy.sh/reminders"
    monkeypatch.setattr(socket, "getaddrinfo", Lookups(None))
    # Sending looks again and reports it if the name is still unknown then.
    assert check_push_url("https://ntfy.sh/reminders") == "https://ntfy.sh/reminders"


def test_a_send_connects_to_the_address_it_checked_not_a_second_answer(
    server_mode, monkeypatch, nowhere
):
    # DNS rebinding: the name answers a public address to the check, then 127.0.0.1.
    lookups = Lookups(PUBLIC, "127.0.0.1")
    monkeypatch.setattr(socket, "getaddrinfo", lookups)
    with pytest.raises(PushFailed, match="^Could not reach push.example:2586"):
        send_push("http://push.example:2586/reminders", REMINDER)
    assert lookups.asked == ["push.example"]
    assert nowhere == [(PUBLIC, 2586)]


def test_a_name_is_looked_up_once_per_send(monkeypatch, push_receiver):
    # On the user's own computer too: the first answer is the one used.
    lookups = Lookups("127.0.0.1", "10.255.255.1")
    monkeypatch.setattr(socket, "getaddrinfo", lookups)
    send_push(push_receiver.topic_url(host="push.example"), REMINDER, timeout=5)
    assert lookups.asked == ["push.example"]
    assert push_receiver.requests[0].headers["host"] == f"push.example:{push_receiver.port}"
    assert len(push_receiver.pushes) == 1


# https: the name is checked on the certificate, whatever address it was reached at.


@pytest.fixture
def tls_receiver(tmp_path, monkeypatch):
    certificate = tmp_path / "push.example.pem"
    certificate.write_text(CERTIFICATE)
    key = tmp_path / "push.example.key"
    key.write_text(KEY)
    # The client trusts this certificate alone (OpenSSL reads the variable as it loads roots).
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    monkeypatch.setattr(socket, "getaddrinfo", Lookups("127.0.0.1"))
    with PushReceiver(tls=(str(certificate), str(key))) as receiver:
        yield receiver


def test_https_names_the_host_in_the_handshake_and_checks_its_certificate(tls_receiver):
    send_push(tls_receiver.topic_url(host="push.example"), REMINDER, timeout=5)
    assert tls_receiver.server_names == ["push.example"]
    assert json.loads(tls_receiver.requests[0].body)["title"] == REMINDER.title


def test_https_refuses_a_certificate_for_another_name(tls_receiver):
    with pytest.raises(PushFailed) as failed:
        send_push(tls_receiver.topic_url(host="other.example"), REMINDER, timeout=5)
    assert failed.value.message.startswith(
        f"other.example:{tls_receiver.port} showed a certificate that is not valid for it ("
    )
    assert tls_receiver.requests == []


def test_https_to_a_plain_http_server_says_to_check_the_scheme(push_receiver):
    url = push_receiver.topic_url().replace("http://", "https://")
    with pytest.raises(PushFailed, match="check whether the address starts with https://"):
        send_push(url, REMINDER, timeout=5)
