"""The contract every output keeps: one render job in, the files whose bytes changed out.

An output is anything written from the store (README, feeds, BibTeX, page, issue body, job
summary, health issue). Each implements ``Output`` and is listed once in ``outputs.OUTPUTS``,
so the library entry point produces everything the CLI does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..fileio import write_atomic
from ..run import UpdateReport
from ..store import Snapshot

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
    data: Path | None = None
    """The store folder: its files' bytes tell the site which keywords changed since the last
    render. Without it every keyword is rendered again."""
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


class Output(Protocol):
    name: str

    def write(self, job: RenderJob) -> list[Path]:
        """Write this output for ``job``; return the files that changed or were removed."""
        ...


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
