"""Ranking through the CLI against the loopback arXiv: references fetched once and kept,
``dailypapers rank``, and the issue's "Read first" as GitHub renders it."""

from __future__ import annotations

import gzip
import json
import math
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import cmarkgfm
import pytest

from tests.fakes.arxiv import FakeArxiv, FakePaper, Fault
from tests.support import UNREACHABLE, run_cli, shared_fixture

OURS = [
    FakePaper(
        id=f"2401.0000{n}",
        version=2,
        title=title,
        abstract=abstract,
        published="2024-01-05T00:00:00Z",
        updated="2024-02-05T00:00:00Z",
    )
    for n, (title, abstract) in enumerate(
        [
            (
                "Latent dynamics for planning with sparse rewards",
                "We learn latent dynamics from pixels and plan with sparse rewards in robotics.",
            ),
            (
                "Planning in imagined latent trajectories",
                "Imagined latent trajectories let an agent plan for robotic manipulation.",
            ),
        ],
        start=1,
    )
]


def world(n: int, title: str, abstract: str, minutes: int) -> FakePaper:
    when = f"2026-11-20T{10 + minutes // 60:02d}:{minutes % 60:02d}:00Z"
    return FakePaper(
        id=f"2611.{n:05d}", version=1, title=title, abstract=abstract, published=when, updated=when
    )


FIRST_DAY = [
    world(n, f"World model study {n}", f"A world model benchmark of tabular data, case {n}.", n)
    for n in range(1, 9)
]
# The next day: the newest is the least related; one shares the group's words.
SECOND_DAY = [
    world(
        101,
        "World models for latent dynamics planning in robotics",
        "Latent dynamics and sparse rewards: a world model plans in imagined latent trajectories.",
        300,
    ),
    world(102, "A world model survey of tabular benchmarks", "World model tables.", 310),
    world(103, "World model for weather", "A world model of weather, case @octocat #12.", 320),
]
IDS = [p.id for p in OURS]


@pytest.fixture
def fake() -> Iterator[FakeArxiv]:
    with FakeArxiv([*OURS, *FIRST_DAY]) as server:
        yield server


@pytest.fixture
def ranked_tracker(tracker: Path) -> Path:
    (tracker / "keywords.yaml").write_text(
        "keywords:\n  - World Model\nreference:\n" + "".join(f"  - {i}\n" for i in IDS),
        encoding="utf-8",
    )
    return tracker


def update(folder: Path, fake: FakeArxiv | None, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(folder, "update", *args, api_url=fake.url if fake else UNREACHABLE)


def id_requests(fake: FakeArxiv) -> list[str]:
    return [r.params["id_list"] for r in fake.requests if r.params.get("id_list")]


def second_day_digest(folder: Path, fake: FakeArxiv) -> str:
    first = update(folder, fake, "--digest", "day1.md")
    assert first.returncode == 0, first.stderr
    if (folder / "day1.md").exists():
        assert run_cli(folder, "confirm", "day1.md").returncode == 0
    fake.add(SECOND_DAY)
    second = update(folder, fake, "--digest", "day2.md")
    assert second.returncode == 0, second.stderr
    return (folder / "day2.md").read_text(encoding="utf-8")


def test_update_fetches_the_references_once_and_keeps_them(
    ranked_tracker: Path, fake: FakeArxiv
) -> None:
    assert update(ranked_tracker, fake).returncode == 0
    assert update(ranked_tracker, fake).returncode == 0
    assert id_requests(fake) == [",".join(IDS)]
    stored = json.loads((ranked_tracker / "data" / "references.json").read_text("utf-8"))
    assert [p["title"] for p in stored["papers"]] == [p.title for p in OURS]


def test_a_keyword_named_references_keeps_its_papers_apart_from_the_reference_papers(
    tracker: Path, fake: FakeArxiv
) -> None:
    """Its store was data/references.json too: each run read the other's file and exited 3."""
    (tracker / "keywords.yaml").write_text(
        "keywords:\n  - World Model\n  - References\nreference:\n  - 2401.00001\n",
        encoding="utf-8",
    )
    for _ in range(2):
        result = update(tracker, fake)
        assert result.returncode == 0, result.stderr
    stored = json.loads((tracker / "data" / "references.json").read_text("utf-8"))
    assert [p["id"] for p in stored["papers"]] == ["2401.00001"]
    assert (
        json.loads((tracker / "data" / "references_keyword.json").read_text("utf-8"))["keyword"]
        == "References"
    )
    assert id_requests(fake) == ["2401.00001"]


def test_a_reference_added_later_is_fetched_on_the_next_update(
    ranked_tracker: Path, fake: FakeArxiv
) -> None:
    assert update(ranked_tracker, fake).returncode == 0
    added = run_cli(ranked_tracker, "add", "--reference", "2611.00001v1")
    assert added.returncode == 0, added.stderr
    assert update(ranked_tracker, fake).returncode == 0
    assert id_requests(fake) == [",".join(IDS), "2611.00001"]


def test_a_reference_arxiv_does_not_know_is_named_and_the_others_still_count(
    ranked_tracker: Path, fake: FakeArxiv
) -> None:
    with (ranked_tracker / "keywords.yaml").open("a", encoding="utf-8") as file:
        file.write("  - 2401.99999\n")
    result = update(ranked_tracker, fake)
    assert result.returncode == 0
    assert "2401.99999" in result.stderr
    ranked = run_cli(ranked_tracker, "rank", "--json", api_url=UNREACHABLE)
    assert ranked.returncode == 0, ranked.stderr
    closest = {p["closest"] for p in json.loads(ranked.stdout)["keywords"][0]["papers"]}
    assert closest <= {*IDS, None}


def test_when_arxiv_knows_no_reference_the_warning_says_date_order_not_the_others(
    tracker: Path, fake: FakeArxiv
) -> None:
    (tracker / "keywords.yaml").write_text(
        "keywords:\n  - World Model\nreference: [2401.99999]\n", encoding="utf-8"
    )
    result = update(tracker, fake)
    assert "arXiv knows no paper 2401.99999 (reference:); papers stay in date order" in (
        result.stderr
    )
    assert "the others" not in result.stderr


def test_without_references_no_file_is_written_and_the_issue_has_no_read_first(
    tracker: Path, fake: FakeArxiv
) -> None:
    body = second_day_digest(tracker, fake)
    assert not (tracker / "data" / "references.json").exists()
    assert "Read first" not in body
    assert id_requests(fake) == []


def test_a_failed_reference_fetch_keeps_date_order_with_a_warning_and_retries_next_run(
    ranked_tracker: Path, fake: FakeArxiv
) -> None:
    fake.inject(Fault("503", times=-1, match=lambda params: bool(params.get("id_list"))))
    body = second_day_digest(ranked_tracker, fake)
    assert "Read first" not in body
    newest_first = [p.title for p in reversed(SECOND_DAY)]
    positions = [body.index(title) for title in newest_first]
    assert positions == sorted(positions)
    fake.clear_faults()
    result = update(ranked_tracker, fake)
    assert result.returncode == 0
    assert (ranked_tracker / "data" / "references.json").exists()


def test_the_warning_of_a_failed_reference_fetch_reaches_the_terminal(
    ranked_tracker: Path, fake: FakeArxiv
) -> None:
    fake.inject(Fault("503", times=-1, match=lambda params: bool(params.get("id_list"))))
    result = update(ranked_tracker, fake)
    assert result.returncode == 0
    assert "references not fetched" in result.stderr
    assert "date order" in result.stderr


def test_rank_json_lists_every_stored_paper_best_first_in_the_documented_shape(
    ranked_tracker: Path, fake: FakeArxiv
) -> None:
    fake.add(SECOND_DAY)
    assert update(ranked_tracker, fake).returncode == 0
    result = run_cli(ranked_tracker, "rank", "--json", api_url=UNREACHABLE)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["keywords"]
    (keyword,) = data["keywords"]
    assert list(keyword) == ["name", "papers"]
    assert keyword["name"] == "World Model"
    papers = keyword["papers"]
    assert len(papers) == len(FIRST_DAY) + len(SECOND_DAY)
    assert all(list(p) == ["id", "version", "score", "closest"] for p in papers)
    assert papers[0]["id"] == "2611.00101"
    assert papers[0]["version"] == 1
    assert papers[0]["closest"] in IDS
    scores = [p["score"] for p in papers]
    assert scores == sorted(scores, reverse=True)


def test_rank_prints_rank_score_title_id_and_the_closest_reference(
    ranked_tracker: Path, fake: FakeArxiv
) -> None:
    fake.add(SECOND_DAY)
    assert update(ranked_tracker, fake).returncode == 0
    result = run_cli(ranked_tracker, "rank", "--limit", "2", api_url=UNREACHABLE)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("World Model")
    assert len(lines) == 3
    assert re.match(r"\s+1\s+0\.\d{4}\s+2611\.00101\s+World models for latent", lines[1])
    assert "close to 2401.0000" in lines[1]


def test_rank_fetches_the_references_when_they_are_not_stored(
    ranked_tracker: Path, fake: FakeArxiv
) -> None:
    assert update(ranked_tracker, fake).returncode == 0
    (ranked_tracker / "data" / "references.json").unlink()
    result = run_cli(ranked_tracker, "rank", "--json", api_url=fake.url)
    assert result.returncode == 0, result.stderr
    assert len(id_requests(fake)) == 2


@pytest.mark.parametrize(
    "args",
    [
        ["add", "Agents", "--no-check", "--reference", "not-an-id"],
        ["add", "--reference", "2403.15377", "--reference", "not-an-id"],
        ["add", "--reference", "2403.15377", "--reference", "missing.bib"],
    ],
)
def test_add_with_a_refused_reference_writes_nothing(tracker: Path, args: list[str]) -> None:
    before = (tracker / "keywords.yaml").read_bytes()
    result = run_cli(tracker, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert (tracker / "keywords.yaml").read_bytes() == before


def test_a_refused_bib_file_is_named_not_a_line_that_is_not_in_the_file(tracker: Path) -> None:
    result = run_cli(tracker, "add", "--reference", "missing.bib")
    assert result.returncode == 2
    assert result.stderr == (
        "dailypapers: keywords.yaml: reference 'missing.bib' not added: reference: BibTeX file "
        "not found: missing.bib\n"
    )


def test_rank_without_references_says_how_to_add_them(tracker: Path) -> None:
    result = run_cli(tracker, "rank")
    assert result.returncode == 2
    assert "add --reference" in result.stderr
    assert "Traceback" not in result.stderr


def _read_first_rows(html: str) -> list[str]:
    part = html.split("Read first</h2>", 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr>\s*<td>(.*?)</td>", part, re.S)


def test_the_issue_starts_with_read_first_as_github_renders_it(
    ranked_tracker: Path, fake: FakeArxiv
) -> None:
    body = second_day_digest(ranked_tracker, fake)
    html = cmarkgfm.github_flavored_markdown_to_html(body)
    assert html.index("Read first</h2>") < html.index("World Model</h2>")
    rows = _read_first_rows(html)
    assert len(rows) >= 1
    assert "World models for latent dynamics planning" in rows[0]
    assert 'href="https://arxiv.org/pdf/2611.00101v1"' in rows[0]
    cells = re.findall(r"<td>(.*?)</td>", html.split("Read first</h2>", 1)[1].split("</tr>")[1])
    assert cells[1] == "World Model"
    assert cells[2].startswith('close to <a href="https://arxiv.org/abs/2401.0000')


def test_within_a_keyword_new_papers_are_listed_best_first(
    ranked_tracker: Path, fake: FakeArxiv
) -> None:
    body = second_day_digest(ranked_tracker, fake)
    section = body.split("## World Model", 1)[1]
    assert section.index("latent dynamics planning") < section.index("World model for weather")


def _ndcg10(ids: list[str], grades: dict[str, int]) -> float:
    def dcg(values: list[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(values[:10]))

    ideal = dcg(sorted((grades[i] for i in ids), reverse=True))
    return dcg([grades[i] for i in ids]) / ideal if ideal else 0.0


def test_on_a_graded_week_of_real_papers_rank_puts_the_groups_papers_first(
    tracker: Path,
) -> None:
    """The dev set's first week, served by the fake arXiv; the references fetched by id as in
    real use. The order must beat the date order it replaces (not a quality target: that is
    benchmarks/relevance.py's job)."""
    folder = shared_fixture("relevance")
    refs = [json.loads(line) for line in (folder / "references.jsonl").open(encoding="utf-8")]
    units = [json.loads(line) for line in (folder / "units.jsonl").open(encoding="utf-8")]
    week = next(u for u in units if u["kind"] == "week of the keyword feed")
    wanted = set(week["candidates"])
    with gzip.open(folder / "papers.jsonl.gz", "rt", encoding="utf-8") as lines:
        graded = {p["id"]: p for p in map(json.loads, lines) if p["id"] in wanted}
    newest_first = [i for i in week["candidates"] if i in graded]
    served = [
        FakePaper(
            id=r["id"],
            version=1,
            title=r["title"],
            abstract=r["abstract"],
            categories=["cs.AI"],
            published="2024-01-01T00:00:00Z",
            updated="2024-01-01T00:00:00Z",
        )
        for r in refs
    ]
    for n, paper_id in enumerate(newest_first):
        when = f"2026-11-{20 - n // 24:02d}T{23 - n % 24:02d}:00:00Z"
        paper = graded[paper_id]
        served.append(
            FakePaper(
                id=paper_id,
                version=1,
                title=paper["title"],
                abstract=paper["abstract"],
                published=when,
                updated=when,
            )
        )
    (tracker / "keywords.yaml").write_text(
        "keywords:\n  - name: Week\n    query: 'cat:cs.CV'\nreference:\n"
        + "".join(f"  - '{r['id']}'\n" for r in refs),
        encoding="utf-8",
    )
    with FakeArxiv(served) as fake:
        assert update(tracker, fake).returncode == 0
    result = run_cli(tracker, "rank", "--json")
    assert result.returncode == 0, result.stderr
    order = [p["id"] for p in json.loads(result.stdout)["keywords"][0]["papers"]]
    grades = {i: graded[i]["grade"] for i in newest_first}
    assert sorted(order) == sorted(newest_first)
    assert _ndcg10(order, grades) > _ndcg10(newest_first, grades) + 0.2
