"""Render does what changed: unchanged keywords are reused, and the result is a full render's."""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from dailypapers import pipeline as api
from dailypapers import store
from dailypapers.config import Config
from dailypapers.errors import StoreError
from dailypapers.fileio import Staging, content_digest
from dailypapers.offload import Offload
from dailypapers.outputs import Destinations, Pass, RenderJob, Visit, site, tables, write_all
from dailypapers.outputs.interface import BeginsLater
from dailypapers.text import slugify
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

KEYWORDS = {
    "World Model": [HOSTILE, LATEX, WORLD_MODELS],
    "Astro": [OLD_STYLE, WORLD_MODELS],
    "Quiet": [],
}
NEWER = replace(LATEX, id="2611.00009", title="A newer paper", first_seen="2026-11-23")


def add_paper(folder: Path, name: str) -> None:
    old = store.load(folder / "data", keyword(name))
    new = replace(old, papers=(NEWER, *old.papers), last_success="2026-11-23")
    store.save(folder / "data", new)


def rendered_tracker(tmp_path: Path) -> tuple[Path, Config, api.Paths]:
    """A tracker of ``KEYWORDS`` in ``tmp_path/tracker``, rendered once."""
    tracker = tmp_path / "tracker"
    tracker.mkdir()
    config, paths = make_tracker(tracker, KEYWORDS)
    api.render(config, paths)
    return tracker, config, paths


def as_from_scratch(tmp_path: Path, tracker: Path) -> bool:
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    return files(tracker) == from_scratch(tracker, fresh)


def test_a_render_after_one_keyword_changed_is_byte_identical_to_a_full_render(
    tmp_path: Path,
) -> None:
    tracker, config, paths = rendered_tracker(tmp_path)
    add_paper(tracker, "Astro")
    report = api.render(config, paths)
    assert as_from_scratch(tmp_path, tracker)
    names = {p.name for p in report.written}
    assert {"astro.xml", "astro.bib", "all.xml", "all.bib", "index.html", "astro.md"} <= names
    assert not {"world-model.xml", "world-model.bib", "quiet.xml", "world-model.md"} & names
    assert (tracker / "papers" / "astro.md").is_file()


def test_tables_of_unchanged_keywords_are_read_back_not_rendered(tmp_path: Path) -> None:
    config, paths = make_tracker(tmp_path, KEYWORDS)
    api.render(config, paths)
    add_paper(tmp_path, "Astro")
    report = api.render(config, paths)
    assert report.rendered["papers"] == ["astro"]
    assert report.reused["papers"] == ["world-model", "quiet"]
    part = tmp_path / "papers" / "quiet.md"
    part.write_text(part.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
    assert api.render(config, paths).rendered["papers"] == ["quiet"]


def test_only_keywords_whose_papers_changed_are_rendered_again(tmp_path: Path) -> None:
    config, paths = make_tracker(tmp_path, KEYWORDS)
    report = api.render(config, paths)
    assert report.rendered == {s: ["world-model", "astro", "quiet"] for s in ("papers", "site")}
    add_paper(tmp_path, "Astro")
    report = api.render(config, paths)
    assert report.rendered == {"papers": ["astro"], "site": ["astro"]}
    assert report.reused == {"papers": ["world-model", "quiet"], "site": ["world-model", "quiet"]}


def test_a_keyword_without_papers_is_rendered_again_when_its_last_success_moves(
    tmp_path: Path,
) -> None:
    """Its feed is dated by its last success (a keyword with papers: by its newest paper)."""
    tracker, config, paths = rendered_tracker(tmp_path)
    quiet = store.load(tracker / "data", keyword("Quiet"))
    store.save(tracker / "data", replace(quiet, last_success="2026-11-30"))
    assert api.render(config, paths).rendered["site"] == ["quiet"]
    assert as_from_scratch(tmp_path, tracker)


def test_a_keyword_whose_files_were_touched_is_rendered_again(tmp_path: Path) -> None:
    config, paths = make_tracker(tmp_path, {**KEYWORDS, "Third": [LATEX]})
    api.render(config, paths)
    before = files(tmp_path)
    feed = paths.site / "feeds" / "astro.xml"
    feed.write_bytes(feed.read_bytes().replace(b"Cosmic", b"Comics"))
    (paths.site / "bib" / "third.bib").unlink()
    report = api.render(config, paths)
    assert report.rendered["site"] == ["astro", "third"]
    assert files(tmp_path) == before


def test_an_unreadable_cache_means_rendering_every_site_file_with_the_same_result(
    tmp_path: Path,
) -> None:
    config, paths = make_tracker(tmp_path, KEYWORDS)
    api.render(config, paths)
    before = files(tmp_path)
    paths.cache.write_bytes(b"\x00not a cache")
    report = api.render(config, paths)
    assert report.rendered["site"] == ["world-model", "astro", "quiet"]
    assert "site" not in report.reused
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

    monkeypatch.setattr(site, "render_papers", dying)
    with pytest.raises(KeyboardInterrupt):
        api.render(config, paths)
    assert not paths.cache.exists()
    assert files(tmp_path) == before
    monkeypatch.undo()
    report = api.render(config, paths)
    assert report.rendered["site"] == ["world-model", "astro", "quiet"]
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


def test_a_fresh_checkout_takes_the_committed_tables_of_unchanged_keywords(
    tmp_path: Path,
) -> None:
    tracker = tmp_path / "tracker"
    tracker.mkdir()
    config, paths = make_tracker(tracker, KEYWORDS)
    api.render(config, paths)
    add_paper(tracker, "Astro")
    fresh_checkout(tracker)
    assert api.render(config, paths).rendered["papers"] == ["astro"]
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    assert files(tracker) == from_scratch(tracker, scratch)


def test_a_committed_table_edited_by_hand_is_rendered_again(tmp_path: Path) -> None:
    config, paths = make_tracker(tmp_path, KEYWORDS)
    api.render(config, paths)
    before = files(tmp_path)
    part = tmp_path / "papers" / "world-model.md"
    part.write_text(part.read_text(encoding="utf-8").replace("| **[", "| **("), "utf-8")
    fresh_checkout(tmp_path)
    assert api.render(config, paths).rendered["papers"] == ["world-model"]
    assert files(tmp_path) == before


def _entry_as_text(record: Any) -> None:
    record[7][0][6] = "656"


def _entry_too_long(record: Any) -> None:
    record[7][0][6] = 10**6


def _page_beyond_the_page(record: Any) -> None:
    record[5] = [0, 10**9]


def _page_backwards(record: Any) -> None:
    record[5] = [10, 5]


def _rows_that_do_not_add_up(record: Any) -> None:
    record[7] = record[7][:1]


def _negative_size(record: Any) -> None:
    record[7][0][5] = -1


@pytest.mark.parametrize(
    ("tamper", "reseal"),
    [(_entry_as_text, False), (_entry_too_long, False), (_page_beyond_the_page, False),
     (_rows_that_do_not_add_up, False), (_entry_as_text, True), (_page_backwards, True),
     (_negative_size, True), (_entry_too_long, True)],
)  # fmt: skip
def test_a_cache_record_changed_on_disk_is_not_used(
    tmp_path: Path, tamper: Callable[[Any], None], reseal: bool
) -> None:
    config, paths = make_tracker(tmp_path, KEYWORDS)
    api.render(config, paths)
    before = files(tmp_path)
    lines = paths.cache.read_bytes().split(b"\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(b"astro\t"))
    slug, seal, record = lines[at].split(b"\t", 2)
    value = json.loads(record)
    tamper(value)
    record = json.dumps(value, separators=(",", ":")).encode()
    if reseal:  # a record that is sealed but still not one the site writes
        seal = content_digest(record).encode()
    lines[at] = b"\t".join((slug, seal, record))
    paths.cache.write_bytes(b"\n".join(lines))
    report = api.render(config, paths)
    assert "astro" in report.rendered["site"]
    assert files(tmp_path) == before


def test_after_an_update_moved_every_last_success_only_changed_papers_are_rendered(
    tmp_path: Path,
) -> None:
    tracker = tmp_path / "tracker"
    tracker.mkdir()
    config, paths = make_tracker(tracker, KEYWORDS)
    api.render(config, paths)
    for name in KEYWORDS:
        old = store.load(tracker / "data", keyword(name))
        store.save(tracker / "data", replace(old, last_success="2026-11-23"))
    add_paper(tracker, "Astro")
    report = api.render(config, paths)
    assert report.rendered == {"papers": ["astro"], "site": ["astro", "quiet"]}
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    assert files(tracker) == from_scratch(tracker, scratch)


def test_the_only_cache_left_is_the_sites(tmp_path: Path) -> None:
    config, paths = make_tracker(tmp_path, KEYWORDS)
    for retired in (".data.render-cache", ".README.md.render-cache"):
        (tmp_path / retired).write_text("from an earlier version", encoding="utf-8")
    api.render(config, paths)
    assert sorted(p.name for p in tmp_path.rglob("*render-cache*")) == [".site.render-cache"]


@pytest.mark.parametrize(
    ("checker", "output"),
    [(site.SitePass, "site"), (tables.TablesPass, "papers")],
    ids=["site", "papers"],
)
def test_the_files_that_may_be_reused_are_checked_while_the_store_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checker: type, output: str
) -> None:
    # Reading and hashing what may be reused is most of a render that reuses: it must not wait
    # for the store to be loaded. More keywords than the checks' thread used to run ahead of
    # the pass (16): all of them are checked before the pass begins.
    many = {f"Topic {n}": [replace(LATEX, id=f"2611.{n:05d}")] for n in range(20)}
    config, paths = make_tracker(tmp_path, many)
    api.render(config, paths)
    checked: list[str] = []
    all_checked = threading.Event()
    method = "_intact" if checker is site.SitePass else "_committed"
    check = getattr(checker, method)

    def watched(self: object, slug: str) -> Any:
        found = check(self, slug)
        checked.append(slug)
        if len(checked) == len(many):
            all_checked.set()
        return found

    loading = api.load_snapshot

    def waiting(*args: Any) -> Any:
        assert all_checked.wait(timeout=30), f"{len(checked)} keywords checked"
        return loading(*args)

    monkeypatch.setattr(checker, method, watched)
    monkeypatch.setattr(api, "load_snapshot", waiting)
    report = api.render(config, paths)
    assert len(report.reused[output]) == len(many)


def test_a_store_that_cannot_be_loaded_leaves_the_site_and_its_index_alone(
    tmp_path: Path,
) -> None:
    config, paths = make_tracker(tmp_path, KEYWORDS)
    api.render(config, paths)
    before = files(tmp_path)
    cache = paths.cache.read_bytes()
    (tmp_path / "data" / "astro.json").write_text("{", encoding="utf-8")
    with pytest.raises(StoreError):
        api.render(config, paths)
    assert paths.cache.read_bytes() == cache
    assert files(tmp_path) == before
    for worker in threading.enumerate():
        if worker.name == "dailypapers-ahead":  # the checks begun before the store: stopped
            worker.join(timeout=30)
            assert not worker.is_alive()


MANY = {
    f"Topic {n}": [
        replace(paper, id=f"2611.{n:03d}{i:02d}")
        for i, paper in enumerate([HOSTILE, LATEX, WORLD_MODELS, OLD_STYLE][: 1 + n % 4])
    ]
    for n in range(12)
}


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch) -> list[Offload]:
    """A worker process from the third keyword rendered on, on any machine; the list holds the
    ones a render started."""
    started: list[Offload] = []
    real = Offload.__init__

    def init(self: Offload) -> None:
        real(self)
        started.append(self)

    monkeypatch.setattr(site, "OFFLOAD_AFTER", 2)
    monkeypatch.setattr(site, "worthwhile", lambda: True)
    monkeypatch.setattr(Offload, "__init__", init)
    return started


def many_keywords(tmp_path: Path) -> tuple[Path, api.Paths]:
    tracker = tmp_path / "tracker"
    tracker.mkdir()
    return tracker, make_tracker(tracker, MANY)[1]


def here_from_scratch(
    tracker: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, bytes]:
    """``tracker`` rendered in a fresh folder by this process alone."""
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    with monkeypatch.context() as patch:
        patch.setattr(site, "OFFLOAD_AFTER", 10**9)
        return from_scratch(tracker, fresh)


def on_submit(
    monkeypatch: pytest.MonkeyPatch, step: Callable[[Offload, tuple[Any, ...]], None]
) -> None:
    """``step`` runs with each job the render hands the worker, just before it is sent."""
    submit = Offload.submit

    def stepped(self: Offload, *job: Any) -> Any:
        step(self, job)
        return submit(self, *job)

    monkeypatch.setattr(Offload, "submit", stepped)


def renders_as_here(
    tracker: Path,
    paths: api.Paths,
    worker: list[Offload],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A render of ``tracker`` that started a worker writes what this process writes alone."""
    api.render(api.load_config(paths.config), paths)
    assert len(worker) == 1
    assert files(tracker) == here_from_scratch(tracker, tmp_path, monkeypatch)


def test_a_large_render_shares_keywords_with_a_worker_and_writes_the_same_bytes(
    tmp_path: Path, worker: list[Offload], monkeypatch: pytest.MonkeyPatch
) -> None:
    tracker, paths = many_keywords(tmp_path)
    sent: list[object] = []
    on_submit(monkeypatch, lambda _, job: sent.append(job))
    report = api.render(api.load_config(paths.config), paths)
    assert len(worker) == 1 and len(sent) >= 1
    assert report.rendered["site"] == [slugify(name) for name in MANY]
    assert files(tracker) == here_from_scratch(tracker, tmp_path, monkeypatch)


def test_keywords_a_killed_worker_held_are_rendered_here_with_the_same_bytes(
    tmp_path: Path, worker: list[Offload], monkeypatch: pytest.MonkeyPatch
) -> None:
    tracker, paths = many_keywords(tmp_path)
    on_submit(monkeypatch, lambda offload, _: offload._proc and offload._proc.kill())
    renders_as_here(tracker, paths, worker, tmp_path, monkeypatch)


def test_keywords_a_hung_worker_held_are_rendered_here_and_the_worker_is_killed(
    tmp_path: Path, worker: list[Offload], monkeypatch: pytest.MonkeyPatch
) -> None:
    tracker, paths = many_keywords(tmp_path)
    monkeypatch.setattr(site, "WORKER_PATIENCE", 0.5)
    # Stopped once it has started: alive, but answering nothing more.
    on_submit(monkeypatch, lambda offload, _: offload._proc and stop(offload._proc.pid))
    renders_as_here(tracker, paths, worker, tmp_path, monkeypatch)
    proc = worker[0]._proc
    assert proc is not None and proc.poll() is not None


def stop(pid: int) -> None:
    os.kill(pid, signal.SIGSTOP)


def test_a_store_the_worker_refuses_stops_the_render_naming_the_first_bad_file(
    tmp_path: Path, worker: list[Offload], monkeypatch: pytest.MonkeyPatch
) -> None:
    config, paths = make_tracker(tmp_path, MANY)
    # The third keyword goes to the worker, which is still starting when the fourth, with the
    # worker full, is loaded here: both refused, the third is the one a serial render names.
    monkeypatch.setattr(site, "OFFLOAD_AHEAD", 1)
    for n in (2, 3):
        path = paths.data / f"topic-{n}.json"
        path.write_text(path.read_text("utf-8").replace('"version": ', '"version": -', 1), "utf-8")
    # The site alone: the tables would load every store here first.
    job = RenderJob(store.load_snapshot(config, paths.data), Destinations(paths.readme, paths.site))
    with pytest.raises(StoreError) as caught:
        write_all(job, (site.OUTPUT,))
    assert len(worker) == 1
    assert caught.value.path.endswith("topic-2.json")
    assert not paths.site.exists()


class StopsAt(BeginsLater):
    """An output that stops the render at one keyword, after the site has seen it."""

    name = "stops"

    def __init__(self, slug: str) -> None:
        self.slug = slug

    def start(self, job: RenderJob) -> Pass:
        return self  # type: ignore[return-value]

    def keyword(self, visit: Visit, staging: Staging) -> None:
        if visit.keyword.slug == self.slug:
            raise KeyboardInterrupt

    def finish(self) -> list[Path]:
        return []


def test_a_render_stopped_by_another_output_stops_the_worker_and_leaves_nothing(
    tmp_path: Path, worker: list[Offload]
) -> None:
    config, paths = make_tracker(tmp_path, MANY)
    job = RenderJob(store.load_snapshot(config, paths.data), Destinations(paths.readme, paths.site))
    with pytest.raises(KeyboardInterrupt):
        write_all(job, (site.OUTPUT, StopsAt("topic-8")))
    assert len(worker) == 1
    proc = worker[0]._proc
    assert proc is not None and proc.poll() is not None
    assert not paths.site.exists()


def test_keywords_whose_files_the_worker_cannot_reach_are_rendered_here(
    tmp_path: Path, worker: list[Offload], monkeypatch: pytest.MonkeyPatch
) -> None:
    tracker, paths = many_keywords(tmp_path)
    # The last argument is the page spool the worker appends to.
    on_submit(monkeypatch, lambda _, job: Path(job[-1]).unlink(missing_ok=True))
    renders_as_here(tracker, paths, worker, tmp_path, monkeypatch)


def test_an_error_the_worker_meets_that_is_not_the_stores_is_left_to_this_process(
    tmp_path: Path, worker: list[Offload], monkeypatch: pytest.MonkeyPatch
) -> None:
    tracker, paths = many_keywords(tmp_path)
    # Sent by reference and called there with the job's arguments: a TypeError in the worker.
    monkeypatch.setattr(site, "_write_by_path", functools.partial(int, "x"))
    renders_as_here(tracker, paths, worker, tmp_path, monkeypatch)
