"""How much of arXiv's answer a keyword needs: page until nothing newer can be missing.

arXiv announces papers one to three days after the date they carry, and some days ignores
``sortBy``; so a daily run neither stops at the first paper it already knows nor trusts the order
it is given. Two rules say when everything new is in hand:

- arXiv's own count. The store remembers ``totalResults`` from the last run; the rise since then
  is how many papers newly match. Once that many unknown papers have arrived, nothing is missing,
  whatever order they came in, so the first page only needs to be about a day's worth.
- Dates, when there is no count to go by (first daily run, changed query, a count that fell): page
  until the dates received fall ``lookback`` days behind the newest stored paper.

When the count says papers are still missing, paging goes on down to the oldest stored date: a
paper announced a week late belongs in the store, and anything older could not enter it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from ..config import Keyword, SortKey
from .interface import FetchOutcome, Paper, Searcher
from .query import search_query

SORT_BY: dict[SortKey, str] = {"updated": "lastUpdatedDate", "published": "submittedDate"}
MIN_PAGE = 12
SPARE = 2


def _parse(date: str) -> datetime:
    return datetime.strptime(date[:19], "%Y-%m-%dT%H:%M:%S")


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _newest(stored: Sequence[Paper], sort: SortKey) -> datetime | None:
    dates = [p.date(sort) for p in stored if p.date(sort)]
    return _parse(max(dates)) if dates else None


def horizon(stored: Sequence[Paper], sort: SortKey, lookback_days: int) -> str | None:
    """The oldest date a newly announced paper may still carry, or None on a first run."""
    newest = _newest(stored, sort)
    if newest is None:
        return None
    return _stamp(newest - timedelta(days=lookback_days))


def daily_size(stored: Sequence[Paper], sort: SortKey) -> int:
    """About one announcement's worth: the stored papers dated within a day of the newest."""
    newest = _newest(stored, sort)
    if newest is None:
        return 0
    since = _stamp(newest - timedelta(days=1))
    return sum(1 for p in stored if p.date(sort) > since)


def _is_sorted(dates: Sequence[str]) -> bool:
    return all(a >= b for a, b in pairwise(dates))


def _missing(stored: Sequence[Paper], got: Sequence[Paper], total: int, limit: int) -> bool:
    """A store short of ``limit`` while arXiv counts more matches than we hold (``max_papers``
    was raised, or an earlier run was cut short): older papers belong in it too."""
    if len(stored) >= limit:
        return False
    have = {p.id for p in stored} | {p.id for p in got}
    return total > len(have)


@dataclass(frozen=True)
class _Known:
    """What the store says about the result list as it was at the last run."""

    papers: Sequence[Paper]
    ids: frozenset[str]
    oldest: str
    since: str
    sort: SortKey
    previous_total: int | None

    @classmethod
    def of(
        cls, stored: Sequence[Paper], sort: SortKey, since: str, previous_total: int | None
    ) -> _Known:
        dates = [p.date(sort) for p in stored if p.date(sort)]
        return cls(stored, frozenset(p.id for p in stored), min(dates), since, sort, previous_total)

    def first_size(self) -> int:
        if self.previous_total is not None:
            return max(MIN_PAGE, daily_size(self.papers, self.sort) + SPARE)
        return max(MIN_PAGE, self.in_window(()) + MIN_PAGE)

    def in_window(self, got: Sequence[Paper]) -> int:
        """Stored papers inside the lookback window that have not arrived yet."""
        have = {p.id for p in got}
        return sum(1 for p in self.papers if p.date(self.sort) >= self.since and p.id not in have)

    def entering(self, got: Sequence[Paper]) -> int:
        """Papers that surely joined the result list since: unknown, yet dated inside the range
        the store holds completely. Sorted by update date, an unknown revision may be an old
        match that moved up, so only first versions count there; undercounting only pages on."""
        return sum(
            1
            for p in got
            if p.id not in self.ids
            and p.date(self.sort) >= self.oldest
            and (p.version == 1 or self.sort == "published")
        )

    def unaccounted(self, got: Sequence[Paper], total: int) -> int | None:
        """How many newly matching papers have not arrived, or None without a usable count."""
        if self.previous_total is None or total < self.previous_total:
            return None
        return max(0, total - self.previous_total - self.entering(got))

    def next_size(
        self, got: Sequence[Paper], dates: Sequence[str], unsorted: bool, total: int, size: int
    ) -> int | None:
        """The next page's size, or None when every paper that can belong in the store is in
        hand: the count is settled, or the dates have passed the point where one could hide."""
        missing = self.unaccounted(got, total)
        if missing == 0:
            return None
        if not unsorted:
            bottom = self.since if missing is None else self.oldest
            if dates[-1] < bottom:
                return None
            if missing is not None and dates[-1] >= self.since:
                # Late papers are most likely just behind the newest ones: ask for the rest of
                # the window and the missing, not a blind doubling.
                return self.in_window(got) + missing + 1
        return max(size * 2, MIN_PAGE)


def fetch_keyword(
    client: Searcher,
    keyword: Keyword,
    stored: Sequence[Paper],
    *,
    sort: SortKey,
    lookback_days: int,
    previous_total: int | None = None,
    on_page: Callable[[int, int], None] | None = None,
) -> FetchOutcome:
    """Fetch what is new for ``keyword``. ``previous_total`` is arXiv's count for the same query at
    the last successful run (None when unknown); it lets a daily run stop after one small page."""
    limit = keyword.max_papers
    since = horizon(stored, sort, lookback_days)
    known = None if since is None else _Known.of(stored, sort, since, previous_total)
    size = limit if known is None else min(limit, known.first_size())
    query = search_query(keyword)
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
        wanted = max(size * 2, MIN_PAGE)
        if known is not None and not _missing(stored, got, total, limit):
            planned = known.next_size(got, dates, unsorted, total, size)
            if planned is None:
                break
            wanted = planned
        size = min(limit - len(got), wanted)
    return FetchOutcome(
        papers=got,
        total_results=total,
        requests=requests,
        unsorted=unsorted,
        query=query,
        unaccounted=(known.unaccounted(got, total) or 0) if known else 0,
    )
