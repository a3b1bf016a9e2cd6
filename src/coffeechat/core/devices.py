"""A paired device's name, read from its browser's User-Agent: "Chrome on Android".

The name only helps the user tell their devices apart in a list, so a rough reading is enough:
the browser and the system, each from the first word that settles it. Order matters because
browsers borrow each other's words (Edge and Samsung Internet say "Chrome", Chrome says
"Safari", every iPhone browser says "Safari" and "Mobile").
"""

from __future__ import annotations

import re

# (what the User-Agent contains, the browser's name), the most specific first.
_BROWSERS = (
    ("EdgA/", "Edge"),
    ("EdgiOS/", "Edge"),
    ("Edg/", "Edge"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Macintosh", "a Mac"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)
NAME_LENGTH = 100  # store.models.Device.name
UNKNOWN = "A browser"


def device_name(user_agent: str) -> str:
    """``"Chrome on Android"``, ``"Safari on iPhone"``, or ``"A browser"`` when nothing is known."""
    agent = user_agent or ""
    browser = next((name for word, name in _BROWSERS if word in agent), "")
    system = next((name for word, name in _SYSTEMS if word in agent), "")
    if browser and system:
        return f"{browser} on {system}"
    if browser:
        return browser
    if system:
        return f"A browser on {system}"
    return UNKNOWN


def numbered(name: str, taken: set[str]) -> str:
    """``name``, or ``name 2``, ``name 3``... the first one not in ``taken``."""
    if name not in taken:
        return name
    base = re.sub(r" \d+$", "", name)
    number = 2
    while f"{base} {number}" in taken:
        number += 1
    return f"{base} {number}"
