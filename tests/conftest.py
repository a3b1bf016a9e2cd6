"""Fixtures shared by the whole suite: two users, alice and bob, and their signed-in clients."""

from __future__ import annotations

import pytest
from django.db import connections
from django.db.backends.signals import connection_created
from django.test import Client
from hypothesis import settings

from coffeechat.services import lan
from coffeechat.services.accounts import create_user
from tests import query_audit

# tests.strict: a COFFEECHAT_STRICT=1 run that skipped anything fails. pytester: for its test.
pytest_plugins = ["tests.strict", "pytester"]

# No property test may pass or fail by how fast the machine is: a busy CI runner took 320 ms
# over an example that takes 14 ms alone, past hypothesis's default deadline of 200 ms.
settings.register_profile("coffeechat", deadline=None)
settings.load_profile("coffeechat")


def pytest_configure(config):
    # The query audit watches every connection, those made later (threads) too.
    connection_created.connect(query_audit.watch)
    for connection in connections.all(initialized_only=True):
        query_audit.watch(None, connection)


@pytest.fixture(autouse=True)
def every_query_says_whose_rows():
    """Fail a test whose app code ran a query of an owned table for everyone (query_audit)."""
    query_audit.take()
    yield
    unscoped = query_audit.take()
    if unscoped:
        pytest.fail("queries without whose rows:\n" + "\n".join(map(str, unscoped)))


def pytest_collection_modifyitems(config, items):
    """On SQLite, leave out the tests only a database server can run: deselected, not skipped,
    so a strict run reports no skip; the PostgreSQL run (tests/run_postgres.py) runs them."""
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    left_out = [item for item in items if item.get_closest_marker("postgres_only")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker("postgres_only")]


@pytest.fixture
def alice(db):
    return create_user("alice", email="alice@example.com")


@pytest.fixture
def bob(db):
    return create_user("bob", email="bob@example.com")


@pytest.fixture
def alice_client(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(bob) -> Client:
    client = Client()
    client.force_login(bob)
    return client


class Listener:
    """services.lan.Listener without sockets: records what it was asked to do."""

    def __init__(self, port: int = 8000, refuse: set[str] | None = None) -> None:
        self.port = port
        self.address: str | None = None
        self.refuse = refuse or set()
        self.closed = 0

    def open(self, address: str) -> None:
        if address in self.refuse:
            raise OSError(99, "Cannot assign requested address")
        self.address = address

    def close(self) -> None:
        self.address = None
        self.closed += 1


@pytest.fixture
def listener():
    """A Listener installed as `coffeechat serve` installs its own; removed afterwards."""
    installed = Listener()
    lan.install(installed)
    yield installed
    lan.install(None)


@pytest.fixture
def mail_server(settings):
    """A mail server on loopback (aiosmtpd) that keeps what it is sent, set up as coffeechat's."""
    from aiosmtpd.controller import Controller

    from tests.services.test_thanks import Inbox, free_port, smtp_on

    kept = Inbox()
    port = free_port()
    controller = Controller(kept, hostname="127.0.0.1", port=port)
    controller.start()
    settings.COFFEECHAT_SMTP = smtp_on(port)
    yield kept
    controller.stop()
