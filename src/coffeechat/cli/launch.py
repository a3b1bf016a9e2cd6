"""The console script: answer ``--version`` and ``--help`` before importing click.

Importing click alone costs more than three times a bare interpreter start, and those two are the
commands people type to see whether a tool is there at all. ``top_help.txt`` is written from the
live click group by ``make docs``, and a test fails when it drifts.
"""

from __future__ import annotations

import sys
from pathlib import Path

TOP_HELP = Path(__file__).with_name("top_help.txt")


def main() -> None:
    arguments = sys.argv[1:]
    if arguments == ["--version"]:
        from coffeechat import __version__

        sys.stdout.write(f"coffeechat, version {__version__}\n")
        return
    if arguments in (["--help"], ["-h"]) and TOP_HELP.is_file():
        sys.stdout.write(TOP_HELP.read_text(encoding="utf-8"))
        return
    from coffeechat.cli.main import main as run

    run()
