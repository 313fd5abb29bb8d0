"""Never miss a paper, whatever arXiv does that day: the five situations of issue 12, each
against the loopback arXiv server over real HTTP, through the library's update."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dailypapers import pipeline as api
from dailypapers import store as store_mod
from dailypapers.fetch import Paper
from dailypapers.fetch.client import UNREACHABLE
from dailypapers.run import UpdateReport
from dailypapers.run.update import NOT_FETCHED
from dailypapers.settings import Settings
from tests.fakes.arxiv import FakeArxiv, FakePaper, Fault, make_papers, refused_url
from tests.support import VirtualTime

NEWEST = "2026-11-20T12:00:00Z"  # the newest paper of day one
TODAY = "2026-11-22"


def at(hours: float) -> str:
    """A date ``hours`` after the newest paper of day one (negative: before it)."""
    start = datetime.strptime(NEWEST, "%Y-%m-%dT%H:%M:%SZ")
    return (start + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def fresh(count: int, *, first: int = 900, hours: float = 20.0) -> list[FakePaper]:
    """Papers announced today in the ordinary way: dated after everything stored."""
    return make_papers(count, "World Model", start=at(hours), step_minutes=30, first_number=first)


def held(number: int, hours_before: float) -> FakePaper:
    """A paper moderation held back: announced today with a date older than stored ones."""
    (paper,) = make_papers(1, "World Model", start=at(-hours_before), first_number=number)
    return paper


def tracker(folder: Path, keywords: tuple[str, ...] = ("World Model",)) -> api.Paths:
    names = "".join(f"  - {k}\n" for k in keywords)
    (folder / "keywords.yaml").write_text(f"keywords:\n{names}", encoding="utf-8")
    (folder / "README.md").write_text(
        "<!-- dailypapers:start -->\n<!-- dailypapers:end -->\n", encoding="utf-8"
    )
    return api.Paths(
        config=folder / "keywords.yaml",
        data=folder / "data",
        readme=folder / "README.md",
        site=folder / "site",
    )


def update(paths: api.Paths, url: str, today: str) -> UpdateReport:
    time = VirtualTime()
    return api.update(
        api.load_config(paths.config),
        paths,
        settings=Settings(api_url=url, delay=3.0, retries=4, backoff=5.0, timeout=5.0),
        clock=time.clock,
        sleep=time.sleep,
        jitter=lambda: 0.0,
        today=today,
    )


def stored(paths: api.Paths, name: str = "World Model") -> Sequence[Paper]:
    config = api.load_config(paths.config)
    keyword = next(k for k in config.keywords if k.name == name)
    return store_mod.load(paths.data, keyword).papers


def ids(papers: Iterable[Paper] | Iterable[FakePaper]) -> set[str]:
    return {p.id for p in papers}


@pytest.fixture
def paths(tmp_path: Path) -> api.Paths:
    return tracker(tmp_path)


@pytest.fixture
def ten_a_day() -> Iterator[FakeArxiv]:
    """200 matches dated 2.4 h apart; day one has stored the newest 100."""
    with FakeArxiv(make_papers(200, "World Model", start=NEWEST, step_minutes=144)) as server:
        yield server


def test_arxiv_ignoring_sort_over_thousands_of_matches_misses_nothing(
    paths: api.Paths,
) -> None:
    papers = make_papers(3000, "World Model", start=NEWEST, step_minutes=37)
    with FakeArxiv(papers) as server:
        update(paths, server.url, "2026-11-21")
        before = stored(paths)
        revised = before[40]
        new = fresh(5)
        late = held(990, hours_before=9)
        server.add([*new, late])
        server.add(
            [
                FakePaper(
                    id=revised.id,
                    version=2,
                    title=revised.title,
                    abstract="Revised: World Model.",
                    published=revised.published,
                    updated=at(21),
                )
            ]
        )
        server.ignore_sort = True
        report = update(paths, server.url, TODAY)
    after = stored(paths)
    assert ids([*new, late]) <= ids(after)
    assert [p.version for p in after if p.id == revised.id] == [2]
    assert report.keywords[0].unsorted
    assert report.keywords[0].requests > 1
    assert report.keywords[0].repeated == 0  # a paper two queries both found is no repeat


def test_a_first_run_while_arxiv_ignores_sort_keeps_the_newest_papers(
    paths: api.Paths,
) -> None:
    papers = make_papers(3000, "World Model", start=NEWEST, step_minutes=37)
    with FakeArxiv(papers, ignore_sort=True) as server:
        report = update(paths, server.url, "2026-11-21")
    assert [p.id for p in stored(paths)] == [p.id for p in papers[:100]]
    assert report.keywords[0].unsorted


def test_a_count_that_rises_by_less_than_what_arrived_does_not_end_the_run_early(
    paths: api.Paths, ten_a_day: FakeArxiv
) -> None:
    quiet = FakePaper(
        id="2611.09999",
        version=1,
        title="A study found by its abstract",
        abstract="We train a World Model.",
        published=at(-5),
        updated=at(-5),
    )
    ten_a_day.add([quiet])
    update(paths, ten_a_day.url, "2026-11-21")
    assert quiet.id in ids(stored(paths))
    new = fresh(10)
    late = held(990, hours_before=23)  # behind the stored papers of the window
    ten_a_day.add([*new, late])
    ten_a_day.withdraw(quiet.id, at(21))  # leaves the query: the count rises by one less
    update(paths, ten_a_day.url, TODAY)
    assert ids([*new, late]) <= ids(stored(paths))


def test_a_repeated_entry_does_not_stop_the_counting_one_paper_early(
    paths: api.Paths, ten_a_day: FakeArxiv
) -> None:
    update(paths, ten_a_day.url, "2026-11-21")
    new = fresh(2)
    late = held(990, hours_before=23)
    ten_a_day.add([*new, late])
    ten_a_day.inject(Fault("repeat", times=-1))
    report = update(paths, ten_a_day.url, TODAY)
    after = stored(paths)
    assert ids([*new, late]) <= ids(after)
    assert len(ids(after)) == len(after)
    assert report.keywords[0].repeated >= 1


def test_a_trickling_answer_is_cut_off_and_retried(paths: api.Paths) -> None:
    with FakeArxiv(make_papers(30, "World Model", start=NEWEST), trickle_seconds=0.02) as server:
        server.inject(Fault("trickle"))
        report = api.update(
            api.load_config(paths.config),
            paths,
            settings=Settings(api_url=server.url, delay=0, retries=1, backoff=0, timeout=0.3),
            sleep=lambda seconds: None,
            today=TODAY,
        )
        trickled, retried = server.requests[:2]
    assert not report.failed
    assert trickled.fault == "trickle"
    assert retried.params == trickled.params
    assert len(stored(paths)) == 30


FIVE = ("World Model", "Video", "Diffusion", "Robotics", "Graphs")


def five_keywords(tmp_path: Path) -> api.Paths:
    paths = tracker(tmp_path, FIVE)
    with FakeArxiv(
        [p for i, k in enumerate(FIVE) for p in make_papers(5, k, first_number=100 * i)]
    ) as server:
        update(paths, server.url, "2026-11-21")
    return paths


def update_at(paths: api.Paths, url: str, time: VirtualTime) -> UpdateReport:
    """The default settings, in virtual time."""
    return api.update(
        api.load_config(paths.config),
        paths,
        settings=Settings(api_url=url),
        clock=time.clock,
        sleep=time.sleep,
        jitter=lambda: 0.0,
        today=TODAY,
    )


def test_two_dead_keywords_in_a_row_stop_the_run_asking(tmp_path: Path) -> None:
    paths = five_keywords(tmp_path)
    time = VirtualTime()
    with FakeArxiv() as down:
        down.inject(Fault("503", times=-1))
        report = update_at(paths, down.url, time)
    kinds = [k.error_kind for k in report.keywords]
    assert kinds == ["http 503", "http 503", NOT_FETCHED, NOT_FETCHED, NOT_FETCHED]
    assert sum(time.sleeps) < 2 * (3 + 5 + 10 + 20 + 40) + 10
    for keyword in api.load_config(paths.config).keywords:
        kept = store_mod.load(paths.data, keyword)
        assert len(kept.papers) == 5
        assert kept.health.failures == 1


def test_a_port_where_nothing_listens_stops_the_run_at_the_first_keyword(tmp_path: Path) -> None:
    paths = five_keywords(tmp_path)
    time = VirtualTime()
    report = update_at(paths, refused_url(), time)
    kinds = [k.error_kind for k in report.keywords]
    assert kinds == [UNREACHABLE, NOT_FETCHED, NOT_FETCHED, NOT_FETCHED, NOT_FETCHED]
    assert time.sleeps == []
    assert "nothing listens at 127.0.0.1:" in (report.keywords[0].error or "")
    assert "could not be reached for World Model" in (report.keywords[1].error or "")
    for keyword in api.load_config(paths.config).keywords:
        kept = store_mod.load(paths.data, keyword)
        assert len(kept.papers) == 5
        assert kept.health.failures == 1
    for keyword in api.load_config(paths.config).keywords:
        kept = store_mod.load(paths.data, keyword)
        assert len(kept.papers) == 5
        assert kept.health.failures == 1


def test_a_paper_that_joins_by_a_new_version_costs_no_extra_page_and_no_warning(
    paths: api.Paths,
) -> None:
    """The store held every match (66 of 66): an unknown paper arriving as v2 surely joined, so
    the count is accounted for and one page is enough."""
    with FakeArxiv(make_papers(65, "World Model", start=NEWEST, step_minutes=144)) as server:
        update(paths, server.url, "2026-11-21")
        assert len(stored(paths)) == 65
        joined = FakePaper(
            id="2609.00001",
            version=2,
            title="Now about a World Model",
            abstract="Revised to study a World Model.",
            published="2026-09-01T10:00:00Z",  # v1, long before anything stored
            updated=at(21),
        )
        server.add([joined])
        server.requests.clear()
        report = update(paths, server.url, TODAY)
        asked = len(server.requests)
    (keyword,) = report.keywords
    assert joined.id in ids(stored(paths))
    assert len(stored(paths)) == 66
    assert keyword.unaccounted == 0
    assert asked == 1 == keyword.requests


def test_a_new_version_of_a_stored_paper_costs_no_extra_page_and_no_warning(
    paths: api.Paths, ten_a_day: FakeArxiv
) -> None:
    update(paths, ten_a_day.url, "2026-11-21")
    revised = stored(paths)[60]
    ten_a_day.add(
        [
            FakePaper(
                id=revised.id,
                version=2,
                title=revised.title,
                abstract="Revised: World Model.",
                published=revised.published,
                updated=at(21),
            )
        ]
    )
    ten_a_day.requests.clear()
    report = update(paths, ten_a_day.url, TODAY)
    (keyword,) = report.keywords
    assert [p.version for p in stored(paths) if p.id == revised.id] == [2]
    assert keyword.unaccounted == 0
    assert len(ten_a_day.requests) == 1
