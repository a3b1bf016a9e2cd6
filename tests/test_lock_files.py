"""requirements/run.txt and requirements/dev.txt pin what pyproject.toml asks for (`make lock`).

A dependency added to pyproject.toml without `make lock` would install nowhere (`make run`,
`make test` and CI install from the lock files with --require-hashes), so this says so first.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PINNED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\$", re.MULTILINE)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    found = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert found, requirement
    return canonical(found.group(0))


def pinned(lock: str) -> dict[str, str]:
    text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
    return {canonical(name): version for name, version in PINNED.findall(text)}


def wanted(*extras: str) -> set[str]:
    names = {requirement_name(item) for item in PYPROJECT["project"]["dependencies"]}
    for extra in extras:
        names |= {
            requirement_name(item) for item in PYPROJECT["project"]["optional-dependencies"][extra]
        }
    return names


def test_the_run_lock_pins_every_runtime_dependency_and_no_test_tool():
    run = pinned("run.txt")
    missing = wanted() - run.keys()
    assert not missing, f"not in requirements/run.txt (run `make lock`): {sorted(missing)}"
    tools = (wanted("dev", "postgres") - wanted()) & run.keys()
    assert not tools, f"`make run` would install test tools or the driver: {sorted(tools)}"


def test_the_dev_lock_pins_everything_and_agrees_with_the_run_lock():
    dev = pinned("dev.txt")
    missing = wanted("dev", "postgres", "server") - dev.keys()
    assert not missing, f"not in requirements/dev.txt (run `make lock`): {sorted(missing)}"
    run = pinned("run.txt")
    differ = {name for name in run if dev.get(name) != run[name]}
    assert not differ, f"pinned differently in run.txt and dev.txt: {sorted(differ)}"


def test_every_pin_carries_a_hash():
    for lock in ("run.txt", "dev.txt"):
        text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
        for block in re.split(r"\n(?=[A-Za-z0-9])", text.split("\n\n", 1)[-1]):
            if PINNED.match(block):
                assert "--hash=sha256:" in block, f"{lock}: {block.splitlines()[0]}"
