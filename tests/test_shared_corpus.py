"""The shared corpus is where every test looks for it, or the run says so."""

from __future__ import annotations

import pytest

from tests.shared_corpus import shared


@pytest.mark.parametrize(
    "folder", ["calendars", "vcards", "more/calendars", "more/vcards"], ids=str
)
def test_the_shared_corpus_is_beside_the_checkout(folder):
    assert any(shared(*folder.split("/")).iterdir())
