"""Migrations never import live code of ours: an old migration must do what it did when written.

A data migration that imported a renderer, a matching rule or the search index's SQL would
silently do something else on a new database once that code changed. Each migration keeps a
frozen copy of what it needs instead; only third-party libraries and Django are imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

import coffeechat.store.migrations as migrations_package

MIGRATIONS = Path(migrations_package.__file__).parent
OWN = "coffeechat"
LOCAL = "coffeechat.store.migrations"


def _imported(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # a relative import stays inside the migrations package
                names.append(f"{LOCAL}.{node.module or ''}")
            else:
                names.append(node.module or "")
        elif (
            isinstance(node, ast.Call)
            and ast.unparse(node.func) in ("import_module", "importlib.import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.append(str(node.args[0].value))
    return names


def _ours(name: str) -> bool:
    inside = name == LOCAL or name.startswith(LOCAL + ".")
    return (name == OWN or name.startswith(OWN + ".")) and not inside


def test_no_migration_imports_live_code():
    files = sorted(MIGRATIONS.glob("[0-9]*.py"))
    assert len(files) >= 16  # the migrations were found
    found = [
        f"{path.name} imports {name}"
        for path in files
        for name in _imported(ast.parse(path.read_text(encoding="utf-8")))
        if _ours(name)
    ]
    assert found == []


def test_the_check_sees_every_way_of_importing():
    source = (
        "import coffeechat.core.text\n"
        "from coffeechat.store import search\n"
        "def f():\n"
        "    from coffeechat.core.markdown import render\n"
        "    importlib.import_module('coffeechat.core.contact_keys')\n"
        "from coffeechat.store.migrations import helpers\n"
        "from . import helpers\n"
        "import markdown_it\n"
    )
    assert [name for name in _imported(ast.parse(source)) if _ours(name)] == [
        "coffeechat.core.text",
        "coffeechat.store",
        "coffeechat.core.markdown",
        "coffeechat.core.contact_keys",
    ]
