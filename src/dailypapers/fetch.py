"""How much of arXiv's answer a keyword needs: page until nothing newer can be missing.

arXiv announces papers one to three days after the date they carry, and some days ignores
``sortBy``; so a daily run neither stops at the first paper it already knows nor trusts the order
it is given. It pages until the dates it actually received fall ``lookback`` days behind the
newest stored paper (or the keyword's ``max_papers`` newest are all in hand), and checks that
each page really was sorted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING, Protocol

from .models import Paper, SortKey, Topic
from .query import search_query

if TYPE_CHECKING:
    from .atom import Page

SORT_BY: dict[SortKey, str] = {"updated": "lastUpdatedDate", "published": "submittedDate"}
MIN_PAGE = 12


class Searcher(Protocol):
    """What fetching needs from a client; ArxivClient is the real one."""

    def search(self, query: str, *, start: int, max_results: int, sort_by: str) -> Page: ...


@dataclass(frozen=True)
class FetchOutcome:
    papers: list[Paper]
    total_results: int
    requests: int
    unsorted: bool


def horizon(stored: Sequence[Paper], sort: SortKey, lookback_days: int) -> str | None:
    """The oldest date a newly announced paper may still carry, or None on a first run."""
    dates = [p.date(sort) for p in stored if p.date(sort)]
    if not dates:
        return None
    newest = datetime.strptime(max(dates)[:19], "%Y-%m-%dT%H:%M:%S")
    return (newest - timedelta(days=lookback_days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _is_sorted(dates: Sequence[str]) -> bool:
    return all(a >= b for a, b in pairwise(dates))


def _missing(stored: Sequence[Paper], got: Sequence[Paper], total: int, limit: int) -> bool:
    """A store short of ``limit`` while arXiv counts more matches than we hold (``max_papers``
    was raised, or an earlier run was cut short): older papers belong in it too."""
    if len(stored) >= limit:
        return False
    have = {p.id for p in stored} | {p.id for p in got}
    return total > len(have)


def fetch_topic(
    client: Searcher,
    topic: Topic,
    stored: Sequence[Paper],
    *,
    sort: SortKey,
    lookback_days: int,
    on_page: Callable[[int, int], None] | None = None,
) -> FetchOutcome:
    limit = topic.max_papers
    since = horizon(stored, sort, lookback_days)
    if since is None:
        size = limit
    else:
        known_recent = sum(1 for p in stored if p.date(sort) >= since)
        size = min(limit, max(MIN_PAGE, known_recent + MIN_PAGE))
    query = search_query(topic)
    got: list[Paper] = []
    dates: list[str] = []
    start = requests = 0
    unsorted = False
    total = 0
    while True:
        page = client.search(query, start=start, max_results=size, sort_by=SORT_BY[sort])
        requests += 1
        total = page.total_results
        got.extend(page.papers)
        dates.extend(p.date(sort) for p in page.papers)
        start += len(page.papers)
        if on_page:
            on_page(len(got), min(total, limit))
        unsorted = unsorted or not _is_sorted(dates)
        if not page.papers or start >= total or len(got) >= limit:
            break
        if (
            not unsorted
            and since is not None
            and dates[-1] < since
            and not _missing(stored, got, total, limit)
        ):
            break
        size = min(limit - len(got), max(size * 2, MIN_PAGE))
    return FetchOutcome(papers=got, total_results=total, requests=requests, unsorted=unsorted)
