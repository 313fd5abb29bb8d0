"""Keyword → arXiv ``search_query``. Phrases are always quoted; config forbids inner quotes."""

from __future__ import annotations

from ..config import Keyword
from ..config.taxonomy import ARCHIVES_WITH_SUBJECTS

FIELD_PREFIX = {"title": "ti", "abstract": "abs"}


def _any_phrase(phrases: tuple[str, ...], fields: tuple[str, ...]) -> str:
    terms = [f'{FIELD_PREFIX[f]}:"{p}"' for p in phrases for f in fields]
    return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"


def _category(category: str) -> str:
    if "." not in category and category in ARCHIVES_WITH_SUBJECTS:
        return f"cat:{category}.*"
    return f"cat:{category}"


def search_query(keyword: Keyword) -> str:
    """The query arXiv evaluates; exclusions happen there, never by re-filtering locally."""
    if keyword.query is not None:
        query = f"({keyword.query})"
    else:
        query = _any_phrase(keyword.phrases, keyword.fields)
    if keyword.categories:
        cats = [_category(c) for c in keyword.categories]
        query += " AND " + (cats[0] if len(cats) == 1 else "(" + " OR ".join(cats) + ")")
    if keyword.exclude:
        query += " ANDNOT " + _any_phrase(keyword.exclude, keyword.fields or ("title", "abstract"))
    return query
