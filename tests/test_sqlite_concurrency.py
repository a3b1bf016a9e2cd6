"""The CLI and the server write the same SQLite file: concurrent writers must all succeed.

Four processes start together on one fresh home and each runs read-then-write transactions
through the services. With SQLite's default deferred transactions a writer whose snapshot went
stale fails at once with "database is locked"; with BEGIN IMMEDIATE they queue instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.sqlite_only

WORKERS = 4
TRANSACTIONS = 50

PREPARE = textwrap.dedent(
    """
    from coffeechat.cli.bootstrap import ready_with_database
    ready_with_database()
    from coffeechat.services.accounts import ensure_owner
    ensure_owner()
    """
)

WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from coffeechat.cli.bootstrap import ready
    ready()
    from django.db import transaction
    from coffeechat.services.accounts import ensure_owner
    from coffeechat.services.chats import add_note
    from coffeechat.services.contacts import ContactDetails, add_contact
    from coffeechat.store.models import Contact

    worker, rounds, barrier = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    owner = ensure_owner()
    (barrier / f"ready-{worker}").touch()
    while not (barrier / "go").exists():
        time.sleep(0.005)
    for n in range(rounds):
        with transaction.atomic():
            seen = Contact.objects.for_owner(owner).count()
            details = ContactDetails(f"Worker {worker} contact {n}", organisation=f"Org {n % 7}")
            contact = add_contact(owner, details)
            add_note(owner, contact, f"{seen} contacts existed before this one")
    """
)


def environment(home: Path) -> dict[str, str]:
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("COFFEECHAT_")
        and name not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    environ["COFFEECHAT_HOME"] = str(home)
    return environ


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.01)


def test_four_processes_writing_the_same_home_at_once_all_succeed(tmp_path):
    home, barrier = tmp_path / "home", tmp_path / "barrier"
    barrier.mkdir()
    env = environment(home)
    prepared = subprocess.run(
        [sys.executable, "-c", PREPARE], env=env, capture_output=True, text=True, timeout=120
    )
    assert prepared.returncode == 0, prepared.stderr

    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(n), str(TRANSACTIONS), str(barrier)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WORKERS)
    ]
    try:
        # Release all workers at the same moment so their transactions really overlap.
        wait_for(
            lambda: (
                len(list(barrier.glob("ready-*"))) == WORKERS
                or any(w.poll() is not None for w in workers)
            ),
            timeout=120,
            what="the workers to start",
        )
        (barrier / "go").touch()
        outputs = [w.communicate(timeout=300) for w in workers]
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()

    errors = [err for w, (_, err) in zip(workers, outputs, strict=True) if w.returncode != 0]
    assert not errors, "\n\n".join(errors)

    counts = subprocess.run(
        [
            sys.executable,
            "-c",
            "from coffeechat.cli.bootstrap import ready; ready()\n"
            "from coffeechat.store.models import Contact, Note, Organisation\n"
            "print(Contact.objects.count(), Note.objects.count(), Organisation.objects.count())",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert counts.returncode == 0, counts.stderr
    contacts, notes, organisations = map(int, counts.stdout.split())
    assert contacts == WORKERS * TRANSACTIONS
    assert notes == WORKERS * TRANSACTIONS
    assert organisations == 7
