"""Property tests run without a deadline: none may pass or fail by the speed of the machine."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import settings

TESTS = Path(__file__).resolve().parent
# A keyword argument, as ruff formats one (a variable named deadline has spaces around "=").
A_DEADLINE = re.compile(r"\bdeadline=(?!None\b)")


def test_the_suite_profile_has_no_deadline():
    assert settings().deadline is None


def test_no_property_test_sets_a_deadline_of_its_own():
    setting = [
        f"{path.relative_to(TESTS)}:{number}"
        for path in TESTS.rglob("*.py")
        if path != Path(__file__).resolve()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if A_DEADLINE.search(line)
    ]
    assert setting == []
