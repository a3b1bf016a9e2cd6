"""What the benchmarks that read a generated home share: finding the home, and printing rows."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from pathlib import Path


def parser_for(doc: str) -> argparse.ArgumentParser:
    """An argument parser with --home and --json, described by the script's first paragraph."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--home", type=Path, help="generated home (default: COFFEECHAT_HOME)")
    parser.add_argument("--json", action="store_true", help="print JSON rows instead of a table")
    return parser


def use_home(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Point coffeechat at --home, or refuse to run with no home or database to read."""
    if args.home:
        os.environ["COFFEECHAT_HOME"] = str(args.home.expanduser().resolve())
    if not (os.environ.get("COFFEECHAT_HOME") or os.environ.get("DATABASE_URL")):
        parser.error("give --home (or set COFFEECHAT_HOME or DATABASE_URL)")


def report(rows: list[dict], as_json: bool, print_table: Callable[[list[dict]], None]) -> None:
    """The rows as JSON (for bench/run.py) or as a table for a person."""
    if as_json:
        print(json.dumps(rows))
    else:
        print_table(rows)
