"""The JSON store: one file per keyword, newest papers first, identical bytes for identical data.

Merging is the only way papers enter or leave, and it never drops a stored paper except to keep
the newest ``max_papers``; a failed fetch merges nothing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import StoreError
from .files import write_atomic
from .models import Paper, SortKey

SCHEMA = 1
_PAPER_FIELDS = {f.name for f in fields(Paper)}


@dataclass
class Health:
    """Consecutive failed runs of a keyword, kept so the daily job can raise the alarm."""

    failures: int = 0
    since: str = ""
    error: str = ""


@dataclass
class TopicStore:
    keyword: str
    papers: list[Paper] = field(default_factory=list)
    last_success: str = ""
    health: Health = field(default_factory=Health)
    query: str = ""
    total_results: int | None = None

    def previous_total(self, query: str) -> int | None:
        """arXiv's count at the last successful run, if it counted this same query."""
        return self.total_results if self.query == query else None


@dataclass(frozen=True)
class MergeResult:
    papers: list[Paper]
    new: list[Paper]
    revised: list[Paper]


def order_key(sort: SortKey) -> Any:
    return lambda p: (p.date(sort), p.id)


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
    filled = {
        f.name: getattr(old, f.name)
        for f in fields(Paper)
        if not getattr(new, f.name) and getattr(old, f.name)
    }
    filled["first_seen"] = old.first_seen or new.first_seen
    return replace(new, **filled)


def paper_to_json(paper: Paper) -> dict[str, Any]:
    data = asdict(paper)
    data["authors"] = list(paper.authors)
    data["categories"] = list(paper.categories)
    return data


def paper_from_json(data: Any) -> Paper:
    if not isinstance(data, dict):
        raise ValueError("a paper must be an object")
    unknown = set(data) - _PAPER_FIELDS
    if unknown:
        raise ValueError(f"unknown paper field(s) {sorted(unknown)}")
    if not isinstance(data.get("id"), str) or not isinstance(data.get("version"), int):
        raise ValueError("a paper needs a text 'id' and a whole-number 'version'")
    values = dict(data)
    for key in ("authors", "categories"):
        items = values.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ValueError(f"'{key}' must be a list of text")
        values[key] = tuple(items)
    for key, value in values.items():
        if key not in ("authors", "categories", "version") and not isinstance(value, str):
            raise ValueError(f"'{key}' must be text")
    # Categories and first-seen days repeat across thousands of papers: share one copy each.
    values["categories"] = tuple(sys.intern(c) for c in values["categories"])
    for key in ("primary_category", "first_seen"):
        if key in values:
            values[key] = sys.intern(values[key])
    return Paper(**values)


def dumps(store: TopicStore) -> str:
    document = {
        "schema": SCHEMA,
        "keyword": store.keyword,
        "last_success": store.last_success,
        "health": asdict(store.health),
        "query": store.query,
        "total_results": store.total_results,
        "papers": [paper_to_json(p) for p in store.papers],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def loads(text: str, path: str) -> TopicStore:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StoreError(
            path, f"not valid JSON (line {exc.lineno}: {exc.msg}); left untouched"
        ) from None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise StoreError(path, f"not a dailypapers store of schema {SCHEMA}; left untouched")
    try:
        health = document.get("health") or {}
        papers = document.get("papers")
        if not isinstance(papers, list):
            raise ValueError("'papers' must be a list")
        total = document.get("total_results")
        if total is not None and (not isinstance(total, int) or isinstance(total, bool)):
            raise ValueError("'total_results' must be a whole number")
        return TopicStore(
            keyword=str(document.get("keyword", "")),
            papers=[paper_from_json(p) for p in papers],
            last_success=str(document.get("last_success", "")),
            health=Health(
                failures=int(health.get("failures", 0)),
                since=str(health.get("since", "")),
                error=str(health.get("error", "")),
            ),
            query=str(document.get("query", "")),
            total_results=total,
        )
    except (ValueError, TypeError, AttributeError) as exc:
        raise StoreError(path, f"unreadable store ({exc}); left untouched") from None


def store_path(data_dir: Path, slug: str) -> Path:
    return data_dir / f"{slug}.json"


def load(data_dir: Path, slug: str, keyword: str) -> TopicStore:
    path = store_path(data_dir, slug)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return TopicStore(keyword=keyword)
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(str(path), f"cannot read ({exc}); left untouched") from None
    store = loads(text, str(path))
    store.keyword = keyword
    return store


def save(data_dir: Path, slug: str, store: TopicStore) -> bool:
    return write_atomic(store_path(data_dir, slug), [dumps(store)])
