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


def made_by(tmp_path_factory, command: str) -> Path:
    """A home ``coffeechat COMMAND`` made (and migrated: that takes seconds)."""
    home = tmp_path_factory.mktemp(command) / "home"
    result = coffeechat("--home", str(home), command)
    assert result.returncode == 0, result.stderr
    return home


def copy_of(home: Path, tmp_path: Path) -> Path:
    """A copy of ``home`` (private, as coffeechat made it) for one test to change as it likes."""
    return Path(shutil.copytree(home, tmp_path / "home"))


# Each made once a module and copied for each test.


@pytest.fixture(scope="module")
def used_home_made(tmp_path_factory) -> Path:
    return made_by(tmp_path_factory, "today")


@pytest.fixture
def used_home(used_home_made, tmp_path) -> Path:
    """A home a command has made and used, with nothing in it."""
    return copy_of(used_home_made, tmp_path)


@pytest.fixture(scope="module")
def demo_home_made(tmp_path_factory) -> Path:
    return made_by(tmp_path_factory, "demo")


@pytest.fixture
def demo_home(demo_home_made, tmp_path) -> Path:
    """A home holding the demo network."""
    return copy_of(demo_home_made, tmp_path)
