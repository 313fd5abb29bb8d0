"""The static web page: every keyword's papers, searchable, in one self-contained file.

Everything the page needs is inline (no CDN, no request), so it works from ``file://`` as well
as from GitHub Pages; a Content-Security-Policy admits only the page's own script.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..files import write_atomic
from . import Snapshot, environment, file_stem

PAGE = "index.html"


def page(snapshot: Snapshot) -> Iterator[str]:
    template = environment().get_template("index.html.j2")
    return template.generate(
        sections=snapshot.sections,
        last_update=snapshot.last_update,
        sort=snapshot.config.sort,
        total=sum(len(s.papers) for s in snapshot.sections),
        stem=file_stem,
    )


def write(snapshot: Snapshot, root: Path) -> list[Path]:
    path = root / PAGE
    return [path] if write_atomic(path, page(snapshot)) else []
