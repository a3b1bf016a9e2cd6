"""Forms live with their feature (web/forms.py, web/*_forms.py), never inside a views module.

A view reads the request and picks a page; what the user typed is read by a form in its
feature's forms module, where the next reader looks for it and other views can reuse it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import coffeechat.web.views as views_package

VIEWS = Path(views_package.__file__).parent


def _form_classes(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        bases = [ast.unparse(base) for base in node.bases]
        if node.name.endswith(("Form", "FormSet")) or any(
            base.endswith(("Form", "FormSet", "Field")) for base in bases
        ):
            found.append(f"{path.name}: {node.name}")
    return found


def test_no_views_module_defines_a_form():
    modules = sorted(VIEWS.glob("*.py"))
    assert len(modules) > 20  # the views package was found
    assert [name for path in modules for name in _form_classes(path)] == []
