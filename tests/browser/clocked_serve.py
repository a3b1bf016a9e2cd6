"""`coffeechat serve` with a clock the test controls: `clocked_serve.py CLOCK_FILE ARGS...`.

Timers measured in business days cannot be waited for, so the server's clock is moved instead.
CLOCK_FILE holds an ISO 8601 moment. The process starts at that moment and lets time run on
from there; before each request it reads the file again and, when the moment written there
changed, jumps to it. time-machine moves every clock Python reads (datetime, time.time), so
Django's timezone.now(), auto_now fields and the services all see the same moved time.

This lives with the tests on purpose: the product itself has no way to fake its clock.
"""

from __future__ import annotations

import sys
import threading
from datetime import datetime
from pathlib import Path

import time_machine
from django.core.handlers.wsgi import WSGIHandler


def main() -> None:
    clock_file = Path(sys.argv[1])
    sys.argv = ["coffeechat", *sys.argv[2:]]
    written = clock_file.read_text(encoding="utf-8").strip()
    coordinates = time_machine.travel(datetime.fromisoformat(written), tick=True).start()
    lock = threading.Lock()
    last = {"written": written}
    handle = WSGIHandler.__call__

    def handle_at_test_time(self, environ, start_response):
        with lock:
            now_written = clock_file.read_text(encoding="utf-8").strip()
            if now_written != last["written"]:
                coordinates.move_to(datetime.fromisoformat(now_written))
                last["written"] = now_written
        return handle(self, environ, start_response)

    WSGIHandler.__call__ = handle_at_test_time  # type: ignore[method-assign]

    from coffeechat.cli.main import main as run

    run()


if __name__ == "__main__":
    main()
