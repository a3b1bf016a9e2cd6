"""Push reminders to a phone through an ntfy topic the user picked.

ntfy (https://ntfy.sh, or a copy the user runs) forwards whatever is published on a topic to
every phone subscribed to it. The user gives the topic's address, ``https://ntfy.sh/<topic>``,
in Preferences.

How a push is published: as one JSON object POSTed to the server's root (``https://ntfy.sh/``)
with the topic named inside it, the form ntfy documents as "publish as JSON". The other form
puts the title and the action buttons in HTTP headers, which carry only Latin-1 safely: a title
such as "Thank-you to Zoë Łukasik" would need RFC 2047 encoding and still depend on every proxy
on the way. A JSON body has no such limit; it is written with every non-ASCII character escaped
(``\\u00eb``), so the bytes on the wire are plain ASCII that nothing in between can garble, and
ntfy reads them back as the same text. A query string on the topic address (ntfy's ``?auth=``
access token) goes along with the POST.

Who may be reached: only http and https addresses with a host and a topic, without a user name
or password in them. On a shared server (any mode but "local") the server's own machine and
network are off limits: every address the host name resolves to must be public, checked when
the address is saved and again at each send. A send looks the name up once and connects to the
very address it checked (services.outbound), so a name that answers a public address to the
check and 127.0.0.1 a moment later ("DNS rebinding") cannot reach the inside. For https the TLS
handshake still names the host (SNI) and the certificate is checked against that name, not
against the address.

Nothing is followed: a redirect is reported to the user, who can give the new address, because
following it would send the reminder (and the topic, which is a secret) somewhere else unseen.
"""

from __future__ import annotations

import http.client
import json
import re
import ssl
import time
import unicodedata
import urllib.parse
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from coffeechat.services.errors import DomainError, InvalidInput
from coffeechat.services.outbound import (
    Deadline,
    PinnedHTTPConnection,
    PinnedHTTPSConnection,
    all_public,
    ip_of,
    on_a_shared_server,
    resolve,
    seconds,
)

PUSH_TIMEOUT = 10.0  # seconds a whole send may take: connecting, the handshake, the answer
LONGEST_PUSH_URL = 500  # Preferences.push_url's max_length
SNOOZE_LABEL = "Snooze a day"
# ntfy's own rule for topic names; a different name is a typo or not a topic at all.
_TOPIC = re.compile(r"[-_A-Za-z0-9]{1,64}")
_SCHEMES = {"http", "https"}
_EXAMPLE = "https://ntfy.sh/your-secret-topic"
# The longest piece of a server's answer (a reason, a redirect target) quoted back to the user.
_QUOTED = 200


@dataclass(frozen=True)
class Push:
    """One notification: what the phone shows, where a tap leads, and its snooze button."""

    title: str  # "Thank-you to Ana Lima due by 14:30"
    message: str  # a line or two
    click: str = ""  # web address the notification opens when tapped ("" for none)
    snooze_url: str = ""  # a "Snooze a day" button: an http POST to this address ("" for none)
    tags: tuple[str, ...] = ()


class PushFailed(DomainError):
    """The push did not go out; the message says why, in words the user can act on."""


@dataclass(frozen=True)
class _Topic:
    """A checked topic address, taken apart for publishing."""

    scheme: str
    host: str  # as the URL names it, lower case, without brackets
    port: int
    where: str  # the host (and port, when the address gives one) for messages
    topic: str
    target: str  # what to POST to: the server's root, with the address's query string


def _has_blank(value: str) -> bool:
    return any(char.isspace() or unicodedata.category(char) == "Cc" for char in value)


def _parse(url: str) -> _Topic:
    """The topic address taken apart, or InvalidInput saying what is wrong with it."""
    text = url.strip()
    if not text:
        raise InvalidInput(
            f"Give the address of your ntfy topic, such as {_EXAMPLE}.", field="push_url"
        )
    if _has_blank(text):
        raise InvalidInput(
            "A topic address has no spaces, line breaks or control characters.", field="push_url"
        )
    if len(text) > LONGEST_PUSH_URL:
        raise InvalidInput(
            f"That address is longer than {LONGEST_PUSH_URL} characters.", field="push_url"
        )
    try:
        parts = urllib.parse.urlsplit(text)
        host = parts.hostname
        port = parts.port
    except ValueError:
        raise InvalidInput(
            f"That is not a web address; give your topic's address, such as {_EXAMPLE}.",
            field="push_url",
        ) from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES or not host:
        raise InvalidInput(
            f"Give the topic's address starting with https:// (or http://), such as {_EXAMPLE}.",
            field="push_url",
        )
    if parts.username is not None or parts.password is not None:
        # A password kept in an address ends up in logs and screenshots; a token can be revoked.
        raise InvalidInput(
            "Leave the user name and password out of the topic address. For a protected topic, "
            "create an access token on the ntfy server and add it as the guide on reminders "
            "explains.",
            field="push_url",
        )
    segments = parts.path.strip("/").split("/") if parts.path.strip("/") else []
    if not segments:
        raise InvalidInput(
            f"Add your topic to the end of the address, such as {_EXAMPLE}.", field="push_url"
        )
    if len(segments) > 1:
        raise InvalidInput(
            "Give the topic's own address: the server, a slash and the topic name, such as "
            f"{_EXAMPLE}.",
            field="push_url",
        )
    topic = segments[0]
    if not _TOPIC.fullmatch(topic):
        raise InvalidInput(
            "A topic name has 1 to 64 letters, digits, dashes (-) or underscores (_).",
            field="push_url",
        )
    host = host.replace("%25", "%")  # an IPv6 zone, as a URL writes it (RFC 6874)
    default_port = 443 if scheme == "https" else 80
    where = host if port is None else f"{host}:{port}"
    target = "/" + (f"?{parts.query}" if parts.query else "")
    return _Topic(scheme, host, port or default_port, where, topic, target)


def _not_public(host: str) -> str:
    return (
        f"{host} is not a public address: on a shared server, pushes go only to public ntfy "
        "servers such as ntfy.sh."
    )


def check_push_url(url: str) -> str:
    """The topic address tidied (stripped), or InvalidInput(field="push_url") in plain words."""
    topic = _parse(url)
    if not on_a_shared_server():
        return url.strip()
    literal = ip_of(topic.host)
    if literal is not None:
        if not literal.is_global:
            raise InvalidInput(_not_public(topic.host), field="push_url")
        return url.strip()
    try:
        addresses = resolve(topic.host, topic.port)
    except OSError:
        # Not known right now; each send looks again, and reports it if it still fails.
        return url.strip()
    if not all_public(addresses):
        raise InvalidInput(_not_public(topic.host), field="push_url")
    return url.strip()


def _payload(topic: str, push: Push) -> bytes:
    message: dict[str, Any] = {"topic": topic, "title": push.title, "message": push.message}
    if push.tags:
        message["tags"] = list(push.tags)
    if push.click:
        message["click"] = push.click
    if push.snooze_url:
        # "clear" removes the notification once the button worked: the reminder is dealt with.
        message["actions"] = [
            {
                "action": "http",
                "label": SNOOZE_LABEL,
                "url": push.snooze_url,
                "method": "POST",
                "clear": True,
            }
        ]
    # ASCII only on the wire (see the module's docstring); ntfy reads the escapes as text.
    return json.dumps(message, ensure_ascii=True).encode("ascii")


def _quoted(text: str) -> str:
    line = "".join(" " if unicodedata.category(char)[0] == "C" else char for char in text)
    line = " ".join(line.split())
    return line if len(line) <= _QUOTED else line[: _QUOTED - 1] + "…"


def _status_words(status: int, reason: str) -> str:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = _quoted(reason)
    return f"{status} {phrase}".rstrip()


def _redirect_target(topic: _Topic, location: str) -> str:
    """Where a redirect points, without its query string (it may carry a token)."""
    base = f"{topic.scheme}://{topic.where}/"
    try:
        parts = urllib.parse.urlsplit(urllib.parse.urljoin(base, location))
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:
        return _quoted(location)
    return _quoted(f"{parts.scheme}://{host}{port}{parts.path}")


def _refused(topic: _Topic, status: int, reason: str, location: str) -> str:
    """What an answer other than success means for the user, and what to do about it."""
    answered = f"{topic.where} answered {_status_words(status, reason)}"
    if 300 <= status < 400:
        if location:
            return (
                f"{topic.where} redirects to {_redirect_target(topic, location)}: give the "
                "address it redirects to, with your topic at the end."
            )
        return f"{answered}, a redirect to nowhere: check the topic address."
    if status in (401, 403):
        return f"{answered}: check the topic address and whether it needs an access token."
    if status == 429:
        return f"{answered}: it takes only so many messages at a time; try again later."
    if 400 <= status < 500:
        return f"{answered}: check that the address is a topic on an ntfy server."
    if status >= 500:
        return f"{answered}: the server has a problem; try again later, or tell whoever runs it."
    return f"{answered}, which is not how an ntfy server answers: check the topic address."


def send_push(url: str, push: Push, *, timeout: float = PUSH_TIMEOUT) -> None:
    """Publish one push; raise PushFailed saying why (for the user's record of failures)."""
    try:
        topic = _parse(url)
    except InvalidInput as error:
        raise PushFailed(error.message) from None
    shared = on_a_shared_server()
    literal = ip_of(topic.host)
    if shared and literal is not None and not literal.is_global:
        raise PushFailed(_not_public(topic.host))
    deadline = Deadline(timeout, time.monotonic)
    try:
        addresses = resolve(topic.host, topic.port)
    except OSError:
        raise PushFailed(
            f"Could not find {topic.host}: check the topic address and the connection."
        ) from None
    if shared and not all_public(addresses):
        raise PushFailed(_not_public(topic.host))
    connection: http.client.HTTPConnection
    if topic.scheme == "https":
        connection = PinnedHTTPSConnection(
            topic.host,
            topic.port,
            timeout=timeout,
            context=ssl.create_default_context(),
            addresses=addresses,
            deadline=deadline,
        )
    else:
        connection = PinnedHTTPConnection(
            topic.host, topic.port, timeout=timeout, addresses=addresses, deadline=deadline
        )
    response: http.client.HTTPResponse | None = None
    try:
        connection.request(
            "POST",
            topic.target,
            body=_payload(topic.topic, push),
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": "coffeechat (reminders)",
            },
        )
        response = connection.getresponse()
        status, reason = response.status, response.reason
        location = response.getheader("Location") or ""
    except TimeoutError:
        if deadline.heard:
            raise PushFailed(
                f"{topic.where} answered too slowly: stopped after {seconds(timeout)}; "
                "try again later."
            ) from None
        raise PushFailed(
            f"{topic.where} did not answer within {seconds(timeout)}; try again later."
        ) from None
    except ssl.SSLCertVerificationError as error:
        raise PushFailed(
            f"{topic.where} showed a certificate that is not valid for it "
            f"({error.verify_message}): check the address; a server of your own needs a "
            "certificate for its name from a known authority."
        ) from None
    except ssl.SSLError as error:
        raise PushFailed(
            f"Could not talk securely with {topic.where} ({error.reason or error}): check "
            "whether the address starts with https:// or http://."
        ) from None
    except (http.client.HTTPException, ConnectionResetError):
        raise PushFailed(
            f"{topic.where} closed the connection without a proper answer: check that the "
            "address is a topic on an ntfy server."
        ) from None
    except OSError as error:
        # "Connection refused" reads better than "[Errno 111] Connection refused".
        why = error.strerror or str(error)
        raise PushFailed(
            f"Could not reach {topic.where} ({why}): check the topic address and that the "
            "ntfy server is running."
        ) from None
    finally:
        # The answer holds its own reference to the socket: closing the connection alone
        # leaves the socket open until the answer is closed too.
        if response is not None:
            response.close()
        connection.close()
    if not 200 <= status < 300:
        raise PushFailed(_refused(topic, status, reason, location))
