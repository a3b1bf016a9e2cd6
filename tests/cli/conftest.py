"""Run the CLI two ways: in-process against the test database, or as a real subprocess.

In-process runs (``run``) reuse the Django that pytest-django set up, so the commands work on the
test database; the ``owner`` fixture is the local owner they act for. Subprocess runs
(``coffeechat``) start from a clean environment with their own home, so nothing of the test run
(its settings module, a PostgreSQL DATABASE_URL) leaks into them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from coffeechat.cli.main import cli
from coffeechat.services.accounts import ensure_owner
from tests.powerless import drop_root_powers
from tests.services.prefs import set_preferences

ROOT = Path(__file__).resolve().parents[2]
LEAKY = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "COFFEECHAT_HOME", "COFFEECHAT_MODE")


@pytest.fixture
def owner(db):
    user = ensure_owner()
    set_preferences(user, time_zone="Europe/Berlin")
    return user


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, list(args), prog_name="coffeechat")

    return invoke


def clean_environment(**extra: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k not in LEAKY and k != "TZ"}
    environment.update(extra)
    return environment


def coffeechat(
    *args: str, timeout: float = 120, powerless: bool = False, **extra: str
) -> subprocess.CompletedProcess:
    """Run ``python -m coffeechat ARGS`` as a user would; ``powerless``: bound by file modes even
    when the suite runs as root (tests/powerless.py)."""
    return subprocess.run(
        [sys.executable, "-m", "coffeechat", *args],
        preexec_fn=drop_root_powers if powerless else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=clean_environment(**extra),
        check=False,
    )


@pytest.fixture(scope="module")
def used_home_made(tmp_path_factory) -> Path:
    """A home a command has made and used, once a module: migrating a new one takes seconds."""
    home = tmp_path_factory.mktemp("used") / "home"
    result = coffeechat("--home", str(home), "today")
    assert result.returncode == 0, result.stderr
    return home


@pytest.fixture
def used_home(used_home_made, tmp_path) -> Path:
    """A copy of the module's used home (private, as coffeechat made it) for one test."""
    return Path(shutil.copytree(used_home_made, tmp_path / "home"))
