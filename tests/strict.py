"""A strict run (COFFEECHAT_STRICT=1, as CI's) fails when any test skipped.

A skip in CI is a check that did not run while the build still says green: a missing browser, a
missing corpus, a platform branch. Each fixture that can skip already fails in strict mode; this
plugin is the net under them all, so a new ``pytest.skip`` cannot slip through either. Loaded by
tests/conftest.py (``pytest_plugins``).
"""

from __future__ import annotations

import pytest

from coffeechat.config import env_bool

STRICT = "COFFEECHAT_STRICT"
FAILED = pytest.StashKey[list[str]]()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not env_bool(STRICT, False):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if not skipped:
        return
    session.config.stash[FAILED] = [report.nodeid for report in skipped]
    if session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    skipped = config.stash.get(FAILED, [])
    if not skipped:
        return
    terminalreporter.section(f"{STRICT}=1: skips fail the run", sep="=", red=True, bold=True)
    terminalreporter.write_line(
        f"{len(skipped)} test(s) skipped, and a strict run may skip none (their reasons are in "
        "the short test summary). Install what they need, or fix the test:"
    )
    for nodeid in skipped:
        terminalreporter.write_line(f"  {nodeid or '(a module or fixture at collection)'}")
