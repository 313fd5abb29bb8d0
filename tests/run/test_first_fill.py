"""A keyword's first fill is history, not news: stored as announced, named once in the issue."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from dailypapers import pipeline as api
from dailypapers import store
from dailypapers.config import load_config
from dailypapers.fetch import Paper
from dailypapers.settings import Settings
from tests.fakes.arxiv import FakeArxiv, Fault, make_papers

KEYWORDS = "keywords:\n  - World Model\n  - Foo Detection\n"
README = "# Mine\n\n<!-- dailypapers:start -->\n<!-- dailypapers:end -->\n"
WORLD = make_papers(4, "World Model")
FOO = make_papers(3, "Foo Detection", first_number=500)
LATER = make_papers(2, "World Model", start="2026-11-21T12:00:00Z", first_number=700)


@pytest.fixture
def server() -> Iterator[FakeArxiv]:
    with FakeArxiv(WORLD + FOO) as fake:
        yield fake


def paths(folder: Path, keywords: str = KEYWORDS) -> api.Paths:
    (folder / "keywords.yaml").write_text(keywords, encoding="utf-8")
    if not (folder / "README.md").exists():
        (folder / "README.md").write_text(README, encoding="utf-8")
    return api.Paths(
        folder / "keywords.yaml",
        folder / "data",
        folder / "README.md",
        folder / "site",
        digest=folder / "issue.md",
        digest_title=folder / "title.txt",
    )


def day(where: api.Paths, server: FakeArxiv, today: str) -> tuple[str, str]:
    """One run as the workflow makes it: the issue's title and body ("" when none), confirmed."""
    settings = Settings(api_url=server.url, delay=0, retries=0)
    api.update(load_config(where.config), where, settings=settings, today=today)
    assert where.digest is not None and where.digest_title is not None
    if not where.digest.exists():
        return "", ""
    body = where.digest.read_text(encoding="utf-8")
    api.confirm(load_config(where.config), where, [body])
    return where.digest_title.read_text(encoding="utf-8").strip(), body


def pending(folder: Path, slug: str) -> list[str]:
    data = json.loads((folder / "data" / f"{slug}.json").read_text(encoding="utf-8"))
    return list(data.get("pending", []))


def test_day_one_stores_every_paper_as_announced_and_says_now_tracking(
    tmp_path: Path, server: FakeArxiv
) -> None:
    where = paths(tmp_path)

    title, body = day(where, server, "2026-11-22")

    assert pending(tmp_path, "world-model") == [] and pending(tmp_path, "foo-detection") == []
    assert title == "Now tracking 2 new keywords - November 22, 2026"
    assert "- Now tracking World Model: 4 papers in its [complete table](" in body
    assert "- Now tracking Foo Detection: 3 papers in its [complete table](" in body
    assert "dailypapers:announced" not in body
    assert not any(p.title in body for p in WORLD + FOO)


def test_from_the_second_day_new_papers_are_news(tmp_path: Path, server: FakeArxiv) -> None:
    where = paths(tmp_path)
    day(where, server, "2026-11-22")
    server.add(LATER)

    title, body = day(where, server, "2026-11-23")

    assert title == "2 new papers - November 23, 2026"
    assert all(p.title in body for p in LATER)
    assert "Now tracking" not in body
    assert pending(tmp_path, "world-model") == []


def test_a_keyword_added_later_is_history_and_the_title_counts_only_the_others(
    tmp_path: Path, server: FakeArxiv
) -> None:
    day(paths(tmp_path, "keywords:\n  - World Model\n"), server, "2026-11-22")
    server.add(LATER)

    title, body = day(paths(tmp_path), server, "2026-11-23")

    assert title == "2 new papers - November 23, 2026"
    assert "**2 new papers** on November 23, 2026 for World Model (2)." in body
    assert "- Now tracking Foo Detection: 3 papers in its [complete table](" in body
    assert not any(p.title in body for p in FOO)
    assert pending(tmp_path, "foo-detection") == []


def test_a_keyword_whose_first_runs_failed_is_filled_on_its_first_success(
    tmp_path: Path, server: FakeArxiv
) -> None:
    where = paths(tmp_path)
    server.inject(Fault("500", times=-1, match=lambda q: "Foo" in q.get("search_query", "")))
    day(where, server, "2026-11-22")
    server.clear_faults()

    title, body = day(where, server, "2026-11-23")

    assert title == "Now tracking 1 new keyword - November 23, 2026"
    assert "- Now tracking Foo Detection: 3 papers" in body
    assert pending(tmp_path, "foo-detection") == []


def test_an_imported_keyword_is_not_a_first_fill(tmp_path: Path, server: FakeArxiv) -> None:
    where = paths(tmp_path, "keywords:\n  - World Model\n")
    [keyword] = load_config(where.config).keywords
    old = WORLD[-1]
    paper = Paper(id=old.id, version=old.version, title=old.title, updated=old.updated)
    imported = store.KeywordStore(keyword, papers=(paper,))
    store.save(where.data, imported)

    title, body = day(where, server, "2026-11-22")

    assert title == "3 new papers - November 22, 2026"
    assert "Now tracking" not in body
