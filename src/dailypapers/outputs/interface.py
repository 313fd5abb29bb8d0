"""The contract every output keeps: one render job in, the files whose bytes changed out.

An output is anything written from the store (README, feeds, BibTeX, page, issue body, job
summary, health issue). Each implements ``Output`` and is listed once in ``outputs.OUTPUTS``,
so the library entry point produces everything the CLI does.

Every output sees the keywords in one shared pass (``outputs.write_all``): a keyword's store is
loaded at most once, only if some output renders it again, and dropped before the next one, so
a render holds one keyword's papers at a time however many keywords there are. What an output
writes per keyword goes through ``Staging`` and lands only once every store has loaded, so a
corrupt store found halfway leaves every output as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..config import Config, Keyword
from ..fileio import Staging, write_atomic
from ..rank.ranking import Ranking
from ..run import UpdateReport
from ..store import KeywordStore, Snapshot, StoreEntry, Summary

ALL = "all"


@dataclass(frozen=True)
class Destinations:
    """Where each output goes; an output whose destination is None is not written."""

    readme: Path
    """The README whose generated block is replaced (the owner's text around it is kept)."""
    site: Path
    """The folder of the feeds, BibTeX files and web page."""
    digest: Path | None = None
    """The issue body listing a run's new papers (removed when nothing is new)."""
    digest_title: Path | None = None
    """The issue title that goes with ``digest``."""
    summary: Path | None = None
    """A Markdown report of the run, appended (``$GITHUB_STEP_SUMMARY``)."""
    health: Path | None = None
    """The body of the tracker-health issue (removed while nothing is failing)."""
    min_failures: int = 3
    """Runs in a row a keyword must have failed to appear in the health issue."""
    readme_url: str = ""
    """Where issue bodies link for the README; empty means the README's own path."""
    cache: Path | None = None
    """What the last render of ``site`` wrote (default: ``.<site>.render-cache`` beside it)."""
    tables_url: str = ""
    """Where issue bodies link for the complete tables (``papers/``); empty means the folder
    next to the README."""


@dataclass(frozen=True)
class RenderJob:
    """Everything an output may read."""

    snapshot: Snapshot
    to: Destinations
    report: UpdateReport | None = None
    """The run that produced ``snapshot``; None for a render without a run."""
    ranking: Ranking | None = None
    """Scores against the group's references; None without ``reference:`` (date order)."""


@dataclass
class RenderReport:
    """What one render did: the files it wrote and removed, and per output (``papers``,
    ``site``) the keywords whose files it rendered and those it reused as they were."""

    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    rendered: dict[str, list[str]] = field(default_factory=dict)
    reused: dict[str, list[str]] = field(default_factory=dict)

    @property
    def changed(self) -> list[Path]:
        return [*self.written, *self.removed]


class Visit:
    """One keyword as the pass hands it to every output: its store loaded at most once, and
    its key (``key.keyword_key``), which says whether its files may stay."""

    def __init__(self, entry: StoreEntry, key: str, report: RenderReport | None = None) -> None:
        self.entry, self.key = entry, key
        self.report = report or RenderReport()
        self._store: KeywordStore | None = None

    def tally(self, output: str, *, reused: bool) -> None:
        """Record that ``output`` reused this keyword's files, or rendered them."""
        kept = self.report.reused if reused else self.report.rendered
        kept.setdefault(output, []).append(self.keyword.slug)

    @property
    def keyword(self) -> Keyword:
        return self.entry.keyword

    @property
    def summary(self) -> Summary:
        return self.entry.summary

    def store(self) -> KeywordStore:
        if self._store is None:
            self._store = self.entry.load()
        return self._store


class Pass(Protocol):
    """An output during one render: told of each keyword in turn, then asked to finish."""

    def keyword(self, visit: Visit, staging: Staging) -> None:
        """Take in one keyword; files written now go through ``staging``."""
        ...

    def finish(self) -> list[Path]:
        """Write what needs every keyword; return the files that changed or were removed."""
        ...


class Begun(Protocol):
    """An output begun before the store is loaded, waiting for the render's job."""

    def start(self, job: RenderJob) -> Pass:
        """This output's part of the render of ``job``."""
        ...

    def close(self) -> None:
        """Let go of what ``begin`` or the pass took (a worker thread or process, open files)
        when no ``start`` follows (the store could not be loaded) or the render stops."""
        ...


class Output(Protocol):
    name: str

    def begin(self, config: Config, to: Destinations) -> Begun:
        """Begin what needs only the configuration and the destinations, before the store is
        loaded: reading and hashing the files a render may reuse is most of a render that
        reuses, and it runs in another thread while the store loads."""
        ...


class _Later:
    """What ``BeginsLater.begin`` returns: the output's ``start``, and nothing to let go of."""

    def __init__(self, start: Callable[[RenderJob], Pass]) -> None:
        self.start = start

    def close(self) -> None:
        pass


class BeginsLater:
    """Base of an output with nothing to do before the store is loaded: its ``begin`` only hands
    back its ``start``."""

    def begin(self, config: Config, to: Destinations) -> Begun:
        return _Later(self.start)

    def start(self, job: RenderJob) -> Pass:
        raise NotImplementedError


class AtEnd:
    """A pass for an output that needs nothing per keyword: it only writes when all is done."""

    def __init__(self, finish: Callable[[], list[Path]]) -> None:
        self._finish = finish

    def keyword(self, visit: Visit, staging: Staging) -> None:
        pass

    def finish(self) -> list[Path]:
        return self._finish()


NOTHING_PER_KEYWORD = AtEnd(list)
"""The pass of an output that has nothing to write for this render."""


def file_stem(slug: str) -> str:
    """A keyword's file name in site/feeds and site/bib, never the combined ``all`` file's.

    Slugs never contain ``_``, so the renamed one cannot meet another keyword's.
    """
    return "all_keyword" if slug == ALL else slug


def write_or_remove(path: Path, content: str | None) -> list[Path]:
    """Write ``content`` to ``path``, or remove ``path`` when there is none (no stale body)."""
    if content is None:
        if path.exists():
            path.unlink()
            return [path]
        return []
    return [path] if write_atomic(path, [content]) else []
