"""`coffeechat --help` and `--version` answer without loading Django (it costs about 0.25 s)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from coffeechat import __version__
from tests.cli.conftest import ROOT, clean_environment

PROBE = """
import sys
from coffeechat.cli.main import cli
try:
    cli({args!r}, prog_name="coffeechat")
except SystemExit as stop:
    code = stop.code
loaded = sorted(name for name in sys.modules if name == "django" or name.startswith("django."))
print("DJANGO:", ",".join(loaded) or "none", "EXIT:", code)
"""


@pytest.mark.parametrize(
    "args",
    [["--help"], ["--version"], ["-h"], ["demo", "--help"], ["today", "--help"], ["export", "-h"]],
)
def test_help_and_version_do_not_load_django(args):
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=clean_environment(),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "DJANGO: none EXIT: 0" in result.stdout, result.stdout


def test_the_version_is_the_packages():
    result = subprocess.run(
        [sys.executable, "-m", "coffeechat", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=clean_environment(),
        timeout=60,
        check=False,
    )
    assert result.stdout.strip() == f"coffeechat, version {__version__}"


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["--version"]])
def test_the_console_script_answers_help_and_version_without_importing_click(args):
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "coffeechat", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=clean_environment(),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()]
    assert "click" not in imported
    assert result.stdout.startswith(("Usage: coffeechat", "coffeechat, version"))


def test_other_commands_still_reach_click():
    result = subprocess.run(
        [sys.executable, "-m", "coffeechat", "today", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=clean_environment(),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Usage: coffeechat today" in result.stdout
