"""How large a request may be: the largest file any upload takes, and room for its form.

Each upload has its own cap (``MAX_IMPORT_BYTES`` for contacts, ``core.ics.MAX_BYTES`` for a
calendar), checked while the file arrives. ``MAX_REQUEST_BYTES`` bounds every request before
that: `coffeechat serve` refuses a larger body unread, so nobody can make the server take in
gigabytes (an anonymous visitor included) only to refuse them afterwards.
"""

from __future__ import annotations

from coffeechat.core.ics import MAX_BYTES as MAX_CALENDAR_BYTES
from coffeechat.services.imports import MAX_IMPORT_BYTES

# What travels with the largest file: multipart boundaries and headers, the CSRF token and the
# form's other fields. A few kilobytes in practice.
FORM_ROOM = 1024 * 1024
MAX_REQUEST_BYTES = max(MAX_IMPORT_BYTES, MAX_CALENDAR_BYTES) + FORM_ROOM
