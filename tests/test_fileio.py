"""Staged files: a render's per-keyword files land all together, or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from dailypapers.fileio import Staging


def test_staged_files_land_only_on_commit(tmp_path: Path) -> None:
    target = tmp_path / "page.md"
    target.write_text("old", encoding="utf-8")
    with Staging() as staging:
        assert staging.write(target, ["new"])
        assert target.read_text(encoding="utf-8") == "old"
        assert staging.current(target).read_text(encoding="utf-8") == "new"
        assert staging.commit() == [target]
    assert target.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.md"]


def test_leaving_without_a_commit_removes_the_staged_files_and_the_folders_made(
    tmp_path: Path,
) -> None:
    kept = tmp_path / "kept.md"
    kept.write_text("mine", encoding="utf-8")
    with pytest.raises(RuntimeError), Staging() as staging:
        staging.write(kept, ["replaced"])
        staging.write(tmp_path / "site" / "feeds" / "a.xml", ["<feed/>"])
        raise RuntimeError("a corrupt store further on")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.md"]
    assert kept.read_text(encoding="utf-8") == "mine"


def test_a_file_whose_bytes_would_not_change_is_not_staged(tmp_path: Path) -> None:
    target = tmp_path / "same.md"
    target.write_text("same", encoding="utf-8")
    with Staging() as staging:
        assert not staging.write(target, ["sa", "me"])
        assert staging.current(target) == target
        assert staging.commit() == []
