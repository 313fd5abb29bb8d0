"""The marks that choose what the inner loop skips still name real tests."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIRST, SLOW

ROOT = Path(__file__).resolve().parents[1]


def test_every_slow_or_first_entry_names_a_test_that_exists() -> None:
    for entry in (*SLOW, *FIRST):
        path, _, name = entry.partition("::")
        text = (ROOT / path).read_text(encoding="utf-8")
        assert f"def {name}" in text if name else "def test_" in text, entry
