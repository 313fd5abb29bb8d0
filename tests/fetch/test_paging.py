"""How much a keyword fetches: everything needed, including late announcements, and no more."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

import pytest

from dailypapers.config import Keyword
from dailypapers.errors import FetchError
from dailypapers.fetch import Page, Paper
from dailypapers.fetch.interface import EMPTY_PAGE
from dailypapers.fetch.paging import fetch_keyword, horizon
from dailypapers.store import merge

TOPIC = Keyword(name="World Model", slug="world-model", phrases=("World Model",), max_papers=100)


def paper(n: int, hours_ago: float) -> Paper:
    from datetime import datetime, timedelta

    when = datetime(2026, 11, 21, 12, 0) - timedelta(hours=hours_ago)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return Paper(id=f"2611.{n:05d}", version=1, title=f"P{n}", updated=stamp, published=stamp)


WINDOW = re.compile(r"submittedDate:\[(\d{12}) TO (\d{12})\]")


class Archive:
    """An in-memory arXiv: sorts newest first (unless told to shuffle), pages, filters by
    ``submittedDate`` and looks up ids."""

    def __init__(self, papers: list[Paper], *, shuffled: bool = False) -> None:
        self.papers = papers
        self.shuffled = shuffled
        self.calls: list[tuple[int, int]] = []
        self.queries: list[str] = []
        self.lookups: list[tuple[str, ...]] = []

    def search(self, query: str, *, start: int, max_results: int, sort_by: str) -> Page:
        self.calls.append((start, max_results))
        self.queries.append(query)
        ordered = sorted(self.papers, key=lambda p: p.updated, reverse=True)
        window = WINDOW.search(query)
        if window:
            low, high = window.groups()
            ordered = [p for p in ordered if low <= re.sub(r"\D", "", p.published)[:12] <= high]
        if self.shuffled:
            ordered.sort(key=lambda p: int(p.id[-5:]) * 7919 % 1009)  # "relevance"
        return Page(tuple(ordered[start : start + max_results]), len(ordered))

    def lookup(self, query: str, ids: Sequence[str]) -> Page:
        self.lookups.append(tuple(ids))
        found = tuple(p for p in self.papers if p.id in set(ids))
        return Page(found, len(found))

    @property
    def entries_sent(self) -> int:
        total = len(self.papers)
        return sum(max(0, min(size, total - start)) for start, size in self.calls)


def run(
    archive: Archive, stored: list[Paper], topic: Keyword = TOPIC, lookback: int = 1
) -> list[Paper]:
    outcome = fetch_keyword(archive, topic, stored, sort="updated", lookback_days=lookback)
    return merge(stored, outcome.papers, sort="updated", limit=topic.max_papers, today="d").papers


def test_first_run_fetches_max_papers_in_one_request() -> None:
    archive = Archive([paper(n, hours_ago=n) for n in range(300)])
    kept = run(archive, [])
    assert archive.calls == [(0, 100)]
    assert [p.id for p in kept] == [paper(n, n).id for n in range(100)]


def test_first_run_with_few_results_stops_when_exhausted() -> None:
    archive = Archive([paper(n, hours_ago=n) for n in range(7)])
    assert len(run(archive, [])) == 7
    assert len(archive.calls) == 1


def test_daily_run_downloads_new_entries_not_the_whole_list() -> None:
    old = [paper(n, hours_ago=24 + 5 * n) for n in range(200)]
    archive = Archive(old)
    stored = run(archive, [])
    archive.papers = old + [paper(1000 + n, hours_ago=n) for n in range(10)]
    archive.calls.clear()
    kept = run(archive, stored)
    assert len(archive.calls) == 1
    assert archive.entries_sent <= 25
    assert {p.id for p in kept[:10]} == {paper(1000 + n, n).id for n in range(10)}


def test_late_announced_paper_older_than_the_newest_stored_is_found() -> None:
    old = [paper(n, hours_ago=2 * n) for n in range(150)]
    archive = Archive(old)
    stored = run(archive, [])
    late = paper(999, hours_ago=9)  # dated between papers we already have
    archive.papers = [*old, late]
    kept = run(archive, stored)
    assert late.id in {p.id for p in kept}


def test_a_busy_day_pages_until_the_known_papers() -> None:
    old = [paper(n, hours_ago=48 + n) for n in range(150)]
    archive = Archive(old)
    stored = run(archive, [])
    new = [paper(2000 + n, hours_ago=n / 4) for n in range(80)]
    archive.papers = old + new
    archive.calls.clear()
    kept = run(archive, stored)
    assert {p.id for p in new} <= {p.id for p in kept}
    assert len(archive.calls) > 1


def test_an_unsorted_answer_is_detected_and_the_window_asked_for_by_submission_date() -> None:
    old = [paper(n, hours_ago=24 + n) for n in range(150)]
    stored = run(Archive(old), [])
    new = [paper(1000 + n, hours_ago=n) for n in range(5)]
    archive = Archive(old + new, shuffled=True)
    outcome = fetch_keyword(archive, TOPIC, stored, sort="updated", lookback_days=1)
    assert outcome.unsorted
    assert {p.id for p in new} <= {p.id for p in outcome.papers}
    assert any("submittedDate:[202611191200 TO " in q for q in archive.queries)


def test_on_an_unsorted_day_stored_papers_that_did_not_come_back_are_looked_up_by_id() -> None:
    old = [paper(n, hours_ago=24 + n) for n in range(150)]
    stored = run(Archive(old), [])
    revised = replace(paper(90, hours_ago=0), version=2, published=old[90].published)
    archive = Archive([*old[:90], revised, *old[91:]], shuffled=True)
    outcome = fetch_keyword(archive, TOPIC, stored, sort="updated", lookback_days=1)
    assert [p.version for p in outcome.papers if p.id == revised.id] == [2]
    assert sum(len(ids) for ids in archive.lookups) < len(stored)


def test_horizon_is_lookback_days_behind_the_newest_stored_paper() -> None:
    stored = [paper(1, hours_ago=0), paper(2, hours_ago=30)]
    assert horizon(stored, "updated", 1) == "2026-11-20T12:00:00Z"
    assert horizon([], "updated", 1) is None


def test_small_max_papers_limits_every_request() -> None:
    archive = Archive([paper(n, hours_ago=n) for n in range(50)])
    run(archive, [], topic=replace(TOPIC, max_papers=5))
    assert archive.calls == [(0, 5)]


def test_raising_max_papers_fills_the_store_on_the_next_run() -> None:
    archive = Archive([paper(n, hours_ago=n) for n in range(300)])
    stored = run(archive, [], topic=replace(TOPIC, max_papers=50))
    kept = run(archive, stored, topic=replace(TOPIC, max_papers=120))
    assert [p.id for p in kept] == [paper(n, n).id for n in range(120)]


def test_a_keyword_with_few_papers_does_not_refetch_them_all_daily() -> None:
    archive = Archive([paper(n, hours_ago=24 * n) for n in range(40)])
    stored = run(archive, [])
    archive.calls.clear()
    run(archive, stored)
    assert archive.entries_sent <= 15


# ---------------------------------------------------------------- arXiv's count of matches


def counted_run(
    archive: Archive, stored: list[Paper], previous_total: int, lookback: int = 1
) -> list[Paper]:
    outcome = fetch_keyword(
        archive,
        TOPIC,
        stored,
        sort="updated",
        lookback_days=lookback,
        previous_total=previous_total,
    )
    return merge(stored, outcome.papers, sort="updated", limit=100, today="d").papers


def ten_a_day(count: int, *, first: int = 0, days_ago: float = 1) -> list[Paper]:
    return [paper(first + n, hours_ago=24 * days_ago + 2.4 * n) for n in range(count)]


def test_with_last_runs_count_a_daily_run_downloads_about_one_days_worth() -> None:
    old = ten_a_day(200)
    stored = run(Archive(old), [])
    new = [paper(1000 + n, hours_ago=2 * n) for n in range(10)]
    archive = Archive(old + new)
    kept = counted_run(archive, stored, previous_total=len(old))
    assert len(archive.calls) == 1
    assert archive.entries_sent <= 25
    assert {p.id for p in new} <= {p.id for p in kept}


def test_the_count_finds_a_paper_announced_days_late_below_the_lookback_window() -> None:
    old = ten_a_day(200)
    stored = run(Archive(old), [])
    held = paper(999, hours_ago=24 * 5 + 1)  # held back, announced five days after its date
    archive = Archive([*old, held])
    kept = counted_run(archive, stored, previous_total=len(old))
    assert held.id in {p.id for p in kept}
    assert len(archive.calls) > 1


def test_the_count_ends_paging_at_the_oldest_stored_date_when_a_match_cannot_be_found() -> None:
    old = ten_a_day(200)
    stored = run(Archive(old), [])
    ancient = paper(999, hours_ago=24 * 60)  # an old paper that newly matches the query
    archive = Archive([*old, ancient])
    outcome = fetch_keyword(
        archive, TOPIC, stored, sort="updated", lookback_days=1, previous_total=len(old)
    )
    assert archive.entries_sent <= 100 + 12
    assert outcome.unaccounted == 1


def test_a_reconciled_count_does_not_end_an_unsorted_day_before_the_window() -> None:
    old = ten_a_day(200)
    stored = run(Archive(old), [])
    left = old[3]  # withdrawn: no longer matches
    held = paper(999, hours_ago=24 + 7)  # held back, announced today with an older date
    archive = Archive([p for p in old if p is not left] + [held], shuffled=True)
    outcome = fetch_keyword(
        archive, TOPIC, stored, sort="updated", lookback_days=1, previous_total=len(old)
    )
    assert outcome.unsorted
    assert held.id in {p.id for p in outcome.papers}


def test_a_reconciled_count_does_not_end_a_sorted_day_before_the_window() -> None:
    old = ten_a_day(200)
    stored = run(Archive(old), [])
    new = [paper(1000 + n, hours_ago=n) for n in range(10)]
    left = old[50]  # revised so that it no longer matches
    held = paper(999, hours_ago=24 + 9)  # behind four known papers of the window
    archive = Archive([p for p in old if p is not left] + [*new, held])
    kept = counted_run(archive, stored, previous_total=len(old))
    assert {p.id for p in [*new, held]} <= {p.id for p in kept}


def test_a_count_that_fell_falls_back_to_the_lookback_window() -> None:
    old = ten_a_day(200)
    stored = run(Archive(old), [])
    late = paper(999, hours_ago=24 + 60)  # inside a 3-day window, below the first page
    archive = Archive([*old[1:], late])
    kept = counted_run(archive, stored, previous_total=len(old) + 5, lookback=3)
    assert late.id in {p.id for p in kept}


def test_an_unknown_revision_does_not_stand_in_for_a_new_paper() -> None:
    old = ten_a_day(200)
    stored = run(Archive(old), [])
    # An old match revised today: first submitted long before anything the full store holds.
    revised = replace(paper(500, hours_ago=0), version=2, published=paper(0, 24 * 400).published)
    late = paper(999, hours_ago=24 + 40)  # below the first page
    archive = Archive([*old, revised, late])
    kept = counted_run(archive, stored, previous_total=len(old) + 1)
    assert late.id in {p.id for p in kept}


def test_a_late_paper_inside_the_window_arrives_on_the_first_page() -> None:
    old = ten_a_day(200)
    stored = run(Archive(old), [])
    new = [paper(1000 + n, hours_ago=2 * n) for n in range(10)]
    late = paper(999, hours_ago=24 + 20)  # behind nine known papers of the window
    archive = Archive([*old, *new, late])
    kept = counted_run(archive, stored, previous_total=len(old))
    assert {p.id for p in [*new, late]} <= {p.id for p in kept}
    assert len(archive.calls) == 1


class Repeating(Archive):
    """Repeats each page's first entry in its second place, pushing the page's last one off."""

    def search(self, query: str, *, start: int, max_results: int, sort_by: str) -> Page:
        page = super().search(query, start=start, max_results=max_results, sort_by=sort_by)
        if len(page.papers) < 2:
            return page
        return Page((page.papers[0], *page.papers[:-1]), page.total_results)


def test_a_repeated_entry_is_counted_once() -> None:
    old = ten_a_day(200)
    stored = run(Archive(old), [])
    new = [paper(1000, hours_ago=0), paper(1001, hours_ago=1)]
    held = paper(999, hours_ago=47)  # inside the window, on the second page
    archive = Repeating([*old, *new, held])
    outcome = fetch_keyword(
        archive, TOPIC, stored, sort="updated", lookback_days=1, previous_total=len(old)
    )
    assert {p.id for p in [*new, held]} <= {p.id for p in outcome.papers}
    assert len({p.id for p in outcome.papers}) == len(outcome.papers)
    assert outcome.repeated >= 1


def test_the_entry_a_repeat_pushed_off_a_page_is_asked_for_again() -> None:
    papers = [paper(n, hours_ago=n) for n in range(30)]
    archive = Repeating(papers)
    outcome = fetch_keyword(
        archive, replace(TOPIC, max_papers=20), [], sort="updated", lookback_days=1
    )
    assert archive.calls[1][0] == 19
    assert {p.id for p in papers[:19]} <= {p.id for p in outcome.papers}


def test_an_unknown_revision_first_submitted_inside_the_stored_range_accounts_for_the_count() -> (
    None
):
    old = ten_a_day(200)
    stored = run(Archive(old), [])  # full: the newest 100 of 200
    joined = replace(paper(500, hours_ago=0), version=2, published=paper(0, 24 * 2).published)
    archive = Archive([*old, joined])
    outcome = fetch_keyword(
        archive, TOPIC, stored, sort="updated", lookback_days=1, previous_total=len(old)
    )
    assert outcome.unaccounted == 0
    assert len(archive.calls) == 1


class Stuck(Archive):
    """Answers every page with the same one entry, and a count far beyond it."""

    def search(self, query: str, *, start: int, max_results: int, sort_by: str) -> Page:
        self.calls.append((start, max_results))
        return Page((self.papers[0],), 5000)


def test_an_archive_that_repeats_one_entry_on_every_page_is_not_asked_for_ever() -> None:
    archive = Stuck([paper(1, hours_ago=1)])
    outcome = fetch_keyword(archive, TOPIC, [], sort="updated", lookback_days=1)
    assert [p.id for p in outcome.papers] == ["2611.00001"]
    assert len(archive.calls) == 3  # the page with the paper, then two that bring nothing new


class Overcounting(Archive):
    """Counts ``extra`` more matches than it will send; past the last one, its pages are empty,
    which the client, after its retries, reports as a failed fetch."""

    def __init__(self, papers: list[Paper], extra: int) -> None:
        super().__init__(papers)
        self.extra = extra

    def search(self, query: str, *, start: int, max_results: int, sort_by: str) -> Page:
        page = super().search(query, start=start, max_results=max_results, sort_by=sort_by)
        if not page.papers:
            raise FetchError("empty page", url="fake", attempts=3, kind=EMPTY_PAGE)
        return replace(page, total_results=page.total_results + self.extra)


def test_a_count_above_what_arxiv_sends_does_not_fail_a_first_run() -> None:
    archive = Overcounting([paper(n, hours_ago=24 * n) for n in range(40)], extra=5)
    assert len(run(archive, [])) == 40


def test_a_count_above_what_arxiv_sends_keeps_the_days_new_papers() -> None:
    """A store short of max_papers pages down for the papers the count says it lacks; an
    empty page there, below the lookback window, ends the paging, not the keyword."""
    old = [paper(n, hours_ago=24 + 24 * n) for n in range(40)]
    stored = run(Archive(old), [])
    new = [paper(100 + n, hours_ago=n + 1) for n in range(3)]
    kept = counted_run(Overcounting(old + new, extra=5), stored, previous_total=40)
    assert {p.id for p in new} <= {p.id for p in kept}
    assert len(kept) == 43


def test_an_empty_page_inside_the_lookback_window_still_fails_the_keyword() -> None:
    """Papers the window needs may be on that page: storing the rest would move the window
    past them."""
    old = [paper(n, hours_ago=24 + 24 * n) for n in range(40)]
    stored = run(Archive(old), [])
    late = [paper(100 + n, hours_ago=0.1 * n + 1) for n in range(30)]
    with pytest.raises(FetchError):
        counted_run(Overcounting(old[:1] + late, extra=50), stored, previous_total=40, lookback=3)
