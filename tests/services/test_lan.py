"""LAN access: one checked address, allowed as a host only while its listener is open."""

from __future__ import annotations

import ipaddress

import pytest
from django.conf import settings

from coffeechat.services import lan
from coffeechat.services.accounts import ensure_preferences
from coffeechat.services.lan import LanRefused, check_address, lan_status, network_addresses
from tests.conftest import Listener


def allowed() -> list[str]:
    return list(settings.ALLOWED_HOSTS)


@pytest.mark.parametrize("typed", ["", "  ", "phone.local", "192.168.1", "0.0.0.0", "224.0.0.1"])
def test_only_one_computers_ipv4_address_is_taken(typed):
    with pytest.raises(LanRefused):
        check_address(typed)


def test_an_address_is_taken_as_typed_around_its_spaces():
    assert check_address(" 192.168.1.20 ") == "192.168.1.20"


def test_without_a_listener_lan_access_is_not_available_and_says_how(alice):
    assert not lan_status().available
    with pytest.raises(LanRefused, match="coffeechat serve --lan"):
        lan.turn_on(alice, "127.0.0.2")


def test_the_allowed_hosts_gain_exactly_the_lan_address_while_it_is_on(alice, listener):
    before = allowed()
    assert "127.0.0.2" not in before
    status = lan.turn_on(alice, "127.0.0.2")
    assert status.on and status.base_url == "http://127.0.0.2:8000"
    assert allowed() == [*before, "127.0.0.2"]
    assert ensure_preferences(alice).lan_address == "127.0.0.2"
    lan.turn_off(alice)
    assert allowed() == before
    assert listener.address is None
    assert ensure_preferences(alice).lan_address == ""


def test_moving_to_another_address_closes_the_first(alice, listener):
    lan.turn_on(alice, "127.0.0.2")
    lan.turn_on(alice, "127.0.0.3")
    assert listener.closed == 1
    assert "127.0.0.2" not in allowed()
    assert "127.0.0.3" in allowed()


def test_an_address_that_is_not_this_computers_is_refused_and_changes_nothing(alice, listener):
    listener.refuse = {"203.0.113.5"}
    with pytest.raises(LanRefused, match="cannot listen on 203.0.113.5:8000"):
        lan.turn_on(alice, "203.0.113.5")
    assert not lan_status().on
    assert "203.0.113.5" not in allowed()
    assert ensure_preferences(alice).lan_address == ""


def test_a_restart_listens_again_where_lan_access_was_left_on(alice, listener):
    lan.turn_on(alice, "127.0.0.2")
    restarted = Listener()
    lan.install(restarted)
    assert lan.resume(alice) == ""
    assert restarted.address == "127.0.0.2"


def test_a_restart_on_another_network_turns_lan_access_off_and_says_so(alice, listener):
    lan.turn_on(alice, "127.0.0.2")
    lan.install(Listener(refuse={"127.0.0.2"}))
    message = lan.resume(alice)
    assert message.startswith("LAN access is off: coffeechat cannot listen on 127.0.0.2")
    assert ensure_preferences(alice).lan_address == ""
    assert "127.0.0.2" not in allowed()


def test_a_restart_without_lan_access_stays_off(alice, listener):
    assert lan.resume(alice) == ""
    assert listener.address is None


def test_network_addresses_are_ipv4_a_phone_could_reach():
    for entry in network_addresses():
        ip = ipaddress.IPv4Address(entry.address)
        assert not ip.is_loopback and not ip.is_link_local
        assert entry.interface
