"""File sizes as people read them, and the one sentence that says a file is too large.

Sizes count in binary units (1 KB = 1024 bytes), as the limits are set. Rounding must not hide
the difference between a file and its limit: a file one byte over 64 MB is not "64.0 MB; up to
64 MB" but "1 byte over the limit of 64 MB".
"""

from __future__ import annotations

from coffeechat.core.text import counted

UNITS = ("KB", "MB", "GB", "TB")
STEP = 1024


def size_text(count: int) -> str:
    """A byte count as people read it: "1 byte", "900 bytes", "1.5 KB", "64 MB"."""
    if count < STEP:
        return counted(count, "byte")
    value, unit = count / STEP, UNITS[0]
    for bigger in UNITS[1:]:
        # Rounded as shown: 1023.99 KB reads "1 MB", never "1024 KB".
        if round(value, 1) < STEP:
            break
        value, unit = value / STEP, bigger
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"


def too_large(label: str, limit: int, size: int | None = None) -> str:
    """``label`` is over ``limit`` bytes, as a sentence without its full stop.

    ``size`` is the file's size when it is known; without it (a file stopped while it arrived)
    the sentence only says it is larger than the limit.
    """
    most = size_text(limit)
    if size is None or size <= limit:
        return f"{label} is larger than the limit of {most}"
    if size_text(size) == most:
        return f"{label} is {size_text(size - limit)} over the limit of {most}"
    return f"{label} is {size_text(size)}, over the limit of {most}"
