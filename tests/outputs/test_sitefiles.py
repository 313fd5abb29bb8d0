"""Render does what changed: unchanged keywords are reused, and the result is a full render's."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from dailypapers import pipeline as api
from dailypapers import store
from dailypapers.config import Config, Keyword
from dailypapers.outputs import sitefiles, tables
from dailypapers.store import KeywordStore
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
    rendered: list[str] = []
    real = tables.rows

    def counting(store: KeywordStore, config: Config) -> tuple[str, ...]:
        rendered.append(store.keyword.slug)
        return real(store, config)

    monkeypatch.setattr(tables, "rows", counting)
    add_paper(tmp_path, "Astro")
    api.render(config, paths)
    assert rendered == ["astro"]
    (tmp_path / "papers" / "quiet.md").write_text("edited", encoding="utf-8")
    rendered.clear()
    api.render(config, paths)
    assert rendered == ["quiet"]


def _sources(folder: Path, names: list[str], loaded: list[str]) -> list[sitefiles.KeywordSource]:
    def loader(wanted: Keyword) -> KeywordStore:
        loaded.append(wanted.slug)
        return store.load(folder / "data", wanted)

    out = []
    for name in names:
        k = keyword(name)
        data = (folder / "data" / f"{k.slug}.json").read_bytes()
        out.append(
            sitefiles.KeywordSource(
                k,
                sitefiles.fingerprint(data),
                lambda k=k: loader(k),  # type: ignore[misc]
            )
        )
    return out


def test_only_keywords_whose_store_changed_are_loaded_again(tmp_path: Path) -> None:
    make_tracker(tmp_path, KEYWORDS)
    site, cache, loaded = tmp_path / "site", tmp_path / "cache", []
    sitefiles.write(_sources(tmp_path, list(KEYWORDS), loaded), "updated", site, cache)
    assert loaded == ["world-model", "astro", "quiet"]
    loaded.clear()
    add_paper(tmp_path, "Astro")
    sitefiles.write(_sources(tmp_path, list(KEYWORDS), loaded), "updated", site, cache)
    assert loaded == ["astro"]


def test_a_keyword_whose_files_were_touched_is_rendered_again(tmp_path: Path) -> None:
    make_tracker(tmp_path, KEYWORDS)
    site, cache, loaded = tmp_path / "site", tmp_path / "cache", []
    sitefiles.write(_sources(tmp_path, list(KEYWORDS), loaded), "updated", site, cache)
    before = files(site)
    (site / "feeds" / "astro.xml").write_text("edited by hand", encoding="utf-8")
    (site / "bib" / "quiet.bib").unlink()
    loaded.clear()
    sitefiles.write(_sources(tmp_path, list(KEYWORDS), loaded), "updated", site, cache)
    assert loaded == ["astro", "quiet"]
    assert files(site) == before


def test_an_unreadable_cache_means_a_full_render_with_the_same_result(tmp_path: Path) -> None:
    make_tracker(tmp_path, KEYWORDS)
    site, cache, loaded = tmp_path / "site", tmp_path / "cache", []
    sitefiles.write(_sources(tmp_path, list(KEYWORDS), loaded), "updated", site, cache)
    before = files(site)
    cache.write_bytes(b"\x00not a cache")
    loaded.clear()
    sitefiles.write(_sources(tmp_path, list(KEYWORDS), loaded), "updated", site, cache)
    assert loaded == ["world-model", "astro", "quiet"]
    assert files(site) == before


def test_reordered_and_removed_keywords_match_a_full_render(tmp_path: Path) -> None:
    make_tracker(tmp_path, KEYWORDS)
    site, cache, loaded = tmp_path / "site", tmp_path / "cache", []
    sitefiles.write(_sources(tmp_path, list(KEYWORDS), loaded), "updated", site, cache)
    now = ["Quiet", "World Model"]
    sitefiles.write(_sources(tmp_path, now, loaded), "updated", site, cache)
    fresh = tmp_path / "fresh"
    sitefiles.write(_sources(tmp_path, now, loaded), "updated", fresh, tmp_path / "other")
    assert files(site) == files(fresh)
    assert not (site / "feeds" / "astro.xml").exists()


def test_a_render_that_stops_midway_leaves_no_index_to_trust(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_tracker(tmp_path, KEYWORDS)
    site, cache, loaded = tmp_path / "site", tmp_path / "cache", []
    sitefiles.write(_sources(tmp_path, list(KEYWORDS), loaded), "updated", site, cache)
    before = files(site)
    add_paper(tmp_path, "Astro")

    def dying(papers: object, sort: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(sitefiles, "render_papers", dying)
    with pytest.raises(KeyboardInterrupt):
        sitefiles.write(_sources(tmp_path, list(KEYWORDS), loaded), "updated", site, cache)
    assert not cache.exists()
    monkeypatch.undo()
    loaded.clear()
    sitefiles.write(_sources(tmp_path, list(KEYWORDS), loaded), "updated", site, cache)
    assert loaded == ["world-model", "astro", "quiet"]
    assert files(site) != before
