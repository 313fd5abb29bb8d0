"""How much of arXiv's answer a keyword needs: everything that can belong in the store, and no
more, whatever order and count arXiv gives that day.

arXiv announces papers one to three days after the date they carry (moderation holds them
longer), some days ignores ``sortBy``, repeats entries and counts papers that left the query as
well as those that joined. So nothing here trusts order or count alone:

- Every daily run covers the lookback window: it pages (newest first) until the dates received
  fall ``lookback_days`` behind the newest stored paper. The first page is sized from the
  keyword's own history (the stored papers in the window, plus a day's worth of new ones), so on
  an ordinary day it is the only one.
- arXiv's count is a hint that can only send a run deeper: the store remembers ``totalResults``
  from the last run, and while the rise since then is not accounted for by papers that arrived,
  paging goes on down to the oldest stored date.
- Entries are de-duplicated before anything is counted; a page that repeats an entry may have
  pushed another off its end, so the next page starts that many entries earlier.
- When the answer is not in date order, dates prove nothing. The run then asks for the window by
  submission date (``submittedDate:[from TO to]``), which is complete in any order once as many
  distinct papers have arrived as arXiv counts for it, and looks up the stored papers that did
  not come back by ``id_list`` (with the query, so only those that still match), which finds
  their new versions. That costs about one refetch of the store, on such days only. A first run
  on such a day asks by submission date too, from the last week back, window after window,
  until the windows hold ``max_papers``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from itertools import pairwise

from ..config import Keyword, SortKey
from ..errors import FetchError
from .interface import EMPTY_PAGE, FetchOutcome, Page, Paper, Searcher
from .query import search_query

log = logging.getLogger(__name__)

SORT_BY: dict[SortKey, str] = {"updated": "lastUpdatedDate", "published": "submittedDate"}
MIN_PAGE = 12
SPARE = 2
# A quiet keyword's history says little about tomorrow: room for this many new papers at least.
NEW_AT_LEAST = 10
LOOKUP_BATCH = 100
# A first run that cannot trust the order looks back this many days, window after window,
# until the windows hold max_papers.
FIRST_RUN_DAYS = (7, 30, 90, 365, 3650, 36500)
PAGE_LIMIT = 2000
STALLED_PAGES = 2
"""Pages in a row that bring no paper new to this run: arXiv is repeating itself, and asking on
(one entry further down each time) would not end before its count, which may be anything."""


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


def _first_date(paper: Paper) -> str:
    """When version 1 was submitted ("" when unknown, which sorts before any date)."""
    return paper.published or (paper.updated if paper.version == 1 else "")


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
    complete: bool
    """The store held every match arXiv counted at the last run (it was not cut at its limit)."""

    @classmethod
    def of(
        cls,
        stored: Sequence[Paper],
        sort: SortKey,
        since: str,
        previous_total: int | None,
        limit: int,
    ) -> _Known:
        dates = [p.date(sort) for p in stored if p.date(sort)]
        ids = frozenset(p.id for p in stored)
        complete = previous_total is not None and previous_total <= len(ids) < limit
        return cls(stored, ids, min(dates), since, sort, previous_total, complete)

    def first_size(self) -> int:
        """The window's stored papers, a day's worth of new ones and one older to show the
        window's end: one page on a day like the keyword's usual ones."""
        new = max(NEW_AT_LEAST, daily_size(self.papers, self.sort))
        return max(MIN_PAGE, self.in_window(()) + new + SPARE)

    def in_window(self, got: Iterable[str]) -> int:
        """Stored papers inside the lookback window whose ids are not in ``got`` yet."""
        have = set(got)
        return sum(1 for p in self.papers if p.date(self.sort) >= self.since and p.id not in have)

    def entering(self, got: Iterable[Paper]) -> int:
        """Papers that surely joined the result list since: unknown, and either first submitted
        inside the range the store holds completely (every earlier version of such a paper was
        dated there too, so it would be stored had it matched), or any unknown paper when the
        store held every match arXiv counted last time. An unknown revision of an older paper
        may be an old match that moved up in a store cut at ``max_papers``, so it does not count
        there; undercounting only pages on."""
        return sum(
            1
            for p in got
            if p.id not in self.ids and (self.complete or _first_date(p) >= self.oldest)
        )

    def unaccounted(self, got: Iterable[Paper], total: int) -> int | None:
        """How many newly matching papers have not arrived, or None without a usable count."""
        if self.previous_total is None or total < self.previous_total:
            return None
        return max(0, total - self.previous_total - self.entering(got))

    def bottom(self, got: Iterable[Paper], total: int) -> str:
        """How far down the dates must go: the window always; the oldest stored date while the
        count says papers are missing (anything older could not enter the store)."""
        if self.unaccounted(got, total):
            return min(self.oldest, self.since)
        return self.since

    def next_size(self, got: _Received, last: str, total: int, size: int) -> int | None:
        """The next page's size, or None once the dates have passed the bottom."""
        if last < self.bottom(got.papers(), total):
            return None
        if last >= self.since:
            # Late papers are most likely just behind the newest ones: ask for the rest of
            # the window and the missing, not a blind doubling.
            missing = self.unaccounted(got.papers(), total) or 0
            return self.in_window(got.ids()) + missing + SPARE
        return max(size * 2, MIN_PAGE)


class _Received:
    """Every distinct paper arXiv sent for a keyword this run, each at its newest version."""

    def __init__(self) -> None:
        self._by_id: dict[str, Paper] = {}
        self.repeated = 0

    def __len__(self) -> int:
        return len(self._by_id)

    def add(self, papers: Sequence[Paper]) -> tuple[int, int]:
        """Take a page; returns how many papers were new to this run and how many entries
        repeated one already received (from any query: the caller counts what is a repeat)."""
        added = repeated = 0
        for paper in papers:
            old = self._by_id.get(paper.id)
            if old is None:
                added += 1
            else:
                repeated += 1
                if paper.version <= old.version:
                    continue
            self._by_id[paper.id] = paper
        return added, repeated

    def papers(self) -> list[Paper]:
        return list(self._by_id.values())

    def ids(self) -> set[str]:
        return set(self._by_id)


def _minute(stamp: str) -> str:
    """An ISO date as arXiv's ``YYYYMMDDHHMM`` (GMT)."""
    return stamp[0:4] + stamp[5:7] + stamp[8:10] + stamp[11:13] + stamp[14:16]


def window_query(query: str, since: str, until: str) -> str:
    return f"({query}) AND submittedDate:[{_minute(since)} TO {_minute(until)}]"


@dataclass
class _Run:
    """One keyword's requests; pages are counted here so every path reports the same way."""

    client: Searcher
    query: str
    sort_by: str
    got: _Received
    on_page: Callable[[int, int], None] | None
    requests: int = 0

    def search(self, query: str, start: int, size: int) -> Page:
        page = self.client.search(
            query, start=start, max_results=min(size, PAGE_LIMIT), sort_by=self.sort_by
        )
        self.requests += 1
        return page

    def window(self, since: str, until: str, size: int) -> int:
        """Every paper first submitted in [since, until], in whatever order arXiv sends them;
        returns how many arXiv counted there that never arrived."""
        query = window_query(self.query, since, until)
        seen: set[str] = set()
        start = 0
        while True:
            page = self.search(query, start, size)
            before = len(seen)
            seen.update(p.id for p in page.papers)
            # Repeats within this query's answers only: papers the run already had from another
            # query say nothing about this list shifting.
            repeated = len(page.papers) - (len(seen) - before)
            self.got.add(page.papers)
            self.got.repeated += repeated
            if self.on_page:
                self.on_page(len(self.got), len(self.got) + max(0, page.total_results - len(seen)))
            left = page.total_results - len(seen)
            if left <= 0 or not page.papers or len(seen) == before:
                return max(0, left)
            start += max(1, len(page.papers) - repeated)
            size = left + SPARE

    def lookup(self, ids: Sequence[str]) -> None:
        for i in range(0, len(ids), LOOKUP_BATCH):
            page = self.client.lookup(self.query, ids[i : i + LOOKUP_BATCH])
            self.requests += 1
            self.got.add(page.papers)
            if self.on_page:
                self.on_page(len(self.got), len(self.got))


def fetch_keyword(
    client: Searcher,
    keyword: Keyword,
    stored: Sequence[Paper],
    *,
    sort: SortKey,
    lookback_days: int,
    previous_total: int | None = None,
    on_page: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> FetchOutcome:
    """Fetch what is new for ``keyword``. ``previous_total`` is arXiv's count for the same query at
    the last successful run (None when unknown); it can only make a run page deeper."""
    limit = keyword.max_papers
    since = horizon(stored, sort, lookback_days)
    known = None if since is None else _Known.of(stored, sort, since, previous_total, limit)
    size = limit if known is None else min(limit, known.first_size())
    query = search_query(keyword)
    got = _Received()
    run = _Run(client, query, SORT_BY[sort], got, on_page)
    dates: list[str] = []
    start = 0
    unsorted = False
    total = stalled = 0
    while True:
        try:
            page = run.search(query, start, size)
        except FetchError as problem:
            if not _count_overstated(problem, len(got), known, dates):
                raise
            log.warning(
                "%s: arXiv counts %d matches but sends none past %d; keeping what arrived",
                keyword.name,
                total,
                start,
            )
            total = len({p.id for p in stored} | got.ids())
            break
        total = page.total_results
        added, repeated = got.add(page.papers)
        got.repeated += repeated
        dates.extend(p.date(sort) for p in page.papers)
        start += max(1, len(page.papers) - repeated)
        if on_page:
            on_page(len(got), min(total, limit))
        unsorted = unsorted or not _is_sorted(dates)
        stalled = 0 if added else stalled + 1
        if not page.papers or start >= total or len(got) >= limit or stalled >= STALLED_PAGES:
            break
        if unsorted and known is not None:
            break
        wanted = max(size * 2, MIN_PAGE)
        if known is not None and not _missing(stored, got.papers(), total, limit):
            planned = known.next_size(got, dates[-1], total, size)
            if planned is None:
                break
            wanted = planned
        size = min(limit - len(got), wanted)
    if unsorted and start < total:
        if known is None:
            _unsorted_first_run(run, limit, now)
        else:
            _unsorted_day(run, known, stored, total, now)
    return FetchOutcome(
        papers=got.papers(),
        total_results=total,
        requests=run.requests,
        unsorted=unsorted,
        query=query,
        unaccounted=(known.unaccounted(got.papers(), total) or 0) if known else 0,
        repeated=got.repeated,
    )


def _count_overstated(
    problem: FetchError, received: int, known: _Known | None, dates: Sequence[str]
) -> bool:
    """An empty page below papers that did arrive, once nothing of the lookback window can be
    on it: arXiv's count is higher than what it will send. Failing would lose the new papers
    above it, and on every later run, since the count stays high; what lies deeper is only
    what the count hints at, and the next run asks again. Within the window, with nothing
    received or in no order, it stays a failure: papers the store needs may be on that page."""
    if problem.kind != EMPTY_PAGE or not received or not _is_sorted(dates):
        return False
    return known is None or dates[-1] < known.since


def _until(now: datetime | None, newest: datetime | None = None) -> datetime:
    """The upper end of a submission-date window: safely after anything arXiv can have."""
    clock = (now or datetime.now(timezone.utc)).replace(tzinfo=None)
    return max(clock, newest or clock) + timedelta(days=2)


def _unsorted_first_run(run: _Run, limit: int, now: datetime | None) -> None:
    """No store and no order: the first page is arXiv's most relevant papers, not the newest.
    Ask by submission date instead, window after window back in time (each complete by its own
    count), until the windows hold ``max_papers``; the merge keeps the newest of them."""
    until = _until(now)
    upper = until
    for days in FIRST_RUN_DAYS:
        lower = until - timedelta(days=days)
        run.window(_stamp(lower), _stamp(upper), limit)
        since = _stamp(lower)
        if sum(1 for p in run.got.papers() if p.published >= since) >= limit:
            return
        upper = lower


def _unsorted_day(
    run: _Run, known: _Known, stored: Sequence[Paper], total: int, now: datetime | None
) -> None:
    """Order proves nothing today: ask for the window by submission date (complete once arXiv's
    count for it is reached), deeper while the keyword's count says papers are missing, then
    look up the stored papers that did not come back, for their new versions."""
    until = _stamp(_until(now, _newest(stored, known.sort)))
    run.window(known.since, until, known.first_size())
    if known.unaccounted(run.got.papers(), total) and known.oldest < known.since:
        run.window(known.oldest, known.since, MIN_PAGE)
    have = run.got.ids()
    run.lookup([p.id for p in stored if p.id not in have])
