"""keywords.yaml is found from a subfolder the way git finds its folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from dailypapers.config.locate import find_root
from dailypapers.errors import ConfigError


def test_the_nearest_folder_above_holding_the_file_is_the_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "keywords.yaml").write_text("keywords: [a]\n", encoding="utf-8")
    deep = tmp_path / "papers" / "notes"
    deep.mkdir(parents=True)
    assert find_root("keywords.yaml", deep) == tmp_path.resolve()


def test_the_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / "keywords.yaml").write_text("keywords: [a]\n", encoding="utf-8")
    repo = tmp_path / "other-repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "sub").mkdir()
    with pytest.raises(ConfigError) as raised:
        find_root("keywords.yaml", repo / "sub")
    message = str(raised.value)
    assert message.startswith("keywords.yaml: file not found in ")
    assert f"up to the repository root, {repo.resolve()}" in message
