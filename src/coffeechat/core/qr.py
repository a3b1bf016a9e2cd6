"""QR codes drawn on the server as SVG, so a phone's camera can open an address from the screen.

segno writes the picture: pure Python, no image library, and its SVG carries no style attribute
(the pages' Content-Security-Policy would refuse one) when it is given classes and plain colours.
The code is dark on light with the standard quiet zone of four modules, and scales to any size
from its viewBox, so the stylesheet decides how large it shows.
"""

from __future__ import annotations

import io
import ipaddress

import segno

QUIET_ZONE = 4  # modules of light margin, as the QR standard asks, so cameras find the code


def qr_svg(text: str, *, title: str) -> str:
    """``text`` as an inline SVG QR code (no XML declaration, no style), named by ``title``."""
    # The lowest error correction gives the fewest, largest modules; segno raises it when that
    # costs no size. A screen is not a crumpled label: nothing needs restoring.
    code = segno.make(text, error="l", micro=False)
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        xmldecl=False,
        svgclass="qr",
        lineclass="qr__dark",
        omitsize=True,  # a viewBox instead of a fixed width and height: the page sizes it
        border=QUIET_ZONE,
        dark="#000",
        light="#fff",
        title=title,
        nl=False,
    )
    return out.getvalue().decode("utf-8")


def qr_text(text: str) -> str:
    """``text`` as a QR code drawn with block characters, for a terminal (`serve --lan`)."""
    out = io.StringIO()
    segno.make(text, error="l", micro=False).terminal(out=out, compact=True, border=QUIET_ZONE)
    return out.getvalue().rstrip("\n")


def is_loopback(host: str) -> bool:
    """Whether ``host`` (as in a Host header, port and all) names this computer only.

    A phone cannot open an address such as ``127.0.0.1:8000`` or ``localhost``: it means the
    phone itself there.
    """
    name = host.strip().lower()
    if name.startswith("["):
        name = name[1:].split("]", 1)[0]
    elif name.count(":") == 1:
        name = name.split(":", 1)[0]
    name = name.rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
