"""data/references.json: the group's papers are asked of arXiv once, by id, in batches."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from dailypapers.fetch.client import ArxivClient
from dailypapers.rank import references
from dailypapers.settings import Settings
from tests.fakes.arxiv import FakeArxiv, Fault, make_papers
from tests.support import VirtualTime

OURS = make_papers(150, "Our Method", prefix="2403", first_number=10000)
IDS = [p.id for p in OURS]


@pytest.fixture
def fake() -> Iterator[FakeArxiv]:
    with FakeArxiv(OURS) as server:
        yield server


def client(fake: FakeArxiv) -> ArxivClient:
    time = VirtualTime()
    settings = Settings(api_url=fake.url, delay=3, retries=1, backoff=0)
    return ArxivClient(settings, clock=time.clock, sleep=time.sleep)


def id_requests(fake: FakeArxiv) -> list[list[str]]:
    return [r.params["id_list"].split(",") for r in fake.requests if "id_list" in r.params]


def test_references_are_fetched_once_and_stored(tmp_path: Path, fake: FakeArxiv) -> None:
    with client(fake) as arxiv:
        first = references.refresh(arxiv, tmp_path, IDS[:3])
        again = references.refresh(arxiv, tmp_path, IDS[:3])
    assert [p.id for p in first.references.papers] == IDS[:3]
    assert first.requests == 1
    assert again.requests == 0
    assert len(id_requests(fake)) == 1
    stored = json.loads((tmp_path / "references.json").read_text(encoding="utf-8"))
    assert [p["title"] for p in stored["papers"]] == [p.title for p in OURS[:3]]


def test_a_changed_list_asks_only_for_the_new_ids(tmp_path: Path, fake: FakeArxiv) -> None:
    with client(fake) as arxiv:
        references.refresh(arxiv, tmp_path, IDS[:2])
        outcome = references.refresh(arxiv, tmp_path, [IDS[1], IDS[5]])
    assert id_requests(fake) == [IDS[:2], [IDS[5]]]
    assert [p.id for p in outcome.references.papers] == [IDS[1], IDS[5]]


def test_ids_go_in_batches_of_100(tmp_path: Path, fake: FakeArxiv) -> None:
    with client(fake) as arxiv:
        outcome = references.refresh(arxiv, tmp_path, IDS)
    assert [len(batch) for batch in id_requests(fake)] == [100, 50]
    assert len(outcome.references.papers) == 150


def test_an_id_arxiv_does_not_know_is_named_and_asked_only_once(
    tmp_path: Path, fake: FakeArxiv
) -> None:
    wanted = [IDS[0], "2403.99999"]
    with client(fake) as arxiv:
        first = references.refresh(arxiv, tmp_path, wanted)
        again = references.refresh(arxiv, tmp_path, wanted)
    assert first.missing == again.missing == ("2403.99999",)
    assert [p.id for p in first.references.papers] == [IDS[0]]
    assert again.requests == 0


def test_a_failed_fetch_saves_nothing_and_the_next_run_asks_again(
    tmp_path: Path, fake: FakeArxiv
) -> None:
    fake.inject(Fault("503", times=-1))
    with client(fake) as arxiv:
        failed = references.refresh(arxiv, tmp_path, IDS[:2])
    assert "references not fetched" in failed.error
    assert not (tmp_path / "references.json").exists()
    fake.clear_faults()
    with client(fake) as arxiv:
        later = references.refresh(arxiv, tmp_path, IDS[:2])
    assert later.error == ""
    assert len(later.references.papers) == 2


@pytest.mark.parametrize(
    "damage",
    [
        b"{not json",
        b"[]",
        b'{"asked": [1]}',
        b'{"asked": ["x"], "papers": [{"id": "y"}]}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"asked": ["x"], "papers": [{"id": "x", "version": 1, "title": "\\ud800", '
        b'"abstract": "a"}]}',
    ],
    ids=["not json", "a list", "no ids", "an id not asked", "nested", "a lone surrogate"],
)
def test_a_damaged_file_is_set_aside_and_asked_again(
    tmp_path: Path, fake: FakeArxiv, damage: bytes
) -> None:
    (tmp_path / "references.json").write_bytes(damage)
    stored, why = references.load(tmp_path)
    assert stored == references.ReferenceSet()
    assert "references.json" in why
    with client(fake) as arxiv:
        outcome = references.refresh(arxiv, tmp_path, IDS[:1])
    assert [p.id for p in outcome.references.papers] == IDS[:1]
