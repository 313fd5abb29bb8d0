"""The paper tables inside README.md, between markers; the rest of the file is the user's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..fileio import write_atomic
from ..store import Snapshot
from .interface import Output, RenderJob
from .templating import template

START = "<!-- dailypapers:start -->"
END = "<!-- dailypapers:end -->"


def split(existing: str) -> tuple[str, str]:
    """Text before and after the generated block; without markers, the block goes at the end."""
    start = existing.find(START)
    end = existing.find(END, start + len(START)) if start >= 0 else -1
    if start < 0 or end < 0:
        if existing and not existing.endswith("\n"):
            existing += "\n"
        return (existing + ("\n" if existing else ""), "\n")
    return existing[:start], existing[end + len(END) :]


def block(snapshot: Snapshot) -> Iterator[str]:
    yield START + "\n"
    yield from template("readme.md.j2").generate(
        stores=snapshot.stores,
        last_update=snapshot.last_update,
        max_papers=snapshot.config.max_papers,
        link=snapshot.config.link,
        sort=snapshot.config.sort,
        code=snapshot.config.code_column,
    )
    yield END


class ReadmeOutput:
    """The paper tables between the markers of README.md."""

    name = "readme"

    def write(self, job: RenderJob) -> list[Path]:
        return write(job.snapshot, job.to.readme)


OUTPUT: Output = ReadmeOutput()


def write(snapshot: Snapshot, readme: Path) -> list[Path]:
    try:
        existing = readme.read_bytes().decode("utf-8")
    except FileNotFoundError:
        existing = ""
    before, after = split(existing)
    del existing
    changed = write_atomic(readme, _chain(before, block(snapshot), after))
    return [readme] if changed else []


def _chain(before: str, middle: Iterator[str], after: str) -> Iterator[str]:
    yield before
    yield from middle
    yield after
