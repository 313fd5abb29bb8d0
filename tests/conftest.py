"""Fixtures shared by the test modules: the shared fixtures folder and a fresh tracker."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def tracker(tmp_path: Path) -> Path:
    """A minimal tracker folder: two keywords, a README with user text around the markers."""
    (tmp_path / "keywords.yaml").write_text(
        "# my topics\nkeywords:\n  - World Model\n  - Video Understanding\n", encoding="utf-8"
    )
    (tmp_path / "README.md").write_text(
        "# My tracker\n\nIntro text.\n\n<!-- dailypapers:start -->\n<!-- dailypapers:end -->\n"
        "\nFooter.\n",
        encoding="utf-8",
    )
    return tmp_path


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/reliability is marked, so ``-m "not reliability"`` is the fast
    subset to run while editing."""
    for item in items:
        if "/reliability/" in item.path.as_posix():
            item.add_marker(pytest.mark.reliability)
