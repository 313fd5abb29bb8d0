"""The paper tables inside README.md, between markers; the rest of the file is the user's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..files import write_atomic
from . import Snapshot, environment

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
    template = environment().get_template("readme.md.j2")
    yield START + "\n"
    yield from template.generate(
        sections=snapshot.sections,
        last_update=snapshot.last_update,
        max_papers=snapshot.config.max_papers,
        link=snapshot.config.link,
        sort=snapshot.config.sort,
    )
    yield END


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
