"""Structured logs for server mode: one JSON object a line, on standard error.

A line a machine can read (journald, a log shipper) and a person can still grep. Every line
carries the time, level, logger and message; a line written while a request is being answered
carries that request's id too, so the access line and an error from the same request can be
found together. The access lines themselves come from gunicorn (``coffeechat.gunicorn_conf``).

Nothing secret reaches a line: paths that carry a secret (the calendar feed's token, a snooze
link, a sign-in, pairing, invitation or password reset link) are cut to their fixed part, the
query string is never written, and no request header, cookie or form field is. This module
imports nothing from Django or gunicorn, so both can use it.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# The segment of a path after these is a secret: whoever reads it can use the link.
SECRET_SEGMENT = re.compile(
    r"(/(?:calendar/feed|r/snooze|signin|pair|join|invite|invitation|reset)/)[^/\s?#\"'<>]+"
)
# A password reset link carries its secret in two segments (the account, then the token).
SECRET_REST = re.compile(r"(/password-reset/)[^\s?#\"'<>]+")
HIDDEN = "[redacted]"
# What a request line may say about itself, beyond the message.
REQUEST_FIELDS = ("method", "path", "status", "duration_ms", "bytes", "client")
# A request id the proxy sends is kept when it looks like one; anything else is replaced, so a
# client cannot write arbitrary text into the logs through it.
_GIVEN_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

_request_id: ContextVar[str | None] = ContextVar("coffeechat_request_id", default=None)


def redact(text: str) -> str:
    """``text`` with the secret part of every secret-bearing path replaced."""
    return SECRET_REST.sub(rf"\1{HIDDEN}", SECRET_SEGMENT.sub(rf"\1{HIDDEN}", text))


def start_request(given: str | None = None) -> str:
    """Begin a request's logging: its id (the proxy's, when usable) applies to every line until
    ``end_request``. Gunicorn calls this before the request, on the thread that answers it."""
    request_id = given if given and _GIVEN_ID.fullmatch(given) else secrets.token_hex(8)
    _request_id.set(request_id)
    return request_id


def end_request() -> None:
    """The request is answered: later lines on this thread belong to no request."""
    _request_id.set(None)


def current_request_id() -> str | None:
    return _request_id.get()


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object: time (UTC), level, logger, message, and what is known
    of the request being answered."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id:
            entry["request_id"] = request_id
        # Django's request logger passes the request and the status it answered.
        request: Any = getattr(record, "request", None)
        if hasattr(request, "method") and hasattr(request, "path"):
            entry["method"] = request.method
            entry["path"] = request.path
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            entry["status"] = status
        for field in REQUEST_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if isinstance(entry.get("path"), str):
            entry["path"] = redact(str(entry["path"]))
        if record.exc_info:
            entry["error"] = redact(self.formatException(record.exc_info))
        elif record.stack_info:
            entry["error"] = redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)
