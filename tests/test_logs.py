"""Server mode's log lines: JSON a machine can read, with the request's id, and no secrets."""

from __future__ import annotations

import json
import logging
import sys

import pytest
from django.test import RequestFactory

from coffeechat import logs


@pytest.fixture(autouse=True)
def no_request():
    logs.end_request()
    yield
    logs.end_request()


def record(message: str, *args, **extra) -> logging.LogRecord:
    made = logging.LogRecord("coffeechat.test", logging.WARNING, __file__, 1, message, args, None)
    made.__dict__.update(extra)
    return made


def formatted(made: logging.LogRecord) -> dict:
    line = logs.JsonFormatter().format(made)
    assert "\n" not in line
    return json.loads(line)


def test_a_line_carries_time_level_logger_and_message():
    made = record("Reminder %s failed", "digest")
    made.created = 1_772_442_000.25  # 2026-03-02 09:00:00.250 UTC
    assert formatted(made) == {
        "time": "2026-03-02T09:00:00.250Z",
        "level": "WARNING",
        "logger": "coffeechat.test",
        "message": "Reminder digest failed",
    }


CHAT = "4f1c2d3e-0000-4000-8000-000000000000"


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/calendar/feed/Zx8-secret_token.ics", "/calendar/feed/[redacted]"),
        (
            f"/calendar/feed/Zx8-secret/chats/{CHAT}.ics",
            f"/calendar/feed/[redacted]/chats/{CHAT}.ics",
        ),
        ("/r/snooze/eyJrIjoxfQ:1vX:c2ln/", "/r/snooze/[redacted]/"),
        ("/signin/one-time-secret/", "/signin/[redacted]/"),
        ("/pair/pairing-secret/", "/pair/[redacted]/"),
        ("/join/invitation-secret/", "/join/[redacted]/"),
        ("/password-reset/MQ/cz8bk4-4f1e2a9b/", "/password-reset/[redacted]"),
        ("/password-reset/MQ/set-password/", "/password-reset/[redacted]"),
        ("/password-reset/", "/password-reset/"),
        (
            "https://cc.example.edu/signin/s3cret/ and /pair/other/",
            "https://cc.example.edu/signin/[redacted]/ and /pair/[redacted]/",
        ),
        # Nothing secret: the sign-in form itself, a contact's page.
        ("/signin/", "/signin/"),
        (f"/contacts/{CHAT}/", f"/contacts/{CHAT}/"),
    ],
)
def test_secret_links_are_cut_to_their_fixed_part(path, shown):
    assert logs.redact(path) == shown


def test_django_request_lines_say_which_request_without_its_secret():
    request = RequestFactory().get("/calendar/feed/the-token.ics?x=private")
    made = record("Not Found: %s", request.path, request=request, status_code=404)
    line = formatted(made)
    assert line["message"] == "Not Found: /calendar/feed/[redacted]"
    assert (line["method"], line["path"], line["status"]) == (
        "GET",
        "/calendar/feed/[redacted]",
        404,
    )
    assert "the-token" not in json.dumps(line) and "private" not in json.dumps(line)


def test_a_traceback_is_one_field_of_the_same_line_and_redacted():
    try:
        raise ValueError("no feed at /calendar/feed/leaky-token.ics")
    except ValueError:
        made = record("Internal Server Error: %s", "/x/")
        made.exc_info = sys.exc_info()
    line = formatted(made)
    assert "ValueError" in line["error"]
    assert "leaky-token" not in line["error"]


def test_lines_written_during_a_request_carry_its_id():
    given = logs.start_request("proxy-7f3a.1")
    assert given == "proxy-7f3a.1"
    assert formatted(record("inside"))["request_id"] == "proxy-7f3a.1"
    logs.end_request()
    assert "request_id" not in formatted(record("after"))


@pytest.mark.parametrize("given", [None, "", 'x"}\n{"level": "CRITICAL', "a" * 65, "spaced id"])
def test_an_unusable_request_id_is_replaced_by_a_fresh_one(given):
    made = logs.start_request(given)
    assert made != given
    assert len(made) == 16 and all(ch in "0123456789abcdef" for ch in made)
    assert logs.start_request(None) != made
