"""load_snapshot: every store read and hashed whole, what precedes the papers checked at once."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from dailypapers import store
from dailypapers.config import Config, Keyword
from dailypapers.errors import StoreError
from dailypapers.fetch import Paper

A = Keyword(name="A", slug="a", phrases=("A",))
B = Keyword(name="B", slug="b", phrases=("B",))
CONFIG = Config(keywords=(A, B))


def _paper(n: int, version: int = 1) -> Paper:
    return Paper(f"2611.{n:05d}", version, f"Paper {n}", updated="2026-11-02T00:00:00Z")


def _save(data: Path, keyword: Keyword, *papers: Paper, last: str = "2026-11-22") -> Path:
    store.save(data, store.KeywordStore(keyword, papers, last, pending=(papers[0].id,)))
    return store.store_path(data, keyword.slug)


def test_stores_are_found_by_the_configured_keywords_not_by_listing_the_folder(
    tmp_path: Path,
) -> None:
    _save(tmp_path, A, _paper(1))
    (tmp_path / "references.json").write_text('{"anything": [1, 2]}', encoding="utf-8")
    (tmp_path / "old-keyword.json").write_text("not even JSON", encoding="utf-8")
    entries = store.load_snapshot(CONFIG, tmp_path).entries
    assert [e.keyword.slug for e in entries] == ["a", "b"]
    assert entries[0].summary == store.Summary("2026-11-22", store.Health(), ("2611.00001",), 1)
    assert entries[1].summary.count == 0


def test_a_same_size_change_with_the_old_time_restored_changes_the_papers_fingerprint(
    tmp_path: Path,
) -> None:
    path = _save(tmp_path, A, _paper(1, version=1))
    before = store.load_snapshot(CONFIG, tmp_path).entries[0].papers_fingerprint
    status = path.stat()
    _save(tmp_path, A, _paper(1, version=2))
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert path.stat().st_size == status.st_size
    after = store.load_snapshot(CONFIG, tmp_path).entries[0]
    assert after.papers_fingerprint != before
    assert after.load().papers[0].version == 2


def test_the_papers_fingerprint_ignores_what_a_daily_run_rewrites(tmp_path: Path) -> None:
    _save(tmp_path, A, _paper(1), last="2026-11-21")
    before = store.load_snapshot(CONFIG, tmp_path).entries[0].papers_fingerprint
    _save(tmp_path, A, _paper(1), last="2026-11-22")
    assert store.load_snapshot(CONFIG, tmp_path).entries[0].papers_fingerprint == before


def test_a_store_laid_out_otherwise_is_fingerprinted_as_if_written_by_the_tracker(
    tmp_path: Path,
) -> None:
    path = _save(tmp_path, A, _paper(1), _paper(2))
    written = store.load_snapshot(CONFIG, tmp_path).entries[0]
    path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8"))), encoding="utf-8")
    compact = store.load_snapshot(CONFIG, tmp_path).entries[0]
    assert compact.papers_fingerprint == written.papers_fingerprint
    assert compact.summary == written.summary


def test_an_odd_value_before_the_papers_is_refused_by_the_snapshot(tmp_path: Path) -> None:
    path = _save(tmp_path, A, _paper(1))
    path.write_text(
        path.read_text(encoding="utf-8").replace('"2026-11-22"', '"2026-02-30"'), encoding="utf-8"
    )
    with pytest.raises(StoreError, match="last_success must be a day"):
        store.load_snapshot(CONFIG, tmp_path)


def test_a_store_rewritten_after_the_snapshot_is_refused_when_loaded(tmp_path: Path) -> None:
    _save(tmp_path, A, _paper(1))
    entry = store.load_snapshot(CONFIG, tmp_path).entries[0]
    _save(tmp_path, A, _paper(1, version=2))
    with pytest.raises(StoreError, match="changed while being rendered"):
        entry.load()


def test_a_lone_surrogate_is_named_as_such_not_as_truncated_input(tmp_path: Path) -> None:
    path = _save(tmp_path, A, _paper(1))
    text = path.read_text(encoding="utf-8").replace('"Paper 1"', '"Paper \\ud800"')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        store.load(tmp_path, A)
    line = text[: text.index("\\ud800")].count("\n") + 1
    assert f"line {line}, title holds a lone surrogate" in str(caught.value)
    assert "truncated" not in str(caught.value)


def test_a_second_papers_member_cannot_make_the_summary_disagree_with_the_store(
    tmp_path: Path,
) -> None:
    path = _save(tmp_path, A, _paper(1))
    text = path.read_text(encoding="utf-8")
    head, papers = text.split('\n  "papers": ', 1)
    other = '\n  "papers": [],\n  "pending": [],\n  "papers": '
    path.write_text(head + other + papers, encoding="utf-8")
    entry = store.load_snapshot(CONFIG, tmp_path).entries[0]
    with pytest.raises(StoreError, match="not laid out as dailypapers writes it"):
        entry.load()


def test_the_papers_are_counted_without_loading_them_whatever_their_text_holds(
    tmp_path: Path,
) -> None:
    # The count looks for how dumps begins each paper; text that mimics it is escaped.
    mimic = '{\n      "id": "2611.99999",\n    {\n'
    papers = [replace(_paper(n), abstract=mimic * n, comment='"id": "') for n in range(1, 8)]
    _save(tmp_path, A, *papers)
    entry = store.load_snapshot(CONFIG, tmp_path).entries[0]
    assert entry.summary.count == 7 == len(entry.load().papers)


@pytest.mark.parametrize("sort", ["updated", "published"])
def test_papers_out_of_order_load_newest_first_by_the_configured_date(
    tmp_path: Path, sort: str
) -> None:
    """Outputs list papers in the order loaded: a hand-edited file, or one kept by ``updated``
    until ``sort: published`` was set, rendered oldest first, unlike the same papers saved."""
    one, two, three = (
        replace(
            _paper(n), updated=f"2026-11-0{n}T00:00:00Z", published=f"2026-10-0{4 - n}T00:00:00Z"
        )
        for n in (1, 2, 3)
    )
    _save(tmp_path, A, one, three, two)
    config = Config(keywords=(A, B), sort="published" if sort == "published" else "updated")
    loaded = store.load_snapshot(config, tmp_path).entries[0].load()
    expected = [three, two, one] if sort == "updated" else [one, two, three]
    assert [p.id for p in loaded.papers] == [p.id for p in expected]
