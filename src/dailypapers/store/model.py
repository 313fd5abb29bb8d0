"""What the store holds: each keyword's papers and run history, and the whole store at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..config import Config, Keyword, SortKey
from ..fetch import Paper


@dataclass(frozen=True)
class Health:
    """Consecutive failed runs of a keyword, kept so the daily job can raise the alarm."""

    failures: int = 0
    """Runs in a row that failed for this keyword (0 after a success)."""
    since: str = ""
    """The day of the first of those failures."""
    error: str = ""
    """The last failure's message."""


@dataclass(frozen=True)
class KeywordStore:
    """One keyword's store file, ``data/<slug>.json``, as loaded or as about to be saved."""

    keyword: Keyword
    papers: tuple[Paper, ...] = ()
    """Newest first by the configured sort date, at most ``keyword.max_papers``."""
    last_success: str = ""
    """The last day the keyword was fetched successfully."""
    health: Health = field(default_factory=Health)
    query: str = ""
    """The arXiv query of the last successful run."""
    total_results: int | None = None
    """arXiv's count of matches for ``query`` at that run."""
    pending: tuple[str, ...] = ()
    """Ids of stored papers no opened issue has listed yet, sorted: each waits for the next
    digest until ``dailypapers confirm`` reads it back from an opened issue."""

    def previous_total(self, query: str) -> int | None:
        """arXiv's count at the last successful run, if it counted this same query."""
        return self.total_results if self.query == query else None


def order_key(sort: SortKey) -> Callable[[Paper], tuple[str, str]]:
    return lambda p: (p.date(sort), p.id)


@dataclass(frozen=True)
class Snapshot:
    """The whole store as of one moment, in keywords.yaml order: what every output renders."""

    config: Config
    stores: tuple[KeywordStore, ...]

    @property
    def last_update(self) -> str:
        return max((s.last_success for s in self.stores), default="")

    def with_stores(self, stores: dict[str, KeywordStore]) -> Snapshot:
        """A new snapshot in which the keywords named by slug in ``stores`` are replaced."""
        return Snapshot(self.config, tuple(stores.get(s.keyword.slug, s) for s in self.stores))

    def all_papers(self) -> list[Paper]:
        """Every stored paper once, newest first: a paper can match several keywords."""
        by_id: dict[str, Paper] = {}
        for store in self.stores:
            for paper in store.papers:
                known = by_id.get(paper.id)
                if known is None or paper.version > known.version:
                    by_id[paper.id] = paper
        return sorted(by_id.values(), key=order_key(self.config.sort), reverse=True)
