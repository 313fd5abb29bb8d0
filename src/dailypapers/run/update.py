"""The daily run: for each keyword fetch → merge → save, then render every output once.

A keyword that fails keeps its stored papers untouched and only records the failure; the others
go on. Every store is read (and so checked) before the first request, so a corrupt file stops the
run before anything is fetched or written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from . import store as store_mod
from .errors import FetchError
from .fetch import FetchOutcome, Searcher, fetch_topic
from .files import exclusive_lock
from .models import Config, Paper, Topic
from .outputs import Section, Snapshot
from .query import search_query

LOCK_NAME = ".lock"


@dataclass
class TopicReport:
    topic: Topic
    new: list[Paper] = field(default_factory=list)
    revised: list[Paper] = field(default_factory=list)
    kept: int = 0
    fetched: int = 0
    requests: int = 0
    error: str | None = None
    error_kind: str | None = None
    unsorted: bool = False
    failures: int = 0
    unaccounted: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class UpdateReport:
    today: str
    topics: list[TopicReport]
    written: list[Path] = field(default_factory=list)

    @property
    def failed(self) -> list[TopicReport]:
        return [t for t in self.topics if not t.ok]

    @property
    def new_count(self) -> int:
        return sum(len(t.new) for t in self.topics)


class Progress:
    """Hooks the CLI fills in; the library itself prints nothing."""

    def topic_started(self, topic: Topic) -> None: ...

    def page(self, topic: Topic, received: int, expected: int) -> None: ...

    def topic_done(self, report: TopicReport) -> None: ...


def today_in(timezone: str) -> str:
    return datetime.now(ZoneInfo(timezone)).date().isoformat()


def load_snapshot(config: Config, data_dir: Path) -> Snapshot:
    sections = tuple(Section(t, store_mod.load(data_dir, t.slug, t.name)) for t in config.topics)
    return Snapshot(config, sections)


def run_update(
    config: Config,
    client: Searcher,
    *,
    data_dir: Path,
    render: Callable[[Snapshot], list[Path]],
    today: str | None = None,
    progress: Progress | None = None,
    only: set[str] | None = None,
) -> UpdateReport:
    """Fetch every keyword (or those named in ``only``), save each store, then render once."""
    progress = progress or Progress()
    today = today or today_in(config.timezone)
    with exclusive_lock(data_dir / LOCK_NAME):
        snapshot = load_snapshot(config, data_dir)
        reports: list[TopicReport] = []
        written: list[Path] = []
        for section in snapshot.sections:
            if only is not None and section.topic.slug not in only:
                continue
            report = _update_topic(config, client, section, today, progress)
            if store_mod.save(data_dir, section.topic.slug, section.store):
                written.append(store_mod.store_path(data_dir, section.topic.slug))
            reports.append(report)
            progress.topic_done(report)
        written.extend(render(snapshot))
    return UpdateReport(today=today, topics=reports, written=written)


def _update_topic(
    config: Config, client: Searcher, section: Section, today: str, progress: Progress
) -> TopicReport:
    topic, stored = section.topic, section.store
    report = TopicReport(topic=topic, kept=len(stored.papers))
    progress.topic_started(topic)
    try:
        outcome: FetchOutcome = fetch_topic(
            client,
            topic,
            stored.papers,
            sort=config.sort,
            lookback_days=config.lookback_days,
            previous_total=stored.previous_total(search_query(topic)),
            on_page=lambda got, expected: progress.page(topic, got, expected),
        )
    except FetchError as exc:
        stored.health.failures += 1
        stored.health.since = stored.health.since or today
        stored.health.error = str(exc)
        report.error, report.error_kind = str(exc), exc.kind
        report.failures = stored.health.failures
        return report
    merged = store_mod.merge(
        stored.papers, outcome.papers, sort=config.sort, limit=topic.max_papers, today=today
    )
    stored.papers = merged.papers
    stored.last_success = today
    stored.query, stored.total_results = outcome.query, outcome.total_results
    stored.health = store_mod.Health()
    report.new, report.revised = merged.new, merged.revised
    report.kept, report.fetched = len(merged.papers), len(outcome.papers)
    report.requests, report.unsorted = outcome.requests, outcome.unsorted
    report.unaccounted = outcome.unaccounted
    return report
