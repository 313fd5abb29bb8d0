"""The daily run: for each keyword fetch → merge → save.

A keyword that fails keeps its stored papers untouched and only records the failure; the others
go on. Every store is read (and so checked) before the first request, so a corrupt file stops the
run before anything is fetched or written. Rendering is the caller's next step, from the snapshot
this returns.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .. import store as store_mod
from ..config import Config
from ..errors import FetchError, QueryRejected
from ..fetch import Searcher
from ..fetch.client import UNREACHABLE
from ..fetch.paging import fetch_keyword
from ..fetch.query import search_query
from ..store import Health, KeywordStore, Snapshot
from .report import KeywordReport, Progress, UpdateReport

log = logging.getLogger(__name__)

# Keywords in a row that used up every retry before the run stops asking arXiv: a down or
# rate-limiting arXiv fails them all alike, and each costs the full retry schedule. An arXiv
# that cannot be reached at all (the name does not resolve, nothing listens) stops it at once.
DEAD_IN_A_ROW = 2
NOT_FETCHED = "not fetched"
UNEXPECTED = "unexpected"
"""The ``error_kind`` of a keyword whose update raised what no one foresaw (a parser bug)."""


def today_in(timezone: str) -> str:
    return datetime.now(ZoneInfo(timezone)).date().isoformat()


def run_update(
    config: Config,
    client: Searcher,
    *,
    data_dir: Path,
    today: str | None = None,
    progress: Progress | None = None,
    only: set[str] | None = None,
) -> UpdateReport:
    """Fetch every keyword (or those whose slug is in ``only``) and save each store.

    Returns the report; the outputs are rendered from the saved stores. The caller holds the
    data folder's lock (``data_lock``) across this and the render that follows. One keyword's
    store is in memory at a time: each is read once up front (so a corrupt one stops the run
    before any request), then again when its turn comes.
    """
    progress = progress or Progress()
    today = today or today_in(config.timezone)
    snapshot = store_mod.load_snapshot(config, data_dir)
    reports: list[KeywordReport] = []
    written: list[Path] = []
    dead: list[KeywordReport] = []
    announced = announced_ids(snapshot)
    for entry in snapshot.entries:
        if only is not None and entry.keyword.slug not in only:
            continue
        stored = entry.load()
        progress.keyword_started(stored.keyword)
        if len(dead) >= DEAD_IN_A_ROW or (dead and dead[-1].error_kind == UNREACHABLE):
            report, after = _not_fetched(stored, today, dead)
        else:
            report, after = _update_keyword(config, client, stored, today, progress, announced)
            dead = [*dead, report] if report.gave_up else []
        if store_mod.save(data_dir, after):
            written.append(store_mod.store_path(data_dir, after.keyword.slug))
        reports.append(report)
        progress.keyword_done(report)
    return UpdateReport(today=today, keywords=reports, written=written)


def _failed(stored: KeywordStore, report: KeywordReport, today: str, error: str) -> KeywordStore:
    health = Health(
        failures=stored.health.failures + 1, since=stored.health.since or today, error=error
    )
    report.failures = health.failures
    return replace(stored, health=health)


def _not_fetched(
    stored: KeywordStore, today: str, dead: list[KeywordReport]
) -> tuple[KeywordReport, KeywordStore]:
    """A keyword not asked for at all: arXiv just failed every retry for the keywords before
    it, or could not be reached. It counts as failed (papers kept, health counted) and catches
    up on the next run."""
    report = KeywordReport(keyword=stored.keyword, kept=len(stored.papers))
    if dead[-1].error_kind == UNREACHABLE:
        report.error = (
            f"arXiv could not be reached for {dead[-1].keyword.name}; the run stopped asking"
        )
    else:
        names = " and ".join(r.keyword.name for r in dead)
        report.error = f"arXiv failed every retry for {names} just before; the run stopped asking"
    report.error_kind = NOT_FETCHED
    return report, _failed(stored, report, today, report.error)


def announced_ids(snapshot: Snapshot) -> set[str]:
    """Papers some keyword holds as already announced: one that another keyword finds later
    (a keyword added since, a failed day caught up) is not announced a second time."""
    announced: set[str] = set()
    for entry in snapshot.entries:
        store = entry.load()
        waiting = set(store.pending)
        announced.update(paper.id for paper in store.papers if paper.id not in waiting)
    return announced


def _update_keyword(
    config: Config,
    client: Searcher,
    stored: KeywordStore,
    today: str,
    progress: Progress,
    announced: set[str],
) -> tuple[KeywordReport, KeywordStore]:
    keyword = stored.keyword
    report = KeywordReport(keyword=keyword, kept=len(stored.papers))
    try:
        outcome = fetch_keyword(
            client,
            keyword,
            stored.papers,
            sort=config.sort,
            lookback_days=config.lookback_days,
            previous_total=stored.previous_total(search_query(keyword)),
            on_page=lambda got, expected: progress.page(keyword, got, expected),
        )
        merged = store_mod.merge(
            stored.papers, outcome.papers, sort=config.sort, limit=keyword.max_papers, today=today
        )
    except FetchError as exc:
        log.info("%s failed: %s", keyword.name, exc)
        report.error, report.error_kind = str(exc), exc.kind
        report.gave_up = not isinstance(exc, QueryRejected)
        return report, _failed(stored, report, today, str(exc))
    except Exception as exc:
        # A surprise in one keyword (a parser bug, an odd URL) is that keyword's failure: the
        # others and every output still go on. The traceback is for whoever runs --verbose.
        log.debug("%s failed unexpectedly", keyword.name, exc_info=True)
        report.error = f"unexpected error: {type(exc).__name__}: {exc}"
        report.error_kind = UNEXPECTED
        return report, _failed(stored, report, today, report.error)
    report.new, report.revised = merged.new, merged.revised
    report.total = outcome.total_results
    report.kept, report.fetched = len(merged.papers), len(outcome.papers)
    report.requests, report.unsorted = outcome.requests, outcome.unsorted
    report.unaccounted, report.repeated = outcome.unaccounted, outcome.repeated
    # Every new paper waits for an issue, whether or not this run writes one (``confirm``),
    # except those of a first fill: papers already on arXiv when the keyword was added.
    report.first_fill = not stored.last_success and not stored.papers
    kept = {paper.id for paper in merged.papers}
    fresh = set() if report.first_fill else {paper.id for paper in merged.new} - announced
    return report, replace(
        stored,
        papers=tuple(merged.papers),
        last_success=today,
        query=outcome.query,
        total_results=outcome.total_results,
        health=Health(),
        pending=tuple(sorted(({*stored.pending} | fresh) & kept)),
    )
