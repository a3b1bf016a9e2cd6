"""``coffeechat outreach lint``: each rule's result, exit status 1 on a failure, no database."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from coffeechat.cli.main import cli
from tests.cli.conftest import ROOT, clean_environment

GOOD = """Hi Maria,

Ana Silva suggested I get in touch: she said you moved from teaching into data engineering.
I'd love to hear how you approached it and what surprised you.

Would you have 20 minutes for a call in the next couple of weeks?

Thanks so much,
Ana
"""

JOB_HUNT = """Hello,

My name is Pedro. I am looking for a job and I saw the Senior Data Engineer role. I have
attached my CV.

Best,
Pedro
"""


def lint(*args: str, stdin: str | bytes | None = None):
    # Plain CliRunner: the linter must work without the database fixtures the other tests use.
    return CliRunner().invoke(cli, ["outreach", "lint", *args], input=stdin, prog_name="coffeechat")


@pytest.fixture
def draft(tmp_path):
    def write(text: str | bytes, name: str = "draft.txt"):
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_a_good_request_passes_every_rule_and_exits_zero(draft):
    result = lint(draft(GOOD))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("pass          Word limit: 42 words; the limit is 100.")
    assert sum(line.startswith("pass ") for line in lines) == 6
    assert lines[-1] == "All 6 rules judged pass."


def test_a_failing_request_prints_what_was_found_and_why_and_exits_one(draft):
    result = lint(draft(JOB_HUNT))
    assert result.exit_code == 1
    assert "FAIL          No job words: It mentions 'job' and 'cv'." in result.output
    assert result.output.splitlines()[-1] == "5 of 6 rules failed."
    unwrapped = " ".join(result.output.split())
    assert "Why: You are asking for advice, not a job." in unwrapped
    assert (
        "The shared connection comes first: The first sentence ('My name is Pedro.')" in unwrapped
    )
    assert "the Senior Data Engineer role" in unwrapped


def test_it_reads_standard_input():
    assert lint("-", stdin=GOOD).exit_code == 0
    result = lint("-", stdin=JOB_HUNT)
    assert result.exit_code == 1
    assert "No job words" in result.output


def test_rules_can_be_switched_off_and_thresholds_set(draft):
    path = draft(JOB_HUNT)
    skipped = ["--skip", "no-job-words", "--skip", "connection-first", "--skip", "about-them"]
    result = lint(path, *skipped, "--skip", "ends-with-question", "--skip", "broad-interest")
    assert result.exit_code == 0, result.output
    assert "off           No job words: Switched off." in result.output

    assert lint(draft(GOOD), "--max-words", "20").exit_code == 1
    assert "over the limit of 20" in lint(draft(GOOD), "--max-words", "20").output

    result = lint(draft(GOOD), "--job-words", "teaching, data engineering")
    assert result.exit_code == 1
    assert "It mentions 'teaching' and 'data engineering'." in result.output


def test_a_connection_by_name_counts_in_the_first_sentence(draft):
    text = "Hi Jo, Ana Silva and I go back years. What got you into design?"
    assert lint(draft(text)).exit_code == 1
    assert lint(draft(text), "--connection", "Ana Silva").exit_code == 0


def test_quiet_prints_only_the_failures(draft):
    result = lint(draft(JOB_HUNT), "--quiet")
    assert result.exit_code == 1
    assert "pass " not in result.output
    assert lint(draft(GOOD), "-q").output == "All 6 rules judged pass.\n"


def test_a_request_in_another_language_says_what_it_cannot_judge(draft):
    text = (
        "Hola Lucía, Pedro me sugirió que te escribiera. Estoy cambiando de la docencia al "
        "análisis de datos. ¿Tendrías veinte minutos para una llamada?\n\nAna"
    )
    result = lint(draft(text))
    assert result.exit_code == 0, result.output
    assert "cannot judge  No job words: Cannot judge: this reads as not English" in result.output
    assert "; 4 could not judge." in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "The request is empty: write it first, then check it."),
        ("  \n\n", "The request is empty"),
        ("Hi Maria,\n\nBest,\nAna", "only a greeting or a sign-off"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a binary file"),
        ("Caf\u00e9?".encode("latin-1"), "is not UTF-8 text (byte 0xe9 at position 3)"),
    ],
)
def test_unusable_input_is_a_clear_message_and_exit_one(draft, content, message):
    result = lint(draft(content))
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_missing_file_or_a_directory_is_a_clear_message(tmp_path):
    result = lint(str(tmp_path / "nope.txt"))
    assert result.exit_code == 1
    assert "nope.txt: no such file." in result.output
    result = lint(str(tmp_path))
    assert result.exit_code == 1
    assert "is a directory" in result.output


def test_a_byte_order_mark_is_not_part_of_the_request(draft):
    assert lint(draft(b"\xef\xbb\xbf" + GOOD.encode())).exit_code == 0


def test_mistaken_options_exit_two(draft):
    assert lint(draft(GOOD), "--skip", "typo").exit_code == 2
    assert lint(draft(GOOD), "--max-words", "0").exit_code == 2
    assert lint().exit_code == 2


PROBE = """
import sys
from coffeechat.cli.main import cli
try:
    cli(["outreach", "lint", "-"], prog_name="coffeechat")
except SystemExit as stop:
    code = stop.code
loaded = sorted(name for name in sys.modules if name == "django" or name.startswith("django."))
print("DJANGO:", ",".join(loaded) or "none", "EXIT:", code)
"""


def test_it_needs_no_database_and_does_not_load_django():
    # Server mode with nothing configured: anything that reached for settings would fail.
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        input=GOOD,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=clean_environment(COFFEECHAT_MODE="server"),
        timeout=60,
        check=False,
    )
    assert "DJANGO: none EXIT: 0" in result.stdout, result.stdout + result.stderr


def test_the_console_script_runs_it_from_standard_input(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "coffeechat", "outreach", "lint", "-"],
        input=JOB_HUNT,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=clean_environment(COFFEECHAT_HOME=str(tmp_path / "never-created")),
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "FAIL          No job words" in result.stdout
    assert not (tmp_path / "never-created").exists()


def test_a_file_far_too_large_for_a_request_is_refused_with_the_limit():
    result = lint("-", stdin=b"word " * 300_000)
    assert result.exit_code == 1
    assert (
        "standard input is larger than the limit of 1 MB; a request is a few hundred"
        in result.output
    )
