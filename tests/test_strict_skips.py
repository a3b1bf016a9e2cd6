"""A strict run (COFFEECHAT_STRICT=1) that skips any test fails, and says which (tests/strict.py).

Each case runs a small suite of its own through pytester, with only the plugin under test.
"""

from __future__ import annotations

import pytest

SUITE = """
import pytest

def test_runs():
    pass

def test_left_out():
    pytest.skip("no browser here")
"""
ALL_RUN = """
def test_runs():
    pass
"""
# The inner run is bare pytest plus the plugin: no Django, no project settings.
BARE = ("-p", "tests.strict", "-p", "no:django", "-p", "no:randomly", "-p", "no:xdist", "-q")


def test_a_strict_run_with_a_skip_fails_and_names_the_test(pytester, monkeypatch):
    monkeypatch.setenv("COFFEECHAT_STRICT", "1")
    pytester.makepyfile(test_suite=SUITE)
    result = pytester.runpytest(*BARE)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "*COFFEECHAT_STRICT=1: skips fail the run*",
            "1 test(s) skipped, and a strict run may skip none*",
            "  test_suite.py::test_left_out",
        ]
    )


def test_a_strict_run_without_skips_passes(pytester, monkeypatch):
    monkeypatch.setenv("COFFEECHAT_STRICT", "1")
    pytester.makepyfile(test_suite=ALL_RUN)
    result = pytester.runpytest(*BARE)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.no_fnmatch_line("*skips fail the run*")


def test_a_run_that_is_not_strict_may_skip(pytester, monkeypatch):
    monkeypatch.delenv("COFFEECHAT_STRICT", raising=False)
    pytester.makepyfile(test_suite=SUITE)
    result = pytester.runpytest(*BARE)
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=1, skipped=1)


def test_a_strict_run_keeps_a_failure_as_the_reason_it_failed(pytester, monkeypatch):
    monkeypatch.setenv("COFFEECHAT_STRICT", "1")
    pytester.makepyfile(test_suite=SUITE + "\ndef test_broken():\n    assert False\n")
    result = pytester.runpytest(*BARE)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=1, skipped=1, failed=1)
