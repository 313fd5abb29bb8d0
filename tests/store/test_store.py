"""The JSON store: merge rules, newest-N, first-seen dates, deterministic bytes, corrupt files."""

from __future__ import annotations

import json
from dataclasses import fields, replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dailypapers import store
from dailypapers.config import Keyword
from dailypapers.errors import StoreError
from dailypapers.fetch import Paper
from dailypapers.store import json_file
from tests.factories import paper

K = Keyword(name="K", slug="k", phrases=("K",))
WORLD_MODEL = Keyword(name="World Model", slug="world-model", phrases=("World Model",))


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
        ('{"schema": 1, "papers": [{"id": "0704.0001", "version": 1, "title": "", "x":0}]}', "'x'"),
        ('{"schema": 1, "papers": "nope"}', "must be a list"),
        ('{"schema": 1, "papers": [], "total_results": "12"}', "whole number"),
        ("[]", "schema 1"),
        ("{}", "schema 1"),
        ('{"papers": []}', "schema 1"),
        # A store of schema 1 whose papers a hand edit lost: not "not a store of schema 1".
        ('{"schema": 1, "keyword": "K"}', r"unreadable store \(the store has no 'papers'\)"),
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


def test_the_schema_lists_every_field_of_a_paper_and_of_health_in_their_order() -> None:
    """Papers are written from ``Paper`` and read through the schema, health by position: a
    field added to one and not the other would be lost or misplaced on the next load."""
    assert json_file._Paper.__struct_fields__ == tuple(f.name for f in fields(Paper))
    assert json_file._Health.__struct_fields__ == tuple(f.name for f in fields(store.Health))


def test_bytes_that_are_not_utf8_are_named_by_their_own_line(tmp_path: Path) -> None:
    """msgspec gives no position for them; the line is where the first bad byte is, not the
    file's end (a store saved by an editor in Latin-1)."""
    data = json_file.dumps(store.KeywordStore(keyword=K, papers=(paper(1), paper(2)))).encode()
    broken = data.replace(b"Paper 1", b"Caf\xe9 1")
    (tmp_path / "k.json").write_bytes(broken)
    line = broken[: broken.index(b"\xe9")].count(b"\n") + 1
    with pytest.raises(StoreError, match=rf"\(line {line}, not valid JSON: .*UTF-8"):
        store.load(tmp_path, K)


def test_no_temporary_files_are_left_behind(tmp_path: Path) -> None:
    store.save(tmp_path, store.KeywordStore(keyword=K, papers=(paper(1),)))
    store.save(tmp_path, store.KeywordStore(keyword=K, papers=(paper(2),)))
    assert [p.name for p in tmp_path.iterdir()] == ["k.json"]


def _document_with(location: tuple[str | int, ...], raw: str) -> str:
    """A store file the tracker wrote, with the value at ``location`` replaced by raw JSON."""
    full = replace(
        paper(1),
        authors=("A. Author",),
        categories=("cs.CV",),
        primary_category="cs.CV",
        first_seen="2026-11-22",
        comment="8 pages",
    )
    data = store.KeywordStore(
        K, (full, paper(2)), "2026-11-22", store.Health(1, "2026-11-21", "HTTP 503"), "ti:K", 3
    )
    document = json.loads(json_file.dumps(data))
    target = document
    for key in location[:-1]:
        target = target[key]
    target[location[-1]] = "@@VALUE@@"
    return json.dumps(document).replace('"@@VALUE@@"', raw)


ODD_VALUES = [
    (("papers", 0, "version"), "9" * 5001, "papers[0].version must be a whole number"),
    (("papers", 0, "version"), "1e400", "papers[0].version must be a whole number"),
    (("papers", 0, "version"), "NaN", "line 1, NaN is not a JSON number"),
    (("papers", 0, "version"), "-Infinity", "-Infinity is not a JSON number"),
    (("papers", 0, "version"), "0", "papers[0].version must be a whole number from 1 to 999"),
    (("papers", 0, "version"), "1000", "from 1 to 999"),
    (("papers", 0, "version"), "true", "from 1 to 999"),
    (("papers", 0, "version"), "1.5", "from 1 to 999"),
    (("papers", 0, "id"), '"../../etc/passwd"', "papers[0].id must be an arXiv id"),
    (("papers", 0, "id"), '"2611.00002"', "paper 2611.00002 is stored twice"),
    (("papers", 0, "title"), '"\\ud800"', "line 1, title holds a lone surrogate"),
    (("papers", 0, "authors"), '["ok", "\\udfff x"]', "line 1, authors holds a lone"),
    (("papers", 0, "authors"), '"A. Author"', "papers[0].authors must be a list of text"),
    (("papers", 0, "categories"), "[1]", "papers[0].categories[0] must be text"),
    (("papers", 0, "updated"), '"yesterday"', "papers[0].updated must be a UTC time"),
    (("papers", 0, "published"), '"2026-02-30T00:00:00Z"', "papers[0].published must be a"),
    (("papers", 0, "updated"), '"2026-11-01"', "papers[0].updated must be a UTC time"),
    (("papers", 0, "first_seen"), '"2026-13-01"', "papers[0].first_seen must be a day"),
    # On the calendar, but a run's date arithmetic overflows: the keyword failed every run.
    (("papers", 0, "updated"), '"0001-01-01T00:00:00Z"', "updated must be a UTC time (Y"),
    (("papers", 0, "published"), '"9999-12-31T00:00:00Z"', "time (YYYY-MM-DDTHH:MM:SSZ) from 1991"),
    (("papers", 1, "updated"), '"1990-12-31T23:59:59Z"', "papers[1].updated must be a UTC time"),
    (
        ("papers", 0, "first_seen"),
        '"3000-01-01"',
        "first_seen must be a day (YYYY-MM-DD) from 1991",
    ),
    (("papers", 0, "comment"), "null", "papers[0].comment must be text"),
    (("papers", 0, "doi"), "{}", "papers[0].doi must be text"),
    (("papers", 0), "[" * 100_000 + "]" * 100_000, "papers[0] must be an object"),
    (("papers", 1), "[]", "papers[1] must be an object"),
    (("papers",), "{}", "papers must be a list"),
    (("last_success",), '"not a date"', "last_success must be a day"),
    (("last_success",), "20261122", "last_success must be a day"),
    (("health",), "[]", "health must be an object"),
    (("health", "failures"), "1e400", "health.failures must be a whole number"),
    (("health", "failures"), "-1", "health.failures must be a whole number"),
    (("health", "failures"), '"3"', "health.failures must be a whole number"),
    (("health", "since"), '"soon"', "health.since must be a day"),
    (("health", "error"), '"\\ud83d"', "line 1, error holds a lone surrogate"),
    (("health", "extra"), "1", "health: unknown field"),
    (("total_results",), "-3", "total_results must be a whole number"),
    (("total_results",), "9" * 30, "total_results must be a whole number"),
    (("query",), "[]", "query must be text"),
    (("keyword",), '"\\udc00"', "keyword holds a lone surrogate"),
]


@pytest.mark.parametrize(("location", "raw", "words"), ODD_VALUES)
def test_an_odd_value_anywhere_is_refused_naming_the_file_and_the_value(
    tmp_path: Path, location: tuple[str | int, ...], raw: str, words: str
) -> None:
    path = tmp_path / "k.json"
    content = _document_with(location, raw)
    path.write_text(content, encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        store.load(tmp_path, K)
    message = str(caught.value)
    assert message.startswith(f"{path}: unreadable store (") and words in message
    assert "\n" not in message and len(message) < 300
    assert path.read_text(encoding="utf-8") == content


def test_the_unchanged_document_loads() -> None:
    loaded = json_file.loads(_document_with(("query",), '"ti:K"'), "k.json", K)
    assert loaded.health == store.Health(1, "2026-11-21", "HTTP 503") and len(loaded.papers) == 2


def test_every_field_the_tracker_writes_loads_back_unchanged(tmp_path: Path) -> None:
    old_style = Paper("hep-th/9901001", 3, "Strings", published="1999-01-04T12:00:00Z")
    data = store.KeywordStore(K, (old_style, paper(7)), "", store.Health(), "", None)
    store.save(tmp_path, data)
    assert store.load(tmp_path, K) == data


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_json_constant_is_named_once(tmp_path: Path, constant: str) -> None:
    path = tmp_path / "k.json"
    path.write_text(_document_with(("total_results",), constant), encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        store.load(tmp_path, K)
    assert str(caught.value).endswith(f", {constant} is not a JSON number); left untouched")


@pytest.mark.parametrize("title", ['"\\ud83d\\ude00 a pair"', '"\\\\ud800 as text"'])
def test_a_surrogate_pair_or_an_escaped_backslash_is_not_taken_for_a_lone_surrogate(
    tmp_path: Path, title: str
) -> None:
    path = tmp_path / "k.json"
    odd = _document_with(("papers", 1, "version"), "NaN").replace('"Paper 1"', title)
    path.write_text(odd, encoding="utf-8")
    with pytest.raises(StoreError, match="line 1, NaN is not a JSON number"):
        store.load(tmp_path, K)
    path.write_text(_document_with(("papers", 0, "title"), title), encoding="utf-8")
    assert store.load(tmp_path, K).papers[0].title == json.loads(title)
