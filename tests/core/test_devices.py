"""A paired phone's name comes from its browser: enough to tell two phones apart in a list."""

from __future__ import annotations

import pytest

from coffeechat.core.devices import UNKNOWN, device_name, numbered

ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
IPHONE_CHROME = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1"
)
SAMSUNG = (
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36"
)
ANDROID_FIREFOX = "Mozilla/5.0 (Android 14; Mobile; rv:127.0) Gecko/127.0 Firefox/127.0"
EDGE_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0"
)


@pytest.mark.parametrize(
    ("agent", "name"),
    [
        (ANDROID_CHROME, "Chrome on Android"),
        (IPHONE_SAFARI, "Safari on iPhone"),
        (IPHONE_CHROME, "Chrome on iPhone"),
        (SAMSUNG, "Samsung Internet on Android"),
        (ANDROID_FIREFOX, "Firefox on Android"),
        (EDGE_WINDOWS, "Edge on Windows"),
        ("curl/8.5.0", UNKNOWN),
        ("", UNKNOWN),
        ("Something (Android 14)", "A browser on Android"),
    ],
)
def test_a_device_is_named_after_its_browser_and_system(agent, name):
    assert device_name(agent) == name


def test_a_second_phone_of_the_same_kind_gets_a_number():
    assert numbered("Chrome on Android", set()) == "Chrome on Android"
    assert numbered("Chrome on Android", {"Chrome on Android"}) == "Chrome on Android 2"
    taken = {"Chrome on Android", "Chrome on Android 2"}
    assert numbered("Chrome on Android", taken) == "Chrome on Android 3"
