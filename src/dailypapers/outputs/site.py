"""The static web page: every keyword's papers, searchable, in one self-contained file.

Everything the page needs is inline (no CDN, no request), so it works from ``file://`` as well
as from GitHub Pages; a Content-Security-Policy admits only the page's own script.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path

from ..fileio import write_atomic
from ..store import Snapshot
from .escape import Safe
from .interface import Output, RenderJob, file_stem
from .templating import template, templates_dir

PAGE = "index.html"


@cache
def script() -> Safe:
    """The page's own script: ours, not arXiv's, so it goes into the page unescaped."""
    return Safe((templates_dir() / "page.js").read_text(encoding="utf-8"))


def page(snapshot: Snapshot) -> Iterator[str]:
    return template("index.html.j2").generate(
        stores=snapshot.stores,
        last_update=snapshot.last_update,
        sort=snapshot.config.sort,
        total=sum(len(s.papers) for s in snapshot.stores),
        stem=file_stem,
        script=script(),
    )


class SiteOutput:
    """``site/index.html``."""

    name = "site"

    def write(self, job: RenderJob) -> list[Path]:
        path = job.to.site / PAGE
        return [path] if write_atomic(path, page(job.snapshot)) else []


OUTPUT: Output = SiteOutput()
