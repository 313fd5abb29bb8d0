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
    since: str = ""  # the day of the first of those failures
    error: str = ""  # the last failure's message


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
class Summary:
    """What a store says about its keyword apart from the papers: all that most outputs need,
    small enough to keep for every keyword of a 500-keyword tracker at once."""

    last_success: str = ""
    health: Health = field(default_factory=Health)
    pending: tuple[str, ...] = ()
    """Ids of stored papers that wait for an issue (see ``KeywordStore.pending``)."""
    count: int = 0
    """How many papers the store holds."""

    @staticmethod
    def of(store: KeywordStore) -> Summary:
        return Summary(store.last_success, store.health, store.pending, len(store.papers))


@dataclass(frozen=True)
class StoreEntry:
    """One keyword of a snapshot: its summary at hand, its papers loaded only when asked for.

    A render of 500 keywords on a day when five changed must not parse the other 495 files;
    outputs call ``load`` only for what they render again.
    """

    keyword: Keyword
    load: Callable[[], KeywordStore]
    """The keyword's store, read and checked again on every call."""
    summary: Summary
    papers_fingerprint: str
    """A digest of the papers as saved (what tables and site show): equal digests, equal papers."""


@dataclass(frozen=True)
class Snapshot:
    """The whole store as of one moment, in keywords.yaml order: what every output renders."""

    config: Config
    entries: tuple[StoreEntry, ...]
