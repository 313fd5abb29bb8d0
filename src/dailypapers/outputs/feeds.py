"""Atom 1.0 feeds, one per keyword plus ``all.xml``, for feed readers and Zotero.

Every date in a feed comes from the papers, never from the clock, so a run with nothing new
rewrites no feed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..fetch import ARXIV_BASE, Paper
from ..store import Snapshot
from .interface import ALL, Output, RenderJob, file_stem, write_folder
from .templating import template

FOLDER = "feeds"
EPOCH = "1970-01-01T00:00:00Z"
_RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
_DAY = re.compile(r"\d{4}-\d\d-\d\d")


def stamp(value: str) -> str:
    """An RFC 3339 timestamp from a stored date, or "" when it is not one (Atom insists)."""
    if _RFC3339.fullmatch(value):
        return value
    if _DAY.fullmatch(value):
        return f"{value}T00:00:00Z"
    return ""


def entry_updated(paper: Paper) -> str:
    return stamp(paper.updated) or stamp(paper.published) or stamp(paper.first_seen) or EPOCH


def entry_id(paper: Paper) -> str:
    """The versionless abs URL: a new version updates the reader's entry instead of adding one."""
    return f"{ARXIV_BASE}/abs/{paper.id}"


def feed(
    snapshot: Snapshot, title: str, slug: str, papers: list[Paper] | tuple[Paper, ...]
) -> Iterator[str]:
    newest = max((entry_updated(p) for p in papers), default="")
    return template("feed.xml.j2").generate(
        title=title,
        feed_id=f"urn:dailypapers:feed:{slug}",
        page=f"../index.html#{slug}" if slug != ALL else "../index.html",
        updated=newest or stamp(snapshot.last_update) or EPOCH,
        papers=papers,
    )


class FeedsOutput:
    """``site/feeds/<keyword>.xml`` and ``site/feeds/all.xml``."""

    name = "feeds"

    def write(self, job: RenderJob) -> list[Path]:
        snapshot = job.snapshot
        files = (
            (file_stem(s.keyword.slug), feed(snapshot, s.keyword.name, s.keyword.slug, s.papers))
            for s in snapshot.stores
        )
        combined = ((ALL, feed(snapshot, "All keywords", ALL, snapshot.all_papers())),)
        return write_folder(job.to.site / FOLDER, ".xml", (*files, *combined))


OUTPUT: Output = FeedsOutput()
