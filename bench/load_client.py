"""The load generator of bench/load.py: a second process that drives the server over loopback.

    python bench/load_client.py PLAN.json > timings.json

The plan (written by bench/load.py) names the port, the Host header, the session cookie of each
signed-in student and coach, a few chat pages of each student, and the bounds: how many clients,
for how many seconds, and how many requests at most. Each client is a thread with one kept-alive
connection, as a reverse proxy keeps to its app servers, sending one request at a time and
timing it from the first byte sent to the last byte read.

Requests are numbered as they are handed out, and the number picks the page from a fixed cycle
(``MIX``), so every page gets its share whatever the bounds; the client picks a random student
for each student page and a random coach for the cohort page. Before the timed part every
client asks for each page once (the warm-up: connections, templates, the server's caches).

Before all that, one client asks for each page a few times in turn (``alone``): what each
page costs with nobody else waiting, next to what it costs in the crowd.

Nothing here imports Django or coffeechat: the measuring process shares nothing with the server
but the socket. The output is JSON: every timing in milliseconds by page, the errors (any answer
but 200, or a request that failed), and how long the timed part took.
"""

from __future__ import annotations

import http.client
import json
import random
import sys
import threading
import time
from pathlib import Path

# One cycle of ten requests: the student pages most, the heavy cohort page once.
MIX = ("empty", "home", "contacts", "chat", "cohort", "empty", "home", "contacts", "chat", "chat")
PATHS = {"empty": "/bench-empty/", "home": "/", "contacts": "/contacts/", "cohort": "/students/"}
# A bound for one request: a stuck server ends the run instead of hanging it.
REQUEST_TIMEOUT = 60
# Errors kept word for word in the output; the rest are only counted.
ERROR_SAMPLES = 20
# The connection was closed before this request was answered, a kept-alive one the server had
# dropped meanwhile: sent again once on a new connection, as a proxy does.
STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class Tickets:
    """Hands out request numbers until the bound on requests or on time is reached."""

    def __init__(self, requests: int, seconds: float) -> None:
        self.requests = requests
        self.seconds = seconds
        self.issued = 0
        self.started = 0.0
        self.lock = threading.Lock()

    def start(self) -> None:
        self.started = time.monotonic()

    def take(self) -> int | None:
        with self.lock:
            if self.issued >= self.requests or time.monotonic() - self.started >= self.seconds:
                return None
            self.issued += 1
            return self.issued - 1


class Client:
    """One simulated visitor stream: a connection, a random generator, and what it measured."""

    def __init__(self, number: int, plan: dict) -> None:
        self.plan = plan
        self.rng = random.Random(plan["seed"] * 1000 + number)
        self.connection: http.client.HTTPConnection | None = None
        self.timings: dict[str, list[float]] = {page: [] for page in dict.fromkeys(MIX)}
        self.errors: list[dict] = []
        self.resent = 0

    def request_for(self, page: str) -> tuple[str, str]:
        """The path to ask for and the session to ask with."""
        if page == "cohort":
            return PATHS[page], self.rng.choice(self.plan["coaches"])["session"]
        student = self.rng.choice(self.plan["students"])
        if page == "chat":
            return self.rng.choice(student["chats"]), student["session"]
        return PATHS[page], student["session"]

    def send(self, path: str, session: str) -> tuple[int, float]:
        """Status and milliseconds of one GET, on the kept-alive connection when there is one."""
        headers = {
            "Host": self.plan["host"],
            # As the TLS proxy forwards a request; the server trusts it from 127.0.0.1 only.
            "X-Forwarded-Proto": "https",
            "Cookie": f"{self.plan['cookie']}={session}",
            "Accept": "text/html",
        }
        for attempt in (1, 2):
            fresh = self.connection is None
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.plan["port"], timeout=REQUEST_TIMEOUT
                )
            started = time.perf_counter()
            try:
                self.connection.request("GET", path, headers=headers)
                response = self.connection.getresponse()
                response.read()
            except STALE:
                self.close()
                if fresh or attempt == 2:
                    raise
                self.resent += 1
                continue
            except Exception:
                self.close()
                raise
            took = (time.perf_counter() - started) * 1000
            if response.will_close:
                self.close()
            return response.status, took
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def visit(self, page: str, *, timed: bool) -> None:
        path, session = self.request_for(page)
        try:
            status, took = self.send(path, session)
        except Exception as error:  # any failure is an error of the run, reported, not raised
            self.error(page, path, f"{type(error).__name__}: {error}", timed)
            return
        if status != 200:
            self.error(page, path, f"HTTP {status}", timed)
        elif timed:
            self.timings[page].append(took)

    def error(self, page: str, path: str, what: str, timed: bool) -> None:
        self.errors.append({"page": page, "path": path, "error": what, "warm_up": not timed})

    def run(self, tickets: Tickets, ready: threading.Barrier) -> None:
        try:
            for page in dict.fromkeys(MIX):
                self.visit(page, timed=False)
        finally:
            # Every client starts the timed part at once, the warm-up of all of them done.
            ready.wait()
        while (ticket := tickets.take()) is not None:
            self.visit(MIX[ticket % len(MIX)], timed=True)
        self.close()


def alone(plan: dict) -> dict[str, list[float]]:
    """Each page a few times in turn from a single client, the server otherwise idle: what a
    page costs without the queue that the clients together build in front of the workers."""
    client = Client(plan["clients"], plan)
    for number in range(plan["alone_rounds"] + 1):
        for page in dict.fromkeys(MIX):
            # The first round warms up and is not kept.
            client.visit(page, timed=number > 0)
    client.close()
    if client.errors:
        raise SystemExit(f"A page failed with one client: {client.errors[0]}")
    return client.timings


def drive(plan: dict) -> dict:
    """Run the clients of ``plan`` to the end of its bounds; their timings and errors."""
    one_by_one = alone(plan)
    tickets = Tickets(plan["requests"], plan["seconds"])
    ready = threading.Barrier(plan["clients"], action=tickets.start)
    clients = [Client(number, plan) for number in range(plan["clients"])]
    threads = [
        threading.Thread(target=client.run, args=(tickets, ready), name=f"client-{number}")
        for number, client in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - tickets.started
    errors = [error for client in clients for error in client.errors]
    return {
        "alone": one_by_one,
        "seconds": seconds,
        "timings": {
            page: [took for client in clients for took in client.timings[page]]
            for page in clients[0].timings
        },
        "errors": len(errors),
        "errors_by_page": {
            page: sum(error["page"] == page for error in errors) for page in dict.fromkeys(MIX)
        },
        "error_samples": errors[:ERROR_SAMPLES],
        "resent": sum(client.resent for client in clients),
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    plan = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    json.dump(drive(plan), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
