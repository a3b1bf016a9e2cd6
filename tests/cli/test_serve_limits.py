"""``coffeechat serve`` refuses a request body over the limit from its headers, unread."""

from __future__ import annotations

import socket

from coffeechat.services.imports import MAX_IMPORT_BYTES
from coffeechat.services.uploads import MAX_REQUEST_BYTES
from tests.browser.conftest import COFFEECHAT, child_environment, free_port, serving
from tests.migrated import start_migrated

# Only reached when the server waits for a body it should have refused: the test then fails
# instead of hanging. A passing run has its answer at once.
WAIT_SECONDS = 60


def test_the_largest_upload_and_its_form_fit_in_a_request():
    assert MAX_REQUEST_BYTES > MAX_IMPORT_BYTES


def test_a_body_over_the_limit_is_refused_before_it_is_sent(tmp_path):
    port = free_port()
    start_migrated(tmp_path)  # a new home's migrating is test_serve_link's to check
    command = [COFFEECHAT, "--home", str(tmp_path), "serve", "--no-browser", "--port", str(port)]
    with (
        serving(command, child_environment(tmp_path, None)),
        socket.create_connection(("127.0.0.1", port), timeout=WAIT_SECONDS) as connection,
    ):
        # 300 MB announced, nothing of it sent: the answer can only come from the headers.
        connection.sendall(
            b"POST /calendar/import/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            + f"Content-Length: {300 * 1024 * 1024}\r\n\r\n".encode()
        )
        answer = connection.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
