"""Render does what changed: unchanged keywords are reused, and the result is a full render's."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from dailypapers import pipeline as api
from dailypapers import store
from dailypapers.config import Config, Keyword
from dailypapers.errors import StoreError
from dailypapers.outputs import sitefiles, tables
from dailypapers.store import KeywordStore, json_file
from tests.outputs.site_support import HOSTILE, LATEX, OLD_STYLE, WORLD_MODELS, make_tracker

KEYWORDS = {
    "World Model": [HOSTILE, LATEX, WORLD_MODELS],
    "Astro": [OLD_STYLE, WORLD_MODELS],
    "Quiet": [],
}
NEWER = replace(LATEX, id="2611.00009", title="A newer paper", first_seen="2026-11-23")


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and "data" not in p.parts
        and p.name != "keywords.yaml"
        and not p.name.endswith(".render-cache")
    }


def keyword(name: str) -> Keyword:
    return Keyword(name=name, slug=name.lower().replace(" ", "-"), phrases=(name,))


def add_paper(folder: Path, name: str) -> None:
    old = store.load(folder / "data", keyword(name))
    new = replace(old, papers=(NEWER, *old.papers), last_success="2026-11-23")
    store.save(folder / "data", new)


def from_scratch(folder: Path, into: Path) -> dict[str, bytes]:
    """The same tracker rendered in a fresh folder with no previous outputs."""
    shutil.copytree(folder / "data", into / "data")
    shutil.copy(folder / "keywords.yaml", into / "keywords.yaml")
    paths = api.Paths(into / "keywords.yaml", into / "data", into / "README.md", into / "site")
    api.render(api.load_config(paths.config), paths)
    return files(into)


def test_a_render_after_one_keyword_changed_is_byte_identical_to_a_full_render(
    tmp_path: Path,
) -> None:
    tracker = tmp_path / "tracker"
    tracker.mkdir()
    config, paths = make_tracker(tracker, KEYWORDS)
    api.render(config, paths)
    add_paper(tracker, "Astro")
    changed = api.render(config, paths)
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    assert files(tracker) == from_scratch(tracker, fresh)
    names = {p.name for p in changed}
    assert {"astro.xml", "astro.bib", "all.xml", "all.bib", "index.html", "astro.md"} <= names
    assert not {"world-model.xml", "world-model.bib", "quiet.xml", "world-model.md"} & names
    assert (tracker / "papers" / "astro.md").is_file()


def test_tables_of_unchanged_keywords_are_read_back_not_rendered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, paths = make_tracker(tmp_path, KEYWORDS)
    api.render(config, paths)
    rendered = count_tables(monkeypatch)
    add_paper(tmp_path, "Astro")
    api.render(config, paths)
    assert rendered == ["astro"]
    (tmp_path / "papers" / "quiet.md").write_text("edited", encoding="utf-8")
    rendered.clear()
    api.render(config, paths)
    assert rendered == ["quiet"]


def count_loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The slugs of the store files read and checked from now on, in order."""
    loaded: list[str] = []
    real = json_file.loads

    def counting(text: str, path: str, wanted: Keyword) -> KeywordStore:
        loaded.append(wanted.slug)
        return real(text, path, wanted)

    monkeypatch.setattr(json_file, "loads", counting)
    return loaded


def test_only_keywords_whose_store_changed_are_loaded_again_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, paths = make_tracker(tmp_path, KEYWORDS)
    loaded = count_loads(monkeypatch)
    api.render(config, paths)
    assert loaded == ["world-model", "astro", "quiet"]
    add_paper(tmp_path, "Astro")
    loaded.clear()
    api.render(config, paths)
    assert loaded == ["astro"]


def test_a_keyword_whose_files_were_touched_is_rendered_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, paths = make_tracker(tmp_path, KEYWORDS)
    api.render(config, paths)
    before = files(tmp_path)
    (paths.site / "feeds" / "astro.xml").write_text("edited by hand", encoding="utf-8")
    (paths.site / "bib" / "quiet.bib").unlink()
    loaded = count_loads(monkeypatch)
    api.render(config, paths)
    assert loaded == ["astro", "quiet"]
    assert files(tmp_path) == before


def test_an_unreadable_cache_means_loading_every_store_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, paths = make_tracker(tmp_path, KEYWORDS)
    api.render(config, paths)
    before = files(tmp_path)
    (tmp_path / ".site.render-cache").write_bytes(b"\x00not a cache")
    loaded = count_loads(monkeypatch)
    api.render(config, paths)
    assert loaded == ["world-model", "astro", "quiet"]
    assert files(tmp_path) == before


def test_reordered_and_removed_keywords_match_a_full_render(tmp_path: Path) -> None:
    tracker = tmp_path / "tracker"
    tracker.mkdir()
    config, paths = make_tracker(tracker, KEYWORDS)
    api.render(config, paths)
    (tracker / "keywords.yaml").write_text("keywords:\n  - Quiet\n  - World Model\n", "utf-8")
    api.render(api.load_config(paths.config), paths)
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    assert files(tracker) == from_scratch(tracker, fresh)
    assert not (paths.site / "feeds" / "astro.xml").exists()


def test_a_render_that_stops_midway_leaves_no_index_to_trust(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, paths = make_tracker(tmp_path, KEYWORDS)
    api.render(config, paths)
    before = files(tmp_path)
    add_paper(tmp_path, "Astro")

    def dying(papers: object, sort: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(sitefiles, "render_papers", dying)
    with pytest.raises(KeyboardInterrupt):
        api.render(config, paths)
    assert not paths.cache.exists()
    assert files(tmp_path) == before
    monkeypatch.undo()
    loaded = count_loads(monkeypatch)
    api.render(config, paths)
    assert loaded == ["world-model", "astro", "quiet"]
    assert files(tmp_path) != before


def test_a_corrupt_store_found_halfway_leaves_every_output_as_it_was(tmp_path: Path) -> None:
    config, paths = make_tracker(tmp_path, KEYWORDS)
    api.render(config, paths)
    before = files(tmp_path)
    add_paper(tmp_path, "Astro")
    (paths.data / "quiet.json").write_text('{"schema": 1, "papers": [1]}', encoding="utf-8")
    with pytest.raises(StoreError, match=r"quiet\.json"):
        api.render(config, paths)
    assert files(tmp_path) == before


def fresh_checkout(folder: Path) -> None:
    """What the daily job starts from: data/, README and papers/ committed; no site, no caches."""
    shutil.rmtree(folder / "site")
    for cache in folder.glob(".*.render-cache"):
        cache.unlink()


def count_tables(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    rendered: list[str] = []
    real = tables.rows

    def counting(store: KeywordStore, config: Config) -> tuple[str, ...]:
        rendered.append(store.keyword.slug)
        return real(store, config)

    monkeypatch.setattr(tables, "rows", counting)
    return rendered


def test_a_fresh_checkout_takes_the_committed_tables_of_unchanged_keywords(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tracker = tmp_path / "tracker"
    tracker.mkdir()
    config, paths = make_tracker(tracker, KEYWORDS)
    api.render(config, paths)
    add_paper(tracker, "Astro")
    fresh_checkout(tracker)
    rendered = count_tables(monkeypatch)
    api.render(config, paths)
    assert rendered == ["astro"]
    monkeypatch.undo()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    assert files(tracker) == from_scratch(tracker, scratch)


def test_a_committed_table_edited_by_hand_is_rendered_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, paths = make_tracker(tmp_path, KEYWORDS)
    api.render(config, paths)
    before = files(tmp_path)
    part = tmp_path / "papers" / "world-model.md"
    part.write_text(part.read_text(encoding="utf-8").replace("| **[", "| **("), "utf-8")
    fresh_checkout(tmp_path)
    rendered = count_tables(monkeypatch)
    api.render(config, paths)
    assert rendered == ["world-model"]
    assert files(tmp_path) == before


def _site_entry_as_text(cache: Any, folder: Path) -> None:
    cache[3]["astro"][6][0][6] = "656"


def _site_entry_too_long(cache: Any, folder: Path) -> None:
    cache[3]["astro"][6][0][6] = 10**6


def _site_page_beyond_the_page(cache: Any, folder: Path) -> None:
    cache[3]["astro"][5] = [0, 10**9]


def _table_part_elsewhere(cache: Any, folder: Path) -> None:
    """Another file of the recorded size, with other rows: not the keyword's part."""
    part = (folder / "papers" / "astro.md").read_text(encoding="utf-8")
    (folder / "elsewhere.md").write_text(part.replace("| **[", "| **("), encoding="utf-8")
    cache[1]["astro"][1][0][0] = "../elsewhere.md"


def _table_rows_that_do_not_add_up(cache: Any, folder: Path) -> None:
    cache[1]["astro"][2] = cache[1]["astro"][2][:1]


@pytest.mark.parametrize(
    ("name", "tamper"),
    [
        (".site.render-cache", _site_entry_as_text),
        (".site.render-cache", _site_entry_too_long),
        (".site.render-cache", _site_page_beyond_the_page),
        (".README.md.render-cache", _table_part_elsewhere),
        (".README.md.render-cache", _table_rows_that_do_not_add_up),
    ],
)
def test_a_well_formed_cache_with_odd_values_is_not_used(
    tmp_path: Path, name: str, tamper: Callable[[Any, Path], None]
) -> None:
    config, paths = make_tracker(tmp_path, KEYWORDS)
    api.render(config, paths)
    before = files(tmp_path)
    cache = json.loads((tmp_path / name).read_text(encoding="utf-8"))
    tamper(cache, tmp_path)
    (tmp_path / name).write_text(json.dumps(cache), encoding="utf-8")
    api.render(config, paths)
    before.pop("elsewhere.md", None)
    after = files(tmp_path)
    after.pop("elsewhere.md", None)
    assert after == before


def test_after_an_update_moved_every_last_success_only_changed_papers_are_rendered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tracker = tmp_path / "tracker"
    tracker.mkdir()
    config, paths = make_tracker(tracker, KEYWORDS)
    api.render(config, paths)
    for name in KEYWORDS:
        old = store.load(tracker / "data", keyword(name))
        store.save(tracker / "data", replace(old, last_success="2026-11-23"))
    add_paper(tracker, "Astro")
    tables_rendered = count_tables(monkeypatch)
    site_rendered: list[int] = []
    real = sitefiles.render_papers

    def counting(papers: Any, sort: Any) -> Any:
        site_rendered.append(len(papers))
        return real(papers, sort)

    monkeypatch.setattr(sitefiles, "render_papers", counting)
    api.render(config, paths)
    assert tables_rendered == ["astro"]
    assert site_rendered == [3, 0]  # Astro, and Quiet's empty feed, dated by its last success
    monkeypatch.undo()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    assert files(tracker) == from_scratch(tracker, scratch)
