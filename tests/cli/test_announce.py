"""Announcing each paper exactly once: pending in the store until an opened issue lists it."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from dailypapers import pipeline as api
from dailypapers.config import parse_config
from dailypapers.errors import StoreError
from dailypapers.fetch import Paper
from dailypapers.outputs.digest import announced_ids
from dailypapers.outputs.escape import marker_id
from dailypapers.store import KeywordStore
from dailypapers.store.json_file import dumps, loads
from tests.fakes.arxiv import FakeArxiv, make_papers
from tests.support import run_cli, tracked_before

W = parse_config("keywords:\n  - World Model\n").keywords[0]
KEYWORDS = "keywords:\n  - World Model\n  - Foo Detection\n"
README = "# Mine\n\n<!-- dailypapers:start -->\n<!-- dailypapers:end -->\n"
WORLD = make_papers(3, "World Model")
# Two papers that match both keywords: one issue must list them once, and confirm both stores.
BOTH = make_papers(2, "World Model Foo Detection", first_number=300)
FOO = make_papers(2, "Foo Detection", first_number=500)


@pytest.fixture
def server() -> Iterator[FakeArxiv]:
    with FakeArxiv(WORLD + BOTH + FOO) as fake:
        yield fake


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "keywords.yaml").write_text(KEYWORDS, encoding="utf-8")
    (tmp_path / "README.md").write_text(README, encoding="utf-8")
    tracked_before(tmp_path)
    return tmp_path


def cli(folder: Path, server: FakeArxiv, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(folder, *args, api_url=server.url)


def pending(folder: Path) -> dict[str, list[str]]:
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8")).get("pending", [])
        for path in sorted((folder / "data").glob("*.json"))
    }


def digest_ids(folder: Path) -> set[str]:
    return announced_ids([(folder / "digest.md").read_text(encoding="utf-8")])


# ---------------------------------------------------------------------- the store field


def test_a_store_without_pending_papers_keeps_its_bytes() -> None:
    store = KeywordStore(keyword=W, papers=(Paper(id="2611.00001", version=1, title="T"),))
    text = dumps(store)

    assert '"pending"' not in text
    assert dumps(loads(text, "w.json", W)) == text


def test_pending_ids_round_trip_sorted_and_only_for_stored_papers() -> None:
    papers = tuple(Paper(id=f"2611.0000{n}", version=1, title="T") for n in (1, 2))
    store = KeywordStore(keyword=W, papers=papers, pending=("2611.00002", "gone", "2611.00001"))

    again = loads(dumps(store), "w.json", W)

    assert again.pending == ("2611.00001", "2611.00002")


def test_a_pending_field_that_is_not_a_list_of_ids_is_a_corrupt_store() -> None:
    text = dumps(KeywordStore(keyword=W)).replace('"papers"', '"pending": [1],\n  "papers"')

    with pytest.raises(StoreError, match=r"pending\[0\] must be an arXiv id"):
        loads(text, "w.json", W)


# ---------------------------------------------------------------------- the hidden line


def test_only_whole_marker_lines_count() -> None:
    body = (
        "<!-- dailypapers:announced 2611.00001 astro%2Dph/0601001 -->\n"
        "| **[<!-- dailypapers:announced 2611.00009 -->](x)** |\n"
        "<!-- dailypapers:announced 2611.00008"
    )
    assert announced_ids([body]) == {"2611.00001", "astro-ph/0601001"}


@pytest.mark.parametrize("odd", ["a b", "x-->y", "2611.1%", "ü/1", "<!--"])
def test_any_id_survives_the_marker(odd: str) -> None:
    line = f"<!-- dailypapers:announced 2611.00001 {marker_id(odd)} -->"
    assert announced_ids([line]) == {"2611.00001", odd}


# ---------------------------------------------------------------------- update and confirm


def test_a_run_without_digest_leaves_its_papers_for_the_next_digest(
    folder: Path, server: FakeArxiv
) -> None:
    assert cli(folder, server, "update").returncode == 0
    assert pending(folder)["world-model"]

    done = cli(folder, server, "update", "--digest", "digest.md")

    assert done.returncode == 0, done.stderr
    assert digest_ids(folder) == {p.id for p in WORLD + BOTH + FOO}


def test_confirm_marks_each_listed_paper_in_every_store_once(
    folder: Path, server: FakeArxiv
) -> None:
    cli(folder, server, "update", "--digest", "digest.md")

    first = cli(folder, server, "confirm", "digest.md")
    again = cli(folder, server, "confirm", "digest.md")

    assert first.stdout == "7 paper(s) marked as announced\n"
    assert again.stdout == "0 paper(s) marked as announced\n"
    assert pending(folder) == {"foo-detection": [], "world-model": []}


def test_after_confirm_the_next_digest_has_only_what_is_new(
    folder: Path, server: FakeArxiv
) -> None:
    cli(folder, server, "update", "--digest", "digest.md")
    cli(folder, server, "confirm", "digest.md")
    later = make_papers(1, "World Model", start="2026-11-21T12:00:00Z", first_number=700)
    server.add(later)

    cli(folder, server, "update", "--digest", "digest.md")

    assert digest_ids(folder) == {later[0].id}


def test_confirm_of_an_unreadable_file_is_bad_input(folder: Path, server: FakeArxiv) -> None:
    done = cli(folder, server, "confirm", "missing.md")

    assert done.returncode == 2
    assert done.stderr.startswith("dailypapers: missing.md: cannot read the issue body")
    assert "Traceback" not in done.stderr


def test_confirm_changes_nothing_when_the_body_names_no_pending_paper(
    folder: Path, server: FakeArxiv
) -> None:
    cli(folder, server, "update")
    before = {p: p.read_bytes() for p in (folder / "data").glob("*.json")}
    (folder / "other.md").write_text("An issue someone else wrote.\n", encoding="utf-8")

    done = cli(folder, server, "confirm", "other.md")

    assert done.stdout == "0 paper(s) marked as announced\n"
    assert {p: p.read_bytes() for p in before} == before


def test_library_confirm_takes_several_bodies(folder: Path, server: FakeArxiv) -> None:
    cli(folder, server, "update")
    paths = api.Paths(folder / "keywords.yaml", folder / "data")
    bodies = [f"<!-- dailypapers:announced {p.id} -->" for p in WORLD]

    assert api.confirm(api.load_config(paths.config), paths, bodies) == 3


def test_a_keyword_added_later_does_not_announce_papers_again(
    folder: Path, server: FakeArxiv
) -> None:
    (folder / "keywords.yaml").write_text("keywords:\n  - World Model\n", encoding="utf-8")
    cli(folder, server, "update", "--digest", "digest.md")
    cli(folder, server, "confirm", "digest.md")
    (folder / "keywords.yaml").write_text(KEYWORDS, encoding="utf-8")

    cli(folder, server, "update", "--digest", "digest.md")

    # The two papers matching both keywords were announced under World Model already.
    assert digest_ids(folder) == {p.id for p in FOO}
