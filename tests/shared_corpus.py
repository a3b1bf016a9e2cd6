"""The shared corpus of real files, found one way by every test: ``../shared/corpus``.

It sits beside the checkout, on these machines and in CI alike, and is never copied into the
repository. A test that needs it and finds it missing skips, and fails when the run is strict
(``COFFEECHAT_STRICT=1``), so CI never passes by leaving the real files out.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coffeechat.config import env_bool

CHECKOUT = Path(__file__).resolve().parents[1]
SHARED_CORPUS = CHECKOUT.parent / "shared" / "corpus"


def shared(*parts: str) -> Path:
    """The path of a folder or file of the shared corpus; skips (fails when strict) if missing."""
    path = SHARED_CORPUS.joinpath(*parts)
    if not path.exists():
        reason = f"The shared corpus is not at {path} (it belongs at ../shared/corpus)"
        if env_bool("COFFEECHAT_STRICT", False):
            pytest.fail(f"{reason}. COFFEECHAT_STRICT=1 makes this a failure.", pytrace=False)
        pytest.skip(reason)
    return path


def shared_files(*parts: str, pattern: str) -> list[Path]:
    """The files matching ``pattern`` in a folder of the shared corpus, for parametrizing.

    Empty when the folder is missing: an empty parameter list fails at collection (see
    ``empty_parameter_set_mark`` in pyproject.toml), and test_shared_corpus.py says why.
    """
    folder = SHARED_CORPUS.joinpath(*parts)
    return sorted(folder.glob(pattern)) if folder.is_dir() else []
