"""The JSON store on disk: one file per keyword, identical bytes for identical data.

Written atomically, so a crash leaves the old file or the new one; any file that does not hold
what we wrote is refused whole (exit 3) and left untouched for the user to inspect.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from ..config import Config, Keyword
from ..errors import StoreError
from ..fetch import Paper
from ..fileio import write_atomic
from .model import Health, KeywordStore, Snapshot

SCHEMA = 1
_PAPER_FIELDS = {f.name for f in fields(Paper)}


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


def dumps(store: KeywordStore) -> str:
    document = {
        "schema": SCHEMA,
        "keyword": store.keyword.name,
        "last_success": store.last_success,
        "health": asdict(store.health),
        "query": store.query,
        "total_results": store.total_results,
    }
    stored = {p.id for p in store.papers}
    pending = sorted(i for i in set(store.pending) if i in stored)
    if pending:
        # Only while something waits, so that stores written before this field, and stores
        # with nothing to announce, keep their bytes.
        document["pending"] = pending
    document["papers"] = [paper_to_json(p) for p in store.papers]
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def loads(text: str, path: str, keyword: Keyword) -> KeywordStore:
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
        pending = document.get("pending", [])
        if not isinstance(pending, list) or not all(isinstance(i, str) for i in pending):
            raise ValueError("'pending' must be a list of paper ids")
        return KeywordStore(
            keyword=keyword,
            papers=tuple(paper_from_json(p) for p in papers),
            last_success=str(document.get("last_success", "")),
            health=Health(
                failures=int(health.get("failures", 0)),
                since=str(health.get("since", "")),
                error=str(health.get("error", "")),
            ),
            query=str(document.get("query", "")),
            total_results=total,
            pending=tuple(sorted(set(pending))),
        )
    except (ValueError, TypeError, AttributeError) as exc:
        raise StoreError(path, f"unreadable store ({exc}); left untouched") from None


def store_path(data_dir: Path, slug: str) -> Path:
    return data_dir / f"{slug}.json"


def load(data_dir: Path, keyword: Keyword) -> KeywordStore:
    path = store_path(data_dir, keyword.slug)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return KeywordStore(keyword=keyword)
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(str(path), f"cannot read ({exc}); left untouched") from None
    return loads(text, str(path), keyword)


def save(data_dir: Path, store: KeywordStore) -> bool:
    return write_atomic(store_path(data_dir, store.keyword.slug), [dumps(store)])


def load_snapshot(config: Config, data_dir: Path) -> Snapshot:
    """Every keyword's store, each checked on load, so a corrupt file stops a run up front."""
    return Snapshot(config, tuple(load(data_dir, k) for k in config.keywords))
