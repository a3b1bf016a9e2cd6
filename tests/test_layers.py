"""The layer rule of DESIGN §6: imports flow web, cli -> services -> store -> core, never back.

Every module under src/coffeechat is parsed, not imported, so a forbidden import fails here even
in code that no other test reaches. Imports under ``if TYPE_CHECKING:`` do not count.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "coffeechat"
LAYERS = ("core", "store", "services", "web", "cli")


@dataclass(frozen=True)
class Rule:
    """What one part of the package may import from coffeechat and from Django."""

    may_import: tuple[str, ...]  # coffeechat modules (and everything under them)
    django: str  # "yes", "late" (inside functions only) or "no"
    late_only: tuple[str, ...] = ()  # coffeechat modules allowed inside functions only


RULES: dict[str, Rule] = {
    # The method as pure functions: fast to test, usable anywhere.
    "core": Rule(may_import=(), django="no"),
    "store": Rule(may_import=("coffeechat.core",), django="yes"),
    "services": Rule(may_import=("coffeechat.store", "coffeechat.core"), django="yes"),
    "web": Rule(
        may_import=(
            "coffeechat.services",
            "coffeechat.store",
            "coffeechat.core",
            "coffeechat.config",
            "coffeechat.__version__",
        ),
        django="yes",
    ),
    # `coffeechat --help` must answer without loading Django: the CLI loads it inside commands.
    "cli": Rule(
        may_import=(
            "coffeechat.services",
            "coffeechat.core",
            "coffeechat.config",
            "coffeechat.__version__",
        ),
        django="late",
        late_only=("coffeechat.wsgi", "coffeechat.settings"),
    ),
    # The CLI reads the configuration before deciding to load Django.
    "config": Rule(may_import=(), django="no"),
}


@dataclass(frozen=True)
class Import:
    module: str  # absolute name of what is imported
    line: int
    top_level: bool  # runs when the importing module loads (not inside a function)


def part_of(path: Path, package: Path) -> str | None:
    """The layer (or ``config``) a module belongs to; None for the glue modules."""
    parts = path.relative_to(package).parts
    if len(parts) > 1 and parts[0] in LAYERS:
        return parts[0]
    if parts == ("config.py",):
        return "config"
    return None


def dotted_name(path: Path, package: Path) -> str:
    parts = [package.name, *path.relative_to(package).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, package: Path) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = dotted_name(path, package)
    current_package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    skipped = type_checking_lines(tree)
    found: list[Import] = []

    def visit(node: ast.AST, top_level: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                found.extend(Import(alias.name, child.lineno, top_level) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                found.extend(
                    Import(module, child.lineno, top_level)
                    for module in from_import_targets(child, current_package)
                )
            is_function = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            visit(child, top_level and not is_function)

    visit(tree, top_level=True)
    return [item for item in found if item.line not in skipped]


def from_import_targets(node: ast.ImportFrom, current_package: str) -> list[str]:
    """Absolute names for ``from X import a, b``: X itself, or X.a for the package root."""
    if node.level:
        parts = current_package.split(".")
        parts = parts[: len(parts) - (node.level - 1)]
        base = ".".join([*parts, *([node.module] if node.module else [])])
    else:
        base = node.module or ""
    if base == "coffeechat":
        # `from coffeechat import config` imports the module coffeechat.config.
        return [f"{base}.{alias.name}" for alias in node.names]
    return [base]


def type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            for inner in node.body:
                lines.update(n.lineno for n in ast.walk(inner) if hasattr(n, "lineno"))
    return lines


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def violations(path: Path, package: Path = PACKAGE) -> list[str]:
    """Every import in ``path`` that breaks its layer's rule, as readable sentences."""
    part = part_of(path, package)
    if part is None:
        return []
    rule = RULES[part]
    own = f"coffeechat.{part}"
    shown = path.relative_to(package.parent)
    problems: list[str] = []
    for item in imports_of(path, package):
        where = f"{shown}:{item.line} imports {item.module}"
        if within(item.module, "django"):
            if rule.django == "no":
                problems.append(f"{where}: the {part} module(s) must not use Django")
            elif rule.django == "late" and item.top_level:
                problems.append(f"{where} at module level; import Django inside the command")
            continue
        if not within(item.module, "coffeechat") or within(item.module, own):
            continue
        if any(within(item.module, late) for late in rule.late_only):
            if item.top_level:
                problems.append(f"{where} at module level; import it inside the command")
            continue
        if not any(within(item.module, allowed) for allowed in rule.may_import):
            problems.append(f"{where}, which the {part} layer may not import (DESIGN §6)")
    return problems


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def test_the_package_has_every_layer():
    for layer in LAYERS:
        assert (PACKAGE / layer / "__init__.py").is_file(), f"missing layer {layer}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_layer_rule(path):
    problems = violations(path)
    assert not problems, "\n".join(problems)


# The checker itself: each rule catches what it should, so a checker gone blind cannot pass.


def check(tmp_path: Path, relative: str, source: str) -> list[str]:
    package = tmp_path / "coffeechat"
    target = package / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source, encoding="utf-8")
    return violations(target, package)


@pytest.mark.parametrize(
    ("relative", "source", "complaint"),
    [
        ("core/x.py", "import django.db\n", "must not use Django"),
        ("core/x.py", "def f():\n    from django.utils import timezone\n", "must not use Django"),
        ("core/x.py", "from coffeechat.store import models\n", "core layer may not"),
        ("store/x.py", "from coffeechat.services.chats import plan_chat\n", "store layer may not"),
        ("services/x.py", "from coffeechat.web import views\n", "services layer may not"),
        ("services/x.py", "from coffeechat import config\n", "services layer may not"),
        ("services/x.py", "from ..cli import main\n", "imports coffeechat.cli, "),
        ("web/x.py", "from coffeechat.cli.main import cli\n", "web layer may not"),
        ("cli/x.py", "from coffeechat.store.models import Chat\n", "cli layer may not"),
        ("cli/x.py", "from coffeechat.web import views\n", "cli layer may not"),
        ("cli/x.py", "import django\n", "at module level"),
        ("cli/x.py", "from coffeechat.wsgi import application\n", "at module level"),
        ("config.py", "from django.conf import settings\n", "must not use Django"),
    ],
)
def test_the_checker_reports_a_forbidden_import(tmp_path, relative, source, complaint):
    problems = check(tmp_path, relative, source)
    assert any(complaint in problem for problem in problems), problems
    assert all(relative in problem for problem in problems)


@pytest.mark.parametrize(
    ("relative", "source"),
    [
        ("core/x.py", "from coffeechat.core.clock import zone\nfrom .text import fold\n"),
        ("store/x.py", "from django.db import models\nfrom coffeechat.core import clock\n"),
        ("services/x.py", "from coffeechat.store.models import Chat\nimport django.db\n"),
        ("web/x.py", "from coffeechat.services import chats\nfrom coffeechat import __version__\n"),
        ("cli/x.py", "import click\nfrom coffeechat.config import load\n"),
        (
            "cli/x.py",
            "def run():\n    import django\n    from coffeechat.wsgi import application\n",
        ),
        ("cli/x.py", "from coffeechat.cli.bootstrap import ready\nfrom . import serve\n"),
        ("cli/x.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import django\n"),
    ],
)
def test_the_checker_allows_imports_that_follow_the_rule(tmp_path, relative, source):
    assert check(tmp_path, relative, source) == []
