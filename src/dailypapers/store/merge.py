"""Folding fetched papers into stored ones: the only way papers enter or leave the store.

It never drops a stored paper except to keep the newest ``max_papers``; a failed fetch merges
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace

from ..config import SortKey
from ..fetch import Paper
from .model import order_key


@dataclass(frozen=True)
class MergeResult:
    papers: list[Paper]
    new: list[Paper]
    revised: list[Paper]


def merge(
    stored: Iterable[Paper],
    incoming: Iterable[Paper],
    *,
    sort: SortKey,
    limit: int,
    today: str,
) -> MergeResult:
    """Fold fetched papers into stored ones by versionless id and keep the newest ``limit``.

    A paper is new only if its id was not stored; a newer version of a stored paper replaces it
    but keeps its first-seen date. An older version never overwrites a newer one.
    """
    by_id = {p.id: p for p in stored}
    fresh: dict[str, Paper] = {}
    revised: dict[str, Paper] = {}
    for paper in incoming:
        old = by_id.get(paper.id)
        if old is None:
            paper = replace(paper, first_seen=paper.first_seen or today)
            fresh[paper.id] = paper
        elif paper.version > old.version:
            paper = replace(paper, first_seen=old.first_seen or paper.first_seen or today)
            revised[paper.id] = paper
        elif paper.version == old.version:
            paper = _fill(paper, old)
            if paper == old:
                continue
        else:
            continue
        by_id[paper.id] = paper
    kept = sorted(by_id.values(), key=order_key(sort), reverse=True)[:limit]
    return MergeResult(
        papers=kept,
        new=[p for p in kept if p.id in fresh],
        revised=[p for p in kept if p.id in revised and p.id not in fresh],
    )


def _fill(new: Paper, old: Paper) -> Paper:
    """Same version seen again: take what the new copy carries, keep what it lacks.

    An import from an issue body has no abstract and a README has no authors; neither may erase
    what a richer source already stored. The first-seen date never moves.
    """
    filled = {f.name: getattr(old, f.name) for f in fields(Paper) if not getattr(new, f.name)}
    filled["first_seen"] = old.first_seen or new.first_seen
    return replace(new, **filled)
