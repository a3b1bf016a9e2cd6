"""The app's icons, drawn from one description: a cup on a saucer with a clock on its side.

The same shapes are written as SVG and painted as PNG (192 and 512 px, and a maskable 512 px
whose background fills the square so that a launcher may cut it to any shape), with nothing but
the standard library. The files live in static/coffeechat/icons/; after changing a shape here,
write them again with::

    python -m coffeechat.web.icons
"""

from __future__ import annotations

import math
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "static" / "coffeechat" / "icons"
GRID = 512  # the shapes are laid out on a 512 x 512 grid
TEAL = "#0b6460"  # app.css --accent
CREAM = "#faf8f5"  # app.css --paper
CORNER = 112  # the rounded square of the plain icon
# A launcher may cut a maskable icon down to the circle of 80% of its width: the picture shrinks
# to stay inside it.
MASKABLE_ZOOM = 0.85
PNG_FILES = (
    ("app-192.png", 192, False),
    ("app-512.png", 512, False),
    ("maskable-512.png", 512, True),
)


@dataclass(frozen=True)
class Cup:
    """The cup's body: square at the rim, rounded at the bottom."""

    left: float
    top: float
    right: float
    bottom: float
    radius: float
    colour: str

    def svg(self) -> str:
        x0, y0, x1, y1, r = self.left, self.top, self.right, self.bottom, self.radius
        return (
            f'<path d="M{x0:g} {y0:g}H{x1:g}V{y1 - r:g}A{r:g} {r:g} 0 0 1 {x1 - r:g} {y1:g}'
            f'H{x0 + r:g}A{r:g} {r:g} 0 0 1 {x0:g} {y1 - r:g}Z" fill="{self.colour}"/>'
        )

    def distance(self, x: float, y: float) -> float:
        half_width, half_height = (self.right - self.left) / 2, (self.bottom - self.top) / 2
        centre_x, centre_y = self.left + half_width, self.top + half_height
        r = self.radius if y > centre_y else 0.0
        qx = abs(x - centre_x) - half_width + r
        qy = abs(y - centre_y) - half_height + r
        return min(max(qx, qy), 0.0) + math.hypot(max(qx, 0.0), max(qy, 0.0)) - r


@dataclass(frozen=True)
class Ring:
    """A circle's outline."""

    x: float
    y: float
    radius: float
    width: float
    colour: str

    def svg(self) -> str:
        return (
            f'<circle cx="{self.x:g}" cy="{self.y:g}" r="{self.radius:g}" fill="none" '
            f'stroke="{self.colour}" stroke-width="{self.width:g}"/>'
        )

    def distance(self, x: float, y: float) -> float:
        return abs(math.hypot(x - self.x, y - self.y) - self.radius) - self.width / 2


@dataclass(frozen=True)
class Stroke:
    """A straight line with round ends."""

    x0: float
    y0: float
    x1: float
    y1: float
    width: float
    colour: str

    def svg(self) -> str:
        return (
            f'<line x1="{self.x0:g}" y1="{self.y0:g}" x2="{self.x1:g}" y2="{self.y1:g}" '
            f'stroke="{self.colour}" stroke-width="{self.width:g}" stroke-linecap="round"/>'
        )

    def distance(self, x: float, y: float) -> float:
        dx, dy = self.x1 - self.x0, self.y1 - self.y0
        along = ((x - self.x0) * dx + (y - self.y0) * dy) / (dx * dx + dy * dy)
        along = min(max(along, 0.0), 1.0)
        return math.hypot(x - self.x0 - along * dx, y - self.y0 - along * dy) - self.width / 2


@dataclass(frozen=True)
class Square:
    """The background: the whole square, its corners rounded by ``radius``."""

    radius: float
    colour: str

    def svg(self) -> str:
        corner = f' rx="{self.radius:g}"' if self.radius else ""
        return f'<rect width="{GRID}" height="{GRID}"{corner} fill="{self.colour}"/>'

    def distance(self, x: float, y: float) -> float:
        half = GRID / 2
        qx = abs(x - half) - half + self.radius
        qy = abs(y - half) - half + self.radius
        return min(max(qx, qy), 0.0) + math.hypot(max(qx, 0.0), max(qy, 0.0)) - self.radius


Shape = Cup | Ring | Stroke | Square

# Painted in order. The handle's ring is half hidden behind the cup; the clock sits on the cup.
PICTURE: tuple[Shape, ...] = (
    Stroke(206, 112, 206, 156, 22, CREAM),
    Stroke(266, 112, 266, 156, 22, CREAM),
    Ring(336, 262, 40, 22, CREAM),
    Cup(146, 186, 336, 366, 70, CREAM),
    Stroke(118, 398, 394, 398, 26, CREAM),
    Ring(241, 270, 52, 14, TEAL),
    Stroke(241, 270, 241, 238, 14, TEAL),
    Stroke(241, 270, 265, 284, 14, TEAL),
)


def shapes(*, maskable: bool) -> tuple[Shape, ...]:
    """The icon's shapes: on a rounded square, or on the whole square for a maskable icon."""
    return (Square(0 if maskable else CORNER, TEAL), *PICTURE)


def svg(*, maskable: bool = False) -> str:
    """The icon as an SVG document."""
    body = "".join(shape.svg() for shape in shapes(maskable=maskable))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {GRID} {GRID}">'
        f"<title>coffeechat</title>{body}</svg>\n"
    )


def _rgb(colour: str) -> tuple[float, float, float]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def png(size: int, *, maskable: bool = False) -> bytes:
    """The icon painted at ``size`` x ``size`` pixels, as a PNG file with an alpha channel."""
    scale = GRID / size
    zoom = MASKABLE_ZOOM if maskable else 1.0
    drawn = [
        (shape, _rgb(shape.colour), 1.0 if isinstance(shape, Square) else zoom)
        for shape in shapes(maskable=maskable)
    ]
    centre = GRID / 2
    rows = []
    for row in range(size):
        line = bytearray(b"\x00")  # no filter
        y = (row + 0.5) * scale
        for column in range(size):
            x = (column + 0.5) * scale
            red = green = blue = alpha = 0.0
            for shape, (r, g, b), k in drawn:
                distance = shape.distance(centre + (x - centre) / k, centre + (y - centre) / k) * k
                # Edges are softened over one pixel: cover is how much of it the shape fills.
                cover = min(max(0.5 - distance / scale, 0.0), 1.0)
                if not cover:
                    continue
                left = alpha * (1 - cover)
                alpha = cover + left
                red, green, blue = (
                    (r * cover + red * left) / alpha,
                    (g * cover + green * left) / alpha,
                    (b * cover + blue * left) / alpha,
                )
            line += bytes((round(red), round(green), round(blue), round(alpha * 255)))
        rows.append(bytes(line))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def write(folder: Path = FOLDER) -> list[Path]:
    """Write every icon file into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "app.svg"]
    written[0].write_text(svg(), encoding="utf-8")
    for name, size, maskable in PNG_FILES:
        path = folder / name
        path.write_bytes(png(size, maskable=maskable))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write():
        print(path)
