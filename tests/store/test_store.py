"""The JSON store: merge rules, newest-N, first-seen dates, deterministic bytes, corrupt files."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dailypapers import store
from dailypapers.config import Keyword
from dailypapers.errors import StoreError
from dailypapers.fetch import Paper

K = Keyword(name="K", slug="k", phrases=("K",))
WORLD_MODEL = Keyword(name="World Model", slug="world-model", phrases=("World Model",))


def paper(n: int, version: int = 1, day: int = 1, **extra: str) -> Paper:
    return Paper(
        id=f"2611.{n:05d}",
        version=version,
        title=f"Paper {n}",
        updated=f"2026-11-{day:02d}T00:00:{n % 60:02d}Z",
        published=f"2026-10-{day:02d}T00:00:00Z",
        **extra,
    )


def merge(stored: list[Paper], incoming: list[Paper], limit: int = 100) -> store.MergeResult:
    return store.merge(stored, incoming, sort="updated", limit=limit, today="2026-11-22")


def test_new_papers_get_todays_first_seen_date() -> None:
    result = merge([], [paper(1)])
    assert result.papers[0].first_seen == "2026-11-22"
    assert result.new == result.papers


def test_newer_version_replaces_the_old_and_keeps_first_seen() -> None:
    old = replace(paper(1, version=1, day=1), first_seen="2026-11-02")
    result = merge([old], [paper(1, version=2, day=5)])
    (kept,) = result.papers
    assert (kept.version, kept.first_seen) == (2, "2026-11-02")
    assert result.new == [] and result.revised == [kept]


def test_older_version_never_overwrites_a_newer_one() -> None:
    new = replace(paper(1, version=3, day=5), first_seen="2026-11-02")
    result = merge([new], [paper(1, version=2, day=3)])
    assert result.papers == [new]


def test_only_the_newest_n_are_kept_newest_first() -> None:
    result = merge([], [paper(n, day=n) for n in range(1, 11)], limit=3)
    assert [p.id for p in result.papers] == ["2611.00010", "2611.00009", "2611.00008"]


def test_a_paper_that_is_too_old_to_be_kept_is_not_new() -> None:
    stored = [paper(n, day=10 + n) for n in range(1, 4)]
    result = merge(stored, [paper(9, day=1)], limit=3)
    assert result.new == []
    assert result.papers == sorted(stored, key=lambda p: p.updated, reverse=True)


def test_empty_fetch_removes_nothing() -> None:
    stored = [replace(paper(n, day=n), first_seen="2026-11-01") for n in range(1, 6)]
    assert merge(stored, []).papers == sorted(stored, key=lambda p: p.updated, reverse=True)


def test_same_version_fills_missing_fields_without_erasing() -> None:
    rich = replace(paper(1), abstract="Long abstract", first_seen="2026-11-01")
    poor = replace(paper(1), abstract="", comment="12 pages")
    (kept,) = merge([rich], [poor]).papers
    assert (kept.abstract, kept.comment, kept.first_seen) == (
        "Long abstract",
        "12 pages",
        "2026-11-01",
    )


# As on arXiv, a paper's later version never carries an earlier date than its former one.
papers_strategy = st.lists(
    st.builds(
        lambda n, version: paper(n, version=version, day=n % 20 + version),
        n=st.integers(1, 30),
        version=st.integers(1, 4),
    ),
    max_size=40,
)


@given(stored=papers_strategy, incoming=papers_strategy, limit=st.integers(1, 20))
def test_merge_invariants(stored: list[Paper], incoming: list[Paper], limit: int) -> None:
    first = merge([], stored, limit=limit).papers
    result = merge(first, incoming, limit=limit)
    ids = [p.id for p in result.papers]
    assert len(ids) == len(set(ids)) <= limit
    dates = [(p.updated, p.id) for p in result.papers]
    assert dates == sorted(dates, reverse=True)
    # every stored paper is kept unless limit papers newer than it are kept
    for old in first:
        if old.id not in ids:
            assert len(result.papers) == limit
    # merging the same answer again changes nothing
    assert merge(result.papers, incoming, limit=limit).papers == result.papers


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    data = store.KeywordStore(
        keyword=WORLD_MODEL,
        papers=(
            replace(paper(1), authors=("A", "B"), categories=("cs.CV",), first_seen="2026-11-22"),
        ),
        last_success="2026-11-22",
        query='(ti:"World Model" OR abs:"World Model")',
        total_results=1234,
    )
    store.save(tmp_path, data)
    assert store.load(tmp_path, WORLD_MODEL) == data


def test_same_papers_give_the_same_bytes_and_no_rewrite(tmp_path: Path) -> None:
    data = store.KeywordStore(
        keyword=K,
        papers=(
            paper(1),
            paper(2),
        ),
    )
    assert store.save(tmp_path, data) is True
    first = (tmp_path / "k.json").read_bytes()
    assert store.save(tmp_path, data) is False
    assert (tmp_path / "k.json").read_bytes() == first


def test_store_file_is_readable_json_with_schema_and_keyword(tmp_path: Path) -> None:
    store.save(tmp_path, store.KeywordStore(keyword=K, papers=(paper(1),)))
    document = json.loads((tmp_path / "k.json").read_text(encoding="utf-8"))
    assert document["schema"] == 1 and document["keyword"] == "K"
    assert document["papers"][0]["id"] == "2611.00001"


def test_a_store_written_before_counts_were_kept_loads_without_one(tmp_path: Path) -> None:
    (tmp_path / "k.json").write_text('{"schema": 1, "keyword": "K", "papers": []}')
    assert store.load(tmp_path, K).previous_total("(ti:K)") is None


def test_a_count_is_only_compared_with_the_same_query() -> None:
    data = store.KeywordStore(keyword=K, query="(ti:K)", total_results=40)
    assert data.previous_total("(ti:K)") == 40
    assert data.previous_total("(ti:K OR abs:K)") is None


def test_missing_store_is_an_empty_keyword(tmp_path: Path) -> None:
    assert store.load(tmp_path, K).papers == ()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{not json", "not valid JSON"),
        ('{"schema": 99, "papers": []}', "schema 1"),
        ('{"schema": 1, "papers": [{"id": 5}]}', "unreadable store"),
        ('{"schema": 1, "papers": [{"id": "1", "version": 1, "title": "t", "x": 1}]}', "unknown"),
        ('{"schema": 1, "papers": "nope"}', "must be a list"),
        ('{"schema": 1, "papers": [], "total_results": "12"}', "whole number"),
        ("[]", "schema 1"),
    ],
)
def test_corrupt_store_is_refused_naming_the_file_and_left_untouched(
    tmp_path: Path, content: str, words: str
) -> None:
    path = tmp_path / "k.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(StoreError, match=words) as caught:
        store.load(tmp_path, K)
    assert str(path) in str(caught.value)
    assert path.read_text(encoding="utf-8") == content


def test_no_temporary_files_are_left_behind(tmp_path: Path) -> None:
    store.save(tmp_path, store.KeywordStore(keyword=K, papers=(paper(1),)))
    store.save(tmp_path, store.KeywordStore(keyword=K, papers=(paper(2),)))
    assert [p.name for p in tmp_path.iterdir()] == ["k.json"]
