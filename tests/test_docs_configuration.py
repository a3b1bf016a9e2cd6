"""Every environment variable coffeechat reads is documented and listed in .env.example."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("src", "tests", "Makefile", ".ci")
VARIABLE = re.compile(r"\b(?:COFFEECHAT_[A-Z][A-Z0-9_]*|DATABASE_URL)\b")
DOCS = ROOT / "docs" / "configuration.md"
ENV_EXAMPLE = ROOT / ".env.example"
TEST_ONLY = {"COFFEECHAT_STRICT", "COFFEECHAT_TEST_DATABASE_URL", "COFFEECHAT_CHROMIUM"}


def scanned_files() -> list[Path]:
    files: list[Path] = []
    for name in SCANNED:
        path = ROOT / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(
                p
                for p in path.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
            )
    # This module names variables only to check them; counting it would hide stale docs.
    return [p for p in files if p.resolve() != Path(__file__).resolve()]


def environment_names(path: Path) -> set[str]:
    """Variable names in a file; in Python, only those inside string literals.

    Code reads the environment by name (``env_bool("COFFEECHAT_DEBUG", ...)``, messages quote
    the name), while a bare identifier such as ``settings.COFFEECHAT_COMPUTER_TIME_ZONE`` is a
    Django setting, not something a user sets.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return set()
    if path.suffix == ".py":
        strings = [
            token.string
            for token in tokenize.generate_tokens(io.StringIO(text).readline)
            if token.type == tokenize.STRING
        ]
        text = "\n".join(strings)
    return {name.rstrip("_") for name in VARIABLE.findall(text)}


def used_variables() -> set[str]:
    names: set[str] = set()
    for path in scanned_files():
        names |= environment_names(path)
    return names


def documented_sections() -> dict[str, str]:
    """Each variable heading in docs/configuration.md with the text up to the next heading."""
    sections: dict[str, str] = {}
    current: str | None = None
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            found = VARIABLE.findall(line)
            current = found[0] if found else None
            if current:
                sections[current] = ""
        elif current:
            sections[current] += line + "\n"
    return sections


def the_testing_section() -> str:
    text = DOCS.read_text(encoding="utf-8")
    return text.split("\n## Testing\n", 1)[1] if "\n## Testing\n" in text else ""


def example_variables() -> set[str]:
    pattern = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)
    return set(pattern.findall(ENV_EXAMPLE.read_text(encoding="utf-8")))


USED = sorted(used_variables())


def test_the_scan_finds_the_variables_the_configuration_reads():
    assert {"COFFEECHAT_MODE", "COFFEECHAT_HOME", "DATABASE_URL"} <= set(USED)


def test_the_scan_tells_a_variable_from_a_django_setting_of_the_same_shape(tmp_path):
    module = tmp_path / "example.py"
    module.write_text(
        'X = env_bool("COFFEECHAT_SHOUT", False)\n'
        "COFFEECHAT_DERIVED = 1\n"
        "print(settings.COFFEECHAT_DERIVED)  # COFFEECHAT_IN_A_COMMENT\n",
        encoding="utf-8",
    )
    assert environment_names(module) == {"COFFEECHAT_SHOUT"}


@pytest.mark.parametrize("name", USED)
def test_each_variable_has_a_heading_in_the_configuration_docs(name):
    assert name in documented_sections(), f"add a heading for {name} to docs/configuration.md"


@pytest.mark.parametrize("name", USED)
def test_each_variable_has_a_line_in_env_example(name):
    assert name in example_variables(), f"add a line `# {name}=...` to .env.example"


@pytest.mark.parametrize("name", USED)
def test_each_variable_states_its_default_allowed_values_and_mode(name):
    section = documented_sections().get(name, "")
    for label in ("Default:", "Allowed values:", "Mode:"):
        assert label in section, f"docs/configuration.md: {name} does not say its {label[:-1]}"


@pytest.mark.parametrize("name", sorted(TEST_ONLY))
def test_test_only_variables_are_documented_under_testing(name):
    assert f"`{name}`" in the_testing_section()


def test_no_documented_variable_is_stale():
    stale = set(documented_sections()) - set(USED)
    assert not stale, f"documented but never read: {', '.join(sorted(stale))}"


def test_env_example_lists_nothing_the_code_does_not_read():
    stale = example_variables() - set(USED)
    assert not stale, f".env.example lists unknown variables: {', '.join(sorted(stale))}"
