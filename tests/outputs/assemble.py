"""Whole outputs in memory or alone, built from the package's pieces: what only tests need.

The package writes every output through ``outputs.write_all``; these assemble one output the
same way, so a test can look at it without the others.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from dailypapers.outputs import Destinations, RenderJob, tables, write_all
from dailypapers.outputs import page as page_output
from dailypapers.outputs import readme as readme_output
from dailypapers.outputs.feeds import feed_parts
from dailypapers.outputs.fragments import Fragment, render_papers
from dailypapers.store import Snapshot


def write(snapshot: Snapshot, readme: Path) -> list[Path]:
    """The README and its complete tables alone, as ``write_all`` writes them."""
    to = Destinations(readme=readme, site=readme.parent / "site")
    return write_all(RenderJob(snapshot, to), (readme_output.OUTPUT,)).changed


def block(
    snapshot: Snapshot,
    table_rows: Sequence[Sequence[str]] | None = None,
    room: int = readme_output.BUDGET,
) -> str:
    """The README's generated block, with every keyword's rows in memory."""
    entries = snapshot.entries
    every = table_rows or [tables.rows(entry.load(), snapshot.config) for entry in entries]
    return readme_output.fitted(
        snapshot.config,
        [entry.keyword for entry in entries],
        max((entry.summary.last_success for entry in entries), default=""),
        [[len(row.encode("utf-8")) + 1 for row in rows] for rows in every],
        lambda i, n: every[i][:n],
        room,
    )


def page(snapshot: Snapshot) -> Iterator[str]:
    """The whole web page in memory; ``outputs.site`` writes the same pieces to disk."""
    sort = snapshot.config.sort
    stores = [entry.load() for entry in snapshot.entries]
    total = sum(len(s.papers) for s in stores)
    last_update = max((s.last_success for s in stores), default="")
    head, tail = page_output.shell([s.keyword for s in stores], last_update, total)
    yield head
    yield page_output.data_head(last_update)
    yield ",".join(
        page_output.keyword_data(s.keyword, render_papers(s.papers, sort)) for s in stores
    )
    yield page_output.data_tail()
    yield tail


def feed(title: str, slug: str, fragments: Sequence[Fragment], fallback: str) -> Iterator[str]:
    """One keyword's Atom document."""
    head, entries, tail = feed_parts(title, slug, fragments, fallback)
    yield head
    yield from entries
    yield tail
