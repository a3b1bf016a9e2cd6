"""mypy checks every layer with Django's types, the package ships its annotations, and every
place where the checking is relaxed says why (`make test` runs mypy itself)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from django.contrib.auth import get_user_model

from coffeechat.store.owners import Owner

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT_TEXT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads(PYPROJECT_TEXT)
MYPY = PYPROJECT["tool"]["mypy"]


def test_mypy_checks_every_layer_with_djangos_types():
    checked = [ROOT / path for path in MYPY["files"]]
    for layer in ("core", "store", "services", "web", "cli"):
        folder = ROOT / "src" / "coffeechat" / layer
        assert any(folder.is_relative_to(path) for path in checked), f"mypy leaves out {layer}"
    assert "mypy_django_plugin.main" in MYPY["plugins"]
    assert not MYPY.get("ignore_missing_imports"), "name each untyped library in an override"


def test_every_relaxation_says_why():
    blocks = PYPROJECT_TEXT.split("[[tool.mypy.overrides]]\n")[1:]
    assert len(blocks) == len(MYPY["overrides"])
    for block, override in zip(blocks, MYPY["overrides"], strict=True):
        assert block.startswith("# "), (
            f"say why on the line after [[tool.mypy.overrides]]: {override}"
        )


def test_the_package_ships_its_types():
    assert (ROOT / "src" / "coffeechat" / "py.typed").is_file()
    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"]["coffeechat"]


def test_an_owner_is_the_user_model():
    assert Owner is get_user_model()


def test_the_plugins_settings_ignore_the_environment(tmp_path):
    # A developer's shell may point at a PostgreSQL server or ask for server mode; the types
    # must not change with it, and the check must not need the server.
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/nothing",
        "COFFEECHAT_MODE": "server",
        "COFFEECHAT_HOME": str(tmp_path / "not-this-one"),
    }
    module = PYPROJECT["tool"]["django-stubs"]["django_settings_module"]
    script = (
        f"import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = {module!r}; django.setup(); "
        "from django.conf import settings; "
        "print(settings.COFFEECHAT_MODE, settings.DATABASES['default']['ENGINE'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["local", "django.db.backends.sqlite3"]
    assert not (tmp_path / "not-this-one").exists()
