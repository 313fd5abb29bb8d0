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
