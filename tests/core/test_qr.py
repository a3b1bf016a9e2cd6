from __future__ import annotations

import re

import pytest
import segno

from coffeechat.core.qr import QUIET_ZONE, is_loopback, qr_svg

URL = "https://coffee.example.org/calendar/feed/abcdefghijklmnopqrstuvwxyz/chats/1.ics"


def test_the_code_carries_no_style_and_sizes_from_its_view_box():
    svg = qr_svg(URL, title="Scan me")
    # The pages' Content-Security-Policy refuses style attributes and inline style elements.
    assert "style" not in svg
    assert "<script" not in svg
    assert not svg.startswith("<?xml")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox=')
    assert " width=" not in svg and " height=" not in svg
    assert 'class="qr"' in svg and 'class="qr__dark"' in svg


def test_the_code_is_dark_on_light_with_a_quiet_zone_of_four_modules():
    svg = qr_svg(URL, title="Scan me")
    modules = segno.make(URL, error="l").symbol_size(border=0)[0]
    side = modules + 2 * QUIET_ZONE
    assert QUIET_ZONE == 4
    assert f'viewBox="0 0 {side} {side}"' in svg
    assert f'<path fill="#fff" d="M0 0h{side}v{side}h-{side}z"/>' in svg
    assert 'stroke="#000"' in svg


def test_the_code_holds_exactly_the_text_it_was_given():
    drawn = re.search(r'class="qr__dark" stroke="#000" d="([^"]+)"', qr_svg(URL, title="x"))
    assert drawn is not None
    expected = segno.make(URL, error="l").svg_inline(border=4, dark="#000", light="#fff")
    assert f'd="{drawn.group(1)}"' in expected
    assert qr_svg(URL + "x", title="x") != qr_svg(URL, title="x")


def test_the_title_cannot_break_out_of_the_picture():
    svg = qr_svg(URL, title='Chat with <script>alert("x")</script> & co')
    assert "<script>" not in svg
    assert "<title>Chat with &lt;script&gt;" in svg


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "127.0.0.1:8000", "127.0.0.2:8000", "localhost", "LOCALHOST:5000", "[::1]:8000"],
)
def test_this_computers_own_addresses_are_loopback(host):
    assert is_loopback(host)


@pytest.mark.parametrize(
    "host", ["coffee.example.org", "coffee.example.org:443", "192.0.2.10:8000", "[2001:db8::1]:80"]
)
def test_addresses_a_phone_could_open_are_not_loopback(host):
    assert not is_loopback(host)
