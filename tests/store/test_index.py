"""The index of checked store files: what lets a render skip the keywords that did not change."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from dailypapers import store
from dailypapers.config import Config, Keyword
from dailypapers.errors import StoreError
from dailypapers.fetch import Paper
from dailypapers.store import Health, KeywordStore, json_file

A = Keyword(name="A", slug="a", phrases=("A",))
B = Keyword(name="B", slug="b", phrases=("B",))
CONFIG = Config(keywords=(A, B))
HOUR_NS = 3600 * 10**9


def paper(n: int) -> Paper:
    return Paper(id=f"2611.{n:05d}", version=1, title=f"Paper {n}", updated="2026-11-20T00:00:00Z")


def tracker(tmp_path: Path, *, aged: bool = False) -> tuple[Path, Path]:
    """Two stores and where their index goes; ``aged``: written an hour ago."""
    data, index = tmp_path / "data", tmp_path / ".data.render-cache"
    store.save(data, KeywordStore(A, (paper(1), paper(2)), "2026-11-20", pending=("2611.00002",)))
    store.save(data, KeywordStore(B, (paper(3),), "2026-11-19", Health(4, "2026-11-16", "503")))
    if aged:
        for path in data.glob("*.json"):
            age(path)
    return data, index


def age(path: Path, ns: int = HOUR_NS) -> None:
    """Make a file look written ``ns`` ago."""
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns - ns, status.st_mtime_ns - ns))


def counting(monkeypatch: pytest.MonkeyPatch, name: str) -> list[str]:
    calls: list[str] = []
    real = getattr(json_file, name)

    def wrapper(*args: object) -> object:
        calls.append(name)
        return real(*args)

    monkeypatch.setattr(json_file, name, wrapper)
    return calls


def indexed(data: Path, index: Path) -> store.Snapshot:
    """A render's first and last step: the snapshot, its stores checked, the index saved."""
    snapshot = store.load_snapshot(CONFIG, data, index)
    for entry in snapshot.entries:
        entry.load()
    store.save_index(index, snapshot)
    return snapshot


def test_an_unchanged_store_is_summarised_from_the_index_without_being_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, index = tracker(tmp_path)
    indexed(data, index)
    loads = counting(monkeypatch, "loads")
    a, b = store.load_snapshot(CONFIG, data, index).entries
    assert a.summary == store.Summary("2026-11-20", Health(), ("2611.00002",), 2)
    assert b.summary.health == Health(4, "2026-11-16", "503")
    assert loads == []


def test_without_an_index_each_summary_comes_from_loading_and_checking_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, _ = tracker(tmp_path)
    loads = counting(monkeypatch, "loads")
    a, _ = store.load_snapshot(CONFIG, data).entries
    assert a.summary.count == 2
    assert loads == ["loads"]


def test_an_old_store_file_with_its_recorded_size_and_time_is_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, index = tracker(tmp_path, aged=True)
    indexed(data, index)
    read = counting(monkeypatch, "fingerprints")
    store.load_snapshot(CONFIG, data, index)
    assert read == []


def test_a_store_written_just_before_the_index_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, index = tracker(tmp_path)
    indexed(data, index)
    read = counting(monkeypatch, "fingerprints")
    store.load_snapshot(CONFIG, data, index)
    assert read == ["fingerprints", "fingerprints"]


def test_a_store_rewritten_since_with_the_same_size_is_loaded_and_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, index = tracker(tmp_path, aged=True)
    indexed(data, index)
    path = data / "b.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"failures": 4', '"failures": 5'), encoding="utf-8")
    age(path, HOUR_NS // 2)
    loads = counting(monkeypatch, "loads")
    _, b = store.load_snapshot(CONFIG, data, index).entries
    assert b.summary.health.failures == 5
    assert loads == ["loads"]


@pytest.mark.parametrize(
    "odd", ['"2026-11-20"', "2", '"2611.00002"', '"503"'], ids=["day", "count", "id", "error"]
)
def test_an_index_with_one_odd_value_is_not_used_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, odd: str
) -> None:
    data, index = tracker(tmp_path)
    indexed(data, index)
    text = index.read_text(encoding="utf-8")
    assert odd in text
    index.write_text(text.replace(odd, "[[[1e400]]]", 1), encoding="utf-8")
    loads = counting(monkeypatch, "loads")
    for entry in store.load_snapshot(CONFIG, data, index).entries:
        assert entry.known is None
        entry.summary  # noqa: B018 - loads the store
    assert loads == ["loads", "loads"]


def test_the_papers_fingerprint_changes_with_the_papers_only(tmp_path: Path) -> None:
    data, _ = tracker(tmp_path)
    before = store.load_snapshot(CONFIG, data).entries[0]
    a = store.load(data, A)
    store.save(data, replace(a, last_success="2026-11-21", total_results=7))
    later = store.load_snapshot(CONFIG, data).entries[0]
    store.save(data, replace(a, papers=a.papers[:1]))
    fewer = store.load_snapshot(CONFIG, data).entries[0]
    assert later.fingerprint != before.fingerprint
    assert later.papers_fingerprint == before.papers_fingerprint
    assert fewer.papers_fingerprint not in ("", before.papers_fingerprint)


def test_a_store_not_laid_out_as_written_has_no_papers_fingerprint(tmp_path: Path) -> None:
    data, _ = tracker(tmp_path)
    path = data / "a.json"
    path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8"))), encoding="utf-8")
    entry = store.load_snapshot(CONFIG, data).entries[0]
    assert entry.fingerprint
    assert entry.papers_fingerprint == ""


def test_a_store_rewritten_after_the_snapshot_is_refused_when_loaded(tmp_path: Path) -> None:
    data, _ = tracker(tmp_path)
    _, b = store.load_snapshot(CONFIG, data).entries
    path = data / "b.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"failures": 4', '"failures": 5'))
    with pytest.raises(StoreError, match="changed while being rendered"):
        b.load()


def test_a_store_only_touched_after_the_snapshot_still_loads(tmp_path: Path) -> None:
    data, _ = tracker(tmp_path)
    _, b = store.load_snapshot(CONFIG, data).entries
    age(data / "b.json", -HOUR_NS)
    assert b.load().health.failures == 4


def papers_checked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many papers each store check went through, from now on."""
    counts: list[int] = []
    real = json_file._papers

    def counting(value: Any) -> Any:
        counts.append(len(value))
        return real(value)

    monkeypatch.setattr(json_file, "_papers", counting)
    return counts


def test_a_store_whose_papers_did_not_change_is_summarised_without_checking_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, index = tracker(tmp_path)
    indexed(data, index)
    a = store.load(data, A)
    store.save(data, replace(a, last_success="2026-11-21", health=Health(1, "2026-11-21", "x")))
    checked = papers_checked(monkeypatch)
    first, _ = store.load_snapshot(CONFIG, data, index).entries
    assert first.summary == store.Summary(
        "2026-11-21", Health(1, "2026-11-21", "x"), ("2611.00002",), 2
    )
    assert checked == [0]


def test_a_corrupt_head_before_unchanged_papers_is_refused(tmp_path: Path) -> None:
    data, index = tracker(tmp_path)
    indexed(data, index)
    path = data / "b.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"failures": 4', '"failures": -4'))
    with pytest.raises(StoreError, match=r"b\.json.*health\.failures"):
        store.load_snapshot(CONFIG, data, index)
