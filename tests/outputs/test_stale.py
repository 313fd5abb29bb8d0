"""No stale output: after each way a file can go out of date, a render equals one from scratch."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from dailypapers import pipeline as api
from dailypapers import store
from dailypapers.errors import InputError
from tests.factories import (
    HOSTILE,
    LATEX,
    OLD_STYLE,
    WORLD_MODELS,
    files,
    from_scratch,
    keyword,
    make_tracker,
)
from tests.support import run_cli

KEYWORDS = {"World Model": [HOSTILE, LATEX, WORLD_MODELS], "Astro": [OLD_STYLE, WORLD_MODELS]}


def _render_matches_scratch(tmp_path: Path, tracker: Path) -> api.RenderReport:
    config = api.load_config(tracker / "keywords.yaml")
    paths = api.Paths(tracker / "keywords.yaml", tracker / "data", tracker / "README.md",
                      tracker / "site")  # fmt: skip
    report = api.render(config, paths)
    scratch = tmp_path / "scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    assert files(tracker) == from_scratch(tracker, scratch)
    return report


def _tracker(tmp_path: Path) -> tuple[Path, api.Paths]:
    tracker = tmp_path / "tracker"
    tracker.mkdir()
    config, paths = make_tracker(tracker, KEYWORDS)
    api.render(config, paths)
    return tracker, paths


def _bump_version(tracker: Path, restore_time: bool = False) -> None:
    """WORLD_MODELS v4 -> v5 in Astro's store: the file keeps its size."""
    path = tracker / "data" / "astro.json"
    status = path.stat()
    old = store.load(tracker / "data", keyword("Astro"))
    papers = tuple(replace(p, version=5) if p.id == WORLD_MODELS.id else p for p in old.papers)
    store.save(tracker / "data", replace(old, papers=papers))
    assert path.stat().st_size == status.st_size
    if restore_time:
        os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))


def test_papers_checked_out_again_after_a_same_size_change(tmp_path: Path) -> None:
    tracker, _ = _tracker(tmp_path)
    kept = tmp_path / "kept"
    shutil.copytree(tracker / "papers", kept)  # copytree keeps times, as a checkout may
    _bump_version(tracker)
    api.render(api.load_config(tracker / "keywords.yaml"), _tracker_paths(tracker))
    shutil.rmtree(tracker / "papers")
    shutil.copytree(kept, tracker / "papers")
    report = _render_matches_scratch(tmp_path, tracker)
    assert report.rendered["papers"] == ["astro"]


def _tracker_paths(tracker: Path) -> api.Paths:
    return api.Paths(tracker / "keywords.yaml", tracker / "data", tracker / "README.md",
                     tracker / "site")  # fmt: skip


def test_a_same_size_hand_edit_of_a_row(tmp_path: Path) -> None:
    tracker, _ = _tracker(tmp_path)
    part = tracker / "papers" / "astro.md"
    text = part.read_bytes()
    edited = text.replace(b"The Cosmic Dawn", b"The Cosmic Dusk")
    assert edited != text and len(edited) == len(text)
    part.write_bytes(edited)
    assert _render_matches_scratch(tmp_path, tracker).rendered["papers"] == ["astro"]


@pytest.mark.parametrize("other_changed", [False, True], ids=["alone", "beside a change"])
def test_a_same_size_hand_edit_of_a_keywords_part_of_the_page(
    tmp_path: Path, other_changed: bool
) -> None:
    """The page copies each reused keyword's part from the previous page: never an edited one,
    also when another keyword's change moves every part after it."""
    tracker, paths = _tracker(tmp_path)
    page = paths.site / "index.html"
    text = page.read_bytes()
    edited = text.replace(b"The Cosmic Dawn", b"The Cosmic Dusk")
    assert edited != text and len(edited) == len(text)
    page.write_bytes(edited)
    if other_changed:
        old = store.load(tracker / "data", keyword("World Model"))
        store.save(tracker / "data", replace(old, papers=old.papers[1:]))
    report = _render_matches_scratch(tmp_path, tracker)
    assert "astro" in report.rendered["site"]
    assert report.reused.get("site", []) == ([] if other_changed else ["world-model"])


@pytest.mark.parametrize(
    "edit",
    [
        lambda text: text.replace(b"## Astro", b"## Astronomy"),
        lambda text: text.replace(b"## Astro", b"## Astra"),
        lambda text: text + b"a line added at the end\n",
        lambda text: text.replace(b"\n\n", b"\n\nA line added.\n\n", 1),
    ],
    ids=["heading", "same-size heading", "line at the end", "line inside"],
)
def test_a_heading_edited_or_a_line_added_even_in_a_fresh_checkout(
    tmp_path: Path, edit: object
) -> None:
    tracker, paths = _tracker(tmp_path)
    part = tracker / "papers" / "astro.md"
    part.write_bytes(edit(part.read_bytes()))  # type: ignore[operator]
    shutil.rmtree(paths.site)
    paths.cache.unlink()
    assert _render_matches_scratch(tmp_path, tracker).rendered["papers"] == ["astro"]


def test_a_same_size_store_change_with_its_time_restored(tmp_path: Path) -> None:
    tracker, _ = _tracker(tmp_path)
    _bump_version(tracker, restore_time=True)
    report = _render_matches_scratch(tmp_path, tracker)
    assert report.rendered == {"papers": ["astro"], "site": ["astro"]}


@pytest.mark.parametrize(
    ("line", "touched"),
    [
        ("timezone: Europe/Paris\n", set()),
        ("lookback_days: 3\n", set()),
        ("max_papers: 50\n", set()),
        ("keywords:\n  - World Model\n  - Astro\n  - Optics\n", {"optics.md"}),
    ],
)
def test_a_one_line_config_edit_touches_only_the_tables_it_changes(
    tmp_path: Path, line: str, touched: set[str]
) -> None:
    tracker, _ = _tracker(tmp_path)
    config_file = tracker / "keywords.yaml"
    text = config_file.read_text(encoding="utf-8")
    text = line if line.startswith("keywords:") else line + text
    config_file.write_text(text, encoding="utf-8")
    report = _render_matches_scratch(tmp_path, tracker)
    written = {p.name for p in report.written if p.parent.name == "papers"}
    assert written == touched


# ---------------------------------------------------------------- files the owner keeps (22.7)


def test_a_new_keyword_never_overwrites_the_owners_file_of_the_same_name(tmp_path: Path) -> None:
    tracker, paths = _tracker(tmp_path)
    own = tracker / "papers" / "reading-list.md"
    own.write_text("# My reading list\n\n- a paper I liked\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in tracker.rglob("*") if p.is_file()}
    store.save(paths.data, store.KeywordStore(keyword("Reading List"), (LATEX,), "2026-11-22"))
    before[paths.data / "reading-list.json"] = (paths.data / "reading-list.json").read_bytes()
    (tracker / "keywords.yaml").write_text(
        "keywords:\n  - World Model\n  - Astro\n  - Reading List\n", encoding="utf-8"
    )
    before[tracker / "keywords.yaml"] = (tracker / "keywords.yaml").read_bytes()
    with pytest.raises(InputError, match=r"papers/reading-list\.md: not a table dailypapers"):
        api.render(api.load_config(paths.config), paths)
    assert {p: p.read_bytes() for p in tracker.rglob("*") if p.is_file()} == before


def test_a_kept_copy_of_a_table_survives_removing_its_keyword(tmp_path: Path) -> None:
    tracker, paths = _tracker(tmp_path)
    archive = tracker / "papers" / "world-model-archive-2025.md"
    shutil.copy(tracker / "papers" / "world-model.md", archive)
    (tracker / "keywords.yaml").write_text("keywords:\n  - Astro\n", encoding="utf-8")
    report = api.render(api.load_config(paths.config), paths)
    assert archive.is_file()
    assert tracker / "papers" / "world-model.md" in report.removed
    assert not (tracker / "papers" / "world-model.md").exists()
    assert all(p.exists() for p in report.written)


def test_a_part_edited_by_hand_is_not_deleted_with_its_keyword(tmp_path: Path) -> None:
    tracker, paths = _tracker(tmp_path)
    part = tracker / "papers" / "world-model.md"
    part.write_bytes(part.read_bytes().replace(b"## World Model", b"## World Model (my notes)"))
    (tracker / "keywords.yaml").write_text("keywords:\n  - Astro\n", encoding="utf-8")
    api.render(api.load_config(paths.config), paths)
    assert part.is_file()


def test_render_says_removed_for_the_files_it_deleted(tmp_path: Path) -> None:
    tracker, _ = _tracker(tmp_path)
    (tracker / "keywords.yaml").write_text("keywords:\n  - Astro\n", encoding="utf-8")
    result = run_cli(tracker, "render")
    assert result.returncode == 0, result.stderr
    assert "removed papers/world-model.md" in result.stdout
    assert "wrote papers/world-model.md" not in result.stdout
    assert "removed site/feeds/world-model.xml" in result.stdout


def test_a_name_collision_is_exit_2_naming_the_file(tmp_path: Path) -> None:
    tracker, _ = _tracker(tmp_path)
    (tracker / "papers" / "optics.md").write_text("mine\n", encoding="utf-8")
    (tracker / "keywords.yaml").write_text("keywords:\n  - Astro\n  - Optics\n", encoding="utf-8")
    result = run_cli(tracker, "render")
    assert result.returncode == 2
    assert "papers/optics.md: not a table dailypapers wrote" in result.stderr
    assert result.stderr.count("\n") == 1
