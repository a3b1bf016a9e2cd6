"""Fixtures shared by the whole suite: two users, alice and bob, and their signed-in clients."""

from __future__ import annotations

import pytest
from django.test import Client

from coffeechat.services.accounts import create_user


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
